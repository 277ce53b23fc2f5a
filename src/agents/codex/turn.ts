// One Codex turn over a running app-server: open the thread (start, resume or fork), start the turn, turn what the
// server streams into pocket's events, carry its approval and question requests to the person, and end with exactly
// one result. Every way a turn can end is a result, never a throw or a hang:
//   turn/completed          completed, failed (the turn's error) or cancelled (after our interrupt)
//   the signal aborts       turn/interrupt, then cancelled once codex confirms or interruptGraceMs passed
//   the app-server exits    failed, naming its exit status and last stderr lines
//   silence after a refusal codex 0.169.0 sent no turn/completed for 40 s after a declined command (0.171.0 goes on
//                           at once): when nothing new starts within declineStallMs of the refusal, the turn is
//                           interrupted and ends as completed with what the agent wrote so far, or a sentence saying
//                           it stopped after the refusal.
import type {
  AgentAnswer,
  AgentInput,
  AgentRequest,
  AgentTurnContext,
  AgentTurnHandlers,
  AgentTurnResult,
  AgentUsage,
} from '../../core/agents.js';
import type { CodexAppServer, ThreadListener } from './app-server.js';
import { displayPath, filesInDiff, stepsOf, todoStep } from './items.js';
import { RpcError, type RpcServerRequest } from './json-rpc-child.js';
import { isRefusal, planRequest } from './requests.js';
import type {
  FileUpdateChange,
  SandboxMode,
  ThreadItem,
  ThreadResponse,
  ThreadTokenUsage,
  Turn,
  TurnError,
  TurnPlanStep,
  TurnStartResponse,
  UserInput,
} from './protocol.js';

export interface TurnOptions {
  sandbox: SandboxMode;
  /** After pocket declines, how long codex may stay silent before the turn is interrupted. */
  declineStallMs: number;
  /** After turn/interrupt, how long to wait for codex's turn/completed before ending the turn anyway. */
  interruptGraceMs: number;
}

export const STOPPED_AFTER_REFUSAL = 'Codex stopped after the refusal without another word; the turn was ended.';

// Notifications that show codex working on something new: an item starting, or any streamed delta.
const MOVED_ON = /^item\/started$|[dD]elta$/;

// Asks for every escalation (a command outside the sandbox, a write it does not allow) instead of refusing it.
const APPROVAL_POLICY = 'on-request';

export async function runCodexTurn(
  server: CodexAppServer,
  context: AgentTurnContext,
  input: AgentInput,
  handlers: AgentTurnHandlers,
  signal: AbortSignal,
  options: TurnOptions,
): Promise<AgentTurnResult> {
  if (signal.aborted) return { outcome: 'cancelled' };
  let threadId: string;
  try {
    threadId = await openThread(server, context, options.sandbox);
  } catch (error) {
    return { outcome: 'failed', reason: openFailure(context, error) };
  }
  handlers.onEvent({ type: 'session', agentSessionId: threadId });
  if (signal.aborted) return { outcome: 'cancelled' };

  const watch = new TurnWatch(server, threadId, context.cwd, handlers, options);
  const stopListening = server.listen(threadId, watch);
  const onAbort = (): void => watch.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      const started = await server.request<TurnStartResponse>('turn/start', { threadId, input: userInput(input) });
      watch.started(started.turn.id);
    } catch (error) {
      watch.finish({ outcome: 'failed', reason: `Codex did not start the turn: ${rpcFailure(error)}` });
    }
    return await watch.result;
  } finally {
    signal.removeEventListener('abort', onAbort);
    watch.dispose();
    stopListening();
  }
}

async function openThread(server: CodexAppServer, context: AgentTurnContext, sandbox: SandboxMode): Promise<string> {
  const settings = { cwd: context.cwd, approvalPolicy: APPROVAL_POLICY, sandbox };
  if (context.agentSessionId === null) {
    return (await server.request<ThreadResponse>('thread/start', settings)).thread.id;
  }
  // excludeTurns: the history stays with codex; pocket needs only the id.
  const method = context.fork ? 'thread/fork' : 'thread/resume';
  const params = { threadId: context.agentSessionId, ...settings, excludeTurns: true };
  return (await server.request<ThreadResponse>(method, params)).thread.id;
}

// codex-cli 0.171.0's refusal to resume a thread another codex process has loaded (its TUI, another app-server).
const HELD_ELSEWHERE = /already has an active writer/;

function openFailure(context: AgentTurnContext, error: unknown): string {
  if (context.agentSessionId === null) return `Codex could not start a thread: ${rpcFailure(error)}`;
  if (!context.fork && HELD_ELSEWHERE.test(rpcFailure(error))) {
    return `Codex thread ${context.agentSessionId} is open in another Codex process (a terminal at the desk?): continue it as a fork, or close it there first.`;
  }
  const verb = context.fork ? 'fork' : 'continue';
  return `Codex could not ${verb} thread ${context.agentSessionId}: ${rpcFailure(error)}`;
}

