// Entry point the CLI lazy-imports for `pocket status` in a terminal: ink and react load only from here.

import { type RenderOptions, render } from 'ink';
import { createElement } from 'react';
import { FRAME_MS, StatusApp, type StatusAppProps } from './status-app.js';

/** Where the TUI reads keys and draws: the process's own streams by default; tests pass fakes (and no console patch). */
export type StatusTuiOptions = Pick<RenderOptions, 'stdin' | 'stdout' | 'stderr' | 'patchConsole' | 'onRender'>;

/** Renders the TUI; resolves once it has exited (q, Esc or Ctrl-C after onQuit ran, or to let tmux attach). */
export async function renderStatusTui(props: StatusAppProps, options: StatusTuiOptions = {}): Promise<void> {
  const instance = render(createElement(StatusApp, props), {
    ...options,
    // Ctrl-C goes through keys.ts like every other key, so onQuit always runs.
    exitOnCtrlC: false,
    // Only the lines that changed are rewritten (no flicker of the static parts), at most 20 times a second.
    incrementalRendering: true,
    maxFps: Math.round(1000 / FRAME_MS),
  });
  await instance.waitUntilExit();
}
