// What pocket agrees to type into a terminal, whatever the terminal is (a tmux pane, a Terminal.app tab): one line of
// text, and keys from a fixed list. Pure checks; each adapter maps the keys to its own names.
import { PocketError } from './errors.js';
import { SPECIAL_KEYS, type SpecialKey } from './ports.js';

// C0 and C1 controls and DEL: a newline would press Enter, ESC starts sequences, C-c would interrupt. Multi-line
// input and keys are the caller's job (sendText per line, sendKeys for keys).
export const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkText(text: string): string {
  if (CONTROL.test(text) || LONE_SURROGATE.test(text)) {
    throw new PocketError('INVALID_INPUT', 'Text contains control characters or broken Unicode.', {
      hint: 'Send one line of text; use /keys for Enter, Ctrl-C and other keys.',
    });
  }
  return text;
}

export type CheckedKey = { special: SpecialKey } | { character: string };

const isSpecialKey = (key: string): key is SpecialKey => (SPECIAL_KEYS as readonly string[]).includes(key);

/** Every key must be allowlisted or one printable character; nothing is sent unless all are. */
export function checkKeyNames(keys: readonly string[]): CheckedKey[] {
  return keys.map((key) => {
    if (isSpecialKey(key)) return { special: key };
    if ([...key].length === 1 && !CONTROL.test(key) && !LONE_SURROGATE.test(key)) return { character: key };
    throw new PocketError('INVALID_INPUT', `Unknown key ${JSON.stringify(key.slice(0, 20))}.`, {
      hint: `Use one of ${SPECIAL_KEYS.join(' ')} or a single character.`,
    });
  });
}
