// The live `pocket status` cockpit: a reducer fed by the daemon's snapshot and cockpit streams (applied at most once
// per frame), a 1 s clock, keys from keys.ts, and actions (attach, kill, mute) through the link the CLI hands in.

import { Box, useApp, useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { CockpitEvent } from '../../core/cockpit.js';
import type { SessionStatus, StatusSnapshot } from '../../core/status.js';
import { DetailPane, questionLines } from './detail-pane.js';
import { Footer, HelpLines } from './footer.js';
import { keyToAction } from './keys.js';
import { layoutFor } from './layout.js';
import { colorsWanted, PaletteContext, paletteFor } from './palette.js';
import { BotPane, ConnectionBanner, DaemonPane, daemonExtraLines, Pane } from './panes.js';
import { SessionsPane } from './sessions-pane.js';
import { initialStatusState, selectedSession, type StatusAction, statusReducer, visibleSessions } from './status-reducer.js';

export type SubscribeFn = (onSnapshot: (s: StatusSnapshot) => void, onError: (e: Error) => void) => () => void;

/** What the cockpit does through the daemon (and tmux, for attach). The CLI reconnects it when the daemon returns. */
export interface CockpitLink {
  /** Starts the cockpit stream: bot health, what the bot did, the focused session; returns the unsubscribe. */
  subscribe(onEvent: (event: CockpitEvent) => void): () => void;
  /** Which session the stream details. */
  focus(sessionId: string | null): void;
  kill(sessionId: string): Promise<void>;
  setMuted(sessionId: string, muted: boolean): Promise<void>;
  /**
   * `leave`: the TUI must exit first so the terminal can attach; `switched`: tmux moved this client, the TUI stays.
   * `view` is what to come back to after a `leave` (StatusAppProps.resume).
   */
  attach(session: SessionStatus, view: ResumeView): Promise<'leave' | 'switched'>;
}

/** Where a person was in the cockpit: the selected session and the filter, kept across an attach. */
export interface ResumeView {
  selectedId: string | null;
  filter: string;
}

export interface StatusAppProps {
  initial: StatusSnapshot;
  /** Start with this selection and filter (back from an attach). */
  resume?: ResumeView;
  /** Starts the snapshot stream; returns the unsubscribe called on unmount. */
  subscribe: SubscribeFn;
  /** The cockpit's stream and actions; without it (an older daemon) the table and the daemon's counters only. */
  cockpit?: CockpitLink;
  home: string;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
  onQuit: () => void;
  /** The terminal's size; the stdout's (and its resizes) by default. */
  size?: { columns: number; rows: number };
  /** Colours on; off when NO_COLOR is set, by default. */
  colors?: boolean;
}

/**
 * The clock's tick, and the cadence of the bulk of the streams (output lines of the selected session, snapshots, the
 * bot's counters): they are applied on the tick, in the same frame (htop's default is 1.5 s). Every frame costs about
 * the same whatever changed: Ink builds the whole screen as one object per cell and styles it, 20-50 ms of CPU for
 * 160x50 on the 2-vCPU bench machine under load. Measured with bench/cockpit (50 sessions, 20 busy, the selected one
 * busy): at 20 fps the cockpit took 24-39% of a core, 4 fps 23%, 2 fps 5.7%. A question is drawn at once all the same.
 */
export const TICK_MS = 1000;
/** Ink draws at most one frame per this long (20 fps): keys and a session's question show without waiting. */
export const FRAME_MS = 50;

function useTerminalSize(fixed: StatusAppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = useCallback(() => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }), [stdout]);
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed !== undefined) return;
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, read, fixed]);
  return fixed ?? size;
}

/**
 * Stream events gathered and applied in one render. Output lines, snapshots and the bot's health (the bulk: every busy
 * pane) wait for the clock's tick (the returned `tick`); a change of the focused session (a question) is applied at
 * once, with whatever waited: Ink's own 20 fps throttle is then the only wait between the daemon's event and the screen.
 */
