// A Terminal.app for tests on any machine: test/fixtures/terminal-app/fake-osascript.mjs behind a small executable
// that names this test's state and call log, given to pocket as POCKET_OSASCRIPT. Tests change the tabs (print
// into one, close one, deny a permission, make osascript hang) by editing the state, and read back every call's argv.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/terminal-app/', import.meta.url));
const FAKE = join(FIXTURES, 'fake-osascript.mjs');

export interface FakeTab {
  tty: string;
  processes: string[];
  busy: boolean;
  customTitle: string | null;
  numberOfRows: number;
  numberOfColumns: number;
  history: string;
  /** Set to override the contents derived from history (a full-screen program's screen). */
  contents?: string;
  typed?: { text: string; enter: boolean }[];
  pressed?: [string, string, string][];
}

export interface FakeTerminalState {
  running: boolean;
  automation?: boolean;
  accessibility?: boolean;
  hang?: boolean;
  fail?: string | null;
  windows: { id: number; tabs: FakeTab[] }[];
}

export interface FakeTerminal {
  /** The executable to pass as POCKET_OSASCRIPT. */
  bin: string;
  dir: string;
  state(): FakeTerminalState;
  update(change: (state: FakeTerminalState) => void): void;
  tab(tty: string): FakeTab;
  /** Appends text to a tab's scrollback, as a program printing would. */
  print(tty: string, text: string): void;
  /** Every osascript call so far: its argv after `-l JavaScript FILE`. */
  calls(): string[][];
}

export function fixtureTabs(): FakeTerminalState {
  return JSON.parse(readFileSync(join(FIXTURES, 'tabs.json'), 'utf8')) as FakeTerminalState;
}

export function fakeTerminal(initial: FakeTerminalState = fixtureTabs()): FakeTerminal {
  const dir = tempDir('pocket-terminal-app-');
  const stateFile = join(dir, 'state.json');
  const logFile = join(dir, 'calls.log');
  writeFileSync(stateFile, JSON.stringify(initial));
  writeFileSync(logFile, '');
  const bin = join(dir, 'osascript');
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    bin,
    `#!/bin/sh\nFAKE_TERMINAL_STATE=${quote(stateFile)} FAKE_OSASCRIPT_LOG=${quote(logFile)} exec ${quote(process.execPath)} ${quote(FAKE)} "$@"\n`,
  );
  chmodSync(bin, 0o755);
  const state = (): FakeTerminalState => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeTerminalState;
  const self: FakeTerminal = {
    bin,
    dir,
    state,
    update(change) {
      const next = state();
      change(next);
      writeFileSync(`${stateFile}.next`, JSON.stringify(next));
      renameSync(`${stateFile}.next`, stateFile);
    },
    tab(tty) {
      const found = state().windows.flatMap((w) => w.tabs).find((t) => t.tty === tty);
      if (found === undefined) throw new Error(`no fake tab ${tty}`);
      return found;
    },
    print(tty, text) {
      self.update((s) => {
        const tab = s.windows.flatMap((w) => w.tabs).find((t) => t.tty === tty);
        if (tab === undefined) throw new Error(`no fake tab ${tty}`);
        tab.history += text;
      });
    },
    calls() {
      return readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as string[]).slice(3));
    },
  };
  return self;
}
