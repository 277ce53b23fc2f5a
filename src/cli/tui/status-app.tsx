// The live `pocket status` TUI: a reducer fed by the daemon's snapshot stream, a 1 s clock, keys from keys.ts.

import { Box, useApp, useInput, useStdin } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import type { StatusSnapshot } from '../../core/status.js';
import { Footer } from './footer.js';
import { keyToAction } from './keys.js';
import { BotPane, ConnectionBanner, DaemonPane } from './panes.js';
import { SessionsPane } from './sessions-pane.js';
import { initialStatusState, statusReducer } from './status-reducer.js';

export type SubscribeFn = (onSnapshot: (s: StatusSnapshot) => void, onError: (e: Error) => void) => () => void;

export interface StatusAppProps {
  initial: StatusSnapshot;
  /** Starts the snapshot stream; returns the unsubscribe called on unmount. */
  subscribe: SubscribeFn;
  home: string;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
  onQuit: () => void;
}

export const TICK_MS = 1000;

export function StatusApp({ initial, subscribe, home, now: clock = Date.now, onQuit }: StatusAppProps) {
  // Read through a ref so an inline `now` prop does not restart the stream or the interval on every render.
  const clockRef = useRef(clock);
  clockRef.current = clock;
  const now = () => clockRef.current();
  const [state, dispatch] = useReducer(statusReducer, undefined, () => initialStatusState(initial, clock()));
  const { exit } = useApp();
  // Without a TTY on stdin ink cannot read keys (it would throw); the view still updates, Ctrl-C is then SIGINT.
  const { isRawModeSupported } = useStdin();

  useEffect(
    () =>
      subscribe(
        (snapshot) => dispatch({ type: 'snapshotReceived', snapshot, now: clockRef.current() }),
        (error) => dispatch({ type: 'connectionLost', error, now: clockRef.current() }),
      ),
    [subscribe],
  );

  useEffect(() => {
    const timer = setInterval(() => dispatch({ type: 'clockTicked', now: clockRef.current() }), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  useInput((input, key) => {
    switch (keyToAction(input, key)) {
      case 'quit':
        onQuit();
        exit();
        return;
      case 'selectUp':
        dispatch({ type: 'selectionMoved', delta: -1 });
        return;
      case 'selectDown':
        dispatch({ type: 'selectionMoved', delta: 1 });
        return;
      case 'refresh':
        dispatch({ type: 'clockTicked', now: now() });
        return;
      case null:
        return;
    }
  }, { isActive: isRawModeSupported });

  const elapsedS = Math.max(0, Math.floor((state.now - state.receivedAt) / 1000));
  return (
    <Box flexDirection="column">
      <ConnectionBanner connection={state.connection} />
      <DaemonPane snapshot={state.snapshot} home={home} elapsedS={elapsedS} now={state.now} />
      <BotPane snapshot={state.snapshot} now={state.now} />
      <SessionsPane sessions={state.snapshot.sessions} selectedId={state.selectedId} now={state.now} />
      <Footer />
    </Box>
  );
}
