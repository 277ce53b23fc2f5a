// The JXA script's keys go to whatever application is in front: they are pressed only when Terminal and the tab came
// to the front. The script runs here in a VM with stand-ins for Terminal and System Events (osascript is macOS's).
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { JXA_SCRIPT, NOT_IN_FRONT } from '../../src/terminal-app/jxa-script.js';
import { osascriptFailure } from '../../src/terminal-app/osascript.js';

/** Terminal with one window of one tab (tty /dev/ttys003); `comesForward`: whether activate() brings it forward. */
function mac(comesForward: boolean) {
  const pressed: string[] = [];
  const front = { app: false, window: false, tab: false };
  /** A JXA property: set by assignment, read by a call. */
  const property = (target: object, name: string, set: (value: boolean) => void, get: () => boolean) =>
    Object.defineProperty(target, name, { set, get: () => get });
  const tab = property({ tty: () => '/dev/ttys003' }, 'selected', (value) => { front.tab = value; }, () => front.tab);
  const tabs = Object.assign([tab], { tty: () => ['/dev/ttys003'] });
  const window = property({ tabs }, 'frontmost', (value) => { front.window = value && comesForward; }, () => front.window);
  const terminal = { running: () => true, windows: () => [window], activate: () => { front.app = comesForward; }, frontmost: () => front.app };
  const events = {
    keyCode: (code: number) => pressed.push(`code ${code}`),
    keystroke: (text: string) => pressed.push(`text ${text}`),
  };
  // JXA's global names the application by its name (not a React component, whatever its capital says).
  const application = (name: string) => (name === 'Terminal' ? terminal : events);
  const context = { Application: application, delay: () => {}, JSON };
  return { pressed, runScript: (argv: string[]) => runInNewContext(`${JXA_SCRIPT}\nrun(argv)`, { ...context, argv }) as string };
}

describe('the JXA script presses keys only in front', () => {
  it('presses them when Terminal and the tab came to the front', () => {
    const m = mac(true);
    expect(JSON.parse(m.runScript(['keys', '/dev/ttys003', 'code', '36', '', 'char', 'c', 'control']))).toEqual({ running: true, closed: false });
    expect(m.pressed).toEqual(['code 36', 'text c']);
  });

  it('presses none, and says why, when another application keeps the focus', () => {
    const m = mac(false);
    expect(() => m.runScript(['keys', '/dev/ttys003', 'code', '36', ''])).toThrow(NOT_IN_FRONT);
    expect(() => m.runScript(['type', '/dev/ttys003', 'ls', ''])).toThrow(NOT_IN_FRONT);
    expect(m.pressed).toEqual([]);
    const failure = osascriptFailure('keys', `/x/terminal-app.js: execution error: Error: ${NOT_IN_FRONT} (-2700)\n`);
    expect(failure.message).toBe('Terminal did not come to the front, so no key was pressed (another application has the focus).');
    expect(failure.hint).toContain('/send types text without it');
  });
});
