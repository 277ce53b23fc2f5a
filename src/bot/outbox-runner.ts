// Runs the outbox policy (src/core/outbox.ts) against real time: one timer for the next deadline, never a busy
// loop; a send per item; the result fed back. Callers get a promise per item that always resolves, with how the
// item left the outbox, so a fire-and-forget card edit can never become an unhandled rejection. A reply merged into
// another resolves with that message's outcome; a send that found nothing to change returns UNCHANGED and costs no
// budget.
import { isPocketError, type PocketError } from '../core/errors.js';
import { type OutboxItem, OutboxPolicy, type OutboxStats, type Queued, type SendResult, type Settlement } from '../core/outbox.js';
import { type Clock, systemClock } from '../core/ports.js';
import { Redactor } from '../core/redact.js';
import { classifyApiError, toTelegramApiError } from './api-errors.js';

/** What `send` returns when the message already shows this content: nothing was sent, no budget spent. */
export const UNCHANGED: unique symbol = Symbol('unchanged');

export type Outcome<R> =
  | { status: 'sent'; value: R }
  | { status: 'unchanged' }
  | { status: 'superseded' | 'dropped'; reason: string }
  /** The error is a PocketError whose message is already redacted: safe to log and show. */
  | { status: 'failed'; reason: string; error: PocketError };

export interface OutboxRunnerOptions<P, R> {
  send: (item: Queued<P>) => Promise<R | typeof UNCHANGED>;
  policy?: OutboxPolicy<P>;
  clock?: Clock;
  /** Cleans failure reasons (default: bot tokens and the secret shapes only). */
  redactor?: Redactor;
  /** Called for every item that leaves without being sent: the place to log drops and failures. */
  onUnsent?: (settlement: Settlement<P>) => void;
  /** A send is tried again: after a 429 (`rate_limited`) or a network or server error. For the cockpit's counts. */
  onRetry?: (why: 'rate_limited' | 'transient') => void;
  /** The queue may have changed (an item queued, sent, settled): the cockpit's outbox length and age. */
  onChange?: () => void;
}

interface Waiter<R> {
  resolve: (outcome: Outcome<R>) => void;
  value?: R;
  error?: PocketError;
}

const MAX_BACKOFF_S = 30;

export class OutboxRunner<P, R> {
  private readonly policy: OutboxPolicy<P>;
  private readonly clock: Clock;
  /** By item id; a reply merged into another keeps its waiter here and is resolved with its carrier (its riders). */
  private readonly waiters = new Map<number, Waiter<R>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private idleListeners: Array<() => void> = [];

  private readonly redactor: Redactor;

  constructor(private readonly options: OutboxRunnerOptions<P, R>) {
    this.redactor = options.redactor ?? new Redactor();
    this.policy = options.policy ?? new OutboxPolicy<P>();
    this.clock = options.clock ?? systemClock;
  }

  get stats(): Readonly<OutboxStats> {
    return this.policy.stats;
  }

  /** Epoch ms the oldest waiting item was queued; null when none waits. */
  get oldestPendingAt(): number | null {
    return this.policy.oldestPendingAt();
  }

  /** Items waiting for their turn (not counting those in flight). */
  get pendingCount(): number {
    return this.policy.pendingCount;
  }

  enqueue(item: OutboxItem<P>): Promise<Outcome<R>> {
    if (this.stopped) return Promise.resolve({ status: 'dropped', reason: 'outbox stopped' });
    const { queued, settled } = this.policy.enqueue(item, this.clock.now());
    const promise = new Promise<Outcome<R>>((resolve) => this.waiters.set(queued.id, { resolve }));
    for (const s of settled) this.finish(s);
    this.pump();
    return promise;
  }

  /**
   * Graceful shutdown: waits until everything pending is sent and nothing is in flight, or timeoutMs passes; then
   * reports what is left as dropped. Sends still in flight at the deadline are counted, not awaited.
   */
  async flush(timeoutMs: number): Promise<{ complete: boolean; dropped: number; inFlight: number }> {
    if (!this.idle()) {
      let deadline: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.idleListeners.push(resolve);
        deadline = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(deadline);
    }
    const complete = this.idle();
    const leftovers = this.policy.drain(`not sent within the ${timeoutMs} ms shutdown window`);
    for (const s of leftovers) this.finish(s);
    return { complete, dropped: leftovers.length, inFlight: this.policy.inFlightCount };
  }

