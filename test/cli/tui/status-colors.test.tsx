// Colours need chalk to believe the terminal has them; it decides at import time, so this file imports ink late.

import { afterAll, describe, expect, it } from 'vitest';
import { NOW, snapshot, THREE_SESSIONS } from './snapshots.js';

const previous = process.env.FORCE_COLOR;
process.env.FORCE_COLOR = '1';
afterAll(() => {
  if (previous === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previous;
});

const SGR = { green: '\u001b[32m', gray: '\u001b[90m', yellow: '\u001b[33m', red: '\u001b[31m' };

describe('StatusApp colours', () => {
  it('colours each state: running green, idle grey, waiting yellow, exited red with its exit code', async () => {
    const { render } = await import('ink-testing-library');
    const { StatusApp } = await import('../../../src/cli/tui/status-app.js');
    const { session } = await import('./snapshots.js');
    const sessions = [...THREE_SESSIONS, session({ id: 's4', name: 'shell', state: 'idle' })];
    const { lastFrame, unmount } = render(
      <StatusApp initial={snapshot(sessions)} subscribe={() => () => {}} home="/h" now={() => NOW} onQuit={() => {}} />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain(`${SGR.green}running`);
    expect(frame).toContain(`${SGR.gray}idle`);
    expect(frame).toContain(`${SGR.yellow}waiting`);
    // The exit code shares the red span of "exited": no colour reset between them.
    expect(frame).toMatch(/\u001b\[31mexited +1 +\u001b\[39m/);
    unmount();
  });
});
