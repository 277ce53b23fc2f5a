// The status TUI's state: the last snapshot, the cockpit's events (bot health, what the bot did, the focused
// session), whether the daemon still answers, the selected row, the filter, the mode keys are read in, the clock.

import type { BotActivity, BotHealth, CockpitEvent, SessionDetail } from '../../core/cockpit.js';
import { isPocketError } from '../../core/errors.js';
import type { SessionStatus, StatusSnapshot } from '../../core/status.js';

export type ConnectionState =
  | { kind: 'live' }
  /** The daemon went away: the last snapshot stays on screen under a banner. */
  | { kind: 'daemonStopped' }
  | { kind: 'disconnected'; reason: string };

/** What keys mean now: the table, typing a filter, a kill waiting for y, the help. */
export type Mode = 'normal' | 'filter' | 'confirmKill' | 'help';

export interface StatusState {
  snapshot: StatusSnapshot;
  /** Epoch ms when the snapshot arrived: the uptime shown grows from there. */
  receivedAt: number;
  /** Epoch ms that relative times ("5s ago") are computed against. */
  now: number;
  connection: ConnectionState;
  /** Selection follows the session's id so it survives reordering and filtering; null when none is shown. */
  selectedId: string | null;
  /** Null until the daemon's cockpit stream said (an older daemon never does). */
  bot: BotHealth | null;
  /** What the bot did, oldest first, the last ACTIVITY_KEPT. */
  activity: BotActivity[];
  /** The focused session as the daemon last described it; null when none (or not yet). */
  detail: SessionDetail | null;
  /** Its last lines, oldest first. */
  lines: string[];
  mode: Mode;
  /** Sessions whose name, alias, target or kind contain it (case-insensitive) are shown; '' shows all. */
  filter: string;
  /** The outcome of the last action (killed, muted, why not), until the next key. */
  notice: { text: string; error: boolean } | null;
}

export type StatusAction =
  | { type: 'snapshotReceived'; snapshot: StatusSnapshot; now: number }
  /** `now`: a frame drawn for the events shows the times of that moment too. */
  | { type: 'cockpitReceived'; events: CockpitEvent[]; now?: number }
  | { type: 'connectionLost'; error: Error; now: number }
  | { type: 'selectionMoved'; delta: number }
  | { type: 'clockTicked'; now: number }
  /** What the streams brought since the last frame, and the clock: one frame for all of it. */
  | { type: 'streamsApplied'; snapshot: StatusSnapshot | null; events: CockpitEvent[]; now: number }
  | { type: 'modeChanged'; mode: Mode }
  /** Typed at the end of the filter; `erase` takes its last character away; `clear` empties it. */
  | { type: 'filterEdited'; edit: { append: string } | 'erase' | 'clear' }
  | { type: 'noticeShown'; notice: StatusState['notice'] };

export const ACTIVITY_KEPT = 20;
/** A tick this soon after the last frame's clock draws nothing: relative times are shown to the second. */
const CLOCK_SKIP_MS = 900;
export const LINES_KEPT = 200;

/** `resume`: the selection and filter to start from (back from an attach); the selection only while it is shown. */
export function initialStatusState(snapshot: StatusSnapshot, now: number, resume?: { selectedId: string | null; filter: string }): StatusState {
  const filter = resume?.filter ?? '';
  const shown = visibleSessions({ snapshot, filter });
  return {
    snapshot,
    receivedAt: now,
    now,
    connection: { kind: 'live' },
    selectedId: shown.find((s) => s.id === resume?.selectedId)?.id ?? shown[0]?.id ?? null,
    bot: null,
    activity: [],
    detail: null,
    lines: [],
    mode: 'normal',
    filter,
    notice: null,
  };
}

export function matchesFilter(session: SessionStatus, filter: string): boolean {
  if (filter === '') return true;
  const needle = filter.toLowerCase();
  return [session.name, session.alias ?? '', session.target, session.kind].some((field) => field.toLowerCase().includes(needle));
}

/** The sessions the table shows: the snapshot's, filtered. */
export function visibleSessions(state: Pick<StatusState, 'snapshot' | 'filter'>): SessionStatus[] {
  return state.snapshot.sessions.filter((s) => matchesFilter(s, state.filter));
}

export function selectedSession(state: StatusState): SessionStatus | undefined {
  return state.snapshot.sessions.find((s) => s.id === state.selectedId);
}

export function selectedIndex(state: StatusState): number {
  return visibleSessions(state).findIndex((s) => s.id === state.selectedId);
}

