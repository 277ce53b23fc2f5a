// Entry point the CLI lazy-imports for `pocket status` in a terminal: ink and react load only from here.

import { type RenderOptions, render } from 'ink';
import { createElement } from 'react';
import { StatusApp, type StatusAppProps } from './status-app.js';

/** Where the TUI reads keys and draws: the process's own streams by default; tests pass fakes (and no console patch). */
export type StatusTuiOptions = Pick<RenderOptions, 'stdin' | 'stdout' | 'stderr' | 'patchConsole'>;

/** Renders the TUI; resolves once it has exited (q, Esc or Ctrl-C, after onQuit ran). */
export async function renderStatusTui(props: StatusAppProps, options: StatusTuiOptions = {}): Promise<void> {
  // Ctrl-C goes through keys.ts like every other key, so onQuit always runs.
  const instance = render(createElement(StatusApp, props), { ...options, exitOnCtrlC: false });
  await instance.waitUntilExit();
}
