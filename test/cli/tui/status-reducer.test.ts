import { describe, expect, it } from 'vitest';
import { initialStatusState, statusReducer, visibleSessions } from '../../../src/cli/tui/status-reducer.js';
import type { SessionDetail } from '../../../src/core/cockpit.js';
import { PocketError } from '../../../src/core/errors.js';
import { NOW, session, snapshot, THREE_SESSIONS } from './snapshots.js';

const start = () => initialStatusState(snapshot(THREE_SESSIONS), NOW);

describe('statusReducer', () => {
  it('selects the first session, moves within bounds, and ignores moves with no sessions', () => {
    let s = start();
    expect(s.selectedId).toBe('s1');
    s = statusReducer(s, { type: 'selectionMoved', delta: -1 });
    expect(s.selectedId).toBe('s1');
    s = statusReducer(s, { type: 'selectionMoved', delta: 5 });
    expect(s.selectedId).toBe('s3');
    const empty = initialStatusState(snapshot([]), NOW);
    expect(empty.selectedId).toBeNull();
    expect(statusReducer(empty, { type: 'selectionMoved', delta: 1 })).toBe(empty);
  });

  it('keeps the selected session across reordering, else the same position', () => {
    let s = statusReducer(start(), { type: 'selectionMoved', delta: 1 }); // s2
    const [a, b, c] = THREE_SESSIONS;
    s = statusReducer(s, { type: 'snapshotReceived', snapshot: snapshot([c!, b!, a!]), now: NOW });
    expect(s.selectedId).toBe('s2');
    s = statusReducer(s, { type: 'snapshotReceived', snapshot: snapshot([c!, a!]), now: NOW });
    expect(s.selectedId).toBe('s1');
    s = statusReducer(s, { type: 'snapshotReceived', snapshot: snapshot([session({ id: 'z', name: 'z' })]), now: NOW });
    expect(s.selectedId).toBe('z');
  });

  it('marks the connection lost but keeps the snapshot; a snapshot makes it live again', () => {
    let s = statusReducer(start(), { type: 'connectionLost', error: new Error('EPIPE'), now: NOW + 1000 });
    expect(s.connection).toEqual({ kind: 'disconnected', reason: 'EPIPE' });
    expect(s.snapshot.sessions).toHaveLength(3);
    s = statusReducer(s, { type: 'connectionLost', error: new PocketError('DAEMON_NOT_RUNNING', 'gone'), now: NOW });
    expect(s.connection).toEqual({ kind: 'daemonStopped' });
    s = statusReducer(s, { type: 'snapshotReceived', snapshot: snapshot([]), now: NOW + 5000 });
    expect(s.connection).toEqual({ kind: 'live' });
    expect(s.receivedAt).toBe(NOW + 5000);
  });

  it('treats a snapshot that says the daemon is not running as "daemon stopped"', () => {
    const down = snapshot([], { daemon: { running: false, pid: null, uptimeS: null, version: '0.1.0', degraded: [] } });
    expect(statusReducer(start(), { type: 'snapshotReceived', snapshot: down, now: NOW }).connection).toEqual({
      kind: 'daemonStopped',
    });
  });

  it('moves the clock, returning the same state when it has not moved', () => {
    const s = start();
    expect(statusReducer(s, { type: 'clockTicked', now: NOW })).toBe(s);
    expect(statusReducer(s, { type: 'clockTicked', now: NOW + 1000 }).now).toBe(NOW + 1000);
  });
});

