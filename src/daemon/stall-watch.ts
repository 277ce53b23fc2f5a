// Time the daemon itself did not run: SIGSTOP/SIGCONT, a suspended VM or laptop, a long event-loop stall. A
// stopped process sees no time pass, then every timer fires at once, late, before the pane logs' watchers have read
// what the panes printed meanwhile; judged by the wall clock alone, every busy pane would look "gone quiet".
//
// A beat every intervalMs records that the event loop ran; a gap between two sightings longer than the interval
// plus toleranceMs counts whole as time not running (over by at most one interval: the loop may have run a little
// after the last beat). Ordinary lag under load (tens to hundreds of ms) stays below the tolerance.
import type { Clock } from '../core/ports.js';

export interface StallClock {
  /** Total ms the daemon was seen not running, up to `now`; also a sighting of the event loop running at `now`. */
  stalledMs(now: number): number;
}

export class StallWatch implements StallClock {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  readonly #timer: NodeJS.Timeout;
  #lastSeen: number;
  #stalled = 0;

  constructor(private readonly clock: Clock, options: { intervalMs?: number; toleranceMs?: number } = {}) {
    this.#intervalMs = options.intervalMs ?? 500;
    this.#toleranceMs = options.toleranceMs ?? 1_000;
    this.#lastSeen = clock.now();
    this.#timer = setInterval(() => this.stalledMs(this.clock.now()), this.#intervalMs);
    this.#timer.unref();
  }

  stalledMs(now: number): number {
    const gap = now - this.#lastSeen;
    if (gap > this.#intervalMs + this.#toleranceMs) this.#stalled += gap;
    this.#lastSeen = Math.max(this.#lastSeen, now);
    return this.#stalled;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
