// The live `pocket status` TUI: a reducer fed by the daemon's snapshot stream, a 1 s clock, keys from keys.ts.

import { Box, useApp, useInput, useStdin } from 'ink';
import { useEffect, useReducer } from 'react';
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

export function StatusApp({ initial, subscribe, home, now = Date.now, onQuit }: StatusAppProps) {
  const [state, dispatch] = useReducer(statusReducer, undefined, () => initialStatusState(initial, now()));
  const { exit } = useApp();
  // Without a TTY on stdin ink cannot read keys (it would throw); the view still updates, Ctrl-C is then SIGINT.
  const { isRawModeSupported } = useStdin();

  useEffect(
    () =>
      subscribe(
        (snapshot) => dispatch({ type: 'snapshotReceived', snapshot, now: now() }),
        (error) => dispatch({ type: 'connectionLost', error, now: now() }),
      ),
    [subscribe, now],
  );

  useEffect(() => {
    const timer = setInterval(() => dispatch({ type: 'clockTicked', now: now() }), TICK_MS);
    return () => clearInterval(timer);
  }, [now]);

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
      <DaemonPane snapshot={state.snapshot} home={home} elapsedS={elapsedS} />
      <BotPane snapshot={state.snapshot} now={state.now} />
      <SessionsPane sessions={state.snapshot.sessions} selectedId={state.selectedId} now={state.now} />
      <Footer />
    </Box>
  );
}
