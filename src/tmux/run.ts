// The one way pocket runs tmux: array arguments (never a shell string), its own socket, a timeout on every call,
// and errors that carry the subcommand and tmux's own words.
import { execa } from 'execa';
import { PocketError } from '../core/errors.js';

export interface TmuxRunnerOptions {
  /** `tmux -L NAME`; tmux's default server when absent. */
  socket?: string;
  /** `tmux -f FILE`; tests pass `/dev/null` so no user config leaks in. */
  configFile?: string;
  /** Per call; a client still waiting after this is killed, so no command is left half-done behind our back. */
  timeoutMs?: number;
  /** The tmux executable; `tmux` on PATH by default. */
  bin?: string;
  /**
   * A command that `new-session` runs under, such as `systemd-run --user --scope`: new-session is what starts a tmux
   * server when none runs, and under a service manager that server would otherwise be in the service's cgroup and
   * die with it at every stop or restart of the service (service-scope.ts).
   */
  serverLauncher?: readonly string[];
}

export type TmuxRun = (args: readonly string[], options?: { timeoutMs?: number }) => Promise<string>;

export const DEFAULT_TMUX_TIMEOUT_MS = 5_000;

/** A failed tmux call; `stderr` is tmux's message, `subcommand` the first argument after the globals. */
export class TmuxError extends PocketError {
  readonly subcommand: string;
  readonly stderr: string;

  constructor(
    code: 'TMUX_FAILED' | 'TMUX_TIMEOUT' | 'TMUX_MISSING',
    subcommand: string,
    stderr: string,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { hint: hintFor(code), cause });
    this.name = 'TmuxError';
    this.subcommand = subcommand;
    this.stderr = stderr;
  }
}

function hintFor(code: TmuxError['code']): string {
  if (code === 'TMUX_MISSING') return 'Install tmux (e.g. `apt-get install tmux` or `brew install tmux`).';
  if (code === 'TMUX_TIMEOUT') return 'tmux did not answer in time; the pane may not be reading its input.';
  return 'Check that the session or pane still exists (`tmux ls`).';
}

// tmux 3.x wording; "error connecting to" is what a client says when the socket file is gone.
const NO_SERVER = /no server running|error connecting to|server exited unexpectedly/i;
const NOT_FOUND = /can't find (session|window|pane)|no such (session|window|pane)|session not found/i;

export function isNoServer(error: unknown): boolean {
  return error instanceof TmuxError && error.code === 'TMUX_FAILED' && NO_SERVER.test(error.stderr);
}

/** The target does not exist, or there is no server at all (so it cannot exist either). */
export function isNotFound(error: unknown): boolean {
  return error instanceof TmuxError && error.code === 'TMUX_FAILED' && (NOT_FOUND.test(error.stderr) || NO_SERVER.test(error.stderr));
}

/**
 * The child's environment: without TMUX/TMUX_PANE a nested client would talk to the server we run inside; without
 * POCKET_SERVICE_MANAGER (set by the service unit for the daemon) the shells of a tmux server the daemon starts do not
 * tell a `pocket` run in them that it is the service.
 */
const NOT_FOR_TMUX = new Set(['TMUX', 'TMUX_PANE', 'POCKET_SERVICE_MANAGER']);

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !NOT_FOR_TMUX.has(key)) env[key] = value;
  }
  return env;
}

export function globalArgs(options: TmuxRunnerOptions): string[] {
  const args: string[] = [];
  if (options.socket !== undefined) args.push('-L', options.socket);
  if (options.configFile !== undefined) args.push('-f', options.configFile);
  return args;
}

export function createTmuxRunner(options: TmuxRunnerOptions = {}): TmuxRun {
  const bin = options.bin ?? 'tmux';
  const globals = globalArgs(options);
  const env = childEnv();
  return async (args, callOptions = {}) => {
    const subcommand = args[0] ?? '';
    const timeout = callOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_TMUX_TIMEOUT_MS;
    const launcher = subcommand === 'new-session' ? options.serverLauncher ?? [] : [];
    const [file, ...argv] = [...launcher, bin, ...globals, ...args] as [string, ...string[]];
    const result = await execa(file, argv, {
      env,
      extendEnv: false,
      stdin: 'ignore',
      timeout,
      forceKillAfterDelay: 1_000,
      reject: false,
      stripFinalNewline: false,
    });
    if (!result.failed) return result.stdout;
    const stderr = String(result.stderr ?? '').trim();
    if (result.timedOut) {
      throw new TmuxError('TMUX_TIMEOUT', subcommand, stderr, `tmux ${subcommand} timed out after ${timeout} ms.`, result);
    }
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new TmuxError('TMUX_MISSING', subcommand, stderr, `tmux was not found (${bin}).`, result);
    }
    const what = stderr || `exit code ${result.exitCode ?? 'unknown'}`;
    throw new TmuxError('TMUX_FAILED', subcommand, stderr, `tmux ${subcommand} failed: ${what}`, result);
  };
}
