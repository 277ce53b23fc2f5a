// Every key binding of the status TUI, and the hints the footer shows for them: change both here, together.

import type { Key } from 'ink';

export type KeyAction = 'quit' | 'selectUp' | 'selectDown' | 'refresh';

/** What a key press means, or null when it means nothing. */
export function keyToAction(input: string, key: Key): KeyAction | null {
  if (key.escape || (key.ctrl && input === 'c') || (!key.ctrl && !key.meta && input === 'q')) return 'quit';
  if (key.upArrow) return 'selectUp';
  if (key.downArrow) return 'selectDown';
  if (!key.ctrl && !key.meta && input === 'r') return 'refresh';
  return null;
}

export const KEY_HINTS: readonly { keys: string; does: string }[] = [
  { keys: '↑/↓', does: 'select' },
  { keys: 'r', does: 'refresh' },
  { keys: 'q/Esc', does: 'quit' },
];
