// Pure checks and shaping for what pocket types into a pane.
import { PocketError } from '../core/errors.js';
import { SPECIAL_KEYS, type SpecialKey } from '../core/ports.js';
import { CONTROL, LONE_SURROGATE } from '../core/typed-input.js';

export { checkText } from '../core/typed-input.js';

/** tmux's client message limit is about 16 KB for the whole command; stay well under it per send-keys. */
export const MAX_PIECE_BYTES = 4_000;

/** tmux reads an argument ending in `;` as a command separator, even after `-l --`; `\;` is a literal `;`. */
export function escapeTrailingSemicolon(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/** Splits text into pieces of at most maxBytes UTF-8 bytes, never inside a code point. */
export function splitText(text: string, maxBytes = MAX_PIECE_BYTES): string[] {
  const pieces: string[] = [];
  let current = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes && current !== '') {
      pieces.push(current);
      current = '';
      bytes = 0;
    }
    current += char;
    bytes += size;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

export interface CheckedKey {
  key: string;
  /** Sent with -l: a printable character rather than a key name. */
  literal: boolean;
}

/**
 * The names PRODUCT.md gives the keys, as tmux's send-keys knows them. tmux types a name it does not know as
 * letters (`Esc` arrived as "E", "s", "c"), so every name is mapped here and checked against a real pane in
 * test/tmux/tmux-cli.test.ts.
 */
const TMUX_KEY_NAMES: Readonly<Record<SpecialKey, string>> = {
  'C-c': 'C-c', 'C-d': 'C-d', 'C-z': 'C-z', Enter: 'Enter', Esc: 'Escape', Tab: 'Tab', BSpace: 'BSpace',
  Up: 'Up', Down: 'Down', Left: 'Left', Right: 'Right', PageUp: 'PageUp', PageDown: 'PageDown', Home: 'Home', End: 'End',
};

const isSpecialKey = (key: string): key is SpecialKey => Object.hasOwn(TMUX_KEY_NAMES, key);

/** Every key must be allowlisted or one printable character; nothing is sent unless all are. */
export function checkKeys(keys: readonly string[]): CheckedKey[] {
  return keys.map((key) => {
    if (isSpecialKey(key)) return { key: TMUX_KEY_NAMES[key], literal: false };
    if ([...key].length === 1 && !CONTROL.test(key) && !LONE_SURROGATE.test(key)) {
      return { key, literal: true };
    }
    throw new PocketError('INVALID_INPUT', `Unknown key ${JSON.stringify(key.slice(0, 20))}.`, {
      hint: `Use one of ${SPECIAL_KEYS.join(' ')} or a single character.`,
    });
  });
}
