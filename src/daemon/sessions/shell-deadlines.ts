// /shell (POCKET_SHELL=on): what a /shell command runs as, and the limit that kills a /shell session still running
// after it. The deadline is in the session's record, so a restarted daemon arms it again for the time that is left.
import { PocketError } from '../../core/errors.js';
import { decodePaneMark, markMatches } from '../../core/pane-mark.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { SessionRecord } from '../../core/sessions.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { SessionRecords } from './session-records.js';

export interface ShellOptions {
  /** The user's login shell ($SHELL), an absolute path: runs the command as `SHELL -lc COMMAND`. */
  program: string;
  /** A /shell session still running after this long is killed (SIGTERM to its process group, then SIGKILL). */
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
}

/** /shell's limit when none is given: long enough for a build or a test run, short enough not to be forgotten. */
export const DEFAULT_SHELL_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_SHELL_GRACE_MS = 5_000;

/**
 * /shell COMMAND as argv data (`SHELL -lc COMMAND`, never spliced into a command line) and the command as shown.
 * Throws SHELL_DISABLED where /shell is off (no `shell`), INVALID_INPUT for an empty command.
 */
export function shellRun(shell: ShellOptions | undefined, command: string): { argv: string[]; shown: string; timeoutMs: number } {
  if (shell === undefined) {
    throw new PocketError('SHELL_DISABLED', '/shell is disabled on this machine.', { hint: 'Set POCKET_SHELL=on in .env, then run `pocket restart`.' });
  }
  const text = command.trim();
  if (text === '' || text.includes('\0')) throw new PocketError('INVALID_INPUT', 'Give /shell a command to run.', { hint: 'Usage: /shell COMMAND' });
  return { argv: [shell.program, '-lc', text], shown: text, timeoutMs: shell.timeoutMs };
}

export interface ShellDeadlinesOptions {
  shell: ShellOptions | undefined;
  tmux: Pick<TmuxCli, 'pane'>;
  /** Which pocket home a pane mark must name for the pane to be ours. */
  home: string;
  clock: Clock;
  log: Logger;
  records: Pick<SessionRecords, 'get'>;
  /** Sends a signal to a process group (tests watch it); process.kill(-pgid) by default. */
  signalGroup?: ((pgid: number, signal: NodeJS.Signals) => void) | undefined;
}

export class ShellDeadlines {
  readonly #options: ShellDeadlinesOptions;
  /** /shell sessions' kill timers, by session id. */
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(options: ShellDeadlinesOptions) {
    this.#options = options;
  }

  /** Arms the kill timer of a running /shell session (at creation, and again when a restarted daemon resumes it). */
  arm(record: SessionRecord): void {
    if (record.deadlineAt === undefined || record.exitedAt !== null || this.#timers.has(record.id)) return;
    const delay = Math.max(0, Date.parse(record.deadlineAt) - this.#options.clock.now());
    const timer = setTimeout(() => {
      this.#timers.delete(record.id);
      void this.#expire(record.id).catch((error: unknown) => this.#options.log.error('sessions.shell_kill_failed', { id: record.id, error }));
    }, delay);
    timer.unref();
    this.#timers.set(record.id, timer);
  }

  /** The session is killed: its limit no longer applies. */
  disarm(sessionId: string): void {
    clearTimeout(this.#timers.get(sessionId));
    this.#timers.delete(sessionId);
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** The limit passed: SIGTERM to the pane's process group, SIGKILL after the grace, only while the pane is ours. */
  async #expire(sessionId: string): Promise<void> {
    const { tmux, home, shell, log } = this.#options;
    const signal = this.#options.signalGroup ?? ((pgid, sig) => process.kill(-pgid, sig));
    const alive = async (): Promise<number | null> => {
      const record = this.#options.records.get(sessionId);
      if (record === undefined || record.exitedAt !== null) return null;
      const pane = await tmux.pane(record.paneId);
      // The pane's process leads its own process group (tmux starts it in a new session): the group is the command.
      if (pane === null || pane.dead || !markMatches(decodePaneMark(pane.mark), record, home)) return null;
      return pane.pid;
    };
    const pid = await alive();
    if (pid === null) return;
    const timeoutMs = shell?.timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS;
    log.warn('sessions.shell_timeout', { id: sessionId, limitMs: timeoutMs });
    signal(pid, 'SIGTERM');
    const grace = setTimeout(() => {
      void alive().then((again) => {
        if (again !== null) signal(again, 'SIGKILL');
      }).catch(() => {});
    }, shell?.graceMs ?? DEFAULT_SHELL_GRACE_MS);
    grace.unref();
  }
}
