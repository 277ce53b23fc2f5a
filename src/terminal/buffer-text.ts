// Reading text out of an xterm buffer: rows that wrapped are one line to a reader.
import type xterm from '@xterm/headless';

export type TerminalBuffer = InstanceType<typeof xterm.Terminal>['buffer']['normal'];

export function isBlank(buffer: TerminalBuffer, y: number): boolean {
  return (buffer.getLine(y)?.translateToString(true) ?? '').trim() === '';
}

/** Rows [start, end) as one line; full rows keep their trailing spaces, since those are content at a wrap. */
export function logicalLine(buffer: TerminalBuffer, start: number, end: number): string {
  if (end - start === 1) return (buffer.getLine(start)?.translateToString(true) ?? '').trimEnd();
  let text = '';
  for (let y = start; y < end; y++) text += buffer.getLine(y)?.translateToString(y === end - 1) ?? '';
  return text.trimEnd();
}
