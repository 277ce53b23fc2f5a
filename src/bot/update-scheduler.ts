// Runs admitted updates in their lanes (core/update-lanes.ts): 'ordered' ones one at a time in the order they were
// admitted, 'free' ones at once. The guard admits each update (ledger written ahead) in arrival order and hands the
// rest of its handling here, so the poller fetches the next updates while slow commands still run, and a /sessions
// sent after 150 `/new` is answered without waiting for them.
import type { UpdateLane } from '../core/update-lanes.js';

export class UpdateScheduler {
  /** Settles when the last ordered task admitted so far has finished. */
  #orderedTail: Promise<void> = Promise.resolve();
  #ordered = 0;
  readonly #running = new Set<Promise<void>>();
  readonly #onError: (error: unknown) => void;

  /** `onError`: a task failed; it is reported there and the lane goes on. */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Ordered tasks admitted and not finished (the one running included). */
  get orderedPending(): number {
    return this.#ordered;
  }

  /** Queues `task` in `lane` and returns at once. */
  submit(lane: UpdateLane, task: () => Promise<void>): void {
    let run: Promise<void>;
    if (lane === 'free') {
      run = Promise.resolve().then(task);
    } else {
      this.#ordered += 1;
      run = this.#orderedTail.then(task).finally(() => {
        this.#ordered -= 1;
      });
      this.#orderedTail = run.catch(() => {});
    }
    const tracked: Promise<void> = run.catch((error: unknown) => this.#onError(error)).finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  /** Resolves once every task submitted so far, and any they led to, has finished. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
