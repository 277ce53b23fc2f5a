// Stale and duplicate updates. getUpdates confirms an update only when the next call asks for a higher offset, so
// after a crash (kill -9) Telegram delivers the last batch again; and a phone that was offline may deliver a
// "/kill build" typed an hour ago. Neither may run: this ledger decides, the bot adapter persists it.
//
// Write-ahead ordering, which is what makes "at most once" survive kill -9:
//   1. decision = ledger.decide(id, date, now)            (pure)
//   2. if 'execute': ledger.markExecuted(id)
//   3. persist ledger.toJSON() atomically (write-file-atomic, fsync) and WAIT for it
//   4. only then run the command
// A crash between 3 and 4 loses that one command (the user resends); a crash anywhere before 3 leaves no record, so
// the re-delivered update runs once. Doing 4 before 3 would run it twice after a crash in between.
// 'stale' updates are marked the same way, so the "please resend" answer is not repeated after a restart either.
//
// Callback queries carry no date. They are never stale by date: the date of the message they are attached to is
// when the card was first sent (cards live for hours and are edited in place), so using it would kill every button.
// Button data is a server-side id, checked against the current session state by its handler instead.

export type GuardDecision = 'execute' | 'duplicate' | 'stale';

export interface UpdateLedgerJSON {
  v: 1;
  /** Every update_id below this was already handled or confirmed. */
  floor: number;
  /** Handled update_ids at or above the floor, oldest first. */
  recent: number[];
}

export interface UpdateLedgerOptions {
  staleSeconds: number;
  /** How many recent ids to remember; far more than one getUpdates batch (100). */
  capacity?: number;
}

const DEFAULT_CAPACITY = 1000;

export class UpdateLedger {
  readonly staleSeconds: number;
  readonly capacity: number;
  private floor = 0;
  private readonly recent: number[] = [];
  private readonly recentSet = new Set<number>();

  constructor(options: UpdateLedgerOptions) {
    this.staleSeconds = options.staleSeconds;
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_CAPACITY);
  }

  /** The offset to ask getUpdates for next time: one past everything known to be handled. */
  get nextOffset(): number {
    const last = this.recent[this.recent.length - 1];
    return Math.max(this.floor, last === undefined ? 0 : last + 1);
  }

  /**
   * @param dateS the message's `date` (Unix seconds), or null for updates without one (callback queries).
   * Duplicates are checked before staleness so a re-delivered old update is not answered twice.
   */
  decide(updateId: number, dateS: number | null, nowMs: number): GuardDecision {
    if (updateId < this.floor || this.recentSet.has(updateId)) return 'duplicate';
    if (dateS !== null && nowMs / 1000 - dateS > this.staleSeconds) return 'stale';
    return 'execute';
  }

  /** Records an update as handled (executed or answered as stale). Persist toJSON() before acting on it. */
  markExecuted(updateId: number): void {
    if (updateId < this.floor || this.recentSet.has(updateId)) return;
    this.recent.push(updateId);
    this.recentSet.add(updateId);
    if (this.recent.length > 1 && updateId < this.recent[this.recent.length - 2]!) {
      this.recent.sort((a, b) => a - b);
    }
    while (this.recent.length > this.capacity) {
      const evicted = this.recent.shift()!;
      this.recentSet.delete(evicted);
      // Forgetting an id must not make it executable again: everything up to it now counts as handled.
      // Update ids grow, so an unhandled id this far behind would be a thousand updates late.
      this.floor = Math.max(this.floor, evicted + 1);
    }
  }

  /** Telegram confirmed everything below `offset` (the adapter saw getUpdates called with it). */
  confirm(offset: number): void {
    if (offset <= this.floor) return;
    this.floor = offset;
    while (this.recent.length > 0 && this.recent[0]! < offset) this.recentSet.delete(this.recent.shift()!);
  }

  toJSON(): UpdateLedgerJSON {
    return { v: 1, floor: this.floor, recent: [...this.recent] };
  }

  /** Rebuilds a ledger from disk. Anything malformed gives an empty ledger plus a problem for the caller to log. */
  static fromJSON(
    value: unknown,
    options: UpdateLedgerOptions,
  ): { ledger: UpdateLedger; problem: string | null } {
    const ledger = new UpdateLedger(options);
    if (!isLedgerJSON(value)) return { ledger, problem: 'update ledger is not {v:1, floor, recent[]}; starting empty' };
    ledger.floor = value.floor;
    for (const id of [...value.recent].sort((a, b) => a - b)) ledger.markExecuted(id);
    return { ledger, problem: null };
  }
}

function isLedgerJSON(value: unknown): value is UpdateLedgerJSON {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    Number.isSafeInteger(v.floor) &&
    Array.isArray(v.recent) &&
    v.recent.every((id) => Number.isSafeInteger(id))
  );
}

/** The date the guard judges an update by: the message's, or null for callback queries (see above). */
export function updateDate(update: {
  message?: { date: number };
  edited_message?: { date: number };
  callback_query?: unknown;
}): number | null {
  if (update.callback_query !== undefined) return null;
  return update.message?.date ?? update.edited_message?.date ?? null;
}
