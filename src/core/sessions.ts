// Sessions as the rest of pocket sees them, whatever runs them (a tmux pane now; SDK agents later), and the
// use cases the bot and the IPC server call. The bot never talks to tmux directly: it goes through these.
import type { StateSignal } from './activity.js';
import type { HookDecision, HookRequestEnd, HookSignal } from './agent-hooks.js';
import type { AgentStep, AgentUsage } from './agents.js';
import type { PromptAnswer } from './output/prompt-rules.js';
import type { ScreenSnapshot } from './screen.js';
import type { SessionKind, SessionState } from './status.js';
import type { TabInfo } from './terminal-tabs.js';

/** What is persisted about a session in .state/sessions.json. */
export interface SessionRecord {
  /** Stable id, never reused (`s1`, `s2`, ...): bindings and callback data refer to it. */
  id: string;
  name: string;
  alias: string | null;
  kind: SessionKind;
  /** tmux pane id (`%12`) for tmux sessions; the tab's tty (`/dev/ttys003`) for Terminal.app tabs (kind terminal). */
  paneId: string;
  /** The command it was started with (or the pane's command when adopted). */
  command: string;
  /** True when pocket adopted a pane it did not start (/attach): killing it then kills only the pane. */
  adopted: boolean;
  createdAt: string;
  /** The forum topic of this session, when the bot runs in a forum chat. */
  topicId: number | null;
  muted: boolean;
  exitCode: number | null;
  exitedAt: string | null;
  /** The random part of the pane's identity mark (core/pane-mark.ts); absent in records saved before marks. */
  nonce?: string;
  /** /shell sessions only: ISO time at which the daemon kills it if it still runs. */
  deadlineAt?: string;
  /** What an SDK-backed session (kind codex / claude) needs to continue after a restart; absent for tmux sessions. */
  agent?: AgentRecord;
}

/** The persisted part of an agent session: where it works and the agent's own id of the conversation. */
export interface AgentRecord {
  cwd: string;
  /** Codex thread id / Claude session id; null until the first turn reported it. */
  agentSessionId: string | null;
  /** The next turn continues agentSessionId as a copy (resumed while it may still be open at the desk). */
  fork: boolean;
  /** Tools allowed "for this session" from Telegram: asked again, allowed without a message, after a restart too. */
  allowedTools?: string[];
}

/** How the latest turn of an agent session went, for its card. */
export type AgentTurnStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** The live part of an agent session: the latest turn's steps and how it ended. */
export interface AgentLive {
  turn: {
    status: AgentTurnStatus;
    steps: AgentStep[];
    /** The tail of the answer being written, while it runs. */
    textTail: string;
    usage: AgentUsage | null;
    /** Why it failed, when it did. */
    reason: string | null;
  } | null;
  /** Messages waiting for the running turn to end. */
  queued: number;
}

export interface PromptView {
  ruleId: string;
  question: string;
  answers: PromptAnswer[];
  /** A password prompt: never offer answers through buttons. */
  secret: boolean;
  /** The program that holds the terminal when it is an editor or a pager (vim, less). */
  program?: string;
}

/** A session with its live state, as shown by /sessions, status cards and `pocket status`. */
export interface SessionView extends SessionRecord {
  state: SessionState;
  lastActivityAt: string | null;
  /** The prompt it waits at, when state is 'waiting'. */
  prompt: PromptView | null;
  /**
   * The visible screen, while a full-screen program (vim, less, top: the terminal's alternate screen) runs: it
   * redraws in place and completes no lines, so the screen is all there is to show. Absent otherwise.
   */
  screen?: FullScreen;
  /** The latest turn of an agent session; absent for tmux sessions. */
  agentLive?: AgentLive;
  /** A tmux session's: whether its state came from the agent's hook or from pocket reading the pane. */
  signal?: StateSignal;
}

export interface FullScreen {
  /** The visible rows, trailing blank rows dropped. */
  lines: string[];
  /** The row of the cursor (0 at the top): where the program is, the line being edited or its prompt. */
  cursorRow: number;
}

/** `gone`: at start, the session's pane was no longer its own (a tmux restart, a reboot); it is marked exited. */
export type AlertKind = 'exited' | 'idle' | 'waiting' | 'gone';

export type SessionEvent =
  | { type: 'created'; session: SessionView }
  | { type: 'removed'; sessionId: string }
  /** New completed lines of cleaned output (and the live screen tail for cards). */
  | { type: 'output'; sessionId: string; lines: string[]; at: number }
  | { type: 'state'; session: SessionView; previous: SessionState; at: number }
  /** Something worth a notification: once per episode. */
  | { type: 'alert'; session: SessionView; kind: AlertKind; at: number }
  | { type: 'updated'; session: SessionView }
  /** A PermissionRequest hook's request ended (agent-hooks.ts): its alert says how. */
  | { type: 'hook-request-ended'; sessionId: string; requestId: string; end: HookRequestEnd; at: number };

