// Which messages fit on screen, decided in plain code: long texts are clipped to their head and tail (a card's
// state line is at the top, the newest output at the bottom) and the window keeps the selected message in view.

import type { ChatLine } from '../../../demo/conversation.js';

export const MAX_TEXT_LINES = 12;
const HEAD_LINES = 3;

/** At most `max` lines: the first few, a "… N more lines" marker, the last ones. */
export function clipText(text: string, max = MAX_TEXT_LINES): string[] {
  const lines = text === '' ? [''] : text.split('\n');
  if (lines.length <= max) return lines;
  const tail = max - HEAD_LINES - 1;
  return [...lines.slice(0, HEAD_LINES), `… ${lines.length - HEAD_LINES - tail} more lines …`, ...lines.slice(-tail)];
}

/** Rows a message takes in the console (message-view.tsx draws exactly these). */
export function lineHeight(line: ChatLine): number {
  return clipText(line.text).length + (line.document === undefined ? 0 : 1) + line.buttons.length;
}

/**
 * The longest run of messages that fits in `rows`, ending with the newest message, or, when the anchor (the selected
 * message) would fall off the top, ending with the anchor. Always at least one message.
 */
export function windowOf(lines: readonly ChatLine[], rows: number, anchorId?: number): { lines: ChatLine[]; hiddenAbove: number } {
  if (lines.length === 0) return { lines: [], hiddenAbove: 0 };
  const anchor = anchorId === undefined ? -1 : lines.findIndex((l) => l.id === anchorId);
  const fromEnd = (end: number) => {
    let start = end;
    let used = lineHeight(lines[end]!);
    while (start > 0 && used + lineHeight(lines[start - 1]!) <= rows) {
      start--;
      used += lineHeight(lines[start]!);
    }
    return start;
  };
  let end = lines.length - 1;
  let start = fromEnd(end);
  if (anchor >= 0 && anchor < start) {
    end = anchor;
    start = fromEnd(end);
    // Fill the rows left below the anchor with the messages that follow it.
    let used = lines.slice(start, end + 1).reduce((sum, l) => sum + lineHeight(l), 0);
    while (end + 1 < lines.length && used + lineHeight(lines[end + 1]!) <= rows) {
      end++;
      used += lineHeight(lines[end]!);
    }
  }
  return { lines: lines.slice(start, end + 1), hiddenAbove: start };
}
