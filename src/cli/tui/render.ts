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
    // At most 20 frames a second. Each frame is written whole, inside the terminal's synchronized-output pair, so a
    // terminal that supports it shows no half-drawn frame. Not Ink's incrementalRendering: in a real terminal (tmux
    // 3.x, 120x40) its rewritten lines landed one row lower at every frame (seen in test/e2e/cockpit.test.ts).
    maxFps: Math.round(1000 / FRAME_MS),
  });
  await instance.waitUntilExit();
}