describe('statusReducer: the cockpit', () => {
  const detail = (id: string, over: Partial<SessionDetail> = {}): SessionDetail => ({
    id, name: id, kind: 'tmux', state: 'running', command: 'bash', createdAt: new Date(NOW).toISOString(), exitedAt: null,
    exitCode: null, topicId: null, muted: false, question: null, screen: null, ...over,
  });

  it('keeps the same state (no frame) for a snapshot that would draw the same: uptime and milliseconds of activity', () => {
    const s = start();
    const later = snapshot(THREE_SESSIONS.map((x) => ({ ...x, lastActivityAt: x.lastActivityAt === null ? null : x.lastActivityAt.replace(/\.\d{3}Z$/, '.999Z') })), {
      daemon: { running: true, pid: 4242, uptimeS: 7531, version: '0.1.0', degraded: [] },
    });
    expect(statusReducer(s, { type: 'snapshotReceived', snapshot: later, now: NOW + 100 })).toBe(s);
    const changed = snapshot([{ ...THREE_SESSIONS[0]!, state: 'waiting' }, ...THREE_SESSIONS.slice(1)]);
    expect(statusReducer(s, { type: 'snapshotReceived', snapshot: changed, now: NOW + 100 }).snapshot).toBe(changed);
  });

  it('skips a clock tick right after a frame, and the same bot health twice', () => {
    let s = start();
    expect(statusReducer(s, { type: 'clockTicked', now: NOW + 500 })).toBe(s);
    expect(statusReducer(s, { type: 'clockTicked', now: NOW + 1000 }).now).toBe(NOW + 1000);
    const health = { connected: true, trouble: null, lastError: null, lastPollAt: null, outbox: { pending: 0, oldestQueuedAt: null }, rateLimitedLastHour: 0, retriedLastHour: 0 };
    s = statusReducer(s, { type: 'cockpitReceived', events: [{ type: 'bot', health }], now: NOW + 10 });
    expect(s.now).toBe(NOW + 10);
    expect(statusReducer(s, { type: 'cockpitReceived', events: [{ type: 'bot', health: { ...health } }], now: NOW + 20 })).toBe(s);
  });

  it('keeps the lines of the focused session, appends new ones, and starts over for another session', () => {
    let s = statusReducer(start(), { type: 'cockpitReceived', events: [{ type: 'detail', detail: detail('s1'), lines: ['a', 'b'] }] });
    s = statusReducer(s, { type: 'cockpitReceived', events: [{ type: 'lines', sessionId: 's1', lines: ['c'] }, { type: 'lines', sessionId: 's2', lines: ['x'] }] });
    expect(s.lines).toEqual(['a', 'b', 'c']);
    s = statusReducer(s, { type: 'cockpitReceived', events: [{ type: 'detail', detail: detail('s1', { state: 'waiting' }) }] });
    expect(s.lines).toEqual(['a', 'b', 'c']);
    s = statusReducer(s, { type: 'cockpitReceived', events: [{ type: 'detail', detail: detail('s2') }] });
    expect(s.lines).toEqual([]);
  });

  it('filters the table as the filter is typed, keeping the selection when it still shows', () => {
    let s = statusReducer(start(), { type: 'filterEdited', edit: { append: 'TES' } });
    expect(visibleSessions(s).map((x) => x.name)).toEqual(['tests']);
    expect(s.selectedId).toBe('s3');
    for (let i = 0; i < 3; i++) s = statusReducer(s, { type: 'filterEdited', edit: 'erase' });
    expect(visibleSessions(s)).toHaveLength(3);
    expect(s.selectedId).toBe('s3');
    s = statusReducer(s, { type: 'filterEdited', edit: { append: 'codex' } });
    expect(visibleSessions(s).map((x) => x.name)).toEqual(['agent']);
    s = statusReducer(s, { type: 'filterEdited', edit: { append: 'zzz' } });
    expect(s.selectedId).toBeNull();
  });
});

describe('initialStatusState', () => {
  it('comes back from an attach where the person was: the filter, and the selection while it is shown', () => {
    const back = initialStatusState(snapshot(THREE_SESSIONS), NOW, { selectedId: 's3', filter: 'tes' });
    expect(back.filter).toBe('tes');
    expect(back.selectedId).toBe('s3');
    expect(initialStatusState(snapshot(THREE_SESSIONS), NOW, { selectedId: 's9', filter: '' }).selectedId).toBe('s1');
  });
});
