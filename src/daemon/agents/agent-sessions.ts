// Agent sessions (codex, claude) in the daemon: runs their turns through the backends, one at a time per session
// (core/agent-sessions.ts decides the queue and the state), keeps the latest turn's steps for the card, holds the
// requests that wait for a person (with a deadline: an approval nobody answers is refused, never left hanging), and
// persists the agent's conversation id the moment it is known, so a restart continues the same conversation.
// Records live in the session service's registry (one list of names, ids and topics for every kind of session).
import {
  type AgentSessionEvent, type AgentStart, type AgentUseCases, type TurnQueue,
  agentSessionState, appendTextTail, applyStep, cancelTurn, emptyQueue, finishTurn, requestClosed,
  requestOpened, submitInput,
} from '../../core/agent-sessions.js';
import { DECISION_TEXT, stepLine } from '../../core/agent-cards.js';
import type {
  AgentAnswer, AgentAvailability, AgentBackend, AgentEvent, AgentInput, AgentKind, AgentRequest, AgentStep, AgentTurnResult,
  RecentAgentSession,
} from '../../core/agents.js';
import { PocketError } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import { type Clock, type DaemonService, type Logger, systemClock } from '../../core/ports.js';
import type { AgentDriver, AgentLive, LiveFacts, SessionView } from '../../core/sessions.js';
import { agentFolder } from './agent-folder.js';
import { PendingRequests } from './pending-requests.js';
import { newImagePath, prepareImagesDir, removeImages } from './agent-images.js';
import { freeAgentName, recentConversations, type ResumeDeps, type Resumed, resumeConversation } from './agent-resume.js';
import { SessionAllowances } from './session-allowances.js';
import type { SessionService } from '../sessions/service.js';

/**
 * A working agent is not checked again for this long: its check starts a process (`codex --version` took up to 2 s
 * under load here), which every message would otherwise wait for. One removed meanwhile fails its turn with the reason.
 */
const AVAILABLE_FOR_MS = 5 * 60_000;

/** An approval or question nobody answers is refused after this long (PRODUCT.md: "denied after a timeout"). */
export const APPROVAL_TIMEOUT_MS = 10 * 60_000;

export interface AgentSessionsOptions {
  sessions: SessionService;
  backends: Partial<Record<AgentKind, AgentBackend>>;
  /** The environment each agent's processes get (built from allow-lists: core/agent-env.ts, the backend's own). */
  env: Record<AgentKind, Record<string, string>>;
  /** POCKET_AGENT_CWD, or HOME. */
  defaultCwd: string;
  /** Where photos for agents wait for their turn (.state/agent-images). */
  imagesDir: string;
  log: Logger;
  clock?: Clock;
  /** How long a request waits for a person; tests shorten it. */
  approvalTimeoutMs?: number;
  /**
   * The daemon's redactor (compose.ts): the steps are redacted before lines() cuts them (/tail, /summary), or a token
   * at the cut keeps a piece too short for its shape. None: tests that read no text.
   */
  redactor?: Redactor;
}

interface Runtime {
  queue: TurnQueue;
  controller: AbortController | null;
  live: AgentLive;
  lastActivityAt: number | null;
  /** The running turn, so kill and stop can wait for it to end. */
  running: Promise<void> | null;
  /** The last write of the conversation id: a turn is reported ended only once its id is on disk. */
  persisted: Promise<void>;
  /** Killed: its turn's end is not reported (the session is being removed). */
  ending: boolean;
}

const NOT_INSTALLED: Record<AgentKind, string> = { codex: 'Codex', claude: 'Claude' };

export class AgentSessions implements AgentUseCases, AgentDriver, DaemonService {
  readonly name = 'agents';
  readonly #options: AgentSessionsOptions & { clock: Clock; approvalTimeoutMs: number };
  readonly #runtimes = new Map<string, Runtime>();
  readonly #requests: PendingRequests;
  readonly #allowances: SessionAllowances;
  readonly #listeners = new Set<(event: AgentSessionEvent) => void>();
  /** When each agent was last found working: checked again only after AVAILABLE_FOR_MS. */
  readonly #workedAt = new Map<AgentKind, { at: number; availability: AgentAvailability }>();

  constructor(options: AgentSessionsOptions) {
    this.#options = { clock: systemClock, approvalTimeoutMs: APPROVAL_TIMEOUT_MS, ...options };
    this.#requests = new PendingRequests(() => this.#options.approvalTimeoutMs);
    this.#allowances = new SessionAllowances(options.sessions, options.log);
    options.sessions.connectAgents(this);
  }

