// Ink colours through chalk's default instance, whose level chalk decides once, at its first import, from the
// terminal. Another test file in the same worker (the unit project shares modules between files) may have imported it
// already, so this file sets the level itself for its test and restores it.

import chalk from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { StatusApp } from '../../../src/cli/tui/status-app.js';
import { NOW, session, snapshot, THREE_SESSIONS } from './snapshots.js';

const previousLevel = chalk.level;
chalk.level = 1;
afterAll(() => {
  chalk.level = previousLevel;
});

const SGR = { green: '\u001b[32m', gray: '\u001b[90m', yellow: '\u001b[33m', red: '\u001b[31m' };

describe('StatusApp colours', () => {
  it('colours each state: running green, idle grey, waiting yellow, exited red with its exit code', () => {
    const sessions = [...THREE_SESSIONS, session({ id: 's4', name: 'shell', state: 'idle' })];
    const { lastFrame, unmount } = render(
      <StatusApp initial={snapshot(sessions)} subscribe={() => () => {}} home="/h" now={() => NOW} onQuit={() => {}} size={{ columns: 100, rows: 40 }} />,
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
