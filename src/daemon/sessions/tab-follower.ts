// Following mirrored Terminal.app tabs: each tab's text is polled (one osascript call for all tabs that are due),
// turned into headless-terminal bytes by core/tab-mirror.ts and fed to a LiveSession, the same renderer and activity
// tracker a tmux pane feeds: cards, /tail, /summary, /screen and prompt detection need no special case for a tab.
// The rate adapts (core/tab-polling.ts): fast while a chat looks, slower while busy, slow when idle. A tab that is
// no longer open ends its session as exited.
import type { Health } from '../../core/health.js';
import type { Logger } from '../../core/ports.js';
import { type MirrorState, mirrorAnchor, mirrorStep, resumeMirror, startMirror } from '../../core/tab-mirror.js';
import { nextTabPollDelay, TAB_POLL_MS } from '../../core/tab-polling.js';
import type { TabInfo, TabRead, TerminalTabs } from '../../core/terminal-tabs.js';
import { isPocketError } from '../../core/errors.js';
import { type LiveSession, reportingLiveSession, type SessionReporting } from './live-session.js';

export interface TabFollowerOptions extends SessionReporting {
  terminal: TerminalTabs;
  log: Logger;
  /** The tab is closed: the service marks the session exited. */
  onTabClosed(sessionId: string): Promise<void>;
  /** Remembers where the mirror is (fingerprints of its last lines, tab-mirror.ts), for a restart; written behind. */
  saveAnchor(sessionId: string, anchor: string[]): void;
  /** Where failing polls are reported (pocket status). */
  health?: Health | undefined;
}

/**
 * How much scrollback is read when a tab is adopted or more than a screenful scrolled between two polls: the renderer
 * keeps 2000 lines, and 256 KB is ~2000 lines of 128 characters. Terminal hands osascript the whole history; the
 * script cuts it before it crosses to pocket.
 */
export const HISTORY_CHARS = 256 * 1024;

interface FollowedTab {
  sessionId: string;
  tty: string;
  live: LiveSession;
  mirror: MirrorState;
  dueAt: number;
  /** The interval the tab is polled at now (its mode's): a tab due within half of it is read with the others. */
  intervalMs: number;
  lookedAt: number | null;
  changedAt: number | null;
  busy: boolean;
  /** The tab closed: no more polls, but its last screen stays for /tail and /summary until the session is removed. */
  closed: boolean;
}

const HEALTH_KEY = 'terminal-app';

export class TabFollower {
  readonly #options: TabFollowerOptions;
  readonly #tabs = new Map<string, FollowedTab>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | null = null;
  #stopped = false;
  /** The last poll failure said in the log, so a Terminal that stays unreachable is logged once, not every poll. */
  #lastFailure: string | null = null;

  constructor(options: TabFollowerOptions) {
    this.#options = options;
  }

  live(sessionId: string): LiveSession | undefined {
    return this.#tabs.get(sessionId)?.live;
  }

