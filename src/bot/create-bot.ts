// The grammY bot and its long-polling loop. Our own loop rather than bot.start(): it must survive everything the
// network does without taking the daemon down. 429 waits retry_after; 5xx and network errors back off (capped) and
// keep trying, so the bot recovers by itself; 401 (bad token) and 409 (another poller) stop polling with one log
// line and a status, because retrying would only spin. Updates are handed to the bot one at a time, in order; the
// guard admits each (ledger written ahead) and schedules the rest (update-scheduler.ts), so a slow command does not
// hold up polling.
// Every call has a deadline: a network that drops packets without a reset would otherwise hold a long poll for
// grammY's default 500 s, and the bot would look dead. grammY reports a call that hits it as an HttpError, so it
// backs off and retries like any network error.
import { Bot, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { PocketError } from '../core/errors.js';
import type { BotStatus } from '../core/status.js';
import type { Logger } from '../core/ports.js';
import type { Redactor } from '../core/redact.js';
import { classifyApiError, redactedErrorText } from './api-errors.js';

export interface PollerOptions {
  token: string;
  apiRoot: string;
  log: Logger;
  /** Cleans every error this logs or reports. */
  redactor: Redactor;
  /** Seconds a getUpdates call waits on the server. */
  pollTimeoutS?: number;
  /** Deadline of each Bot API call, in seconds; default pollTimeoutS + 15. Must exceed pollTimeoutS. */
  requestTimeoutS?: number;
  /** How long start() waits for the first getMe before it returns anyway (default START_WAIT_MS). */
  startWaitMs?: number;
  /** First and maximum back-off after a failure, in ms. */
  backoffMs?: { first: number; max: number };
  /** Where to start (the guard's ledger); re-read on every (re)connect. */
  initialOffset: () => number;
  /** getUpdates was called with this offset (Telegram confirmed everything below it). */
  onConfirmed: (offset: number) => void;
  /** A batch arrived: called (and awaited) before its first update is handled (the guard admits it as a whole). */
  beforeBatch?: (updates: readonly Update[]) => Promise<void>;
  /** Once per successful getMe (first connect and after a stop): menu registration and the like. */
  onConnected: (me: UserFromGetMe) => Promise<void>;
  onStatus: () => void;
}

export const DEFAULT_POLL_TIMEOUT_S = 30;
/** Room for the answer to a long poll that waited its full time to travel back before the deadline hits. */
const REQUEST_TIMEOUT_MARGIN_S = 15;

/** The deadline of a Bot API call, in seconds, for polls of `pollTimeoutS` (shared by the other clients). */
export function requestTimeoutSeconds(options: { pollTimeoutS?: number; requestTimeoutS?: number }): number {
  const poll = options.pollTimeoutS ?? DEFAULT_POLL_TIMEOUT_S;
  const deadline = options.requestTimeoutS ?? poll + REQUEST_TIMEOUT_MARGIN_S;
  // A deadline inside the poll would cut every idle poll and report a healthy bot as unreachable.
  if (!(deadline > poll)) throw new Error(`requestTimeoutS (${deadline}) must exceed pollTimeoutS (${poll})`);
  return deadline;
}

export const ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'callback_query'] as const;

/** start() waits this long at most for Telegram's first answer, well inside `pocket start`'s readiness deadline. */
export const START_WAIT_MS = 5_000;

export class Poller {
  readonly bot: Bot<Context>;
  private readonly state: BotStatus = { username: null, connected: false, lastPollAt: null, lastError: null };
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly firstAttempt: Promise<void>;
  private settleFirst: () => void = () => {};
  /** Set when the first getMe was refused with 401: start() fails rather than run a bot that cannot connect. */
  private refusedAtStart = false;
  private trouble: string | null = null;

  constructor(private readonly options: PollerOptions) {
    this.bot = new Bot<Context>(options.token, {
      client: { apiRoot: options.apiRoot, timeoutSeconds: requestTimeoutSeconds(options) },
    });
    this.bot.catch((error) => {
      options.log.error('bot.handler_failed', { error: redactedErrorText(error.error, options.redactor) });
    });
    this.firstAttempt = new Promise((resolve) => {
      this.settleFirst = resolve;
    });
  }

  status(): BotStatus {
    return { ...this.state };
  }

  /** The kind of the last poll failure (api-errors.ts: `unauthorized`, `conflict`, `network`...), null once a poll succeeds. */
  troubleKind(): string | null {
    return this.trouble;
  }

