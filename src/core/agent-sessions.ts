// What an SDK-backed agent session decides, as plain data: its turn queue (one turn at a time; messages during a
// turn wait, in order), its state as every session shows it (running / waiting / idle), and how a turn's steps are
// kept for its card (updated in place by id). The daemon (daemon/agents/) does the I/O around these.
import type {
  AgentAnswer, AgentAvailability, AgentExchange, AgentInput, AgentKind, AgentRequest, AgentStep, AgentTurnResult,
  RecentAgentSession,
} from './agents.js';
import type { SessionView } from './sessions.js';
import type { SessionState } from './status.js';

export interface TurnQueue {
  /** A turn runs now. */
  running: boolean;
  /** Requests of the running turn waiting for a person (approvals, questions). */
  openRequests: number;
  /** Inputs waiting for the running turn to end, oldest first. */
  waiting: AgentInput[];
}

export function emptyQueue(): TurnQueue {
  return { running: false, openRequests: 0, waiting: [] };
}

/** An input arrives: it starts a turn now, or waits behind `ahead` others (the running turn counts as one). */
export function submitInput(queue: TurnQueue, input: AgentInput): { queue: TurnQueue; start: AgentInput | null; ahead: number } {
  if (!queue.running) return { queue: { ...queue, running: true, openRequests: 0 }, start: input, ahead: 0 };
  return { queue: { ...queue, waiting: [...queue.waiting, input] }, start: null, ahead: 1 + queue.waiting.length };
}

/** The running turn ended (any outcome): the oldest waiting input starts next, or the session is idle. */
export function finishTurn(queue: TurnQueue): { queue: TurnQueue; next: AgentInput | null } {
  const [next, ...rest] = queue.waiting;
  if (next === undefined) return { queue: emptyQueue(), next: null };
  return { queue: { running: true, openRequests: 0, waiting: rest }, next };
}

/** /cancel: the running turn is aborted and what waited behind it is dropped (the person said stop). */
export function cancelTurn(queue: TurnQueue): { queue: TurnQueue; dropped: number; wasRunning: boolean } {
  return { queue: { ...queue, waiting: [] }, dropped: queue.waiting.length, wasRunning: queue.running };
}

export function requestOpened(queue: TurnQueue): TurnQueue {
  return { ...queue, openRequests: queue.openRequests + 1 };
}

export function requestClosed(queue: TurnQueue): TurnQueue {
  return { ...queue, openRequests: Math.max(0, queue.openRequests - 1) };
}

/** Waiting while a request waits for the person, running while a turn runs, idle otherwise. */
export function agentSessionState(queue: TurnQueue): SessionState {
  if (queue.running && queue.openRequests > 0) return 'waiting';
  return queue.running ? 'running' : 'idle';
}

/** A long turn's card keeps its newest steps: older ones are summarised as a count. */
export const MAX_STEPS = 40;

/** A step replaces the one with its id (a command that finished), or is added; the oldest go past MAX_STEPS. */
export function applyStep(steps: readonly AgentStep[], step: AgentStep): AgentStep[] {
  const at = steps.findIndex((s) => s.id === step.id && s.kind === step.kind);
  const next = at === -1 ? [...steps, step] : steps.map((s, i) => (i === at ? step : s));
  return next.length > MAX_STEPS ? next.slice(next.length - MAX_STEPS) : next;
}

/** The answer being written, as the card shows it: the last characters only. */
export function appendTextTail(tail: string, delta: string, max = 300): string {
  const joined = tail + delta;
  return joined.length <= max ? joined : joined.slice(joined.length - max);
}

/** The name of a new agent session: `claude`, then `claude-2`, ... (first free one). */
export function agentSessionName(kind: string, taken: (name: string) => boolean): string {
  if (!taken(kind)) return kind;
  for (let n = 2; ; n++) if (!taken(`${kind}-${n}`)) return `${kind}-${n}`;
}

/** A conversation whose transcript changed this recently may still be open at the desk: resumed as a fork. */
export const RECENTLY_CHANGED_MS = 5 * 60_000;

export function isRecentlyChanged(updatedAt: number, now: number): boolean {
  return now - updatedAt < RECENTLY_CHANGED_MS;
}

/** How a request ended: a person answered (`answer` is what the message says they chose), nobody did, or the turn ended first. */
export type RequestSettlement =
  | { kind: 'answered'; by: string; answer: string }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'cancelled' };

/** What the chat hears about agent sessions beyond their cards. */
export type AgentSessionEvent =
  | { type: 'request'; sessionId: string; requestId: string; request: AgentRequest }
  | { type: 'request-settled'; sessionId: string; requestId: string; settlement: RequestSettlement }
  | { type: 'turn-ended'; sessionId: string; result: AgentTurnResult };

/** Where a new agent session starts and with what. */
export interface AgentStart {
  kind: AgentKind;
  /** A folder the user named (`~` allowed); absent: POCKET_AGENT_CWD or HOME. */
  folder?: string | undefined;
  input: AgentInput;
}

/** The agent use cases the bot calls; every method validates and throws PocketError with a hint. */
export interface AgentUseCases {
  availability(kind: AgentKind): Promise<AgentAvailability>;
  /** A new session; its first turn starts when input has text or images. Throws AGENT_UNAVAILABLE with the install command. */
  startSession(start: AgentStart): Promise<SessionView>;
  /** Continues a session: a turn now, or queued behind `ahead` others. */
  send(sessionId: string, input: AgentInput): Promise<{ ahead: number }>;
  /** Aborts the running turn; what was queued behind it is dropped. */
  cancel(sessionId: string): Promise<{ wasRunning: boolean; dropped: number }>;
  /** Recent conversations of the agent folder in the agents' own stores, newest first (both kinds when none is named). */
  recent(kind: AgentKind | undefined, limit: number): Promise<RecentAgentSession[]>;
  /** Continues a stored conversation as a pocket session (an existing one for it is reused). */
  resume(kind: AgentKind, agentSessionId: string): Promise<{ session: SessionView; last: AgentExchange | null; fork: boolean; reused: boolean }>;
  /** A person's answer to an open request; false when it was settled already (timed out, answered, turn over). */
  answer(requestId: string, answer: AgentAnswer, by: string): boolean;
  /** The session an open request belongs to and the request itself, while it is open. */
  openRequest(requestId: string): { sessionId: string; request: AgentRequest } | undefined;
  /** Where a photo for the agent is saved (0600), under the home; deleted after the turn that used it. */
  imagePath(extension: string): string;
  subscribe(listener: (event: AgentSessionEvent) => void): () => void;
}
