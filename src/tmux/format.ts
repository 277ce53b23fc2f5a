// `-F` formats built from a field list, and their parsing into PaneInfo.
// Separators are ASCII control characters: tmux 3.3 passes them through verbatim, while a rare Unicode separator
// (libtmux's choice) is turned into `_` when the client's locale is not UTF-8. Session names are sanitised by tmux;
// paths are not (they may hold newlines), so the record starts with RS and the free-form path comes last.
import type { PaneInfo } from '../core/ports.js';

export const FIELD_SEP = '\x1f';
/** The pane option holding pocket's identity mark of a pane (set by TmuxCli.setMark / newSession). */
export const MARK_OPTION = '@pocket_session';
export const RECORD_SEP = '\x1e';

export const PANE_FIELDS = [
  'pane_id',
  'session_name',
  'window_index',
  'pane_index',
  'pane_width',
  'pane_height',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'pane_pipe',
  'alternate_on',
  'pane_current_command',
  'pane_start_command',
  // Empty on a pane pocket never marked. JSON.stringify escapes control characters, so a mark holds no separator.
  MARK_OPTION,
  'pane_current_path',
] as const;

export function buildFormat(fields: readonly string[]): string {
  return RECORD_SEP + fields.map((f) => `#{${f}}`).join(FIELD_SEP);
}

/** Splits list output into records of exactly `count` fields; extra separators belong to the last field. */
export function parseRecords(output: string, count: number): string[][] {
  const records: string[][] = [];
  for (const chunk of output.split(RECORD_SEP)) {
    if (chunk === '') continue;
    const body = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
    const parts = body.split(FIELD_SEP);
    if (parts.length < count) continue;
    records.push([...parts.slice(0, count - 1), parts.slice(count - 1).join(FIELD_SEP)]);
  }
  return records;
}

function int(text: string, fallback: number): number {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : fallback;
}

/** tmux shows the start command quoted (`"sleep 5"`); people want it bare. */
function unquoteStart(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** A signal death is reported the way shells do, 128 + signal number. */
function exitCodeOf(status: string, signal: string): number | null {
  if (status !== '') return int(status, 0);
  if (signal !== '') return 128 + int(signal, 0);
  return null;
}

export function toPaneInfo(fields: readonly string[]): PaneInfo | null {
  const [id, session, win, pane, width, height, pid, dead, status, signal, pipe, alt, command, start, mark, cwd] = fields;
  if (id === undefined || !/^%\d+$/.test(id) || cwd === undefined) return null;
  const windowIndex = int(win ?? '', 0);
  const paneIndex = int(pane ?? '', 0);
  const sessionName = session ?? '';
  const isDead = dead === '1';
  return {
    paneId: id,
    sessionName,
    windowIndex,
    paneIndex,
    target: `${sessionName}:${windowIndex}.${paneIndex}`,
    command: command ?? '',
    startCommand: unquoteStart(start ?? ''),
    cwd,
    width: int(width ?? '', 0),
    height: int(height ?? '', 0),
    pid: int(pid ?? '', 0),
    dead: isDead,
    exitCode: isDead ? exitCodeOf(status ?? '', signal ?? '') : null,
    piped: pipe === '1',
    alternateScreen: alt === '1',
    mark: mark === undefined || mark === '' ? null : mark,
  };
}

export const PANE_FORMAT = buildFormat(PANE_FIELDS);

export function parsePanes(output: string): PaneInfo[] {
  return parseRecords(output, PANE_FIELDS.length)
    .map(toPaneInfo)
    .filter((p): p is PaneInfo => p !== null);
}
