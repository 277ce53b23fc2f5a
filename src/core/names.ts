// Session names and aliases. tmux format-expands names (`#(cmd)` runs cmd), so only this safe alphabet is allowed,
// and a name starts with a letter or digit: `/new -t` or `/new --help` must not make a session that looks like a flag.
import { PocketError } from './errors.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function assertValidName(name: string, what = 'name'): string {
  if (!isValidName(name)) {
    throw new PocketError('INVALID_NAME', `Invalid ${what} ${JSON.stringify(name.slice(0, 40))}.`, {
      hint: 'Use 1-32 characters from A-Z, a-z, 0-9, "_" and "-", starting with a letter or digit.',
    });
  }
  return name;
}

/** Longest base kept from a raw name, so that a `-N` suffix still fits within the 32-character limit. */
const FREE_NAME_BASE = 28;

/**
 * A valid name made from `raw` (a tmux target such as `work:1.0`) for which `isTaken` is false: `raw` with unsafe
 * characters replaced, or that plus `-2`, `-3`, ... The suffix shortens the base instead of growing past the limit.
 */
export function freeNameFrom(raw: string, isTaken: (name: string) => boolean): string {
  const base = raw.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[_-]+/, '').slice(0, FREE_NAME_BASE) || 'pane';
  if (!isTaken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 32 - suffix.length)}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}
