// The daemon and bot panes, the connection banner, and the frame every pane is drawn in. Each line is cut to the
// pane's width (layout.ts says why nothing may wrap).

import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { BotActivity, BotHealth, BotTrouble } from '../../core/cockpit.js';
import type { StatusSnapshot } from '../../core/status.js';
import { degradedLines, formatAgo, formatDuration, oneLine, outboxLine, warningLines } from '../status-text.js';
import { BOX_CHROME, clip } from './layout.js';
import { usePalette } from './palette.js';
import type { ConnectionState } from './status-reducer.js';

/** A bordered pane, or a bare one in a short terminal (compact); `width` is the whole pane's. */
export function Pane(props: { width: number; compact: boolean; children: ReactNode }) {
  return props.compact ? (
    <Box flexDirection="column" width={props.width}>{props.children}</Box>
  ) : (
    <Box borderStyle="round" paddingX={1} flexDirection="column" width={props.width}>{props.children}</Box>
  );
}

/** The width a pane's lines get. */
export function contentWidth(width: number, compact: boolean): number {
  return compact ? width : width - BOX_CHROME;
}

export function daemonExtraLines(snapshot: StatusSnapshot, now: number): number {
  return warningLines(snapshot).length + degradedLines(snapshot, now).length;
}

export function DaemonPane(props: { snapshot: StatusSnapshot; home: string; elapsedS: number; now: number; width: number; compact: boolean }) {
  const d = props.snapshot.daemon;
  const palette = usePalette();
  const inner = contentWidth(props.width, props.compact);
  const running = `  pid ${d.pid ?? '?'}  up ${d.uptimeS === null ? '?' : formatDuration(d.uptimeS + props.elapsedS)}  v${d.version}`;
  return (
    <Pane width={props.width} compact={props.compact}>
      <Text wrap="truncate-end">
        <Text bold>daemon </Text>
        {d.running ? (
          <Text>
            <Text color={palette.color('green')}>running</Text>
            {clip(running, Math.max(0, inner - 'daemon running'.length))}
          </Text>
        ) : (
          <Text color={palette.color('red')}>{clip(`not running (home: ${props.home})`, inner - 'daemon '.length)}</Text>
        )}
      </Text>
      {warningLines(props.snapshot).map((line) => (
        <Text key={line} color={palette.color('red')} bold>{clip(line, inner)}</Text>
      ))}
      {degradedLines(props.snapshot, props.now).map((line) => (
        <Text key={line} color={palette.color('yellow')}>{clip(line, inner)}</Text>
      ))}
    </Pane>
  );
}

/** Why the bot is not connected, as people search for it. */
export const TROUBLE_WORDS: Record<BotTrouble, string> = {
  unauthorized: '401: token refused',
  conflict: '409: another process polls this bot',
  network: 'network: Telegram unreachable',
  rate_limited: '429: rate limited',
  server: 'Telegram server error',
  other: 'error',
};

/** The bot's second line: outbox, 429s and retries (the cockpit's), or the outbox counters (an older daemon). */
export function botHealthLine(snapshot: StatusSnapshot, health: BotHealth | null, now: number): string | null {
  if (health === null) return outboxLine(snapshot);
  const o = health.outbox;
  const oldest = o.oldestQueuedAt === null ? '' : `, oldest ${formatDuration((now - o.oldestQueuedAt) / 1000)}`;
  const totals = snapshot.bot.outbox;
  const given = totals === undefined ? '' : `  ·  ${totals.sent} sent, ${totals.dropped} dropped, ${totals.failed} failed`;
  return `outbox ${o.pending} waiting${oldest}  ·  429s ${health.rateLimitedLastHour}/h  ·  retries ${health.retriedLastHour}/h${given}`;
}

export function activityLine(entry: BotActivity): string {
  const at = new Date(entry.at);
  const clock = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${clock}  ${entry.session === undefined ? '' : `${oneLine(entry.session)}: `}${oneLine(entry.detail)}`;
}

const ACTIVITY_COLORS: Partial<Record<BotActivity['kind'], 'yellow' | 'red' | 'cyan'>> = {
  alert_sent: 'yellow',
  update_refused: 'red',
  input_typed: 'cyan',
};

export function BotPane(props: {
  snapshot: StatusSnapshot;
  health: BotHealth | null;
  activity: readonly BotActivity[];
  activityRows: number;
  now: number;
  width: number;
  compact: boolean;
}) {
  const b = props.snapshot.bot;
  const palette = usePalette();
  const inner = contentWidth(props.width, props.compact);
  const connected = props.health?.connected ?? b.connected;
  const trouble = props.health?.trouble ?? null;
  const name = `bot ${b.username === null ? '(unknown bot)' : `@${oneLine(b.username)}`}  `;
  const state = connected ? 'connected' : `disconnected${trouble === null ? '' : ` (${TROUBLE_WORDS[trouble]})`}`;
  const poll = `  last poll ${formatAgo(b.lastPollAt, props.now, 'never')}`;
  const health = botHealthLine(props.snapshot, props.health, props.now);
  const lastError = props.health?.lastError ?? b.lastError;
  const shown = props.activityRows > 0 ? props.activity.slice(-props.activityRows) : [];
  return (
    <Pane width={props.width} compact={props.compact}>
      <Text wrap="truncate-end">
        <Text bold>{name}</Text>
        <Text color={palette.color(connected ? 'green' : 'red')}>{clip(state, Math.max(1, inner - name.length))}</Text>
        {clip(poll, Math.max(0, inner - name.length - state.length))}
      </Text>
      {lastError === null || props.compact ? null : <Text color={palette.color('red')}>{clip(`last error: ${oneLine(lastError)}`, inner)}</Text>}
      {health === null || props.compact ? null : (
        <Text color={palette.color(props.health !== null && props.health.rateLimitedLastHour > 0 ? 'yellow' : undefined)}>{clip(health, inner)}</Text>
      )}
      {shown.map((entry, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; the list only grows at its end
        <Text key={`${entry.at}-${i}`} dimColor={ACTIVITY_COLORS[entry.kind] === undefined} color={palette.color(ACTIVITY_COLORS[entry.kind])}>
          {clip(activityLine(entry), inner)}
        </Text>
      ))}
    </Pane>
  );
}

export function ConnectionBanner(props: { connection: ConnectionState; width: number }) {
  const c = props.connection;
  const palette = usePalette();
  if (c.kind === 'live') return null;
  const what = c.kind === 'daemonStopped' ? 'daemon stopped' : `disconnected: ${oneLine(c.reason)}`;
  return (
    <Text color={palette.color('black')} backgroundColor={palette.color('yellow')} inverse={palette.color('yellow') === undefined}>
      {clip(` ${what} — showing the last snapshot `, props.width)}
    </Text>
  );
}
