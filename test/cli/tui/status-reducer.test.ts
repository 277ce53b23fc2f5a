import { describe, expect, it } from 'vitest';
import { initialStatusState, statusReducer } from '../../../src/cli/tui/status-reducer.js';
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