  /** Stops sending: pending items resolve as dropped, later enqueues too. In-flight sends still resolve. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    for (const s of this.policy.drain('outbox stopped')) this.finish(s);
    this.notifyIdle();
  }

  private pump(): void {
    if (this.stopped) return;
    this.options.onChange?.();
    for (;;) {
      const now = this.clock.now();
      const step = this.policy.next(now);
      if (step === null) {
        this.clearTimer();
        this.notifyIdle();
        return;
      }
      if ('waitUntil' in step) {
        this.armTimer(step.waitUntil, now);
        return;
      }
      void this.dispatch(step.item);
    }
  }

  private async dispatch(item: Queued<P>): Promise<void> {
    let result: SendResult;
    let lastError: unknown;
    const waiter = this.waiters.get(item.id);
    try {
      const value = await this.options.send(item);
      if (value === UNCHANGED) result = { kind: 'unchanged' };
      else {
        if (waiter !== undefined) waiter.value = value;
        result = { kind: 'ok' };
      }
    } catch (err) {
      lastError = err;
      result = this.toResult(err, item);
      if (waiter !== undefined) waiter.error = isPocketError(err) ? err : toTelegramApiError('send', err, this.redactor);
    }
    const settled = this.policy.onResult(item, result, this.clock.now());
    if (settled !== null) this.finish(settled);
    else if (result.kind === 'retry_after') this.options.onRetry?.(classifyApiError(lastError).kind === 'retry_after' ? 'rate_limited' : 'transient');
    if (this.stopped) for (const s of this.policy.drain('outbox stopped')) this.finish(s);
    this.pump();
  }

  private toResult(err: unknown, item: Queued<P>): SendResult {
    const info = classifyApiError(err);
    if (info.kind === 'retry_after') return { kind: 'retry_after', seconds: info.seconds };
    // Transient: back off exponentially; the policy's maxAttempts bounds the retries.
    if (info.kind === 'network' || info.kind === 'server') {
      return { kind: 'retry_after', seconds: Math.min(MAX_BACKOFF_S, 2 ** (item.attempts - 1)) };
    }
    return { kind: 'failed', reason: info.kind };
  }

  private finish(s: Settlement<P>): void {
    // Merged: it rides in s.into (listed in its riders) and is resolved with it, or split off again if that one fails.
    if (s.status === 'merged') return;
    const waiter = this.waiters.get(s.item.id);
    this.waiters.delete(s.item.id);
    const followers = s.item.riders.flatMap((rider) => {
      const w = this.waiters.get(rider.id);
      this.waiters.delete(rider.id);
      return w === undefined ? [] : [w];
    });
    if (s.status !== 'sent' && s.status !== 'unchanged') this.options.onUnsent?.(s);
    if (waiter === undefined && followers.length === 0) return;
    let outcome: Outcome<R>;
    if (s.status === 'sent') outcome = { status: 'sent', value: waiter?.value as R };
    else if (s.status === 'unchanged') outcome = { status: 'unchanged' };
    else if (s.status === 'failed') {
      const error = waiter?.error ?? toTelegramApiError('send', new Error(s.reason), this.redactor);
      outcome = { status: 'failed', reason: error.message, error };
    } else outcome = { status: s.status, reason: s.reason };
    waiter?.resolve(outcome);
    for (const follower of followers) follower.resolve(outcome);
  }

  private armTimer(at: number, now: number): void {
    if (this.timer !== null && this.timerAt === at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - now),
    );
    // A pending card edit alone must not keep a CLI process alive; the daemon has other handles.
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private idle(): boolean {
    return this.policy.pendingCount === 0 && this.policy.inFlightCount === 0;
  }

  private notifyIdle(): void {
    if (!this.idle()) return;
    const listeners = this.idleListeners;
    this.idleListeners = [];
    for (const listener of listeners) listener();
  }
}