/** Keeps the selected id when it is still shown, else the row at the same position (clamped). */
function reselect(prev: StatusState, next: Pick<StatusState, 'snapshot' | 'filter'>): string | null {
  const shown = visibleSessions(next);
  if (shown.some((s) => s.id === prev.selectedId)) return prev.selectedId;
  const index = Math.min(Math.max(selectedIndex(prev), 0), shown.length - 1);
  return shown[index]?.id ?? null;
}

/**
 * What of a snapshot the screen shows, as a string: two snapshots with the same one draw the same frame (busy panes
 * make the daemon send one every 100 ms, mostly to move a last-activity time by milliseconds). The uptime is left
 * out: the view ages it by its own clock from when the snapshot came.
 */
export function visibleKey(snapshot: StatusSnapshot): string {
  return JSON.stringify({
    ...snapshot,
    daemon: { ...snapshot.daemon, uptimeS: null },
    sessions: snapshot.sessions.map((s) => ({ ...s, lastActivityAt: s.lastActivityAt?.slice(0, 19) ?? null })),
    bot: { ...snapshot.bot, lastPollAt: snapshot.bot.lastPollAt?.slice(0, 19) ?? null },
  });
}

export function connectionFor(error: Error): ConnectionState {
  if (isPocketError(error) && error.code === 'DAEMON_NOT_RUNNING') return { kind: 'daemonStopped' };
  return { kind: 'disconnected', reason: error.message };
}

function applyCockpit(state: StatusState, event: CockpitEvent): StatusState {
  switch (event.type) {
    case 'bot':
      return state.bot !== null && JSON.stringify(state.bot) === JSON.stringify(event.health) ? state : { ...state, bot: event.health };
    case 'activity':
      return { ...state, activity: [...state.activity, ...event.entries].slice(-ACTIVITY_KEPT) };
    case 'detail': {
      const sameSession = event.detail !== null && state.detail?.id === event.detail.id;
      const lines = event.lines ?? (sameSession ? state.lines : []);
      return { ...state, detail: event.detail, lines: lines.slice(-LINES_KEPT) };
    }
    case 'lines':
      if (state.detail?.id !== event.sessionId) return state;
      return { ...state, lines: [...state.lines, ...event.lines].slice(-LINES_KEPT) };
  }
}

export function statusReducer(state: StatusState, action: StatusAction): StatusState {
  switch (action.type) {
    case 'snapshotReceived':
      // Nothing to draw: the same state, so React renders nothing (the uptime keeps growing from receivedAt).
      if (state.connection.kind === 'live' && action.snapshot.daemon.running && visibleKey(action.snapshot) === visibleKey(state.snapshot)) return state;
      return {
        ...state,
        snapshot: action.snapshot,
        receivedAt: action.now,
        now: action.now,
        connection: action.snapshot.daemon.running ? { kind: 'live' } : { kind: 'daemonStopped' },
        selectedId: reselect(state, { snapshot: action.snapshot, filter: state.filter }),
      };
    case 'cockpitReceived': {
      const next = action.events.reduce(applyCockpit, state);
      // Nothing changed: the same state, no frame; else the clock moves with it (the times shown are of now).
      return next === state || action.now === undefined ? next : { ...next, now: action.now };
    }
    case 'connectionLost':
      return { ...state, now: action.now, connection: connectionFor(action.error) };
    case 'selectionMoved': {
      const shown = visibleSessions(state);
      if (shown.length === 0) return state;
      const from = Math.max(selectedIndex(state), 0);
      const to = Math.min(Math.max(from + action.delta, 0), shown.length - 1);
      const id = shown[to]?.id ?? null;
      return id === state.selectedId ? state : { ...state, selectedId: id };
    }
    case 'streamsApplied': {
      let next = action.snapshot === null ? state : statusReducer(state, { type: 'snapshotReceived', snapshot: action.snapshot, now: action.now });
      if (action.events.length > 0) next = statusReducer(next, { type: 'cockpitReceived', events: action.events, now: action.now });
      return statusReducer(next, { type: 'clockTicked', now: action.now });
    }
    case 'clockTicked':
      // A frame drawn less than a tick ago already showed the times of then: the next tick will do.
      return action.now - state.now < CLOCK_SKIP_MS ? state : { ...state, now: action.now };
    case 'modeChanged':
      return action.mode === state.mode ? state : { ...state, mode: action.mode, notice: null };
    case 'filterEdited': {
      const edit = action.edit;
      const filter = edit === 'clear' ? '' : edit === 'erase' ? state.filter.slice(0, -1) : state.filter + edit.append;
      return { ...state, filter, selectedId: reselect(state, { snapshot: state.snapshot, filter }) };
    }
    case 'noticeShown':
      return { ...state, notice: action.notice };
  }
}