  async start(): Promise<void> {
    prepareImagesDir(this.#options.imagesDir);
  }

  /** Cancels every running turn and waits for them to end, then lets the backends end their processes. */
  async stop(): Promise<void> {
    for (const runtime of this.#runtimes.values()) runtime.controller?.abort();
    await Promise.all([...this.#runtimes.values()].map((r) => r.running));
    await Promise.all(Object.values(this.#options.backends).map((b) => b.close().catch((error: unknown) => {
      this.#options.log.warn('agents.close_failed', { kind: b.kind, error });
    })));
  }

  async availability(kind: AgentKind): Promise<AgentAvailability> {
    const backend = this.#options.backends[kind];
    if (backend === undefined) return { ok: false, reason: `this daemon runs no ${kind} backend`, install: 'pocket doctor' };
    const now = this.#options.clock.now();
    const known = this.#workedAt.get(kind);
    if (known !== undefined && now - known.at < AVAILABLE_FOR_MS) return known.availability;
    try {
      const availability = await backend.availability();
      // Only a working agent is remembered: one installed after a refusal works at the next message.
      if (availability.ok) this.#workedAt.set(kind, { at: now, availability });
      else this.#workedAt.delete(kind);
      return availability;
    } catch (error) {
      return { ok: false, reason: `checking ${kind} failed: ${message(error)}`, install: 'pocket doctor' };
    }
  }

  async startSession(start: AgentStart): Promise<SessionView> {
    const { sessions } = this.#options;
    let view: SessionView;
    try {
      await this.#backendOrExplain(start.kind);
      const cwd = agentFolder(start.folder, this.#options.defaultCwd);
      view = await sessions.createAgent(start.kind, freeAgentName(sessions, start.kind), { cwd, agentSessionId: null, fork: false });
    } catch (error) {
      // Its photos were for the session's first turn: refused, they are deleted, not kept (send does the same).
      removeImages(start.input);
      throw error;
    }
    if (hasContent(start.input)) await this.send(view.id, start.input);
    return sessions.get(view.id) ?? view;
  }

  /** Queues input for a session's agent; its photos are deleted after the turn that reads them, or now when refused. */
  async send(sessionId: string, input: AgentInput): Promise<{ ahead: number }> {
    try {
      const view = this.#agentSession(sessionId);
      await this.#backendOrExplain(view.kind as AgentKind);
      if (!hasContent(input)) throw new PocketError('INVALID_INPUT', 'Nothing to send: the message has no text.');
      const runtime = this.#runtime(view.id);
      const before = agentSessionState(runtime.queue);
      const submitted = submitInput(runtime.queue, input);
      runtime.queue = submitted.queue;
      runtime.live = { ...runtime.live, queued: runtime.queue.waiting.length };
      runtime.lastActivityAt = this.#options.clock.now();
      if (submitted.start !== null) this.#begin(view.id, submitted.start);
      this.#options.sessions.agentChanged(view.id, before);
      return { ahead: submitted.ahead };
    } catch (error) {
      removeImages(input);
      throw error;
    }
  }

  async sendText(sessionId: string, text: string): Promise<{ ahead: number }> {
    return this.send(sessionId, { text, images: [] });
  }

  async cancel(sessionId: string): Promise<{ wasRunning: boolean; dropped: number }> {
    const view = this.#agentSession(sessionId);
    const runtime = this.#runtime(view.id);
    const cancelled = cancelTurn(runtime.queue);
    for (const input of runtime.queue.waiting) removeImages(input);
    runtime.queue = cancelled.queue;
    runtime.live = { ...runtime.live, queued: 0 };
    runtime.controller?.abort();
    this.#requests.settleAllOf(view.id, { type: 'timeout' }, { kind: 'cancelled' });
    this.#options.sessions.agentChanged(view.id);
    this.#options.log.info('agents.cancelled', { sessionId: view.id, wasRunning: cancelled.wasRunning, dropped: cancelled.dropped });
    return { wasRunning: cancelled.wasRunning, dropped: cancelled.dropped };
  }

  recent(kind: AgentKind | undefined, limit: number): Promise<RecentAgentSession[]> {
    return recentConversations(this.#resumeDeps(), kind, limit);
  }

  resume(kind: AgentKind, agentSessionId: string): Promise<Resumed> {
    return resumeConversation(this.#resumeDeps(), kind, agentSessionId);
  }

  #resumeDeps(): ResumeDeps {
    const { sessions, backends, defaultCwd, clock, log } = this.#options;
    return { sessions, backends, defaultCwd, clock, log, availability: (k) => this.availability(k), backendOrExplain: (k) => this.#backendOrExplain(k) };
  }

  answer(requestId: string, answer: AgentAnswer, by: string): boolean {
    const open = this.#requests.get(requestId);
    if (open === undefined) return false;
    if (answer.type === 'approval' && answer.decision === 'allow-session' && open.request.type === 'approval') {
      this.#allowances.allow(open.sessionId, open.request);
    }
    const text = answer.type === 'approval' ? DECISION_TEXT[answer.decision] : answer.type === 'question' ? answer.answers.join(', ') : 'refused';
    return this.#requests.settle(requestId, answer, { kind: 'answered', by, answer: text });
  }

  openRequest(requestId: string): { sessionId: string; request: AgentRequest } | undefined {
    return this.#requests.get(requestId);
  }

  imagePath(extension: string): string {
    return newImagePath(this.#options.imagesDir, extension);
  }

  subscribe(listener: (event: AgentSessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // AgentDriver: what the session service asks of agent sessions.

  live(sessionId: string): (LiveFacts & { agentLive: AgentLive }) | undefined {
    const runtime = this.#runtimes.get(sessionId);
    if (runtime === undefined) return undefined;
    return { state: agentSessionState(runtime.queue), lastActivityAt: runtime.lastActivityAt, prompt: null, fullScreen: null, agentLive: runtime.live };
  }

  lines(sessionId: string): string[] {
    const turn = this.#runtimes.get(sessionId)?.live.turn;
    if (turn === undefined || turn === null) return [];
    const { redactor } = this.#options;
    return turn.steps.flatMap((step) => stepLine(redactor === undefined ? step : redactor.value(step) as AgentStep).split('\n'));
  }

  async end(sessionId: string): Promise<void> {
    this.#allowances.forget(sessionId);
    const runtime = this.#runtimes.get(sessionId);
    if (runtime === undefined) return;
    runtime.ending = true;
    await this.cancel(sessionId).catch(() => undefined);
    await runtime.running;
    this.#runtimes.delete(sessionId);
  }

  #begin(sessionId: string, input: AgentInput): void {
    const runtime = this.#runtime(sessionId);
    const turn = this.#runTurn(sessionId, input).catch((error: unknown) => {
      this.#options.log.error('agents.turn_crashed', { sessionId, error });
    });
    runtime.running = turn;
  }

  async #runTurn(sessionId: string, input: AgentInput): Promise<void> {
    const { sessions, log } = this.#options;
    const runtime = this.#runtime(sessionId);
    const controller = new AbortController();
    runtime.controller = controller;
    runtime.live = { turn: { status: 'running', steps: [], textTail: '', usage: null, reason: null }, queued: runtime.queue.waiting.length };
    sessions.agentChanged(sessionId);
    const view = sessions.get(sessionId);
    const kind = view?.kind as AgentKind;
    const backend = this.#options.backends[kind];
    let result: AgentTurnResult;
    const startedAt = this.#options.clock.now();
    try {
      if (view?.agent === undefined || backend === undefined) throw new Error(`no ${kind} backend`);
      result = await backend.runTurn(
        { cwd: view.agent.cwd, agentSessionId: view.agent.agentSessionId, fork: view.agent.fork, env: this.#options.env[kind] },
        input,
        { onEvent: (event) => this.#onEvent(sessionId, event), onRequest: (request) => this.#onRequest(sessionId, request, controller.signal) },
        controller.signal,
      );
    } catch (error) {
      // A backend must not throw for the agent's failures; one that does still ends this turn, not the session.
      result = { outcome: 'failed', reason: `the ${kind} backend failed: ${message(error)}` };
    } finally {
      removeImages(input);
    }
    if (controller.signal.aborted && result.outcome === 'completed') result = { outcome: 'cancelled' };
    await runtime.persisted;
    this.#requests.settleAllOf(sessionId, { type: 'timeout' }, { kind: 'cancelled' });
    log.info('agents.turn_ended', { sessionId, outcome: result.outcome, ms: this.#options.clock.now() - startedAt });
    if (!this.#runtimes.has(sessionId) || runtime.ending) return;
    const before = agentSessionState(runtime.queue);
    const turn = runtime.live.turn!;
    runtime.live = {
      ...runtime.live,
      turn: {
        ...turn,
        status: result.outcome,
        textTail: '',
        usage: result.outcome === 'completed' ? result.usage : null,
        reason: result.outcome === 'failed' ? result.reason : null,
      },
    };
    runtime.controller = null;
    runtime.lastActivityAt = this.#options.clock.now();
    const finished = finishTurn(runtime.queue);
    runtime.queue = finished.queue;
    runtime.live = { ...runtime.live, queued: runtime.queue.waiting.length };
    this.#emit({ type: 'turn-ended', sessionId, result });
    if (finished.next !== null) this.#begin(sessionId, finished.next);
    sessions.agentChanged(sessionId, before);
  }

  #onEvent(sessionId: string, event: AgentEvent): void {
    const runtime = this.#runtimes.get(sessionId);
    const turn = runtime?.live.turn;
    if (runtime === undefined || turn == null) return;
    runtime.lastActivityAt = this.#options.clock.now();
    if (event.type === 'session') {
      // Persisted at once: a daemon stopped mid-turn continues this conversation, not a new one.
      runtime.persisted = runtime.persisted
        .then(() => this.#options.sessions.updateAgent(sessionId, { agentSessionId: event.agentSessionId, fork: false }))
        .catch((error: unknown) => {
          this.#options.log.error('agents.persist_failed', { sessionId, error });
        });
      return;
    }
    runtime.live = {
      ...runtime.live,
      turn: event.type === 'step' ? { ...turn, steps: applyStep(turn.steps, event.step) } : { ...turn, textTail: appendTextTail(turn.textTail, event.delta) },
    };
    this.#options.sessions.agentChanged(sessionId);
  }

  #onRequest(sessionId: string, request: AgentRequest, signal: AbortSignal): Promise<AgentAnswer> {
    const runtime = this.#runtime(sessionId);
    if (signal.aborted) return Promise.resolve({ type: 'timeout' });
    if (request.type === 'approval' && this.#allowances.has(sessionId, request)) {
      return Promise.resolve({ type: 'approval', decision: 'allow-session' });
    }
    const before = agentSessionState(runtime.queue);
    runtime.queue = requestOpened(runtime.queue);
    return this.#requests.open(sessionId, request, {
      opened: (requestId) => {
        this.#emit({ type: 'request', sessionId, requestId, request });
        this.#options.sessions.agentChanged(sessionId, before);
      },
      settled: (requestId, settlement) => {
        const was = agentSessionState(runtime.queue);
        runtime.queue = requestClosed(runtime.queue);
        this.#options.log.info('agents.request_settled', { sessionId, requestId, how: settlement.kind });
        this.#emit({ type: 'request-settled', sessionId, requestId, settlement });
        this.#options.sessions.agentChanged(sessionId, was);
      },
    });
  }

  async #backendOrExplain(kind: AgentKind): Promise<AgentBackend> {
    const availability = await this.availability(kind);
    const backend = this.#options.backends[kind];
    if (!availability.ok || backend === undefined) {
      const reason = availability.ok ? 'not built in' : availability.reason;
      const install = availability.ok ? 'pocket doctor' : availability.install;
      // A reason may end a sentence already (it can quote an agent's own `--version` error): one full stop, not two.
      throw new PocketError('AGENT_UNAVAILABLE', `${NOT_INSTALLED[kind]} is not available on this machine: ${reason.replace(/\.+$/, '')}.`, {
        hint: `Install it there with: ${install}`,
      });
    }
    return backend;
  }

  #agentSession(sessionId: string): SessionView {
    const view = this.#options.sessions.get(sessionId);
    if (view === undefined) throw new PocketError('SESSION_NOT_FOUND', `Session ${sessionId} no longer exists.`, { hint: '/sessions lists them.' });
    if (view.agent === undefined) {
      throw new PocketError('INVALID_INPUT', `${view.name} is a tmux session, not an agent session.`, { hint: '/claude or /codex starts one.' });
    }
    return view;
  }

  #runtime(sessionId: string): Runtime {
    let runtime = this.#runtimes.get(sessionId);
    if (runtime === undefined) {
      runtime = {
        queue: emptyQueue(), controller: null, live: { turn: null, queued: 0 }, lastActivityAt: null,
        running: null, persisted: Promise.resolve(), ending: false,
      };
      this.#runtimes.set(sessionId, runtime);
    }
    return runtime;
  }

  #emit(event: AgentSessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.log.error('agents.listener_failed', { type: event.type, error });
      }
    }
  }
}

function hasContent(input: AgentInput): boolean {
  return input.text.trim() !== '' || input.images.length > 0;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
