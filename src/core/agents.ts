// SDK-backed coding agents (Claude through @anthropic-ai/claude-agent-sdk, Codex through `codex app-server`) as the
// rest of pocket sees them. A backend (src/agents/<kind>/) turns one agent's protocol into these plain events and
// requests; the daemon's agent sessions decide what the chat sees. Plain data only: no SDK types cross this line,
// so the SDKs stay optional packages and tests can drive a session with a hand-written backend.

export type AgentKind = 'codex' | 'claude';

/** An image the user sent (a Telegram photo saved under the home's .state/), given to the agent as input. */
export interface AgentImage {
  path: string;
  mimeType: string;
}

export interface AgentInput {
  text: string;
  images: AgentImage[];
}

/** Where and how a turn runs. */
export interface AgentTurnContext {
  /** The folder the agent works in (POCKET_AGENT_CWD or the folder given in the command). */
  cwd: string;
  /** The agent's own id of the conversation (Codex thread id, Claude session id); null for a new one. */
  agentSessionId: string | null;
  /** Continue agentSessionId as a copy, leaving the original untouched (it may still be open at the desk). */
  fork: boolean;
  /** Only what the agent needs: its own API key variables, PATH, HOME. Never pocket's secrets. */
  env: Record<string, string>;
}

export type AgentStepStatus = 'running' | 'done' | 'failed' | 'declined';

/** One thing the agent does during a turn, shown on the session's card. `id` updates a step in place. */
export type AgentStep =
  | { kind: 'command'; id: string; command: string; status: AgentStepStatus; exitCode: number | null }
  | { kind: 'file'; id: string; path: string; change: 'add' | 'update' | 'delete'; status: AgentStepStatus }
  | { kind: 'tool'; id: string; name: string; summary: string; status: AgentStepStatus }
  | { kind: 'todo'; id: string; items: { text: string; done: boolean }[] }
  | { kind: 'reasoning'; id: string; headline: string };

export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  /** In US dollars, where the SDK reports it (Claude does; Codex does not). */
  costUsd: number | null;
}

export type AgentEvent =
  /** The agent's id of the conversation is known: persist it at once (a restart continues it). */
  | { type: 'session'; agentSessionId: string }
  | { type: 'step'; step: AgentStep }
  /** Part of the answer being written; the card may show its tail, the final answer comes in 'result'. */
  | { type: 'text'; delta: string };

/** How a turn ended. Errors are results too: the session stays usable after any of them. */
export type AgentTurnResult =
  | {
      outcome: 'completed';
      /** The final answer, markdown-ish plain text as the agent wrote it. */
      text: string;
      usage: AgentUsage | null;
      /** Files the turn changed, with a unified diff of all of them when the backend can tell. */
      changedFiles: string[];
      diff: string | null;
    }
  | { outcome: 'cancelled' }
  /** reason is one sentence a person can act on (missing credentials, the model API is down, the agent crashed). */
  | { outcome: 'failed'; reason: string };

/** Something only a person can decide; the turn waits for the answer. */
/**
 * What "Allow for this session" allows, as a key: Claude's by tool name (`Bash`: every later command, the SDK's own
 * notion of a tool); Codex's commands one by one, as Codex itself accepts "for session" only the same command again
 * (allowing every later command after `ls` would let `rm -rf` by unasked); Codex's file changes by kind.
 */
export function allowanceKey(kind: AgentKind, request: { tool: string; command: string | null }): string {
  return kind === 'codex' && request.command !== null ? `${request.tool}: ${request.command}` : request.tool;
}

export type AgentRequest =
  | {
      type: 'approval';
      /** The tool or action ('Bash', 'Write', 'command', 'file change'). */
      tool: string;
      /** The command to run, when it is one. */
      command: string | null;
      /** The file it touches, when it is one. */
      path: string | null;
      /** A diff preview of a file change, when there is one. */
      diff: string | null;
      /** Why the agent asks, when it says. */
      reason: string | null;
    }
  | {
      type: 'question';
      questions: {
        header: string;
        question: string;
        options: { label: string; description: string }[];
        multiSelect: boolean;
      }[];
    };

export type ApprovalDecision = 'allow' | 'deny' | 'allow-session';

export type AgentAnswer =
  | { type: 'approval'; decision: ApprovalDecision; reason?: string }
  /** One answer per question, in order: an option's label or free text. */
  | { type: 'question'; answers: string[] }
  /** Nobody answered in time, or the turn was cancelled: the backend refuses and goes on. */
  | { type: 'timeout' };

export interface AgentTurnHandlers {
  onEvent(event: AgentEvent): void;
  /** Resolves with the person's answer (or a timeout); the backend waits for it before the agent goes on. */
  onRequest(request: AgentRequest): Promise<AgentAnswer>;
}

/** A conversation found in the agent's own store (~/.claude, ~/.codex), also those started in a terminal. */
export interface RecentAgentSession {
  kind: AgentKind;
  agentSessionId: string;
  cwd: string;
  firstPrompt: string;
  /** Epoch ms of the transcript's last change: changed in the last minutes means it may still be open at the desk. */
  updatedAt: number;
}

export interface AgentExchange {
  prompt: string;
  answer: string;
}

export type AgentAvailability =
  | { ok: true; executable: string; version: string | null }
  /** install is the exact command that makes it available. */
  | { ok: false; reason: string; install: string };

export interface AgentBackend {
  readonly kind: AgentKind;
  /** Whether the SDK / executable can be loaded here, and where it is. Cheap enough for `pocket doctor`. */
  availability(): Promise<AgentAvailability>;
  /** Runs one turn to its end. Never throws for agent failures: they are a 'failed' result. Abort cancels. */
  runTurn(
    context: AgentTurnContext,
    input: AgentInput,
    handlers: AgentTurnHandlers,
    signal: AbortSignal,
  ): Promise<AgentTurnResult>;
  /** Recent conversations of cwd in the agent's own store, newest first. */
  listRecent(cwd: string, limit: number): Promise<RecentAgentSession[]>;
  /** The last prompt and answer of a stored conversation, shown first when it is resumed; null when unknown. */
  lastExchange(agentSessionId: string): Promise<AgentExchange | null>;
  /** Ends child processes the backend keeps (Codex's app-server) at daemon stop. */
  close(): Promise<void>;
}
