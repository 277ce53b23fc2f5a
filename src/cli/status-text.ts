// The plain-text `pocket status` (stdout not a TTY), and the time and table helpers the TUI shares with it.

import type { CockpitEvent } from '../core/cockpit.js';
import type { SessionStatus, StatusSnapshot } from '../core/status.js';

/** Humanised duration: "45s", "12m 5s", "2h 5m", "3d 4h". Negative or non-finite input counts as 0. */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** "5s ago" for an ISO time; `fallback` when there is none or it does not parse. A time ahead of `now` (clock skew) is "0s ago". */
export function formatAgo(iso: string | null, now: number, fallback = '-'): string {
  if (iso === null) return fallback;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return fallback;
  return `${formatDuration((now - at) / 1000)} ago`;
}

/** Text from the daemon or Telegram (an error message) goes to a terminal: one line, no control characters. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

export const SESSION_COLUMNS = ['NAME', 'ALIAS', 'KIND', 'TARGET', 'STATE', 'EXIT', 'ACTIVITY', 'TOPIC'] as const;

/** One session as table cells, in SESSION_COLUMNS order. */
export function sessionCells(session: SessionStatus, now: number): string[] {
  return [
    oneLine(session.name),
    session.alias === null ? '-' : oneLine(session.alias),
    session.kind,
    oneLine(session.target),
    session.state,
    session.exitCode === null ? '-' : String(session.exitCode),
    formatAgo(session.lastActivityAt, now),
    session.topicId === null ? '-' : String(session.topicId),
  ];
}

/** Width of each column so that header and every row line up. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = SESSION_COLUMNS.map((title) => title.length);
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return widths;
}

/** Cells padded to their column, two spaces apart, without trailing blanks. */
export function alignRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

export function daemonLine(s: StatusSnapshot, home: string): string {
  const d = s.daemon;
  if (!d.running) return `pocket daemon is not running (home: ${home})`;
  const pid = d.pid === null ? 'pid ?' : `pid ${d.pid}`;
  const uptime = d.uptimeS === null ? 'uptime ?' : `up ${formatDuration(d.uptimeS)}`;
  return `daemon: running, ${pid}, ${uptime}, version ${d.version}`;
}

export function botLine(s: StatusSnapshot, now: number): string {
  const b = s.bot;
  const name = b.username === null ? '(unknown bot)' : `@${oneLine(b.username)}`;
  const parts = [
    name,
    b.connected ? 'connected' : 'disconnected',
    `last poll ${formatAgo(b.lastPollAt, now, 'never')}`,
  ];
  if (b.lastError !== null) parts.push(`last error: ${oneLine(b.lastError)}`);
  return `bot: ${parts.join(', ')}`;
}

/** One line per degraded part ("degraded: cannot write .state/updates.json: no space left on device (since 5s ago)"). */
export function degradedLines(s: StatusSnapshot, now: number): string[] {
  return s.daemon.degraded.map((p) => `degraded: ${oneLine(p.message)} (since ${formatAgo(p.since, now)})`);
}

/** One line per risky setting in force ("warning: /shell is ON ..."). */
export function warningLines(s: StatusSnapshot): string[] {
  return (s.daemon.warnings ?? []).map((w) => `warning: ${oneLine(w)}`);
}

/** The outbox in one line; what was given up (dropped, failed) is always named, even at 0. */
export function outboxLine(s: StatusSnapshot): string | null {
  const o = s.bot.outbox;
  if (o === undefined) return null;
  return `outbox: ${o.sent} sent, ${o.pending} waiting, ${o.merged} merged, ${o.unchanged} unchanged skipped, ${o.dropped} dropped, ${o.failed} failed`;
}

/** The whole plain-text view, newline-terminated. `now` is epoch milliseconds. */
export function formatStatusText(s: StatusSnapshot, now: number, home: string): string {
  if (!s.daemon.running) {
    return `${daemonLine(s, home)}\nStart it with: pocket start\n`;
  }
  const outbox = outboxLine(s);
  const lines = [daemonLine(s, home), ...warningLines(s), ...degradedLines(s, now), botLine(s, now), ...(outbox === null ? [] : [outbox]), ''];
  if (s.sessions.length === 0) {
    lines.push('no sessions');
  } else {
    const rows = s.sessions.map((session) => sessionCells(session, now));
    const widths = columnWidths(rows);
    lines.push(alignRow(SESSION_COLUMNS, widths), ...rows.map((row) => alignRow(row, widths)));
  }
  return `${lines.join('\n')}\n`;
}

/** What changed between two snapshots, one line each: for `pocket status --watch` (a log, not a redrawn table). */
export function statusChanges(before: StatusSnapshot, after: StatusSnapshot): string[] {
  const lines: string[] = [];
  if (before.bot.connected !== after.bot.connected) {
    lines.push(`bot ${after.bot.connected ? 'connected' : `disconnected${after.bot.lastError === null ? '' : `: ${oneLine(after.bot.lastError)}`}`}`);
  }
  const was = new Map(before.sessions.map((s) => [s.id, s]));
  for (const session of after.sessions) {
    const old = was.get(session.id);
    was.delete(session.id);
    const name = oneLine(session.name);
    if (old === undefined) lines.push(`session ${name}: added (${session.kind} ${oneLine(session.target)}, ${session.state})`);
    else if (old.state !== session.state) {
      const exit = session.state === 'exited' && session.exitCode !== null ? ` (exit ${session.exitCode})` : '';
      lines.push(`session ${name}: ${old.state} -> ${session.state}${exit}`);
    }
  }
  for (const gone of was.values()) lines.push(`session ${oneLine(gone.name)}: removed`);
  const known = new Set(before.daemon.degraded.map((p) => p.key));
  for (const problem of after.daemon.degraded) if (!known.has(problem.key)) lines.push(`degraded: ${oneLine(problem.message)}`);
  return lines;
}

/** The cockpit stream's events worth a log line: what the bot did, and why it is not connected. */
export function cockpitLines(event: CockpitEvent): string[] {
  if (event.type === 'activity') {
    return event.entries.map((e) => `bot: ${e.session === undefined ? '' : `${oneLine(e.session)}: `}${oneLine(e.detail)}`);
  }
  return [];
}
