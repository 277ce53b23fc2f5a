// State files under .state/: validated on read and write, written atomically and privately (0600).
// A corrupt file is moved aside with a clear log line and treated as absent: never a crash loop.
import { readFileSync, renameSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { PocketError } from '../core/errors.js';
import type { Logger } from '../log.js';

export interface JsonStore<T> {
  readonly path: string;
  /** The stored value, or `fallback` when the file is missing or was corrupt (then moved aside). */
  read(): T;
  write(value: T): Promise<void>;
  writeSync(value: T): void;
}

export function jsonStore<S extends z.ZodType>(
  path: string,
  schema: S,
  fallback: () => z.output<S>,
  log: Logger,
): JsonStore<z.output<S>> {
  const validate = (value: z.output<S>): string => {
    const checked = schema.safeParse(value);
    if (!checked.success) {
      throw new PocketError('INTERNAL', `Refusing to write invalid state to ${path}: ${checked.error.message}`);
    }
    return `${JSON.stringify(checked.data, null, 1)}\n`;
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
    async write(value) {
      await writeFileAtomic(path, validate(value), { mode: 0o600 });
    },
    writeSync(value) {
      writeFileAtomic.sync(path, validate(value), { mode: 0o600 });
    },
  };
}
