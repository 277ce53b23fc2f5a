// The Tmux port over the tmux command line. Panes are addressed by `%id`; names are validated before tmux sees
// them because tmux format-expands names (`#(cmd)` would run cmd).
import { PocketError } from '../core/errors.js';
import { assertValidName } from '../core/names.js';
import type { NewSessionOptions, PaneInfo, Tmux } from '../core/ports.js';
import { MARK_OPTION, PANE_FORMAT, parsePanes } from './format.js';
import { checkKeys, checkText, escapeTrailingSemicolon, splitText } from './input.js';
import { DEFAULT_CHUNK_BYTES, DIED_HOOK, LOG_OPTION, MARKER_OPTION, assertPipePath, markerBase, pipeCommand } from './pipe-command.js';
import { type TmuxRunnerOptions, TmuxError, createTmuxRunner, isNoServer, isNotFound } from './run.js';

export interface TmuxCliOptions extends TmuxRunnerOptions {
  /** Gap between typed text and its Enter, so a TUI does not take the Enter as part of a paste. */
  enterDelayMs?: number;
  /** Size of a new session when the caller gives none. */
  defaultSize?: { width: number; height: number };
  /** Size of each pane log file before the writer starts the next one. */
  logChunkBytes?: number;
  /** How long paneSoon() gathers lookups before one `list-panes` answers them all. */
  paneBatchMs?: number;
}

export interface EnsurePipeOptions {
  /** Close whatever pipe the pane has and open a fresh one (after the log was removed or rotated). */
  replace?: boolean;
}

/** The port plus what pocket needs beyond it. */
export interface TmuxCli extends Tmux {
  ensurePipe(paneId: string, file: string, options?: EnsurePipeOptions): Promise<void>;
  newSession(options: NewSessionOptions & { pipeFile?: string }): Promise<PaneInfo>;
  /**
   * pane(), for checks that can wait up to paneBatchMs: every paneSoon() asked within that window is answered by one
   * `list-panes`. A burst of 150 `/new` has all 150 panes go quiet 3 s later, and each quiet pane is checked for
   * death (the hook's fallback): one tmux process per check was 150 process starts competing with the burst itself.
   */
  paneSoon(paneId: string): Promise<PaneInfo | null>;
}

const PANE_ID = /^%\d+$/;

/** Lookups waiting for one shared list-panes, by pane id. */
type PaneBatch = Map<string, Array<{ resolve: (pane: PaneInfo | null) => void; reject: (error: unknown) => void }>>;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assertPaneId(paneId: string): string {
  if (!PANE_ID.test(paneId)) {
    throw new PocketError('INVALID_INPUT', `Not a pane id: ${JSON.stringify(paneId.slice(0, 40))}.`, {
      hint: 'Panes are addressed as %N.',
    });
  }
  return paneId;
}

function assertTarget(target: string): string {
  // A leading dash is refused too: the target is always the value of -t, but it must never look like a flag.
  if (target === '' || target.startsWith('-') || /[\x00-\x1f\x7f]/.test(target)) {
    throw new PocketError('INVALID_INPUT', 'Not a tmux target.', { hint: 'Use %N or session:window.pane.' });
  }
  return target;
}

function assertCwd(cwd: string): string {
  if (!cwd.startsWith('/') || /[\x00-\x1f\x7f]/.test(cwd)) {
    throw new PocketError('INVALID_INPUT', 'The working directory must be an absolute path without control characters.');
  }
  return cwd;
}

/** The commands that make a pane pocket's: log path for the hook, the pane-died hook, the pipe. */
function pipeArgs(target: string, file: string, chunkBytes: number): string[] {
  return [
    'set-option', '-p', '-t', target, LOG_OPTION, file, ';',
    'set-option', '-p', '-t', target, MARKER_OPTION, markerBase(file), ';',
    'set-hook', '-p', '-t', target, 'pane-died', DIED_HOOK, ';',
    'pipe-pane', '-t', target, escapeTrailingSemicolon(pipeCommand(file, chunkBytes)),
  ];
}

/** A mark is data for tmux, never parsed as a command: no control characters, and a trailing `;` escaped. */
function markArgs(target: string, mark: string): string[] {
  if (mark === '' || /[\x00-\x1f\x7f]/.test(mark)) {
    throw new PocketError('INVALID_INPUT', 'A pane mark must be non-empty text without control characters.');
  }
  return ['set-option', '-p', '-t', target, MARK_OPTION, escapeTrailingSemicolon(mark)];
}

