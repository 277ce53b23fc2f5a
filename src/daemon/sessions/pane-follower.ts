// Following the panes of sessions: one PaneLogTail over the panes directory feeds a LiveSession (terminal renderer +
// activity) per session, which turns the bytes into session events, and saves how far it read. It also detects
// exits: the tail's pane events (death marker, closed pipe, quiet) are checked with tmux once, and a dead pane is
// reported to the service, which owns the records.
import type { Logger, PaneInfo } from '../../core/ports.js';
import { readLogBefore } from '../../tmux/pane-log-files.js';
import { type PaneEventReason, PaneLogTail, type TailPosition } from '../../tmux/pane-log.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { Health } from '../../core/health.js';
import { StallWatch } from '../stall-watch.js';
import { PipeKeeper } from './pipe-keeper.js';
import { type LiveSession, reportingLiveSession, type SessionReporting } from './live-session.js';

export interface PaneFollowerOptions extends SessionReporting {
  tmux: TmuxCli;
  panesDir: string;
  log: Logger;
  /** Remembers how far a session's log was read (written behind; see store.ts). */
  savePosition(sessionId: string, position: TailPosition): void;
  /** The running session on this pane, if any: events for other panes cost no tmux call. */
  runningSessionOn(paneId: string): string | undefined;
  /** The pane of a running session is gone or dead; exitCode is null when tmux no longer knows it. */
  onPaneExited(sessionId: string, exitCode: number | null): Promise<void>;
  /** Where a lost pipe is reported (pocket status). */
  health?: Health | undefined;
  /** How often a lost pipe is attached again (see pipe-keeper.ts). */
  pipeRetryMs?: number;
}

export interface PaneOfSession {
  sessionId: string;
  /** The session's pane log (tmux/pane-log-files.ts sessionLogPath). */
  logFile: string;
  paneId: string;
  /** The pane's size: the renderer wraps lines as the pane does. */
  width: number;
  height: number;
}

/** How much already-reported output is replayed after a restart to rebuild the screen and /tail. */
const REPLAY_BYTES = 256 * 1024;
/** Small reads keep a flood from holding megabytes per pane in flight at once. */
const READ_BYTES = 128 * 1024;

export class PaneFollower {
  readonly #options: PaneFollowerOptions;
  readonly #live = new Map<string, LiveSession>();
  #tail: PaneLogTail | undefined;
  readonly #logFiles = new Map<string, string>();
  readonly #pipes: PipeKeeper;
  /** One for all sessions: the time the daemon did not run is the same for every pane. */
  #stalls: StallWatch | undefined;

  constructor(options: PaneFollowerOptions) {
    this.#options = options;
    this.#pipes = new PipeKeeper({
      tmux: options.tmux,
      log: options.log,
      health: options.health,
      label: (sessionId) => this.#labelOf(sessionId),
      ...(options.pipeRetryMs === undefined ? {} : { retryMs: options.pipeRetryMs }),
    });
  }

  async start(): Promise<void> {
    const { tmux, panesDir, log } = this.#options;
    this.#stalls = new StallWatch(this.#options.clock);
    this.#tail = await PaneLogTail.create({
      dir: panesDir,
      readBytes: READ_BYTES,
      repipe: (paneId, file) => tmux.ensurePipe(paneId, file, { replace: true }),
      onPaneEvent: (paneId, reason) => void this.#checkPane(paneId, reason),
      onMissing: (paneId) => log.warn('sessions.log_removed_reattaching', { paneId }),
      onError: (paneId, error) => log.error('sessions.tail_failed', { paneId, error }),
      // The tail re-creates the watcher and catches up by itself; the line says output may have paused.
      onWatcherError: (watcher, error, paneIds) =>
        log.error('sessions.watcher_failed_rewatching', {
          watcher,
          paneIds,
          sessions: paneIds.map((paneId) => this.#options.runningSessionOn(paneId) ?? null),
          error,
        }),
    });
  }

  async stop(): Promise<void> {
    await this.#tail?.close();
    for (const live of this.#live.values()) live.dispose();
    this.#live.clear();
    this.#stalls?.stop();
    this.#pipes.stop();
  }

  live(sessionId: string): LiveSession | undefined {
    return this.#live.get(sessionId);
  }

  /**
   * Starts reading the session's log at `position` (from its first file when absent). After a restart the output
   * before `position` was already reported: it only rebuilds the screen.
   */
  async follow(pane: PaneOfSession, position?: TailPosition): Promise<LiveSession> {
    if (this.#tail === undefined) throw new Error('PaneFollower.follow before start');
    const { sessionId } = pane;
    const { panesDir, changes } = this.#options;
    const live = reportingLiveSession(sessionId, { cols: pane.width, rows: pane.height }, this.#options, this.#stalls);
    this.#live.set(sessionId, live);
    this.#logFiles.set(sessionId, pane.logFile);
    if (position) live.replay(await readLogBefore(panesDir, position, REPLAY_BYTES));
    await this.#tail.follow(pane.paneId, pane.logFile, {
      position,
      onData: (bytes, next) => {
        this.#pipes.flowing(sessionId);
        live.feed(bytes);
        this.#options.savePosition(sessionId, next);
        changes.emit('changed');
      },
    });
    return live;
  }

  /**
   * After a restart, a pane the service has found still to be the session's (its mark): read on from `position`, and
   * re-attach its pipe if it closed while the daemon was down (ensurePipe leaves a pipe that is still ours alone).
   */
  async resume(session: { id: string; name: string; logFile: string }, pane: PaneInfo, position: TailPosition | undefined): Promise<void> {
    const { tmux, log } = this.#options;
    await this.follow({ sessionId: session.id, logFile: session.logFile, paneId: pane.paneId, width: pane.width, height: pane.height }, position);
    await tmux.ensurePipe(pane.paneId, session.logFile);
    log.info('sessions.resumed', { session: session.name, id: session.id, position });
  }

  async unfollow(session: { id: string; paneId: string }): Promise<void> {
    await this.#tail?.unfollow(session.paneId);
    this.#live.get(session.id)?.dispose();
    this.#live.delete(session.id);
    this.#logFiles.delete(session.id);
    this.#pipes.forget(session.id);
  }

  #labelOf(sessionId: string): string {
    try {
      return this.#options.view(sessionId).name;
    } catch {
      return sessionId;
    }
  }

  /** Never throws: it runs from file events. */
  async #checkPane(paneId: string, reason: PaneEventReason): Promise<void> {
    try {
      const sessionId = this.#options.runningSessionOn(paneId);
      if (sessionId === undefined) return;
      // 'quiet' is the fallback for a hook that did not fire: it can wait for a shared lookup (paneSoon); a death
      // marker or a closed pipe is checked at once.
      const lookup = reason === 'quiet' ? this.#options.tmux.paneSoon(paneId) : this.#options.tmux.pane(paneId);
      // undefined: tmux did not answer, so nothing is known; null: tmux no longer has the pane.
      const pane = await lookup.catch(() => undefined);
      if (pane === undefined) return;
      if (pane !== null && !pane.dead) {
        const logFile = this.#logFiles.get(sessionId);
        // Alive but dark: its pipe ended (a full disk, .state/ not writable). Attach it again, and say so meanwhile.
        if (!pane.piped && logFile !== undefined) await this.#pipes.lost(sessionId, paneId, logFile);
        return;
      }
      this.#pipes.forget(sessionId);
      await this.#options.onPaneExited(sessionId, pane?.exitCode ?? null);
    } catch (error) {
      this.#options.log.error('sessions.check_failed', { paneId, error });
    }
  }
}
