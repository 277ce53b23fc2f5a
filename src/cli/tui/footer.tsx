// The bottom line: the key hints that fit (keys.ts), or what the mode asks (the filter being typed, a kill waiting
// for y), or the outcome of the last action.

import { Text } from 'ink';
import { oneLine } from '../status-text.js';
import { HELP_LINES, KEY_HINTS } from './keys.js';
import { clip } from './layout.js';
import { usePalette } from './palette.js';
import type { StatusState } from './status-reducer.js';

/** As many hints as fit the width, in KEY_HINTS order. */
export function hintLine(width: number): string {
  let line = '';
  for (const hint of KEY_HINTS) {
    const next = line === '' ? `${hint.keys} ${hint.does}` : `${line}  ·  ${hint.keys} ${hint.does}`;
    if (next.length > width) break;
    line = next;
  }
  return line;
}

export function Footer(props: { state: Pick<StatusState, 'mode' | 'filter' | 'notice'>; target: string | null; width: number }) {
  const palette = usePalette();
  const { mode, filter, notice } = props.state;
  if (mode === 'filter') return <Text>{clip(`/${filter}▏  Enter keep  ·  Esc clear`, props.width)}</Text>;
  if (mode === 'confirmKill') {
    return <Text color={palette.color('red')} bold>{clip(`kill ${oneLine(props.target ?? '?')}? y to confirm, any other key cancels`, props.width)}</Text>;
  }
  if (notice !== null) return <Text color={palette.color(notice.error ? 'red' : 'green')}>{clip(oneLine(notice.text), props.width)}</Text>;
  return <Text dimColor>{hintLine(props.width)}</Text>;
}

export function HelpLines(props: { width: number; rows: number }) {
  return (
    <>
      {HELP_LINES.slice(0, Math.max(1, props.rows)).map((line) => (
        <Text key={line}>{clip(line, props.width)}</Text>
      ))}
    </>
  );
}
