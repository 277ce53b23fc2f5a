// The daemon log: one JSON object per line, size-capped with rotation, redacted at the logger so that no
// caller can leak the token by logging an error object (grammY's HttpError carries the URL with the token).
import { appendFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Logger } from './core/ports.js';
import type { Redactor } from './core/redact.js';

/** The keys every log line starts with. */
const RESERVED_KEYS = new Set(['t', 'level', 'event']);

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface FileLoggerOptions {
  file: string;
  redactor: Redactor;
  maxBytes?: number;
  keep?: number;
  level?: LogLevel;
  /** Also echo lines here (the foreground daemon writes to stderr too). */
  echo?: (line: string) => void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * logs/audit.log: an audit line is ~250 bytes, so one file holds ~40,000 actions and the five kept ~200,000; a chat
 * that sends a command a minute fills one in about a month. The oldest goes, never the current one.
 */
export const AUDIT_LOG_ROTATION = { maxBytes: 10 * 1024 * 1024, keep: 5 };

/**
 * Appends whole lines to `file` (0600), synchronously, and rotates it by size: `file.1` is the newest old one, at
 * most `keep` are kept. Shared by the daemon log and the audit log (src/bot/audit.ts), which would otherwise grow
 * without bound on a long-lived daemon.
 */
export function rotatingAppender(file: string, options: { maxBytes: number; keep: number }): (line: string) => void {
  let size = currentSize(file);
  const rotate = (): void => {
    rmSync(`${file}.${options.keep}`, { force: true });
    for (let i = options.keep - 1; i >= 1; i--) renameIfExists(`${file}.${i}`, `${file}.${i + 1}`);
    renameIfExists(file, `${file}.1`);
    size = 0;
  };
  return (line) => {
    const bytes = Buffer.byteLength(line);
    if (size + bytes > options.maxBytes && size > 0) rotate();
    // Synchronous on purpose: a line written just before a crash must be on disk.
    appendFileSync(file, line, { mode: 0o600 });
    size += bytes;
  };
}

export function createFileLogger(options: FileLoggerOptions): Logger {
  const minLevel = LEVELS[options.level ?? 'info'];
  const append = rotatingAppender(options.file, { maxBytes: options.maxBytes ?? 5 * 1024 * 1024, keep: options.keep ?? 3 });

  const write = (level: LogLevel, event: string, fields: Record<string, unknown>): void => {
    if (LEVELS[level] < minLevel) return;
    const record: Record<string, unknown> = { t: new Date().toISOString(), level, event };
    for (const [key, value] of Object.entries(options.redactor.value(fields) as Record<string, unknown>)) {
      // A field named like a line's own keys (a hook's `event`, say) must not overwrite them: it is kept as `eventField`.
      record[RESERVED_KEYS.has(key) ? `${key}Field` : key] = value;
    }
    const line = `${options.redactor.text(JSON.stringify(record))}\n`;
    append(line);
    options.echo?.(line);
  };

  const make = (base: Record<string, unknown>): Logger => ({
    debug: (event, fields = {}) => write('debug', event, { ...base, ...fields }),
    info: (event, fields = {}) => write('info', event, { ...base, ...fields }),
    warn: (event, fields = {}) => write('warn', event, { ...base, ...fields }),
    error: (event, fields = {}) => write('error', event, { ...base, ...fields }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return make({});
}

/** A logger that drops everything, for tests and for commands that have no home yet. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

function currentSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Formats a stored JSON line for people (`pocket logs`); lines that are not JSON pass through. */
export function formatLogLine(line: string): string {
  try {
    const { t, level, event, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const extras = Object.entries(rest)
      .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`)
      .join(' ');
    return `${String(t)} ${String(level).toUpperCase().padEnd(5)} ${String(event)}${extras ? ` ${extras}` : ''}`;
  } catch {
    return line;
  }
}
