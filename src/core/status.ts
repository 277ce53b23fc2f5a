// The status snapshot the daemon serves over IPC; `pocket status --json` prints it as is (PRODUCT.md).
import type { Problem } from './health.js';
import type { SessionView } from './sessions.js';

export type SessionKind = 'tmux' | 'codex' | 'claude' | 'terminal';
export type SessionState = 'running' | 'idle' | 'waiting' | 'exited';

export interface SessionStatus {
  id: string;
  name: string;
  alias: string | null;
  kind: SessionKind;
  /** For tmux sessions the pane id (`%12`); for Terminal.app tabs the tty; for agent sessions (codex, claude) the folder they work in. */
  target: string;
  state: SessionState;
  exitCode: number | null;
  /** ISO-8601 time of the last output or input, null when none yet. */
  lastActivityAt: string | null;
  topicId: number | null;
}

export interface DaemonStatus {
  running: boolean;
  pid: number | null;
  uptimeS: number | null;
  version: string;
  /** What works only partly now and why (a state file that cannot be written, a pane whose pipe died). */
  degraded: Problem[];
  /** Risky settings in force, said while they are (POCKET_SHELL=on); empty otherwise. Absent from older daemons. */
  warnings?: string[];
}

export const SHELL_WARNING = '/shell is ON (POCKET_SHELL=on): any operator can run any command as this user. Set POCKET_SHELL=off in .env and `pocket restart` to turn it off.';

/** The warnings of a daemon with these settings. */
export function daemonWarnings(settings: { shellEnabled: boolean }): string[] {
  return settings.shellEnabled ? [SHELL_WARNING] : [];
}

export interface BotStatus {
  username: string | null;
  connected: boolean;
  /** ISO-8601 time of the last successful getUpdates, null before the first. */
  lastPollAt: string | null;
  lastError: string | null;
  /** What the outbox did since the daemon started; absent where no bot runs (and from older daemons). */
  outbox?: OutboxCounters;
}

/**
 * Counts of messages leaving for Telegram. Everything given up is here: `dropped` (card updates cut on overflow, or
 * still queued at shutdown) and `failed` (Telegram refused, or still rate limited after every retry). `merged`
 * replies went out inside another message, `superseded` card states were replaced by newer ones, `unchanged` edits
 * were skipped because the message already showed them: none of those three lost anything.
 */
export interface OutboxCounters {
  /** Waiting now. */
  pending: number;
  sent: number;
  merged: number;
  superseded: number;
  unchanged: number;
  dropped: number;
  failed: number;
  /** Sends tried again after a 429 or a network error. */
  retried: number;
}

export interface StatusSnapshot {
  daemon: DaemonStatus;
  bot: BotStatus;
  sessions: SessionStatus[];
}

/** What `status --json` prints when no daemon answers. */
export function notRunningSnapshot(version: string): StatusSnapshot {
  return {
    daemon: { running: false, pid: null, uptimeS: null, version, degraded: [], warnings: [] },
    bot: { username: null, connected: false, lastPollAt: null, lastError: null },
    sessions: [],
  };
}

/**
 * What `pocket status --json` prints for a daemon that holds the lock but does not answer (stopped, stuck): it runs,
 * nothing else is known; `reason` (the same sentence as on stderr) says why, as a degradation.
 */
export function unansweredSnapshot(version: string, pid: number | null, reason: string, at: string): StatusSnapshot {
  const snapshot = notRunningSnapshot(version);
  const degraded = [{ key: 'daemon:unanswered', message: reason, since: at }];
  return { ...snapshot, daemon: { ...snapshot.daemon, running: true, pid, degraded }, bot: { ...snapshot.bot, lastError: reason } };
}

/** A session as `pocket status` shows it. */
export function toSessionStatus(view: SessionView): SessionStatus {
  return {
    id: view.id,
    name: view.name,
    alias: view.alias,
    kind: view.kind,
    target: view.agent?.cwd ?? view.paneId,
    state: view.state,
    exitCode: view.exitCode,
    lastActivityAt: view.lastActivityAt,
    topicId: view.topicId,
  };
}