  /**
   * Starts polling; resolves after the first getMe attempt (the username is then known if Telegram answered).
   * Rejects when Telegram refused the token (401): the token is read once at start, so only a restart with another
   * token can help, and a daemon without its bot would look healthy in `pocket status` while reaching nobody.
   */
  async start(): Promise<void> {
    if (this.loop !== null) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
    // Not for longer than startWaitMs: a getMe that hangs until its deadline (45 s) would outlast `pocket start`'s
    // wait for the daemon (20 s) and fail a start that is fine; the status then says "connecting" until it answers.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.firstAttempt,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.startWaitMs ?? START_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (this.refusedAtStart) {
      await this.stop();
      throw new PocketError('TELEGRAM_FAILED', 'Telegram refused the bot token (401 Unauthorized): it is wrong or was revoked.', {
        hint: 'Check TELEGRAM_BOT_TOKEN in .env against @BotFather (/mybots, API Token), then run `pocket start` again; `pocket doctor` checks it.',
      });
    }
  }

  /** Ends the long poll and waits for the update being admitted; the owner of the scheduler drains what it runs. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = null;
    this.set({ connected: false });
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { first, max } = this.options.backoffMs ?? { first: 1000, max: 30_000 };
    let delay = first;
    let offset = this.options.initialOffset();
    let lastLogged = '';
    // The first poll after start is a short one (timeout 0): it answers at once, so `pocket status` shows lastPollAt
    // (and a service manager's readiness check, `pocket __wait-ready`, returns) one round trip after getMe instead of
    // after a long poll of up to 30 s with nothing to deliver.
    let pollTimeoutS = 0;
    while (!signal.aborted) {
      try {
        if (!this.bot.isInited()) {
          try {
            this.bot.botInfo = await this.bot.api.getMe(signal as never);
          } catch (error) {
            if (classifyApiError(error).kind === 'unauthorized') this.refusedAtStart = true;
            throw error;
          } finally {
            this.settleFirst();
          }
          this.set({ username: this.bot.botInfo.username, connected: true, lastError: null });
          this.options.log.info('bot.connected', { username: this.bot.botInfo.username });
          await this.options.onConnected(this.bot.botInfo).catch((error: unknown) => {
            this.options.log.warn('bot.on_connected_failed', { error: redactedErrorText(error, this.options.redactor) });
          });
        }
        const updates: Update[] = await this.bot.api.getUpdates(
          { offset, limit: 100, timeout: pollTimeoutS, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal with the abort-controller polyfill; Node's AbortSignal is what it uses at runtime.
          signal as never,
        );
        this.options.onConfirmed(offset);
        pollTimeoutS = this.options.pollTimeoutS ?? DEFAULT_POLL_TIMEOUT_S;
        if (!this.state.connected || this.state.lastError !== null) this.options.log.info('bot.reconnected');
        this.trouble = null;
        this.set({ connected: true, lastPollAt: new Date().toISOString(), lastError: null });
        delay = first;
        lastLogged = '';
        if (updates.length > 0) await this.options.beforeBatch?.(updates);
        // Every update of the batch is handed on, even after stop(): admit() recorded them all as handled, so one left
        // out now would never run (handing one on only schedules it; the bot's stop drains the scheduler).
        for (const update of updates) {
          try {
            await this.bot.handleUpdate(update);
          } catch (error) {
            this.options.log.error('bot.update_failed', { updateId: update.update_id, error: redactedErrorText(error, this.options.redactor) });
          }
          offset = Math.max(offset, update.update_id + 1);
        }
      } catch (error) {
        if (signal.aborted) return;
        const info = classifyApiError(error);
        const text = redactedErrorText(error, this.options.redactor);
        this.trouble = info.kind;
        if (info.kind === 'unauthorized' || info.kind === 'conflict') {
          const why = info.kind === 'unauthorized'
            ? 'Telegram rejected the bot token (401): polling stopped. Fix TELEGRAM_BOT_TOKEN and restart.'
            : 'Another process polls with this bot token (409): polling stopped. Stop it and restart pocket.';
          this.set({ connected: false, lastError: why });
          this.options.log.error('bot.polling_stopped', { reason: info.kind, error: text });
          return;
        }
        const waitMs = info.kind === 'retry_after' ? info.seconds * 1000 : delay;
        if (info.kind !== 'retry_after') delay = Math.min(max, delay * 2);
        this.set({ connected: false, lastError: `Telegram unreachable (${info.kind}): ${text}` });
        // One line per kind of trouble, not one per retry.
        if (lastLogged !== info.kind) this.options.log.warn('bot.poll_failed', { kind: info.kind, error: text, retryInMs: waitMs });
        lastLogged = info.kind;
        await sleep(waitMs, signal);
      }
    }
  }

  private set(patch: Partial<BotStatus>): void {
    const before = JSON.stringify(this.state);
    Object.assign(this.state, patch);
    if (JSON.stringify(this.state) !== before) this.options.onStatus();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
