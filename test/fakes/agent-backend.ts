// A scripted, in-process AgentBackend for tests of agent sessions: each turn runs the next script the test queued
// (or the default: answer "echo: PROMPT"), with the handlers and abort signal the session gave it. Every turn's
// context and input are recorded, so a test can check what the agent was given (conversation id, fork, env, images).
import { existsSync, readFileSync } from 'node:fs';
import type {
  AgentAvailability, AgentBackend, AgentExchange, AgentInput, AgentKind, AgentTurnContext, AgentTurnHandlers,
  AgentTurnResult, RecentAgentSession,
} from '../../src/core/agents.js';

export interface TurnCall {
  context: AgentTurnContext;
  input: AgentInput;
  /** Image bytes as they were when the turn began (the files are deleted after the turn). */
  imageBytes: Buffer[];
  handlers: AgentTurnHandlers;
  signal: AbortSignal;
}

export type TurnScript = (turn: TurnCall) => Promise<AgentTurnResult>;

export class FakeAgentBackend implements AgentBackend {
  readonly turns: TurnCall[] = [];
  readonly scripts: TurnScript[] = [];
  availabilityAnswer: AgentAvailability = { ok: true, executable: '/fake/bin/agent', version: '1.0.0' };
  recentSessions: RecentAgentSession[] = [];
  exchanges = new Map<string, AgentExchange>();
  closed = 0;
  availabilityChecks = 0;
  /** Each started turn, for tests that wait for one. */
  private readonly turnWaiters: Array<{ index: number; resolve: (turn: TurnCall) => void }> = [];

  constructor(readonly kind: AgentKind) {}

  /** Queues the script of the next turn. */
  next(script: TurnScript): this {
    this.scripts.push(script);
    return this;
  }

  /** Resolves when turn number `index` (0-based) has started. */
  turn(index: number): Promise<TurnCall> {
    const started = this.turns[index];
    if (started !== undefined) return Promise.resolve(started);
    return new Promise((resolve) => this.turnWaiters.push({ index, resolve }));
  }

  async availability(): Promise<AgentAvailability> {
    this.availabilityChecks++;
    return this.availabilityAnswer;
  }

  async runTurn(context: AgentTurnContext, input: AgentInput, handlers: AgentTurnHandlers, signal: AbortSignal): Promise<AgentTurnResult> {
    const imageBytes = input.images.filter((i) => existsSync(i.path)).map((i) => readFileSync(i.path));
    const call: TurnCall = { context, input, imageBytes, handlers, signal };
    this.turns.push(call);
    for (const waiter of this.turnWaiters.filter((w) => w.index === this.turns.length - 1)) waiter.resolve(call);
    const script = this.scripts.shift() ?? echo;
    return script(call);
  }

  async listRecent(cwd: string, limit: number): Promise<RecentAgentSession[]> {
    return this.recentSessions.filter((r) => r.cwd === cwd).slice(0, limit);
  }

  async lastExchange(agentSessionId: string): Promise<AgentExchange | null> {
    return this.exchanges.get(agentSessionId) ?? null;
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

/** The default turn: names a conversation (when new) and answers with the prompt. */
export const echo: TurnScript = async ({ context, input, handlers }) => {
  if (context.agentSessionId === null) handlers.onEvent({ type: 'session', agentSessionId: 'conv-1' });
  return { outcome: 'completed', text: `echo: ${input.text}`, usage: null, changedFiles: [], diff: null };
};

/** Resolves when the signal aborts (a turn that runs until cancelled). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A promise the test settles when it wants (a step that waits for the test). */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
