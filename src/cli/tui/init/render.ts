// Entry point the CLI lazy-imports for `pocket init` in a terminal: ink and react load only from here.
import { randomBytes } from 'node:crypto';
import { render } from 'ink';
import { createElement } from 'react';
import { systemClock } from '../../../core/ports.js';
import { type InitFlags, runInit } from '../../init/run-init.js';
import { InitApp } from './init-app.js';

/** Runs `pocket init` on the Ink screen; rejects with the step's error after the screen has shown it. */
export async function runInitScreen(home: string, flags: InitFlags): Promise<void> {
  let failure: unknown;
  const instance = render(
    createElement(InitApp, {
      run: (io, signal) => runInit(home, flags, io, { env: process.env, clock: systemClock, randomBytes: (size) => randomBytes(size), signal }),
      now: () => Date.now(),
      onExit: (error: unknown) => {
        failure = error;
      },
    }),
    { exitOnCtrlC: false },
  );
  await instance.waitUntilExit();
  // The screen already showed the message and hint; the CLI still exits non-zero with them.
  if (failure !== undefined) throw failure;
}
