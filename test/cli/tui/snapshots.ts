// Fixed snapshots and a fixed clock for the status view tests.

import type { SessionStatus, StatusSnapshot } from '../../../src/core/status.js';

export const NOW = Date.parse('2025-01-01T12:00:00.000Z');

export function secondsAgo(s: number): string {
  return new Date(NOW - s * 1000).toISOString();
}

export function session(over: Partial<SessionStatus> & Pick<SessionStatus, 'id' | 'name'>): SessionStatus {
  return {
    alias: null,
    kind: 'tmux',
    target: '%1',
    state: 'running',
    exitCode: null,
    lastActivityAt: null,
    topicId: null,
    ...over,
  };
}

export function snapshot(sessions: SessionStatus[], over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    daemon: { running: true, pid: 4242, uptimeS: 7530, version: '0.1.0', degraded: [] },
    bot: { username: 'pocket_bot', connected: true, lastPollAt: secondsAgo(3), lastError: null },
    sessions,
    ...over,
  };
}

export const THREE_SESSIONS: SessionStatus[] = [
  session({ id: 's1', name: 'build', alias: 'b', target: '%12', lastActivityAt: secondsAgo(5), topicId: 17 }),
  session({ id: 's2', name: 'agent', kind: 'codex', target: 'thread-9', state: 'waiting', lastActivityAt: secondsAgo(90) }),
  session({ id: 's3', name: 'tests', target: 'work:1.0', state: 'exited', exitCode: 1, lastActivityAt: secondsAgo(7300) }),
];
