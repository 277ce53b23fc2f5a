// The selected session in detail: state, runtime, exit code, topic, muted, its command; the question it waits at with
// the answers the bot offers; then its last lines, or its screen while a full-screen program (vim, less) runs.

import { Text } from 'ink';
import type { SessionDetail } from '../../core/cockpit.js';
import type { SessionStatus } from '../../core/status.js';
import { formatDuration, oneLine } from '../status-text.js';
import { clip } from './layout.js';
import { usePalette } from './palette.js';
import { contentWidth, Pane } from './panes.js';
import { STATE_COLORS } from './sessions-pane.js';

/** Lines the question takes in the pane: the question, and the answers under it. */
export function questionLines(detail: SessionDetail | null): number {
  return detail?.question == null ? 0 : 2;
}

export function runtimeOf(detail: SessionDetail, now: number): number {
  const end = detail.exitedAt === null ? now : Date.parse(detail.exitedAt);
  return (end - Date.parse(detail.createdAt)) / 1000;
}

/** The rows to show of a full screen: the top, or the rows that end at the cursor when it is further down. */
export function screenRows(lines: readonly string[], cursorRow: number, rows: number): string[] {
  if (rows <= 0) return [];
  const end = Math.max(Math.min(lines.length, rows), Math.min(lines.length, cursorRow + 1));
  return lines.slice(Math.max(0, end - rows), end);
}

export function DetailPane(props: {
  selected: SessionStatus | undefined;
  detail: SessionDetail | null;
  lines: readonly string[];
  lineRows: number;
  now: number;
  width: number;
  compact: boolean;
}) {
  const palette = usePalette();
  const inner = contentWidth(props.width, props.compact);
  const { selected, detail } = props;
  if (selected === undefined) {
    return (
      <Pane width={props.width} compact={props.compact}>
        <Text dimColor>{clip('no session selected', inner)}</Text>
      </Pane>
    );
  }
  // Until the daemon described the newly selected session: its row's facts, and no stale lines of the one before.
  if (detail === null || detail.id !== selected.id) {
    return (
      <Pane width={props.width} compact={props.compact}>
        <Text wrap="truncate-end">{clip(`${oneLine(selected.name)}  ${selected.state}  …`, inner)}</Text>
      </Pane>
    );
  }
  const facts = [
    `runtime ${formatDuration(runtimeOf(detail, props.now))}`,
    `exit ${detail.exitCode ?? '-'}`,
    `topic ${detail.topicId ?? '-'}`,
    detail.muted ? 'muted' : 'alerts on',
    `$ ${oneLine(detail.command)}`,
  ].join('  ');
  const head = `${oneLine(detail.name)}  `;
  const question = detail.question;
  const answers = question === null
    ? ''
    : question.secret
      ? 'a password prompt: answer it in the pane, the bot offers no buttons'
      : question.answers.length === 0 ? 'no answers offered: reply with text' : `answers: ${question.answers.map((a) => `[${oneLine(a)}]`).join(' ')}`;
  const shown = detail.screen === null
    ? props.lines.slice(Math.max(0, props.lines.length - props.lineRows))
    : screenRows(detail.screen.lines, detail.screen.cursorRow, props.lineRows);
  return (
    <Pane width={props.width} compact={props.compact}>
      <Text wrap="truncate-end">
        <Text bold>{clip(head, inner)}</Text>
        <Text color={palette.color(STATE_COLORS[detail.state])}>{clip(detail.state, Math.max(0, inner - head.length))}</Text>
        {clip(`  ${facts}`, Math.max(0, inner - head.length - detail.state.length))}
      </Text>
      {question === null ? null : (
        <>
          <Text color={palette.color('yellow')} bold>{clip(`waiting: ${oneLine(question.text)}`, inner)}</Text>
          <Text color={palette.color('yellow')}>{clip(answers, inner)}</Text>
        </>
      )}
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows of a screen; the index is the row
        <Text key={i} dimColor={detail.screen === null}>{clip(oneLine(line) === '' ? ' ' : line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '), inner)}</Text>
      ))}
    </Pane>
  );
}
