// The sessions table: aligned columns shared with the plain-text view, state coloured, the selected row marked.

import { Box, Text } from 'ink';
import type { SessionState, SessionStatus } from '../../core/status.js';
import { alignRow, columnWidths, SESSION_COLUMNS, sessionCells } from '../status-text.js';

export const STATE_COLORS: Record<SessionState, string> = {
  running: 'green',
  idle: 'gray',
  waiting: 'yellow',
  exited: 'red',
};

const STATE_COLUMN = SESSION_COLUMNS.indexOf('STATE');
const EXIT_COLUMN = SESSION_COLUMNS.indexOf('EXIT');

export function SessionsPane(props: { sessions: readonly SessionStatus[]; selectedId: string | null; now: number }) {
  const rows = props.sessions.map((s) => sessionCells(s, props.now));
  const widths = columnWidths(rows);
  return (
    <Box borderStyle="round" paddingX={1} flexDirection="column">
      <Text bold>{`  ${alignRow(SESSION_COLUMNS, widths)}`}</Text>
      {props.sessions.length === 0 ? <Text dimColor>  no sessions</Text> : null}
      {props.sessions.map((session, i) => (
        <SessionRow
          key={session.id}
          cells={rows[i] ?? []}
          widths={widths}
          state={session.state}
          selected={session.id === props.selectedId}
        />
      ))}
    </Box>
  );
}

function SessionRow(props: { cells: string[]; widths: number[]; state: SessionState; selected: boolean }) {
  // Padded text per cell, so only the state (and an exit code) carry colour and the columns stay aligned.
  const padded = props.cells.map((cell, i) => cell.padEnd(props.widths[i] ?? 0));
  const color = STATE_COLORS[props.state];
  return (
    <Text inverse={props.selected}>
      {props.selected ? '› ' : '  '}
      {padded.map((cell, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed, the index is the column
        <Text key={i} color={i === STATE_COLUMN || (i === EXIT_COLUMN && props.state === 'exited') ? color : undefined}>
          {i === padded.length - 1 ? cell.trimEnd() : `${cell}  `}
        </Text>
      ))}
    </Text>
  );
}
