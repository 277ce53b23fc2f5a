// "The bot has answered": the update was confirmed (the bot asked for the next offset, so its handler ran) and then
// the bot made no Bot API call for a quiet window. Event-driven on the emulator's calls, bounded by a deadline.
import type { Update } from 'grammy/types';
import type { BotApiEmulator, CallRecord } from '../emulator/index.js';

export interface SettleOptions {
  /** No call for this long after the last one means settled; covers the outbox's rate budget and coalescing. */
  quietMs: number;
  /** Give up after this long in total. */
  deadlineMs: number;
}

export type SettleOutcome = 'settled' | 'unconfirmed' | 'busy';

export const DEFAULT_SETTLE: SettleOptions = { quietMs: 1500, deadlineMs: 20_000 };
/** Groups get about 20 messages a minute (one per 3 s), so the bot's outbox paces a forum slower than a private chat. */
export const FORUM_QUIET_MS = 3500;

const isPoll = (call: CallRecord) => call.method.toLowerCase() === 'getupdates';

/**
 * 'settled' when done; 'unconfirmed' when the bot never took the update before the deadline; 'busy' when it took it
 * but kept calling the API until the deadline (a chatty session — the transcript still shows what it did).
 */
export async function settle(emulator: BotApiEmulator, update: Update, options: SettleOptions): Promise<SettleOutcome> {
  const end = Date.now() + options.deadlineMs;
  try {
    await emulator.waitFor(() => !emulator.pendingUpdates().some((u) => u.update_id === update.update_id), {
      timeoutMs: options.deadlineMs,
      description: `the bot to take update ${update.update_id}`,
    });
  } catch {
    return 'unconfirmed';
  }
  return (await quiet(emulator, options.quietMs, end)) ? 'settled' : 'busy';
}

/** Resolves true after `quietMs` without a non-poll call, false if `end` comes first. */
export function quiet(emulator: BotApiEmulator, quietMs: number, end: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout;
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      emulator.off('call', onCall);
      resolve(ok);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(true), quietMs);
    };
    const onCall = (call: CallRecord) => {
      if (!isPoll(call)) arm();
    };
    const deadline = setTimeout(() => finish(false), Math.max(0, end - Date.now()));
    emulator.on('call', onCall);
    arm();
  });
}