function rpcFailure(error: unknown): string {
  if (error instanceof RpcError && error.kind === 'exited') return `the app-server stopped (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

export function userInput(input: AgentInput): UserInput[] {
  const items: UserInput[] = [];
  if (input.text !== '') items.push({ type: 'text', text: input.text, text_elements: [] });
  for (const image of input.images) items.push({ type: 'localImage', path: image.path });
  return items;
}

/** One sentence for a failed turn, by the cause codex reports. */
export function describeTurnError(error: TurnError | null): string {
  if (error === null) return 'Codex ended the turn as failed without saying why.';
  const details = error.additionalDetails ? ` (${error.additionalDetails})` : '';
  const said = `${error.message.replace(/\.$/, '')}${details}`;
  const info = error.codexErrorInfo;
  const cause = typeof info === 'string' ? info : info !== null && typeof info === 'object' ? Object.keys(info)[0] : undefined;
  switch (cause) {
    case 'unauthorized':
      return `The model API refused Codex's credentials: ${said}. Sign in with \`codex login\` or set OPENAI_API_KEY.`;
    case 'httpConnectionFailed':
    case 'responseStreamConnectionFailed':
    case 'responseStreamDisconnected':
    case 'responseTooManyFailedAttempts':
    case 'serverOverloaded':
    case 'internalServerError':
      return `Codex could not get an answer from the model API: ${said}.`;
    case 'usageLimitExceeded':
    case 'rateLimitExceeded':
    case 'sessionBudgetExceeded':
      return `The model API's limits stopped Codex: ${said}.`;
    case 'contextWindowExceeded':
      return `The conversation no longer fits the model's context window: ${said}. Start a new Codex session.`;
    default:
      return `Codex failed: ${said}.`;
  }
}

class TurnWatch implements ThreadListener {
  readonly result: Promise<AgentTurnResult>;
  #resolve: (result: AgentTurnResult) => void = () => {};
  #done = false;
  #turnId: string | null = null;
  #cancelRequested = false;
  #stalled = false;
  #stallTimer: NodeJS.Timeout | null = null;
  #graceTimer: NodeJS.Timeout | null = null;
  #waitingOnPerson = 0;
  #lastAgentText: string | null = null;
  #streamedText = '';
  #lastError: TurnError | null = null;
  #diff: string | null = null;
  readonly #changedPaths: string[] = [];
  readonly #proposedChanges = new Map<string, FileUpdateChange[]>();
  #usageBaseline: ThreadTokenUsage['total'] | null = null;
  #usageLatest: ThreadTokenUsage['total'] | null = null;

