// Runs admitted updates in their lanes (core/update-lanes.ts). The guard admits each update (ledger written ahead)
// in arrival order and hands the rest of its handling here, so the poller fetches the next updates while slow
// commands still run:
// - 'ordered' starts once everything admitted before it has finished, and everything admitted after it waits for it;
// - 'parallel' (keyed) starts once the 'ordered' updates before it and the earlier ones of its key have finished, and
//   a slot is free (at most `parallel` at once);
// - 'free' starts at once.
import type { UpdateLane } from '../core/update-lanes.js';

/**
 * `/new` at once. Measured with bench/burst on a loaded 2-core machine: one at a time, the daemon was idle 80% of the
 * time (waiting for tmux processes and the CPU), 183-191 ms per /new.
 */
export const DEFAULT_PARALLEL = 4;

export class UpdateScheduler {
  /** Settles when the last 'ordered' task (and everything before it) has finished. */
  #barrier: Promise<void> = Promise.resolve();
  /** 'parallel' tasks admitted since the last 'ordered' one and not finished (each leaves when it finishes). */
  #sinceBarrier = new Set<Promise<void>>();
  /** The last 'parallel' task of each key since the last 'ordered' one. */
  readonly #lastOfKey = new Map<string, Promise<void>>();
  #pending = 0;
  #slots: number;
  readonly #waitingForSlot: Array<() => void> = [];
  readonly #running = new Set<Promise<void>>();
  readonly #onError: (error: unknown) => void;

  /** `onError`: a task failed; it is reported there and the lanes go on. */
  constructor(onError: (error: unknown) => void, options: { parallel?: number } = {}) {
    this.#onError = onError;
    this.#slots = Math.max(1, options.parallel ?? DEFAULT_PARALLEL);
  }

  /** 'ordered' and 'parallel' tasks admitted and not finished (running ones included). */
  get orderedPending(): number {
    return this.#pending;
  }

  /** Queues `task` in `lane` and returns at once. */
  submit(lane: UpdateLane, task: () => Promise<void>): void {
    let run: Promise<void>;
    if (lane.kind === 'free') {
      run = Promise.resolve().then(task);
    } else if (lane.kind === 'ordered') {
      run = this.#counted(Promise.all([this.#barrier, ...this.#sinceBarrier]).then(task));
      this.#barrier = run.catch(() => {});
      this.#sinceBarrier = new Set();
      this.#lastOfKey.clear();
    } else {
      const before = [this.#barrier, this.#lastOfKey.get(lane.key) ?? Promise.resolve()];
      run = this.#counted(Promise.all(before).then(() => this.#inSlot(task)));
      const since = this.#sinceBarrier;
      const settled: Promise<void> = run.catch(() => {}).finally(() => {
        since.delete(settled);
        if (this.#lastOfKey.get(lane.key) === settled) this.#lastOfKey.delete(lane.key);
      });
      since.add(settled);
      this.#lastOfKey.set(lane.key, settled);
    }
    const tracked: Promise<void> = run.catch((error: unknown) => this.#onError(error)).finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  /** Resolves once every task submitted so far, and any they led to, has finished. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  #counted(run: Promise<void>): Promise<void> {
    this.#pending += 1;
    return run.finally(() => {
      this.#pending -= 1;
    });
  }

  async #inSlot(task: () => Promise<void>): Promise<void> {
    if (this.#slots === 0) await new Promise<void>((resolve) => this.#waitingForSlot.push(resolve));
    else this.#slots -= 1;
    try {
      await task();
    } finally {
      // Hand the slot straight to the next waiter (FIFO), or give it back.
      const next = this.#waitingForSlot.shift();
      if (next === undefined) this.#slots += 1;
      else next();
    }
  }
}
