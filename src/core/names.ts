// Session names and aliases. tmux format-expands names (`#(cmd)` runs cmd), so only this safe alphabet is allowed.
import { PocketError } from './errors.js';

export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function assertValidName(name: string, what = 'name'): string {
  if (!isValidName(name)) {
    throw new PocketError('INVALID_NAME', `Invalid ${what} ${JSON.stringify(name.slice(0, 40))}.`, {
      hint: 'Use 1-32 characters from A-Z, a-z, 0-9, "_" and "-".',
    });
  }
  return name;
}
