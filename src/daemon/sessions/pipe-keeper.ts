// Pipes that die are attached again. A pane's pipe (tmux pipe-pane into .state/panes/) ends when its writer cannot
// write (a full disk, a read-only or removed .state/): tmux then shows pane_pipe=0 and the pane goes dark while it
// still runs. The tail reports that as a closed pipe or a quiet pane; the follower asks tmux once, and a live pane
// without a pipe lands here. It is a degraded-state problem (pocket status) from then until output has flowed again
// for a whole retry period, and is re-attached at once and then every retryMs — a timer that runs only while a pipe is lost, so nothing polls
// tmux in steady state. Output printed while no pipe was attached is not in the log; the screen catches up with
// the next output.
import { describeWriteError, type Health } from '../../core/health.js';
import type { Logger } from '../../core/ports.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';

export interface PipeKeeperOptions {
  tmux: Pick<TmuxCli, 'pane' | 'ensurePipe'>;
  log: Logger;
  health: Health | undefined;
  /** The session's name, for people. */
  label(sessionId: string): string;
  /** How often a lost pipe is tried again, and how long output must flow before it counts as restored (default 5 s). */
  retryMs?: number;
  now?: () => number;
}

interface LostPipe {
  paneId: string;
  logFile: string;
  /** When output started arriving again; null while dark. */
  flowingSince: number | null;
}

export class PipeKeeper {
  readonly #options: PipeKeeperOptions;
  readonly #lost = new Map<string, LostPipe>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: PipeKeeperOptions) {
    this.#options = options;
  }

  /** The session's pane runs without a pipe: say so and attach it again. */
  async lost(sessionId: string, paneId: string, logFile: string): Promise<void> {
    const known = this.#lost.get(sessionId);
    // Lost again while known (a re-attached pipe that died on its next write to a still-full disk): the timer tries
    // again, so a printing pane on a full disk costs a tmux call every retryMs, not one per line.
    if (known !== undefined) {
      known.flowingSince = null;
      return;
    }
    this.#options.log.warn('sessions.pipe_lost', { sessionId, paneId });
    this.#lost.set(sessionId, { paneId, logFile, flowingSince: null });
    this.#problem(sessionId, 'output pipe lost, attaching it again');
    this.#timer ??= setInterval(() => void this.#tick(), this.#retryMs).unref();
    await this.#reattach(sessionId);
  }

  /**
   * Output from the session arrived. A pipe on a nearly full disk works in bursts (each new file gets a page, then
   * its writer dies), so it counts as restored only once output has flowed for a whole retry period.
   */
  flowing(sessionId: string): void {
    const pipe = this.#lost.get(sessionId);
    if (pipe !== undefined) pipe.flowingSince ??= this.#now();
  }

  /** The session ended or is no longer followed. */
  forget(sessionId: string): void {
    this.#lost.delete(sessionId);
    this.#options.health?.clear(problemKey(sessionId));
    this.#stopTimerIfIdle();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get #retryMs(): number {
    return this.#options.retryMs ?? 5_000;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  async #tick(): Promise<void> {
    for (const [sessionId, pipe] of [...this.#lost]) {
      if (pipe.flowingSince === null) {
        await this.#reattach(sessionId);
      } else if (this.#now() - pipe.flowingSince >= this.#retryMs) {
        this.#options.log.info('sessions.pipe_restored', { sessionId });
        this.forget(sessionId);
      }
    }
  }

  async #reattach(sessionId: string): Promise<void> {
    const pipe = this.#lost.get(sessionId);
    if (pipe === undefined) return;
    try {
      const pane = await this.#options.tmux.pane(pipe.paneId);
      // Gone or dead: the exit path reports it; nothing to pipe.
      if (pane === null || pane.dead) {
        this.forget(sessionId);
        return;
      }
      if (!pane.piped) await this.#options.tmux.ensurePipe(pipe.paneId, pipe.logFile, { replace: true });
    } catch (error) {
      this.#problem(sessionId, `output pipe lost, attaching it again failed: ${describeWriteError(error)}`);
    }
  }

  #problem(sessionId: string, what: string): void {
    this.#options.health?.set(problemKey(sessionId), `${this.#options.label(sessionId)}: ${what}`);
  }

  #stopTimerIfIdle(): void {
    if (this.#lost.size === 0) this.stop();
  }
}

function problemKey(sessionId: string): string {
  return `pipe:${sessionId}`;
}
