// The daemon and bot panes and the connection banner: one line or two each, from the status state.

import { Box, Text } from 'ink';
import type { StatusSnapshot } from '../../core/status.js';
import { degradedLines, formatAgo, formatDuration, oneLine, outboxLine, warningLines } from '../status-text.js';
import type { ConnectionState } from './status-reducer.js';

export function DaemonPane(props: { snapshot: StatusSnapshot; home: string; elapsedS: number; now: number }) {
  const d = props.snapshot.daemon;
  return (
    <Box borderStyle="round" paddingX={1} flexDirection="column">
      <Box>
        <Text bold>daemon </Text>
        {d.running ? (
          <Text>
            <Text color="green">running</Text>
            {`  pid ${d.pid ?? '?'}  up ${d.uptimeS === null ? '?' : formatDuration(d.uptimeS + props.elapsedS)}  v${d.version}`}
          </Text>
        ) : (
          <Text color="red">{`not running (home: ${props.home})`}</Text>
        )}
      </Box>
      {warningLines(props.snapshot).map((line) => (
        <Text key={line} color="red" bold>{line}</Text>
      ))}
      {degradedLines(props.snapshot, props.now).map((line) => (
        <Text key={line} color="yellow">{line}</Text>
      ))}
    </Box>
  );
}

export function BotPane(props: { snapshot: StatusSnapshot; now: number }) {
  const b = props.snapshot.bot;
  return (
    <Box borderStyle="round" paddingX={1} flexDirection="column">
      <Text>
        <Text bold>bot </Text>
        {b.username === null ? '(unknown bot)' : `@${oneLine(b.username)}`}
        {'  '}
        {b.connected ? <Text color="green">connected</Text> : <Text color="red">disconnected</Text>}
        {`  last poll ${formatAgo(b.lastPollAt, props.now, 'never')}`}
      </Text>
      {b.lastError === null ? null : <Text color="red">{`last error: ${oneLine(b.lastError)}`}</Text>}
      {b.outbox === undefined ? null : (
        <Text color={b.outbox.dropped + b.outbox.failed > 0 ? 'yellow' : undefined}>{outboxLine(props.snapshot)}</Text>
      )}
    </Box>
  );
}

export function ConnectionBanner(props: { connection: ConnectionState }) {
  const c = props.connection;
  if (c.kind === 'live') return null;
  const what = c.kind === 'daemonStopped' ? 'daemon stopped' : `disconnected: ${oneLine(c.reason)}`;
  return (
    <Text color="black" backgroundColor="yellow">
      {` ${what} — showing the last snapshot `}
    </Text>
  );
}