  constructor(
    private readonly server: CodexAppServer,
    private readonly threadId: string,
    private readonly cwd: string,
    private readonly handlers: AgentTurnHandlers,
    private readonly options: TurnOptions,
  ) {
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  started(turnId: string): void {
    this.#turnId ??= turnId;
    // Cancelled while turn/start was on its way: now there is a turn to interrupt.
    if (this.#cancelRequested) this.#interrupt();
  }

  cancel(): void {
    if (this.#done || this.#cancelRequested) return;
    this.#cancelRequested = true;
    if (this.#turnId !== null) this.#interrupt();
  }

  finish(result: AgentTurnResult): void {
    if (this.#done) return;
    this.#done = true;
    this.dispose();
    this.#resolve(result);
  }

  dispose(): void {
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#stallTimer = null;
    this.#graceTimer = null;
  }

  onExit(reason: string): void {
    if (this.#cancelRequested) {
      this.finish({ outcome: 'cancelled' });
      return;
    }
    this.finish({ outcome: 'failed', reason: `Codex stopped in the middle of the turn: ${reason}.` });
  }

  onNotification(method: string, params: Record<string, unknown>): void {
    if (this.#done) return;
    const turn = params.turn as Turn | undefined;
    const turnId = typeof params.turnId === 'string' ? params.turnId : typeof turn?.id === 'string' ? turn.id : null;
    // Late traffic of an earlier turn on this thread (an interrupt codex confirmed only now) is not this turn's. Ours
    // is known from turn/started, which codex sends before anything else of the turn; turn/start's answer may be
    // read only after lines that followed it.
    if (turnId !== null && method !== 'turn/started' && turnId !== this.#turnId) return;
    if (this.#stallTimer) {
      // Something new after the refusal (not the refused item's own completion): codex went on, and a long quiet
      // command later in the turn is no stall.
      if (MOVED_ON.test(method)) {
        clearTimeout(this.#stallTimer);
        this.#stallTimer = null;
      } else {
        this.#armStallTimer();
      }
    }
    switch (method) {
      case 'turn/started':
        this.#turnId ??= turnId;
        if (this.#cancelRequested) this.#interrupt();
        return;
      case 'item/started':
        this.#item(params.item as ThreadItem, false);
        return;
      case 'item/completed':
        this.#item(params.item as ThreadItem, true);
        return;
      case 'item/agentMessage/delta':
        this.#streamedText += String(params.delta ?? '');
        this.handlers.onEvent({ type: 'text', delta: String(params.delta ?? '') });
        return;
      case 'turn/plan/updated':
        this.handlers.onEvent({ type: 'step', step: todoStep(this.#turnId ?? this.threadId, params.plan as TurnPlanStep[]) });
        return;
      case 'turn/diff/updated':
        this.#diff = String(params.diff ?? '') || null;
        return;
      case 'thread/tokenUsage/updated': {
        const usage = params.tokenUsage as ThreadTokenUsage;
        // The thread's total before this turn is the first report's total minus that call's own use; this turn's
        // use is the latest total minus that, right even if a report repeats.
        this.#usageBaseline ??= {
          inputTokens: usage.total.inputTokens - usage.last.inputTokens,
          outputTokens: usage.total.outputTokens - usage.last.outputTokens,
        };
        this.#usageLatest = usage.total;
        return;
      }
      case 'error':
        if (params.willRetry !== true) this.#lastError = params.error as TurnError;
        return;
      case 'turn/completed':
        if (turn) this.#completed(turn);
        return;
    }
  }

  onServerRequest(request: RpcServerRequest): void {
    const params = (request.params ?? {}) as Record<string, unknown>;
    const plan = planRequest(request.method, params, this.cwd, (itemId) => this.#proposedChanges.get(itemId) ?? []);
    if (plan.kind === 'ask') this.#ask(request, plan.question, plan.reply);
    else if (plan.kind === 'respond') this.server.respond(request.id, plan.result);
    else this.server.refuse(request.id, plan.message);
  }

  #item(item: ThreadItem, completed: boolean): void {
    if (item.type === 'fileChange') {
      if (!completed) this.#proposedChanges.set(item.id, item.changes);
      if (completed && item.status === 'completed') {
        for (const change of item.changes) {
          const path = displayPath(change.path, this.cwd);
          if (!this.#changedPaths.includes(path)) this.#changedPaths.push(path);
        }
      }
    }
    if (item.type === 'agentMessage' && completed) this.#lastAgentText = item.text;
    // A reasoning summary and a web search have their content only once complete.
    if (!completed && (item.type === 'reasoning' || item.type === 'webSearch')) return;
    for (const step of stepsOf(item, this.cwd)) this.handlers.onEvent({ type: 'step', step });
  }

  #ask(request: RpcServerRequest, question: AgentRequest, reply: (answer: AgentAnswer) => unknown): void {
    this.#waitingOnPerson += 1;
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
    this.handlers
      .onRequest(question)
      // A handler that fails cannot have said yes.
      .catch((): AgentAnswer => ({ type: 'timeout' }))
      .then((answer) => {
        this.#waitingOnPerson -= 1;
        const result = reply(answer);
        this.server.respond(request.id, result);
        const refused = isRefusal(result) || answer.type === 'timeout';
        if (refused && !this.#done && this.#waitingOnPerson === 0) this.#armStallTimer();
      });
  }

  #armStallTimer(): void {
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = null;
      if (this.#done || this.#waitingOnPerson > 0) return;
      this.#stalled = true;
      this.#interrupt();
    }, this.options.declineStallMs);
  }

  #interrupt(): void {
    if (this.#turnId === null || this.#graceTimer) return;
    this.server.request('turn/interrupt', { threadId: this.threadId, turnId: this.#turnId }).catch(() => {
      // Nothing to interrupt any more, or the server is gone: the grace timer or onExit ends the turn.
    });
    this.#graceTimer = setTimeout(() => this.#endInterrupted(), this.options.interruptGraceMs);
  }

  #endInterrupted(): void {
    if (this.#cancelRequested) {
      this.finish({ outcome: 'cancelled' });
      return;
    }
    if (this.#stalled) {
      this.finish(this.#completedResult(STOPPED_AFTER_REFUSAL));
      return;
    }
    this.finish({ outcome: 'failed', reason: 'Codex interrupted the turn.' });
  }

  #completed(turn: Turn): void {
    if (turn.status === 'interrupted') {
      this.#endInterrupted();
      return;
    }
    if (turn.status === 'failed') {
      this.finish({ outcome: 'failed', reason: describeTurnError(turn.error ?? this.#lastError) });
      return;
    }
    this.finish(this.#completedResult(null, turn));
  }

  #completedResult(fallback: string | null, turn?: Turn): AgentTurnResult {
    const fromTurn = turn?.items.filter((item) => item.type === 'agentMessage').at(-1);
    const text =
      this.#lastAgentText ?? (fromTurn?.type === 'agentMessage' ? fromTurn.text : null) ?? (this.#streamedText || fallback || '');
    const changedFiles = this.#diff === null ? [...this.#changedPaths] : mergeUnique(filesInDiff(this.#diff), this.#changedPaths);
    return { outcome: 'completed', text, usage: this.#usage(), changedFiles, diff: this.#diff };
  }

  #usage(): AgentUsage | null {
    if (this.#usageLatest === null || this.#usageBaseline === null) return null;
    return {
      inputTokens: this.#usageLatest.inputTokens - this.#usageBaseline.inputTokens,
      outputTokens: this.#usageLatest.outputTokens - this.#usageBaseline.outputTokens,
      costUsd: null,
    };
  }
}

function mergeUnique(first: string[], second: string[]): string[] {
  return [...first, ...second.filter((path) => !first.includes(path))];
}