export function createTmuxCli(options: TmuxCliOptions = {}): TmuxCli {
  const run = createTmuxRunner(options);
  const enterDelayMs = options.enterDelayMs ?? 40;
  const size = options.defaultSize ?? { width: 120, height: 40 };
  const chunkBytes = options.logChunkBytes ?? DEFAULT_CHUNK_BYTES;
  const paneBatchMs = options.paneBatchMs ?? 1_000;
  /** The lookups waiting for the next shared list-panes, by pane id; null when no batch is gathering. */
  let gathering: PaneBatch | null = null;

  async function queryPane(target: string): Promise<PaneInfo | null> {
    try {
      const out = await run(['display-message', '-p', '-t', assertTarget(target), PANE_FORMAT]);
      return parsePanes(out)[0] ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  // Seen on tmux 3.3a under load: the pane's process stays a zombie the server has not reaped, so the pane shows
  // dead with no status and the pane-died hook never fires. The server reaps every exited child on its next SIGCHLD;
  // a finished run-shell job gives it one. Done only for a dead pane without status, i.e. when something happened.
  async function reap(): Promise<void> {
    await run(['run-shell', 'true']).catch(() => {});
  }

  async function pane(target: string): Promise<PaneInfo | null> {
    const info = await queryPane(target);
    if (info === null || !info.dead || info.exitCode !== null) return info;
    await reap();
    return queryPane(target);
  }

  async function listPanes(): Promise<PaneInfo[]> {
    try {
      const panes = parsePanes(await run(['list-panes', '-a', '-F', PANE_FORMAT]));
      if (!panes.some((p) => p.dead && p.exitCode === null)) return panes;
      await reap();
      return parsePanes(await run(['list-panes', '-a', '-F', PANE_FORMAT]));
    } catch (error) {
      if (isNoServer(error)) return [];
      throw error;
    }
  }

  async function answerBatch(batch: PaneBatch): Promise<void> {
    try {
      const byId = new Map((await listPanes()).map((p) => [p.paneId, p]));
      for (const [paneId, waiters] of batch) for (const w of waiters) w.resolve(byId.get(paneId) ?? null);
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    }
  }

  function paneSoon(paneId: string): Promise<PaneInfo | null> {
    return new Promise((resolve, reject) => {
      assertPaneId(paneId); // a throw here rejects the promise
      if (gathering === null) {
        const batch: PaneBatch = new Map();
        gathering = batch;
        setTimeout(() => {
          gathering = null;
          void answerBatch(batch);
        }, paneBatchMs);
      }
      const waiters = gathering.get(paneId) ?? [];
      waiters.push({ resolve, reject });
      gathering.set(paneId, waiters);
    });
  }

  async function ignoreMissing(args: string[]): Promise<void> {
    try {
      await run(args);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  return {
    async newSession(opts) {
      const name = assertValidName(opts.name, 'session name');
      const args = ['new-session', '-d', '-s', name];
      args.push('-x', String(opts.width ?? size.width), '-y', String(opts.height ?? size.height));
      // -c is format-expanded.
      if (opts.cwd !== undefined) args.push('-c', escapeTrailingSemicolon(assertCwd(opts.cwd).replaceAll('#', '##')));
      for (const [key, value] of Object.entries(opts.env ?? {})) {
        if (!ENV_KEY.test(key) || /[\x00]/.test(value)) {
          throw new PocketError('INVALID_INPUT', `Bad environment variable ${JSON.stringify(key.slice(0, 40))}.`);
        }
        args.push('-e', escapeTrailingSemicolon(`${key}=${value}`));
      }
      // `--` ends tmux's options: a command that starts with a dash (`/new x -c /etc`) is the command, not a flag.
      // An argv runs directly (no /bin/sh -c in between) and, like a command, is not format-expanded by tmux 3.3a;
      // only a trailing `;` needs escaping, in each argument (docs/facts.md).
      if (opts.argv !== undefined && opts.argv.length > 0) {
        if (opts.argv.some((arg) => arg.includes('\0'))) throw new PocketError('INVALID_INPUT', 'A command argument contains a NUL byte.');
        args.push('--', ...opts.argv.map(escapeTrailingSemicolon));
      } else if (opts.command !== undefined && opts.command !== '') args.push('--', escapeTrailingSemicolon(opts.command));
      // One tmux invocation: the server runs the whole list before it handles the child's exit, so even a command
      // that exits at once keeps its status, and the pipe sees its first byte.
      const first = `=${name}:`;
      args.push(';', 'set-option', '-p', '-t', first, 'remain-on-exit', 'on');
      if (opts.mark !== undefined) args.push(';', ...markArgs(first, opts.mark));
      if (opts.pipeFile !== undefined) args.push(';', ...pipeArgs(first, opts.pipeFile, chunkBytes));
      // The pane's full record from the same invocation: a second `display-message` client cost 35-50 ms of the
      // 180-360 ms a `/new` took on a loaded 2-core machine (bench/burst), mostly process start and scheduling.
      args.push(';', 'display-message', '-p', '-t', first, PANE_FORMAT);
      let out: string;
      try {
        out = await run(args);
      } catch (error) {
        if (error instanceof TmuxError && /duplicate session/i.test(error.stderr)) {
          throw new PocketError('SESSION_EXISTS', `A tmux session named ${name} already exists.`, {
            hint: 'Pick another name, or adopt the existing pane.',
            cause: error,
          });
        }
        throw error;
      }
      const info = parsePanes(out).pop();
      if (info === undefined) throw new PocketError('TMUX_FAILED', `Session ${name} gave no pane record: ${JSON.stringify(out.slice(0, 200))}.`);
      // Dead without a status: the unreaped zombie of reap()'s comment; only then is tmux asked again.
      if (!info.dead || info.exitCode !== null) return info;
      const after = await pane(info.paneId);
      if (after === null) throw new PocketError('TMUX_FAILED', `Session ${name} vanished right after it started.`);
      return after;
    },

    listPanes,

    pane,

    paneSoon,

    async sendText(paneId, text, sendOptions = {}) {
      assertPaneId(paneId);
      checkText(text);
      const pieces = splitText(text);
      const enter = sendOptions.enter !== false;
      for (const [i, piece] of pieces.entries()) {
        const args = ['send-keys', '-t', paneId, '-l', '--', escapeTrailingSemicolon(piece)];
        // The last piece, the gap and the Enter go in one tmux call: tmux's own `run-shell -d` waits between them
        // (the client returns after it), which saves a process start on every message typed from Telegram.
        if (enter && i === pieces.length - 1) args.push(';', 'run-shell', '-d', String(enterDelayMs / 1000), ';', 'send-keys', '-t', paneId, 'Enter');
        await run(args);
      }
      if (enter && pieces.length === 0) await run(['send-keys', '-t', paneId, 'Enter']);
    },

    async sendKeys(paneId, keys) {
      assertPaneId(paneId);
      for (const key of checkKeys(keys)) {
        const args = key.literal ? ['-l', '--', escapeTrailingSemicolon(key.key)] : [key.key];
        await run(['send-keys', '-t', paneId, ...args]);
      }
    },

    async capture(paneId, captureOptions = {}) {
      const args = ['capture-pane', '-p', '-J', '-t', assertPaneId(paneId)];
      if (captureOptions.ansi) args.push('-e');
      if (captureOptions.history) args.push('-S', '-', '-q');
      return run(args);
    },

    async ensurePipe(paneId, file, pipeOptions = {}) {
      assertPaneId(paneId);
      assertPipePath(file);
      if (!pipeOptions.replace) {
        const state = await run(['display-message', '-p', '-t', paneId, `#{pane_pipe}\x1f#{${LOG_OPTION}}`]);
        // Ours already: leave it alone (pipe-pane -o would toggle it off; replacing a pipe can drop bytes).
        if (state.replace(/\n$/, '') === `1\x1f${file}`) return;
      }
      // Without -o, pipe-pane closes any existing pipe and opens ours in one step of tmux's event loop.
      await run(pipeArgs(paneId, file, chunkBytes));
    },

    async setMark(paneId, mark) {
      assertPaneId(paneId);
      await run(mark === null ? ['set-option', '-p', '-u', '-t', paneId, MARK_OPTION] : markArgs(paneId, mark));
    },

    async killPane(paneId) {
      await ignoreMissing(['kill-pane', '-t', assertPaneId(paneId)]);
    },

    async killSession(name) {
      await ignoreMissing(['kill-session', '-t', `=${assertValidName(name, 'session name')}`]);
    },
  };
}
