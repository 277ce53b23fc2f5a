import { describe, expect, it } from 'vitest';
import { daemonWarnings, notRunningSnapshot, type SessionStatus, type StatusSnapshot } from '../../src/core/status.js';
import { cockpitLines, formatAgo, formatDuration, formatStatusText, statusChanges } from '../../src/cli/status-text.js';
import { NOW, secondsAgo, session, snapshot, THREE_SESSIONS } from './tui/snapshots.js';

describe('formatStatusText', () => {
  it('prints daemon, bot and an aligned sessions table', () => {
    expect(formatStatusText(snapshot(THREE_SESSIONS), NOW, '/home/u/.pocket')).toBe(
      [
        'daemon: running, pid 4242, up 2h 5m, version 0.1.0',
        'bot: @pocket_bot, connected, last poll 3s ago',
        '',
        'NAME   ALIAS  KIND   TARGET    STATE    EXIT  ACTIVITY    TOPIC',
        'build  b      tmux   %12       running  -     5s ago      17',
        'agent  -      codex  thread-9  waiting  -     1m 30s ago  -',
        'tests  -      tmux   work:1.0  exited   1     2h 1m ago   -',
        '',
      ].join('\n'),
    );
  });

  it('says "no sessions" when there are none, and shows a disconnected bot with its last error on one line', () => {
    const s = snapshot([], {
      bot: { username: 'pocket_bot', connected: false, lastPollAt: null, lastError: '409 Conflict:\nother getUpdates' },
    });
    expect(formatStatusText(s, NOW, '/h')).toBe(
      [
        'daemon: running, pid 4242, up 2h 5m, version 0.1.0',
        'bot: @pocket_bot, disconnected, last poll never, last error: 409 Conflict: other getUpdates',
        '',
        'no sessions',
        '',
      ].join('\n'),
    );
  });

  it('warns while /shell is on, right under the daemon line', () => {
    const s = snapshot([], {
      daemon: { running: true, pid: 4242, uptimeS: 7530, version: '0.1.0', degraded: [], warnings: daemonWarnings({ shellEnabled: true }) },
    });
    expect(formatStatusText(s, NOW, '/h').split('\n').slice(0, 3)).toEqual([
      'daemon: running, pid 4242, up 2h 5m, version 0.1.0',
      'warning: /shell is ON (POCKET_SHELL=on): any operator can run any command as this user. Set POCKET_SHELL=off in .env and `pocket restart` to turn it off.',
      'bot: @pocket_bot, connected, last poll 3s ago',
    ]);
    expect(daemonWarnings({ shellEnabled: false })).toEqual([]);
  });

  it('shows each degraded part with its cause under the daemon line', () => {
    const s = snapshot([], {
      daemon: {
        running: true, pid: 4242, uptimeS: 7530, version: '0.1.0',
        degraded: [{ key: 'state:updates.json', message: 'cannot write .state/updates.json: no space left on device', since: secondsAgo(12) }],
      },
    });
    expect(formatStatusText(s, NOW, '/h').split('\n').slice(0, 3)).toEqual([
      'daemon: running, pid 4242, up 2h 5m, version 0.1.0',
      'degraded: cannot write .state/updates.json: no space left on device (since 12s ago)',
      'bot: @pocket_bot, connected, last poll 3s ago',
    ]);
  });

  it('shows the outbox counters on one line, what was given up included', () => {
    const s = snapshot([], {
      bot: {
        username: 'pocket_bot', connected: true, lastPollAt: null, lastError: null,
        outbox: { pending: 4, sent: 160, merged: 140, superseded: 3, unchanged: 12, dropped: 1, failed: 0, retried: 0 },
      },
    });
    expect(formatStatusText(s, NOW, '/h').split('\n')[2]).toBe(
      'outbox: 160 sent, 4 waiting, 140 merged, 12 unchanged skipped, 1 dropped, 0 failed',
    );
  });

  it('says clearly that the daemon is not running, naming the home', () => {
    expect(formatStatusText(notRunningSnapshot('0.1.0'), NOW, '/home/u/.pocket')).toBe(
      'pocket daemon is not running (home: /home/u/.pocket)\nStart it with: pocket start\n',
    );
  });

  it('has no colours or other escape sequences', () => {
    const s = snapshot([session({ id: 'x', name: 'evil', target: '%1\u001b[31m' })]);
    expect(formatStatusText(s, NOW, '/h')).not.toMatch(/\u001b/);
  });
});

describe('time formatting', () => {
  it('humanises durations', () => {
    expect([0, 59, 60, 3599, 3600, 86_399, 90_000, -5].map(formatDuration)).toEqual([
      '0s', '59s', '1m 0s', '59m 59s', '1h 0m', '23h 59m', '1d 1h', '0s',
    ]);
  });

  it('says how long ago, with a fallback for missing or unparsable times and 0s for the future', () => {
    expect(formatAgo(secondsAgo(5), NOW)).toBe('5s ago');
    expect(formatAgo(null, NOW)).toBe('-');
    expect(formatAgo('not a date', NOW, 'never')).toBe('never');
    expect(formatAgo(secondsAgo(-30), NOW)).toBe('0s ago');
  });
});

describe('statusChanges and cockpitLines (pocket status --watch)', () => {
  const base = (over: Partial<StatusSnapshot> = {}): StatusSnapshot => ({
    daemon: { running: true, pid: 1, uptimeS: 5, version: '0.1.0', degraded: [] },
    bot: { username: 'b', connected: true, lastPollAt: null, lastError: null },
    sessions: [],
    ...over,
  });
  const s = (id: string, name: string, state: SessionStatus['state'], exitCode: number | null = null): SessionStatus => ({
    id, name, alias: null, kind: 'tmux', target: '%1', state, exitCode, lastActivityAt: null, topicId: null,
  });

  it('says what changed, one line each, and nothing when nothing did', () => {
    const before = base({ sessions: [s('s1', 'build', 'running'), s('s2', 'old', 'idle')] });
    expect(statusChanges(before, before)).toEqual([]);
    const after = base({
      bot: { username: 'b', connected: false, lastPollAt: null, lastError: 'Another process polls (409)' },
      sessions: [s('s1', 'build', 'exited', 2), s('s3', 'new\u001b[2J', 'running')],
      daemon: { running: true, pid: 1, uptimeS: 9, version: '0.1.0', degraded: [{ key: 'k', message: 'disk full', since: 'x' }] },
    });
    expect(statusChanges(before, after)).toEqual([
      'bot disconnected: Another process polls (409)',
      'session build: running -> exited (exit 2)',
      'session new [2J: added (tmux %1, running)',
      'session old: removed',
      'degraded: disk full',
    ]);
  });

  it('prints what the bot did', () => {
    expect(cockpitLines({ type: 'activity', entries: [{ at: 1, kind: 'alert_sent', session: 'build', detail: 'alert sent' }, { at: 2, kind: 'update_refused', detail: 'refused update from user 6' }] }))
      .toEqual(['bot: build: alert sent', 'bot: refused update from user 6']);
    expect(cockpitLines({ type: 'lines', sessionId: 's1', lines: ['x'] })).toEqual([]);
  });
});
