// What is degraded right now, and why: a state file that cannot be written (disk full, read-only), a pane whose
// output pipe died. pocket keeps running degraded rather than stopping, so it must say so: `pocket status` shows
// each problem with its cause, and a problem goes away by itself once the thing works again.

export interface Problem {
  /** Stable key of what is degraded (`state:updates.json`, `pipe:s3`): set again, it replaces; cleared, it is gone. */
  key: string;
  /** For people: what does not work and why, e.g. "cannot write .state/updates.json: no space left on device". */
  message: string;
  /** ISO-8601 time it was first seen (kept while it is set again with the same message). */
  since: string;
}

export class Health {
  readonly #problems = new Map<string, Problem>();
  readonly #onChange: () => void;
  readonly #now: () => number;

  constructor(options: { onChange?: () => void; now?: () => number } = {}) {
    this.#onChange = options.onChange ?? (() => {});
    this.#now = options.now ?? Date.now;
  }

  /** Records a problem; returns true when it is new or its message changed (worth a log line). */
  set(key: string, message: string): boolean {
    const known = this.#problems.get(key);
    if (known?.message === message) return false;
    this.#problems.set(key, { key, message, since: known?.since ?? new Date(this.#now()).toISOString() });
    this.#onChange();
    return true;
  }

  /** The problem is over; returns true when there was one. */
  clear(key: string): boolean {
    if (!this.#problems.delete(key)) return false;
    this.#onChange();
    return true;
  }

  list(): Problem[] {
    return [...this.#problems.values()];
  }
}

const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
};

/** A write failure in words a person acts on ("no space left on device"), from an errno-style error. */
export function describeWriteError(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return ERRNO_WORDS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
