// The update queue and getUpdates long polling, with Telegram's semantics: an update stays until a call with a
// higher offset confirms it; a negative offset keeps only the last -offset updates; allowed_updates persists between
// calls; a new long poll terminates the one already waiting with 409 (the older request is the one that fails).
import type { Update } from 'grammy/types';
import { ApiError } from './errors.js';

/** Update types delivered when allowed_updates was never set or set to []. */
const EXCLUDED_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const CONFLICT = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

interface Entry {
  update: Update;
  /** An injected duplicate: delivered even though its id is below the confirmed offset. */
  forced: boolean;
  delivered: boolean;
}

export interface PollRequest {
  offset?: number | undefined;
  limit?: number | undefined;
  timeoutS?: number | undefined;
  allowedUpdates?: string[] | undefined;
}

interface Waiter {
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (error: ApiError) => void;
  timer: NodeJS.Timeout;
}

export class UpdateQueue {
  private entries: Entry[] = [];
  private nextId: number;
  private highestId = 0;
  private allowed: Set<string> | undefined;
  private waiter: Waiter | undefined;

  /** `onPollChange` hears when a long poll starts or stops waiting, so tests can wait for "the bot is polling". */
  constructor(
    firstUpdateId = 100_000_001,
    private readonly onPollChange: () => void = () => {},
  ) {
    this.nextId = firstUpdateId;
  }

  /** Queues an update; an update_id is assigned unless present (a present id that was seen is a redelivery). */
  push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const id = update.update_id ?? this.nextId++;
    const full = { ...update, update_id: id } as Update;
    const forced = id <= this.highestId;
    this.highestId = Math.max(this.highestId, id);
    this.nextId = Math.max(this.nextId, id + 1);
    this.entries.push({ update: full, forced, delivered: false });
    this.wake();
    return full;
  }

  /** Updates not yet confirmed by the bot. */
  pending(): Update[] {
    return this.entries.map((e) => e.update);
  }

  dropPending(): void {
    this.entries = [];
  }

  get polling(): boolean {
    return this.waiter !== undefined;
  }

  poll(request: PollRequest): { result: Promise<Update[]>; cancel: () => void } {
    this.confirm(request.offset ?? 0);
    if (request.allowedUpdates !== undefined) {
      this.allowed = request.allowedUpdates.length === 0 ? undefined : new Set(request.allowedUpdates);
    }
    const limit = Math.min(100, Math.max(1, request.limit ?? 100));
    // Any getUpdates, even a short one, ends the poll already waiting: that one gets the 409.
    const older = this.waiter;
    this.clearWaiter();
    older?.reject(new ApiError(409, CONFLICT));
    const ready = this.take(limit);
    const timeoutS = Math.max(0, request.timeoutS ?? 0);
    if (ready.length > 0 || timeoutS === 0) return { result: Promise.resolve(ready), cancel: () => {} };
    let waiter: Waiter | undefined;
    const result = new Promise<Update[]>((resolve, reject) => {
      waiter = { limit, resolve, reject, timer: setTimeout(() => this.finish(waiter!, []), timeoutS * 1000) };
      this.waiter = waiter;
    });
    this.onPollChange();
    const cancel = () => {
      if (this.waiter === waiter) this.clearWaiter();
    };
    return { result, cancel };
  }

  /** Ends a waiting long poll with no updates (server shutdown). */
  release(): void {
    if (this.waiter !== undefined) this.finish(this.waiter, []);
  }

  private confirm(offset: number): void {
    if (offset > 0) {
      this.entries = this.entries.filter((e) => e.update.update_id >= offset || (e.forced && !e.delivered));
    } else if (offset < 0) {
      this.entries = this.entries.slice(offset);
    }
  }

  private take(limit: number): Update[] {
    // Updates of a type the bot did not ask for are dropped, as Telegram does not keep them for later.
    this.entries = this.entries.filter((e) => this.isAllowed(e.update));
    const batch = this.entries.slice(0, limit);
    for (const entry of batch) entry.delivered = true;
    return batch.map((e) => e.update);
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((k) => k !== 'update_id') ?? '';
    return this.allowed === undefined ? !EXCLUDED_BY_DEFAULT.has(type) : this.allowed.has(type);
  }

  private wake(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const ready = this.take(waiter.limit);
    if (ready.length > 0) this.finish(waiter, ready);
  }

  private finish(waiter: Waiter, updates: Update[]): void {
    if (this.waiter === waiter) this.clearWaiter();
    waiter.resolve(updates);
  }

  private clearWaiter(): void {
    if (this.waiter === undefined) return;
    clearTimeout(this.waiter.timer);
    this.waiter = undefined;
    this.onPollChange();
  }
}