  /**
   * Starts mirroring a tab: its history becomes the starting screen (not reported as output), then polls follow.
   * After a restart (`anchor` saved before), what the tab printed after the anchor is reported as new output.
   */
  async follow(sessionId: string, tab: TabInfo, anchor?: readonly string[]): Promise<LiveSession> {
    const { terminal } = this.#options;
    const [read] = await terminal.readTabs([tab.tty]);
    const history = await terminal.readHistory(tab.tty, HISTORY_CHARS);
    if (read === undefined || read.closed || history === null) {
      throw new Error(`the Terminal tab ${tab.tty} closed while it was being adopted`);
    }
    const live = reportingLiveSession(sessionId, { cols: tab.columns, rows: tab.rows }, this.#options);
    const resumed = anchor === undefined ? null : resumeMirror(history, read, anchor);
    const start = resumed === null ? startMirror(history, read) : { bytes: resumed.replay, state: resumed.state };
    if (anchor !== undefined && resumed === null) this.#options.log.info('terminal_app.anchor_lost', { sessionId, tty: tab.tty });
    live.replay(Buffer.from(start.bytes, 'utf8'));
    // On the next turn: at a daemon's start the bot subscribes to session events right after this service starts.
    if (resumed !== null && resumed.fresh !== '') setImmediate(() => live.feed(Buffer.from(resumed.fresh, 'utf8')));
    this.#options.saveAnchor(sessionId, mirrorAnchor(start.state));
    const now = this.#options.clock.now();
    // Adopting counts as a change: a busy tab is followed at the active rate from the start.
    const intervalMs = nextTabPollDelay({ now, lookedAt: null, changedAt: now, busy: read.busy });
    this.#tabs.set(sessionId, {
      sessionId, tty: tab.tty, live, mirror: start.state, dueAt: now + intervalMs, intervalMs, lookedAt: null, changedAt: now, busy: read.busy, closed: false,
    });
    this.#schedule();
    return live;
  }

  /** A chat looked at or typed into the session: read it at the fast rate for a while, starting now. */
  looked(sessionId: string): void {
    const tab = this.#tabs.get(sessionId);
    if (tab === undefined || tab.closed) return;
    const now = this.#options.clock.now();
    tab.lookedAt = now;
    tab.intervalMs = TAB_POLL_MS.watched;
    tab.dueAt = Math.min(tab.dueAt, now + TAB_POLL_MS.watched);
    this.#schedule();
  }

  unfollow(sessionId: string): void {
    const tab = this.#tabs.get(sessionId);
    if (tab === undefined) return;
    tab.live.dispose();
    this.#tabs.delete(sessionId);
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
    for (const tab of this.#tabs.values()) tab.live.dispose();
    this.#tabs.clear();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const open = this.#open();
    if (this.#stopped || this.#polling !== null || open.length === 0) return;
    const next = Math.min(...open.map((tab) => tab.dueAt));
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => {
        this.#polling = null;
        this.#schedule();
      });
    }, Math.max(0, next - this.#options.clock.now()));
    this.#timer.unref();
  }

  /**
   * One osascript call for every tab that is due, and for those due within half their interval: tabs adopted at
   * different moments fall into step instead of costing a call each (3 idle tabs: 28 calls a minute before, 12 after,
   * bench/terminal-app.js). Intervals run from the start of a poll, so a slow osascript does not stretch them.
   * Never throws: it runs from a timer.
   */
  async #poll(): Promise<void> {
    const now = this.#options.clock.now();
    const due = this.#open().filter((tab) => tab.dueAt - tab.intervalMs / 2 <= now);
    if (due.length === 0) return;
    let reads: TabRead[];
    try {
      reads = await this.#options.terminal.readTabs(due.map((tab) => tab.tty));
    } catch (error) {
      this.#failed(error);
      for (const tab of due) {
        tab.intervalMs = TAB_POLL_MS.idle;
        tab.dueAt = now + TAB_POLL_MS.idle;
      }
      return;
    }
    this.#recovered();
    for (const read of reads) {
      const tab = due.find((candidate) => candidate.tty === read.tty);
      if (tab === undefined || this.#tabs.get(tab.sessionId) !== tab || tab.closed) continue;
      try {
        await this.#apply(tab, read, now);
      } catch (error) {
        this.#failed(error);
        tab.intervalMs = TAB_POLL_MS.idle;
        tab.dueAt = now + TAB_POLL_MS.idle;
      }
    }
  }

  async #apply(tab: FollowedTab, read: TabRead, polledAt: number): Promise<void> {
    const { terminal, clock, log } = this.#options;
    if (read.closed) return this.#closed(tab);
    let step = mirrorStep(tab.mirror, read);
    if (step.kind === 'need-history') {
      const history = await terminal.readHistory(tab.tty, HISTORY_CHARS);
      if (history === null) return this.#closed(tab);
      step = mirrorStep(tab.mirror, read, history);
    }
    if (step.kind !== 'write' || this.#tabs.get(tab.sessionId) !== tab) return;
    if (step.how === 'skipped') log.warn('terminal_app.output_skipped', { sessionId: tab.sessionId, tty: tab.tty });
    tab.mirror = step.state;
    tab.busy = read.busy;
    const now = clock.now();
    if (step.bytes !== '') {
      tab.changedAt = now;
      tab.live.feed(Buffer.from(step.bytes, 'utf8'));
      this.#options.saveAnchor(tab.sessionId, mirrorAnchor(tab.mirror));
      this.#options.changes.emit('changed');
    }
    tab.intervalMs = nextTabPollDelay({ now, lookedAt: tab.lookedAt, changedAt: tab.changedAt, busy: tab.busy });
    tab.dueAt = polledAt + tab.intervalMs;
  }

  async #closed(tab: FollowedTab): Promise<void> {
    this.#options.log.info('terminal_app.tab_closed', { sessionId: tab.sessionId, tty: tab.tty });
    tab.closed = true;
    await this.#options.onTabClosed(tab.sessionId);
  }

  #open(): FollowedTab[] {
    return [...this.#tabs.values()].filter((tab) => !tab.closed);
  }

  #failed(error: unknown): void {
    const message = isPocketError(error) ? error.message : String(error);
    if (message !== this.#lastFailure) this.#options.log.warn('terminal_app.poll_failed', { error });
    this.#lastFailure = message;
    this.#options.health?.set(HEALTH_KEY, `cannot read Terminal.app tabs: ${message}`);
  }

  #recovered(): void {
    if (this.#lastFailure === null) return;
    this.#lastFailure = null;
    this.#options.log.info('terminal_app.poll_recovered');
    this.#options.health?.clear(HEALTH_KEY);
  }
}
