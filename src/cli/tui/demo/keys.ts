// Every key binding of the demo chat console, and the hints the footer shows for them: change both here, together.
// What a key means depends on where the focus is: the input line, a selected message, or a message's buttons.

import type { Key } from 'ink';

export type FocusKind = 'input' | 'messages' | 'buttons';

export type ConsoleKeyAction =
  | { type: 'quit' }
  | { type: 'submit' }
  | { type: 'erase' }
  | { type: 'type'; text: string }
  | { type: 'focusButtons' }
  | { type: 'selectMessages' }
  | { type: 'back' }
  | { type: 'move'; direction: 'up' | 'down' | 'left' | 'right' }
  | { type: 'reply' }
  | { type: 'topic'; delta: 1 | -1 };

/** What a key press means with the focus where it is, or null when it means nothing. */
export function keyToAction(input: string, key: Key, focus: FocusKind): ConsoleKeyAction | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (key.ctrl && input === 'n') return { type: 'topic', delta: 1 };
  if (key.ctrl && input === 'p') return { type: 'topic', delta: -1 };
  if (key.escape) return { type: 'back' };
  if (focus === 'input') {
    if (key.return) return { type: 'submit' };
    if (key.backspace || key.delete) return { type: 'erase' };
    if (key.tab) return { type: 'focusButtons' };
    if (key.upArrow) return { type: 'selectMessages' };
    if (printable(input, key)) return { type: 'type', text: input };
    return null;
  }
  if (key.upArrow) return { type: 'move', direction: 'up' };
  if (key.downArrow) return { type: 'move', direction: 'down' };
  if (key.leftArrow) return { type: 'move', direction: 'left' };
  if (key.rightArrow || (key.tab && focus === 'buttons')) return { type: 'move', direction: 'right' };
  if (key.tab) return { type: 'focusButtons' };
  if (key.return) return focus === 'buttons' ? { type: 'submit' } : { type: 'focusButtons' };
  if (input === 'r' && !key.ctrl && !key.meta) return { type: 'reply' };
  // Anything else typed while browsing goes back to the input line, so typing never feels lost.
  if (printable(input, key)) return { type: 'type', text: input };
  if (key.backspace || key.delete) return { type: 'back' };
  return null;
}

function printable(input: string, key: Key): boolean {
  // Pasted text arrives as one string; newlines in it would submit half a command, so they become spaces later.
  return input.length > 0 && !key.ctrl && !key.meta && !/^[\u0000-\u001f\u007f]+$/.test(input);
}

export const KEY_HINTS: Record<FocusKind, readonly { keys: string; does: string }[]> = {
  input: [
    { keys: 'Enter', does: 'send' },
    { keys: 'Tab', does: 'buttons' },
    { keys: '↑', does: 'messages' },
    { keys: '!N', does: 'press button N' },
    { keys: 'Ctrl-N/P', does: 'topic' },
    { keys: '/quit, Ctrl-C', does: 'quit' },
  ],
  messages: [
    { keys: '↑/↓', does: 'select' },
    { keys: 'Enter/Tab', does: 'buttons' },
    { keys: 'r', does: 'reply' },
    { keys: 'Esc', does: 'back to input' },
  ],
  buttons: [
    { keys: '←/→/Tab', does: 'button' },
    { keys: '↑/↓', does: 'message' },
    { keys: 'Enter', does: 'press' },
    { keys: 'r', does: 'reply' },
    { keys: 'Esc', does: 'back to input' },
  ],
};