function useFrameBatcher(dispatch: (action: StatusAction) => void, clock: () => number) {
  const pending = useRef<{ snapshot: StatusSnapshot | null; events: CockpitEvent[]; timer: NodeJS.Timeout | null }>({
    snapshot: null, events: [], timer: null,
  });
  useEffect(() => () => {
    if (pending.current.timer !== null) clearTimeout(pending.current.timer);
  }, []);
  const tick = useCallback((): void => {
    const p = pending.current;
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
    const { snapshot, events } = p;
    p.snapshot = null;
    p.events = [];
    dispatch({ type: 'streamsApplied', snapshot, events, now: clock() });
  }, [dispatch, clock]);
  const add = useCallback((item: { snapshot: StatusSnapshot } | { event: CockpitEvent }) => {
    const p = pending.current;
    if ('snapshot' in item) p.snapshot = item.snapshot;
    else p.events.push(item.event);
    if ('event' in item && item.event.type === 'detail' && p.timer === null) p.timer = setTimeout(tick, 0);
  }, [tick]);
  return { add, tick };
}

export function StatusApp({ initial, resume, subscribe, cockpit, home, now: clock = Date.now, onQuit, size: fixedSize, colors }: StatusAppProps) {
  // Read through a ref so an inline `now` prop does not restart the stream or the interval on every render.
  const clockRef = useRef(clock);
  clockRef.current = clock;
  const now = useCallback(() => clockRef.current(), []);
  const [state, dispatch] = useReducer(statusReducer, undefined, () => initialStatusState(initial, clock(), resume));
  const { exit } = useApp();
  // Without a TTY on stdin ink cannot read keys (it would throw); the view still updates, Ctrl-C is then SIGINT.
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize(fixedSize);
  const [palette] = useState(() => paletteFor(colors ?? colorsWanted()));
  const { add: batch, tick } = useFrameBatcher(dispatch, now);

  useEffect(
    () =>
      subscribe(
        (snapshot) => batch({ snapshot }),
        (error) => dispatch({ type: 'connectionLost', error, now: clockRef.current() }),
      ),
    [subscribe, batch],
  );
  useEffect(() => cockpit?.subscribe((event) => batch({ event })), [cockpit, batch]);
  useEffect(() => {
    cockpit?.focus(state.selectedId);
  }, [cockpit, state.selectedId]);

  useEffect(() => {
    const timer = setInterval(tick, TICK_MS);
    return () => clearInterval(timer);
  }, [tick]);


  const selected = selectedSession(state);
  const detailOfSelected = state.detail !== null && state.detail.id === selected?.id ? state.detail : null;
  const act = (what: Promise<unknown>, done: string): void => {
    what.then(
      () => dispatch({ type: 'noticeShown', notice: { text: done, error: false } }),
      (error: unknown) => dispatch({ type: 'noticeShown', notice: { text: error instanceof Error ? error.message : String(error), error: true } }),
    );
  };

  // Keys read the state through a ref: Ink re-binds the handler in an effect, after the frame is drawn, so a key
  // typed right after a frame would otherwise meet the state before it (a `y` after the kill question, ignored).
  // And keys that come faster than frames (a paste, `/` then `q`) each meet the state the one before left: what a
  // key does is applied to the ref at once, the reducer being pure.
  const stateRef = useRef(state);
  stateRef.current = state;
  // The session the kill question names: `y` kills that one, even if the table moved meanwhile.
  const killTarget = useRef<SessionStatus | null>(null);
  const dispatchKey = (action: StatusAction): void => {
    stateRef.current = statusReducer(stateRef.current, action);
    dispatch(action);
  };
  useInput((input, key) => {
    const state = stateRef.current;
    const dispatch = dispatchKey;
    const selected = selectedSession(state);
    const detailOfSelected = state.detail !== null && state.detail.id === selected?.id ? state.detail : null;
    const action = keyToAction(state.mode, input, key);
    if (action === null) return;
    if (state.notice !== null && state.mode === 'normal') dispatch({ type: 'noticeShown', notice: null });
    switch (action.type) {
      case 'quit':
        onQuit();
        exit();
        return;
      case 'selectUp':
      case 'selectDown':
        dispatch({ type: 'selectionMoved', delta: action.type === 'selectUp' ? -1 : 1 });
        return;
      case 'refresh':
        dispatch({ type: 'clockTicked', now: now() });
        return;
      case 'help':
        dispatch({ type: 'modeChanged', mode: 'help' });
        return;
      case 'back':
        dispatch({ type: 'modeChanged', mode: 'normal' });
        return;
      case 'startFilter':
        dispatch({ type: 'modeChanged', mode: 'filter' });
        return;
      case 'filterType':
        dispatch({ type: 'filterEdited', edit: { append: action.text } });
        return;
      case 'filterErase':
        dispatch({ type: 'filterEdited', edit: 'erase' });
        return;
      case 'filterClear':
        dispatch({ type: 'filterEdited', edit: 'clear' });
        dispatch({ type: 'modeChanged', mode: 'normal' });
        return;
      case 'filterDone':
        dispatch({ type: 'modeChanged', mode: 'normal' });
        return;
      case 'askKill':
        if (selected === undefined) return;
        if (cockpit === undefined) {
          dispatch({ type: 'noticeShown', notice: { text: 'this daemon takes no actions from here: `pocket restart` to update it', error: true } });
          return;
        }
        killTarget.current = selected;
        dispatch({ type: 'modeChanged', mode: 'confirmKill' });
        return;
      case 'confirmKill': {
        dispatch({ type: 'modeChanged', mode: 'normal' });
        const target = killTarget.current;
        killTarget.current = null;
        if (target !== null && cockpit !== undefined) act(cockpit.kill(target.id), `killed ${target.name}`);
        return;
      }
      case 'toggleMute': {
        if (selected === undefined || cockpit === undefined) return;
        if (detailOfSelected === null) {
          dispatch({ type: 'noticeShown', notice: { text: 'the daemon has not described this session yet', error: true } });
          return;
        }
        const muted = !detailOfSelected.muted;
        act(cockpit.setMuted(selected.id, muted), `${muted ? 'muted' : 'unmuted'} alerts of ${selected.name}`);
        return;
      }
      case 'attach':
        if (selected === undefined || cockpit === undefined) return;
        if (selected.kind !== 'tmux') {
          dispatch({ type: 'noticeShown', notice: { text: `${selected.name} is a ${selected.kind} session: it has no tmux pane to attach to`, error: true } });
          return;
        }
        cockpit.attach(selected, { selectedId: selected.id, filter: state.filter }).then(
          (how) => {
            if (how === 'leave') exit();
            else dispatch({ type: 'noticeShown', notice: { text: `switched to ${selected.name}`, error: false } });
          },
          (error: unknown) => dispatch({ type: 'noticeShown', notice: { text: error instanceof Error ? error.message : String(error), error: true } }),
        );
        return;
    }
  }, { isActive: isRawModeSupported });

  const shown = visibleSessions(state);
  const banner = state.connection.kind !== 'live';
  const layout = layoutFor({
    rows,
    banner,
    daemonExtra: daemonExtraLines(state.snapshot, state.now),
    botError: (state.bot?.lastError ?? state.snapshot.bot.lastError) !== null,
    sessions: shown.length,
    activity: state.activity.length,
    questionLines: state.mode === 'help' ? 0 : questionLines(detailOfSelected),
  });
  const elapsedS = Math.max(0, Math.floor((state.now - state.receivedAt) / 1000));
  // One column less than the terminal: a line that fills the last column makes some terminals wrap the cursor.
  const width = Math.max(20, columns - 1);
  return (
    <PaletteContext.Provider value={palette}>
      <Box flexDirection="column" width={width}>
        <ConnectionBanner connection={state.connection} width={width} />
        <DaemonPane snapshot={state.snapshot} home={home} elapsedS={elapsedS} now={state.now} width={width} compact={layout.compact} />
        <BotPane
          snapshot={state.snapshot}
          health={state.bot}
          activity={state.activity}
          activityRows={layout.activityRows}
          now={state.now}
          width={width}
          compact={layout.compact}
        />
        <SessionsPane
          sessions={shown}
          selectedId={state.selectedId}
          now={state.now}
          width={width}
          rows={layout.sessionRows}
          compact={layout.compact}
          filter={state.filter}
          total={state.snapshot.sessions.length}
        />
        {state.mode === 'help' ? (
          <Pane width={width} compact={layout.compact}>
            <HelpLines width={layout.compact ? width : width - 4} rows={layout.detailLines + 1} />
          </Pane>
        ) : (
          <DetailPane
            selected={selected}
            detail={detailOfSelected}
            lines={state.lines}
            lineRows={layout.detailLines}
            now={state.now}
            width={width}
            compact={layout.compact}
          />
        )}
        <Footer state={state} target={killTarget.current?.name ?? null} width={width} />
      </Box>
    </PaletteContext.Provider>
  );
}
