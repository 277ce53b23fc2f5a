// Entry point the CLI lazy-imports for `pocket status` in a terminal: ink and react load only from here.

import { render } from 'ink';
import { createElement } from 'react';
import { StatusApp, type StatusAppProps } from './status-app.js';

/** Renders the TUI; resolves once it has exited (q, Esc or Ctrl-C, after onQuit ran). */
export async function renderStatusTui(props: StatusAppProps): Promise<void> {
  // Ctrl-C goes through keys.ts like every other key, so onQuit always runs.
  const instance = render(createElement(StatusApp, props), { exitOnCtrlC: false });
  await instance.waitUntilExit();
}
