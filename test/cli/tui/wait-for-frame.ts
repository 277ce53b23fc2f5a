// Waits, with a deadline, until an ink-testing-library frame satisfies a check: renders are asynchronous.

import stripAnsi from 'strip-ansi';

export async function waitForFrame(
  lastFrame: () => string | undefined,
  check: (frame: string) => boolean,
  timeoutMs = 2000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = stripAnsi(lastFrame() ?? '');
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`frame never matched within ${timeoutMs} ms; last frame:\n${frame}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function frameOf(lastFrame: () => string | undefined): string {
  return stripAnsi(lastFrame() ?? '');
}
