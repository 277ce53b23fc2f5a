// Entry point the demo command lazy-imports for the chat console: ink and react load only from here.

import { type RenderOptions, render } from 'ink';
import { createElement } from 'react';
import { ConsoleApp, type ConsoleAppProps } from './console-app.js';

export type DemoConsoleOptions = Pick<RenderOptions, 'stdin' | 'stdout' | 'stderr' | 'patchConsole'> & {
  /** Closes the console from outside (SIGTERM), as if the user had quit. */
  signal?: AbortSignal;
};

/** Renders the console; resolves once it has exited (Ctrl-C or /quit, after onQuit ran, or on abort). */
export async function renderDemoConsole(props: ConsoleAppProps, options: DemoConsoleOptions = {}): Promise<void> {
  const { signal, ...renderOptions } = options;
  // Ctrl-C goes through keys.ts like every other key, so the demo's cleanup runs instead of a hard exit.
  const instance = render(createElement(ConsoleApp, props), { ...renderOptions, exitOnCtrlC: false });
  const onAbort = () => instance.unmount();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
