// Every key binding of the status TUI, and the hints the footer and the help show for them: change both here,
// together. What a key means depends on the mode (status-reducer.ts): the table, typing a filter, confirming a kill.

import type { Key } from 'ink';
import type { Mode } from './status-reducer.js';

export type KeyAction =
  | { type: 'quit' }
  | { type: 'selectUp' }
  | { type: 'selectDown' }
  | { type: 'refresh' }
  | { type: 'attach' }
  | { type: 'askKill' }
  | { type: 'confirmKill' }
  | { type: 'toggleMute' }
  | { type: 'startFilter' }
  | { type: 'filterType'; text: string }
  | { type: 'filterErase' }
  | { type: 'filterDone' }
  | { type: 'filterClear' }
  | { type: 'help' }
  | { type: 'back' };

const plain = (key: Key): boolean => !key.ctrl && !key.meta;

/** What a key press means in this mode, or null when it means nothing. */
export function keyToAction(mode: Mode, input: string, key: Key): KeyAction | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  switch (mode) {
    case 'help':
      return { type: 'back' };
    case 'confirmKill':
      return plain(key) && input === 'y' ? { type: 'confirmKill' } : { type: 'back' };
    case 'filter':
      if (key.escape) return { type: 'filterClear' };
      if (key.return) return { type: 'filterDone' };
      if (key.backspace || key.delete) return { type: 'filterErase' };
      if (key.upArrow) return { type: 'selectUp' };
      if (key.downArrow) return { type: 'selectDown' };
      // Printable text only: a pasted escape sequence must not end up in the filter.
      if (plain(key) && input !== '' && !/[\u0000-\u001f\u007f]/.test(input)) return { type: 'filterType', text: input };
      return null;
    case 'normal':
      if (key.escape || (plain(key) && input === 'q')) return { type: 'quit' };
      if (key.upArrow) return { type: 'selectUp' };
      if (key.downArrow) return { type: 'selectDown' };
      if (key.return) return { type: 'attach' };
      if (!plain(key)) return null;
      if (input === 'r') return { type: 'refresh' };
      if (input === 'k') return { type: 'askKill' };
      if (input === 'm') return { type: 'toggleMute' };
      if (input === '/') return { type: 'startFilter' };
      if (input === '?') return { type: 'help' };
      return null;
  }
}

/** The footer's one line, shortest first to drop: what fits is shown. */
export const KEY_HINTS: readonly { keys: string; does: string }[] = [
  { keys: '↑/↓', does: 'select' },
  { keys: 'Enter', does: 'attach' },
  { keys: 'k', does: 'kill' },
  { keys: 'm', does: 'mute' },
  { keys: '/', does: 'filter' },
  { keys: '?', does: 'help' },
  { keys: 'q', does: 'quit' },
];

/** The help screen: every binding with what it does. */
export const HELP_LINES: readonly string[] = [
  '↑ / ↓      select a session',
  'Enter      attach to it in tmux (switch-client inside pocket\'s tmux, attach outside it); detach to come back',
  'k          kill it (asks first: y to confirm)',
  'm          mute / unmute its alerts',
  '/          filter by name, alias, target or kind; Enter keeps it, Esc clears it',
  'r          redraw now',
  '?          this help (any key closes it)',
  'q / Esc    quit (Ctrl-C too)',
  'Kill and mute go through the daemon and are audited as done by you (pocket logs --audit).',
];
