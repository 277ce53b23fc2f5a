// The status TUI's state: the last snapshot, whether the daemon still answers, the selected row, the clock.

import { isPocketError } from '../../core/errors.js';
import type { StatusSnapshot } from '../../core/status.js';

export type ConnectionState =
  | { kind: 'live' }
  /** The daemon went away: the last snapshot stays on screen under a banner. */
  | { kind: 'daemonStopped' }
  | { kind: 'disconnected'; reason: string };

export interface StatusState {
  snapshot: StatusSnapshot;
  /** Epoch ms when the snapshot arrived: the uptime shown grows from there. */
  receivedAt: number;
  /** Epoch ms that relative times ("5s ago") are computed against. */
  now: number;
  connection: ConnectionState;
  /** Selection follows the session's id so it survives reordering; null when there are no sessions. */
  selectedId: string | null;
}

export type StatusAction =
  | { type: 'snapshotReceived'; snapshot: StatusSnapshot; now: number }
  | { type: 'connectionLost'; error: Error; now: number }
  | { type: 'selectionMoved'; delta: number }
  | { type: 'clockTicked'; now: number };

export function initialStatusState(snapshot: StatusSnapshot, now: number): StatusState {
  return {
    snapshot,
    receivedAt: now,
    now,
    connection: { kind: 'live' },
    selectedId: snapshot.sessions[0]?.id ?? null,
  };
}

export function selectedIndex(state: StatusState): number {
  return state.snapshot.sessions.findIndex((s) => s.id === state.selectedId);
}

/** Keeps the selected id when it is still there, else the row at the same position (clamped). */
function reselect(prev: StatusState, next: StatusSnapshot): string | null {
  if (next.sessions.some((s) => s.id === prev.selectedId)) return prev.selectedId;
  const index = Math.min(Math.max(selectedIndex(prev), 0), next.sessions.length - 1);
  return next.sessions[index]?.id ?? null;
}

export function connectionFor(error: Error): ConnectionState {
  if (isPocketError(error) && error.code === 'DAEMON_NOT_RUNNING') return { kind: 'daemonStopped' };
  return { kind: 'disconnected', reason: error.message };
}

export function statusReducer(state: StatusState, action: StatusAction): StatusState {
  switch (action.type) {
    case 'snapshotReceived':
      return {
        ...state,
        snapshot: action.snapshot,
        receivedAt: action.now,
        now: action.now,
        connection: action.snapshot.daemon.running ? { kind: 'live' } : { kind: 'daemonStopped' },
        selectedId: reselect(state, action.snapshot),
      };
    case 'connectionLost':
      return { ...state, now: action.now, connection: connectionFor(action.error) };
    case 'selectionMoved': {
      const sessions = state.snapshot.sessions;
      if (sessions.length === 0) return state;
      const from = Math.max(selectedIndex(state), 0);
      const to = Math.min(Math.max(from + action.delta, 0), sessions.length - 1);
      const id = sessions[to]?.id ?? null;
      return id === state.selectedId ? state : { ...state, selectedId: id };
    }
    case 'clockTicked':
      return action.now === state.now ? state : { ...state, now: action.now };
  }
}
