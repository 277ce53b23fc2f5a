// The one error type of pocket: a stable code, a human message, a hint that says how to fix it, and the cause.
// Only the CLI entry point turns these into exit codes; everything else throws or returns them.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_MISSING'
  | 'ENV_PERMISSIONS'
  | 'DAEMON_RUNNING'
  | 'DAEMON_NOT_RUNNING'
  | 'DAEMON_START_FAILED'
  | 'DAEMON_STOP_FAILED'
  | 'DAEMON_UNRESPONSIVE'
  | 'LOCK_HELD'
  | 'IPC_FAILED'
  | 'IPC_PROTOCOL'
  | 'STATE_UNREADABLE'
  | 'TMUX_MISSING'
  | 'TMUX_FAILED'
  | 'TMUX_TIMEOUT'
  | 'INVALID_NAME'
  | 'INVALID_INPUT'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_EXISTS'
  | 'SHELL_DISABLED'
  | 'TELEGRAM_FAILED'
  | 'SERVICE_UNAVAILABLE'
  | 'SERVICE_FAILED'
  | 'AGENT_UNAVAILABLE'
  | 'TERMINAL_APP_UNAVAILABLE'
  | 'TERMINAL_APP_DENIED'
  | 'TERMINAL_APP_FAILED'
  | 'TERMINAL_APP_TIMEOUT'
  | 'USAGE'
  | 'INTERNAL';

export interface PocketErrorOptions {
  hint?: string;
  cause?: unknown;
  /** The process's exit status when this error ends a command, where it is not 1 (a service manager reads it). */
  exitCode?: number;
}

export class PocketError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number | undefined;

  constructor(code: ErrorCode, message: string, options: PocketErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PocketError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode;
  }

  /** Plain data for IPC and JSON output; the cause stays on this side (it may hold secrets). */
  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isPocketError(value: unknown): value is PocketError {
  return value instanceof PocketError;
}

/** Wraps anything thrown into a PocketError, keeping one that already is. */
export function toPocketError(value: unknown, code: ErrorCode = 'INTERNAL'): PocketError {
  if (value instanceof PocketError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new PocketError(code, message, { cause: value });
}