export interface SessionSummary {
  session: SessionView;
  runtimeS: number;
  errorLines: string[];
  lastLines: string[];
}

export interface AdoptablePane {
  paneId: string;
  target: string;
  command: string;
  cwd: string;
}

/** The operations on sessions. Every method validates its input and throws PocketError with a hint. */
export interface SessionUseCases {
  list(): SessionView[];
  /** Panes on the tmux server that no session tracks yet. */
  adoptable(): Promise<AdoptablePane[]>;
  /** By name or alias, or by id; throws SESSION_NOT_FOUND. */
  resolve(nameOrAlias: string): SessionView;
  get(sessionId: string): SessionView | undefined;
  create(name: string, command?: string): Promise<SessionView>;
  /** /shell: COMMAND in the login shell in a new `sh-N` session with a time limit; throws SHELL_DISABLED when off. */
  runShell(command: string): Promise<SessionView>;
  /** Adopts a tmux pane (`%12`, `work:1.0`) or a Terminal.app tab by its tty (`ttys003`, `/dev/ttys003`). */
  attach(target: string, name?: string): Promise<SessionView>;
  /** Terminal.app tabs no session mirrors yet; throws TERMINAL_APP_UNAVAILABLE where there is no Terminal.app. */
  adoptableTabs(): Promise<TabInfo[]>;
  /** Types text literally and presses Enter (unless enter is false). */
  sendText(sessionId: string, text: string, options?: { enter?: boolean }): Promise<void>;
  sendKeys(sessionId: string, keys: readonly string[]): Promise<void>;
  /** Last n lines of cleaned output. */
  tail(sessionId: string, lines: number): Promise<string[]>;
  /** The visible screen, for full-screen programs and cards. */
  screen(sessionId: string): Promise<string[]>;
  /**
   * The visible screen cell by cell with colours, for /screen; null for a session without a terminal (an SDK agent).
   * Not redacted: whoever shows it redacts it (core/screen.ts, redactScreen).
   */
  snapshot(sessionId: string): Promise<ScreenSnapshot | null>;
  summary(sessionId: string): Promise<SessionSummary>;
  setAlias(sessionId: string, alias: string): Promise<SessionView>;
  kill(sessionId: string): Promise<void>;
  setTopic(sessionId: string, topicId: number | null): Promise<void>;
  setMuted(sessionId: string, muted: boolean): Promise<void>;
  /** An agent's own hook fired in the session's pane (`pocket hook`, agent-hooks.ts). */
  hook(sessionId: string, signal: HookSignal): void;
  /** A decision from the chat on a hook's waiting request; false when it is no longer open. */
  decideHook(sessionId: string, requestId: string, decision: HookDecision, by: string): boolean;
  /** Every event, in order. Returns an unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
}

/**
 * What runs agent sessions (daemon/agents/), as the session service sees it: their live state, text sent to them
 * (IPC, /send), and their end. Registered once at composition; tmux sessions never reach it.
 */
export interface AgentDriver {
  live(sessionId: string): (LiveFacts & { agentLive: AgentLive }) | undefined;
  /** Text for the session: starts a turn, or queues behind the running one. */
  sendText(sessionId: string, text: string): Promise<{ ahead: number }>;
  /** The lines of the latest turn's steps, for /tail and /summary. */
  lines(sessionId: string): string[];
  /** Cancels a running turn and forgets the session's runtime (kill). */
  end(sessionId: string): Promise<void>;
}

/** What a running session's live reading knows beyond its record. */
export interface LiveFacts {
  state: SessionState;
  /** Epoch milliseconds of the last output or input; null before any. */
  lastActivityAt: number | null;
  prompt: PromptView | null;
  /** The screen while a full-screen program runs (alternate screen), else null. */
  fullScreen: FullScreen | null;
  /** Where the state came from: the agent's own hook (agent-hooks.ts) or pocket reading the pane. */
  signal?: StateSignal;
}

/**
 * A record as shown: its live state when it is read, 'idle' when not (yet); an exited session is 'exited', shows no
 * prompt, and reports its exit as last activity when nothing was seen since the restart.
 */
export function sessionView(record: SessionRecord, live: (LiveFacts & { agentLive?: AgentLive }) | undefined): SessionView {
  const lastActivity = live?.lastActivityAt ?? null;
  return {
    ...record,
    ...(record.agent === undefined ? {} : { agentLive: live?.agentLive ?? { turn: null, queued: 0 } }),
    state: record.exitedAt !== null ? 'exited' : (live?.state ?? 'idle'),
    lastActivityAt: lastActivity === null ? record.exitedAt : new Date(lastActivity).toISOString(),
    prompt: record.exitedAt === null ? (live?.prompt ?? null) : null,
    ...(record.exitedAt === null && live?.fullScreen ? { screen: live.fullScreen } : {}),
    ...(live?.signal === undefined ? {} : { signal: live.signal }),
  };
}
