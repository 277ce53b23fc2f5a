// Capabilities the core needs from the outside world. Adapters implement them; tests use hand-written fakes.
// Plain data only: no node:*, execa, grammy or ink types cross these lines.

/** One tmux pane as tmux reports it. */
export interface PaneInfo {
  /** `%12` — the stable address of a pane for its whole life. */
  paneId: string;
  sessionName: string;
  windowIndex: number;
  paneIndex: number;
  /** `session:window.pane`, for people. */
  target: string;
  /** The foreground command (`#{pane_current_command}`). */
  command: string;
  /** The command the pane was started with (`#{pane_start_command}`), may be empty. */
  startCommand: string;
  cwd: string;
  width: number;
  height: number;
  pid: number;
  dead: boolean;
  /** Exit status of a dead pane, null while alive or when tmux does not know. */
  exitCode: number | null;
  /** True while a pipe-pane is attached. */
  piped: boolean;
  /** True while the pane shows the alternate screen (a full-screen TUI). */
  alternateScreen: boolean;
  /**
   * The identity mark pocket set on the pane (an opaque string, see core/pane-mark.ts), null on any other pane.
   * Pane ids are reused by a new tmux server (%0 again after a reboot): only the mark says a pane is still ours.
   */
  mark: string | null;
}

export interface NewSessionOptions {
  /** Already validated against NAME_PATTERN by the caller; the adapter validates again. */
  name: string;
  /** Shell command line run by tmux in the pane; the login shell when absent. */
  command?: string;
  /** A program and its arguments, run directly without a shell line (`[$SHELL, '-lc', text]`); wins over command. */
  argv?: readonly string[];
  cwd?: string;
  width?: number;
  height?: number;
  env?: Record<string, string>;
  /** Identity mark set on the new pane in the same tmux call that creates it. */
  mark?: string;
}

/** Keys pocket may send as keys (not text). Anything else is a single printable character. */
export const SPECIAL_KEYS = [
  'C-c', 'C-d', 'C-z', 'Enter', 'Esc', 'Tab', 'BSpace', 'Up', 'Down', 'Left', 'Right',
  'PageUp', 'PageDown', 'Home', 'End',
] as const;
export type SpecialKey = (typeof SPECIAL_KEYS)[number];

export interface Tmux {
  /** Starts a detached session and returns its first pane (remain-on-exit on, so the exit code is kept). */
  newSession(options: NewSessionOptions): Promise<PaneInfo>;
  /** Every pane on the server; empty when no server runs. */
  listPanes(): Promise<PaneInfo[]>;
  /** One pane by `%id` or `session:window.pane`; null when it does not exist. */
  pane(target: string): Promise<PaneInfo | null>;
  /** Types text literally, then presses Enter as a separate key after a short gap (unless enter is false). */
  sendText(paneId: string, text: string, options?: { enter?: boolean }): Promise<void>;
  /** Presses keys from SPECIAL_KEYS or single printable characters, in order. */
  sendKeys(paneId: string, keys: readonly string[]): Promise<void>;
  /** The visible screen as plain text (or with escapes when ansi is true). */
  capture(paneId: string, options?: { ansi?: boolean; history?: boolean }): Promise<string>;
  /** Makes sure the pane pipes its output into file (appending). Idempotent: never toggles an existing pipe off. */
  ensurePipe(paneId: string, file: string): Promise<void>;
  /** Sets (or with null, clears) the pane's identity mark. */
  setMark(paneId: string, mark: string | null): Promise<void>;
  killPane(paneId: string): Promise<void>;
  killSession(name: string): Promise<void>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Something the daemon runs: started in order, stopped in reverse, each finishing its in-flight work. */
export interface DaemonService {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One value kept on disk (src/state/json-store.ts). Writes land in the order they were asked for: an older value
 * never overwrites a newer one.
 */
export interface Store<T> {
  /** The stored value, or the fallback when there is none (or it was unreadable and moved aside). */
  read(): T;
  /** Write-ahead: resolves once value is on disk, rejects when that write failed. */
  write(value: T): Promise<void>;
  /**
   * Write-behind: writes what snapshot() returns at write time, within the store's delay; a burst of calls costs
   * one write. A failure is logged (there is no caller left to tell).
   */
  writeSoon(snapshot: () => T): void;
  /** Writes a pending writeSoon now and waits for every write asked for so far. */
  flush(): Promise<void>;
  /**
   * The last word at stop: waits for the writes in flight, then writes what snapshot() returns then, synchronously.
   * Later writeSoon calls are dropped.
   */
  close(snapshot: () => T): Promise<void>;
}
