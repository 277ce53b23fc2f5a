// State files under .state/: validated on read and write (zod), written atomically and privately (0600).
// A corrupt file is moved aside with a clear log line and treated as absent: never a crash loop.
// The one write path of every .state/ JSON file (bot.json, updates.json, tails.json, sessions.json, daemon.json):
// writes are chained, so an older value never lands after a newer one, whether asked for ahead (write) or behind
// (writeSoon, coalesced).
import { readFileSync, renameSync } from 'node:fs';
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

  const enqueue = (value: T): Promise<void> => {
    const text = serialize(value);
    const written = chain.then(() => writeFile(path, text));
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
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback();
        throw error;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = Symbol('not json');
      }
      const checked = schema.safeParse(parsed);
      if (checked.success) return checked.data;
      const aside = `${path}.corrupt-${Date.now()}`;
      renameSync(path, aside);
      log.warn('state.corrupt_moved_aside', { file: path, movedTo: aside });
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
      writeFileAtomic.sync(path, serialize(snapshot()), { mode: 0o600 });
    },
    writeSync(value) {
      writeFileAtomic.sync(path, serialize(value), { mode: 0o600 });
    },
  };
}
