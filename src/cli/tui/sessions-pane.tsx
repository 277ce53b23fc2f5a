// The sessions table: aligned columns shared with the plain-text view, the columns that do not fit dropped, state
// coloured, the selected row marked and kept in view when there are more rows than room.

import { Box, Text } from 'ink';
import { memo } from 'react';
import type { SessionState, SessionStatus } from '../../core/status.js';
import { columnWidths, SESSION_COLUMNS, sessionCells } from '../status-text.js';
import { clip, scrollWindow, tableColumns } from './layout.js';
import { type ColorName, usePalette } from './palette.js';
import { contentWidth, Pane } from './panes.js';

export const STATE_COLORS: Record<SessionState, ColorName> = {
  running: 'green',
  idle: 'gray',
  waiting: 'yellow',
  exited: 'red',
};

const STATE_COLUMN = SESSION_COLUMNS.indexOf('STATE');
const EXIT_COLUMN = SESSION_COLUMNS.indexOf('EXIT');

export function SessionsPane(props: {
  sessions: readonly SessionStatus[];
  selectedId: string | null;
  now: number;
  width: number;
  rows: number;
  compact: boolean;
  /** The filter in force, named in the header so that an empty table explains itself. */
  filter: string;
  /** Sessions the daemon has, filtered or not. */
  total: number;
}) {
  const inner = contentWidth(props.width, props.compact);
  const cells = props.sessions.map((s) => sessionCells(s, props.now));
  const { columns, widths } = tableColumns(inner, columnWidths(cells));
  const selected = props.sessions.findIndex((s) => s.id === props.selectedId);
  const { from, to } = scrollWindow(props.sessions.length, Math.max(selected, 0), Math.max(1, props.rows));
  const header = `  ${columns.map((c, i) => (SESSION_COLUMNS[c] ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()}`;
  const more = props.sessions.length > to - from ? `  ${from + 1}-${to} of ${props.sessions.length}` : '';
  const filtered = props.filter === '' ? '' : `  filter "${props.filter}": ${props.sessions.length} of ${props.total}`;
  return (
    <Pane width={props.width} compact={props.compact}>
      <Text bold wrap="truncate-end">{clip(header + more + filtered, inner)}</Text>
      {props.sessions.length === 0 ? <Text dimColor>{clip(props.filter === '' ? '  no sessions' : '  no session matches the filter', inner)}</Text> : null}
      {props.sessions.slice(from, to).map((session, i) => (
        <SessionRow
          key={session.id}
          cells={columns.map((c) => cells[from + i]?.[c] ?? '')}
          columns={columns}
          widths={widths}
          state={session.state}
          selected={session.id === props.selectedId}
        />
      ))}
    </Pane>
  );
}

/** Cells next to each other with the same colour, as one piece of text: Ink styles every piece it is given. */
export function rowSegments(cells: readonly string[], colors: readonly (ColorName | undefined)[]): { text: string; color: ColorName | undefined }[] {
  const segments: { text: string; color: ColorName | undefined }[] = [];
  cells.forEach((cell, i) => {
    const last = segments.at(-1);
    if (last !== undefined && last.color === colors[i]) last.text += cell;
    else segments.push({ text: cell, color: colors[i] });
  });
  return segments;
}

/** Memoised: a snapshot that changes one row redraws one row's props, not fifty. */
const SessionRow = memo(function SessionRow(props: { cells: string[]; columns: number[]; widths: number[]; state: SessionState; selected: boolean }) {
  const palette = usePalette();
  // Padded text per cell, so only the state (and an exit code) carry colour and the columns stay aligned.
  const padded = props.cells.map((cell, i) => {
    const text = clip(cell, props.widths[i] ?? 0).padEnd(props.widths[i] ?? 0);
    return i === props.cells.length - 1 ? text.trimEnd() : `${text}  `;
  });
  const color = palette.color(STATE_COLORS[props.state]);
  const colors = props.columns.map((c) => (c === STATE_COLUMN || (c === EXIT_COLUMN && props.state === 'exited') ? color : undefined));
  const segments = rowSegments([props.selected ? '› ' : '  ', ...padded], [undefined, ...colors]);
  return (
    <Box>
      <Text inverse={props.selected} wrap="truncate-end">
        {segments.map((segment, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one row, in order
          <Text key={i} color={segment.color}>{segment.text}</Text>
        ))}
      </Text>
    </Box>
  );
}, (a, b) => a.selected === b.selected && a.state === b.state && a.cells.join('\u0000') === b.cells.join('\u0000') && a.widths.join() === b.widths.join() && a.columns.join() === b.columns.join());
