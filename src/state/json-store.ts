// State files under .state/: validated on read and write (zod), written atomically and privately (0600).
// A file that is not valid state (truncated, empty, garbage, a directory) is moved aside with one clear log line,
// then the last good copy (`<file>.bak`, for stores that keep one) is used, else the fallback: never a crash loop and
// never a raw errno. A file that cannot be read at all (permissions) stops the start with a message that says how
// to fix it, because guessing would lose the state that is still there.
// The one write path of every .state/ JSON file (bot.json, updates.json, tails.json, sessions.json, daemon.json):
// writes are chained, so an older value never lands after a newer one, whether asked for ahead (write) or behind
// (writeSoon, coalesced).
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { PocketError } from '../core/errors.js';
import type { Logger, Store } from '../core/ports.js';

export interface JsonStore<T> extends Store<T> {
  readonly path: string;
  /** One synchronous write now, outside the chain: for a file only ever written this way (daemon.json). */
  writeSync(value: T): void;
}

export interface JsonStoreOptions {
  /** How long writeSoon waits, gathering later calls into the same write (default 0: the next timer turn). */
  delayMs?: number;
  /** Writes the text to the file; tests hold a write here to see the order. Default: write-file-atomic, 0600. */
  writeFile?: (path: string, text: string) => Promise<void>;
  /**
   * Also keep `<file>.bak`, a second copy written after each successful write, read when the file itself is lost or
   * not valid. For the files whose loss a person would notice (cards posted again, sessions forgotten); not for those
   * written on every output line (tail positions) or ahead of every update (the ledger).
   */
  backup?: boolean;
  /**
   * Told after every write of the file: null when it landed, the error when not. The daemon turns this into a
   * degraded-state problem (disk full, read-only) that `pocket status` shows and that clears on the next good write.
   */
  onWriteResult?: (error: unknown) => void;
}

const atomicPrivate = (path: string, text: string): Promise<void> => writeFileAtomic(path, text, { mode: 0o600 });

export function jsonStore<S extends z.ZodType>(
  path: string,
  schema: S,
  fallback: () => z.output<S>,
  log: Logger,
  options: JsonStoreOptions = {},
): JsonStore<z.output<S>> {
  type T = z.output<S>;
  const writeFile = options.writeFile ?? atomicPrivate;
  const delayMs = options.delayMs ?? 0;
  // Invalid state is a bug in the caller: refuse it before it can replace a good file.
  const serialize = (value: T): string => {
    const checked = schema.safeParse(value);
    if (!checked.success) {
      throw new PocketError('INTERNAL', `Refusing to write invalid state to ${path}: ${checked.error.message}`);
    }
    return `${JSON.stringify(checked.data, null, 1)}\n`;
  };

  // The last write asked for; never rejects, so one failure does not stop the writes after it.
  let chain: Promise<void> = Promise.resolve();
  let pending: (() => T) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const backupPath = `${path}.bak`;
  const enqueue = (value: T): Promise<void> => {
    const text = serialize(value);
    // The copy follows the file, so it is always a state that was written whole (at worst one write behind).
    const written = chain.then(async () => {
      try {
        await writeFile(path, text);
      } catch (error) {
        options.onWriteResult?.(error);
        throw error;
      }
      options.onWriteResult?.(null);
      if (options.backup) await writeFile(backupPath, text);
    });
    chain = written.catch(() => {});
    return written;
  };

  const writePending = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const snapshot = pending;
    pending = undefined;
    if (snapshot === undefined) return;
    let value: T;
    try {
      value = snapshot();
    } catch (error) {
      log.error('state.write_failed', { file: path, error });
      return;
    }
    enqueue(value).catch((error: unknown) => log.error('state.write_failed', { file: path, error }));
  };

  return {
    path,
    read() {
      const found = readValid(path, schema, log);
      if (found.ok) return found.value;
      if (options.backup) {
        const copy = readValid(backupPath, schema, log);
        if (copy.ok) {
          log.warn('state.restored_from_backup', { file: path, from: backupPath, because: found.why });
          return copy.value;
        }
      }
      return fallback();
    },
    write(value) {
      try {
        return enqueue(value);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    writeSoon(snapshot) {
      if (closed) return;
      pending = snapshot;
      timer ??= setTimeout(writePending, delayMs);
    },
    async flush() {
      writePending();
      await chain;
    },
    async close(snapshot) {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      await chain;
      // Synchronous: nothing of this store is in flight once close() returns, even if the process exits next.
      writeNowSync(snapshot());
    },
    writeSync(value) {
      writeNowSync(value);
    },
  };

  function writeNowSync(value: T): void {
    const text = serialize(value);
    writeFileAtomic.sync(path, text, { mode: 0o600 });
    if (options.backup) writeFileAtomic.sync(backupPath, text, { mode: 0o600 });
  }
}

type ReadResult<T> = { ok: true; value: T } | { ok: false; why: 'missing' | 'invalid' };

/** Reads one state file; a file that is there but not valid state is moved aside (and said so) first. */
function readValid<S extends z.ZodType>(path: string, schema: S, log: Logger): ReadResult<z.output<S>> {
  // undefined: a directory stands where the file should be, which is no state either.
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, why: 'missing' };
    if (code !== 'EISDIR' && !isDirectory(path)) {
      throw new PocketError('STATE_UNREADABLE', `Cannot read the state file ${path} (${code ?? 'error'}).`, {
        hint: `pocket keeps it as the user that runs it, mode 0600: check \`ls -l ${path}\`, fix it, then start again.`,
        cause: error,
      });
    }
  }
  if (text !== undefined) {
    const checked = schema.safeParse(parseJson(text));
    if (checked.success) return { ok: true, value: checked.data };
  }
  // Never onto an earlier one: two moved aside in the same millisecond (a directory onto a directory) failed.
  let aside = `${path}.corrupt-${Date.now()}`;
  for (let n = 2; existsSync(aside); n++) aside = `${path}.corrupt-${Date.now()}-${n}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    throw new PocketError('STATE_UNREADABLE', `The state file ${path} is not valid state and cannot be moved aside.`, {
      hint: 'Move or remove it yourself, then start again.',
      cause: error,
    });
  }
  log.warn('state.corrupt_moved_aside', { file: path, movedTo: aside, found: text === undefined ? 'a directory' : 'not valid state' });
  return { ok: false, why: 'invalid' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol('not json');
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
