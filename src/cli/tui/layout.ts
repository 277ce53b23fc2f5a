// How the cockpit fits the terminal: every line cut to the width (nothing wraps: a wrapped line pushes the frame past
// the terminal's height, and then Ink clears the whole screen on every frame, which is the flicker), the session
// table's columns dropped by priority when narrow, and the rows shared out when short. Plain functions of the size.

import { SESSION_COLUMNS } from '../status-text.js';

/** One line of at most `width` characters: cut with an ellipsis. */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Border and padding of a boxed pane: what its content does not get of the width. */
export const BOX_CHROME = 4;

/** The table's columns, first dropped first when the terminal is narrow. NAME and STATE always stay. */
const DROP_ORDER = ['TOPIC', 'ALIAS', 'TARGET', 'KIND', 'EXIT', 'ACTIVITY'] as const;
const MARK = 2; // '› ' before each row
const GAP = 2;

/** A long name is cut to this before any other column is dropped for it. */
const NAME_KEPT = 16;

/**
 * The columns (indexes into SESSION_COLUMNS) that fit `width` characters of content, and the width of each. A long
 * NAME is cut (down to NAME_KEPT) before columns are dropped, and further when NAME and STATE alone do not fit.
 */
export function tableColumns(contentWidth: number, natural: readonly number[]): { columns: number[]; widths: number[] } {
  let columns = SESSION_COLUMNS.map((_, i) => i);
  const nameNatural = natural[0] ?? 0;
  const others = (cols: number[]): number => MARK + cols.slice(1).reduce((sum, c) => sum + (natural[c] ?? 0), 0) + GAP * (cols.length - 1);
  for (const name of DROP_ORDER) {
    if (others(columns) + Math.min(nameNatural, NAME_KEPT) <= contentWidth) break;
    const index = SESSION_COLUMNS.indexOf(name);
    columns = columns.filter((c) => c !== index);
  }
  const widths = columns.map((c) => natural[c] ?? 0);
  widths[0] = Math.max(1, Math.min(nameNatural, contentWidth - others(columns)));
  return { columns, widths };
}

export interface LayoutInput {
  rows: number;
  banner: boolean;
  /** Lines the daemon pane adds under its first (warnings, degraded parts). */
  daemonExtra: number;
  botError: boolean;
  sessions: number;
  activity: number;
  /** Lines the question takes (0 when not waiting). */
  questionLines: number;
}

export interface Layout {
  /** No borders: for terminals under COMPACT_BELOW rows. */
  compact: boolean;
  sessionRows: number;
  activityRows: number;
  detailLines: number;
}

export const COMPACT_BELOW = 22;
const MAX_ACTIVITY = 6;

/**
 * Rows for each part, so that the frame stays under the terminal's height (Ink clears the screen for a frame as tall
 * as the terminal). The table gets up to 40% of what is free, the bot's activity up to a third of the rest, the
 * detail pane what remains.
 */
export function layoutFor(input: LayoutInput): Layout {
  const compact = input.rows < COMPACT_BELOW;
  const box = compact ? 0 : 2;
  const fixed =
    1 + // never the last row: Ink clears the screen for a frame of the terminal's height
    1 + // footer
    (input.banner ? 1 : 0) +
    (box + 1 + input.daemonExtra) +
    (box + 1 + (compact ? 0 : 1) + (input.botError && !compact ? 1 : 0)) +
    (box + 1) + // table header
    (box + 1 + input.questionLines); // detail header
  let free = Math.max(0, input.rows - fixed);
  const sessionRows = Math.min(Math.max(input.sessions, 1), Math.max(1, Math.floor(free * 0.4)));
  free = Math.max(0, free - sessionRows);
  const activityRows = compact ? 0 : Math.min(input.activity, MAX_ACTIVITY, Math.floor(free / 3));
  free -= activityRows;
  return { compact, sessionRows, activityRows, detailLines: free };
}

/** The rows of a table `rows` tall that keep the selected one in view. */
export function scrollWindow(total: number, selected: number, rows: number): { from: number; to: number } {
  if (total <= rows) return { from: 0, to: total };
  const from = Math.min(Math.max(0, selected - Math.floor(rows / 2)), total - rows);
  return { from, to: from + rows };
}
