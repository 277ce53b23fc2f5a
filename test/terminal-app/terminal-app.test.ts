// The Terminal.app adapter against the fake osascript: what it lists and reads, what arrives in argv when it types,
// and each way osascript fails (denied permissions, a hang, an error, not macOS at all).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPocketError } from '../../src/core/errors.js';
import { JXA_SCRIPT } from '../../src/terminal-app/jxa-script.js';
import { createTerminalApp } from '../../src/terminal-app/terminal-app.js';
import { fakeTerminal } from '../helpers/fake-terminal.js';
import { tempDir } from '../helpers/temp-dir.js';

function setUp(options: { timeoutMs?: number } = {}) {
  const fake = fakeTerminal();
  const scriptDir = join(tempDir('pocket-terminal-state-'), 'state');
  const app = createTerminalApp({ platform: 'linux', osascript: fake.bin, scriptDir, timeoutMs: options.timeoutMs ?? 10_000 });
  return { fake, app, scriptDir };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!isPocketError(error)) throw new Error(`expected a PocketError, got ${String(error)}`);
  return error;
}

describe('Terminal.app adapter', () => {
  it('lists every tab of every window with its tty, processes, busy flag, title and size', async () => {
    const { app, fake, scriptDir } = setUp();
    expect(app.availability()).toEqual({ ok: true });
    const tabs = await app.listTabs();
    expect(tabs).toEqual([
      { windowId: 4121, tabIndex: 1, tty: '/dev/ttys003', processes: ['login', '-zsh'], busy: false, title: '', rows: 24, columns: 80 },
      { windowId: 4121, tabIndex: 2, tty: '/dev/ttys004', processes: ['login', '-zsh', 'npm', 'node'], busy: true, title: 'build', rows: 24, columns: 80 },
      { windowId: 4187, tabIndex: 1, tty: '/dev/ttys007', processes: ['login', '-bash'], busy: false, title: '', rows: 40, columns: 120 },
    ]);
    // The script is a private file run by path; the call is `-l JavaScript FILE list`.
    const script = join(scriptDir, 'terminal-app.js');
    expect(statSync(script).mode & 0o777).toBe(0o600);
    expect(readFileSync(script, 'utf8')).toContain('function run(argv)');
    expect(fake.calls()).toEqual([['list']]);
  });

  it('lists nothing, and never launches Terminal, when Terminal is not running', async () => {
    const { app, fake } = setUp();
    fake.update((s) => {
      s.running = false;
    });
    expect(await app.listTabs()).toEqual([]);
    expect(await app.readTabs(['/dev/ttys003'])).toEqual([{ tty: '/dev/ttys003', closed: true }]);
  });

  it('reads the visible rows of several tabs in one call, a closed tab as closed, and the end of a history', async () => {
    const { app, fake } = setUp();
    const reads = await app.readTabs(['/dev/ttys003', '/dev/ttys099']);
    expect(fake.calls()).toEqual([['read', '/dev/ttys003', '/dev/ttys099']]);
    expect(reads[1]).toEqual({ tty: '/dev/ttys099', closed: true });
    const first = reads[0]!;
    if (first.closed) throw new Error('closed');
    expect(first.contents.split('\n')).toHaveLength(25);
    expect(first.contents.startsWith('Last login: Mon Nov 30 21:14:07 on ttys002\nada@mac ~ % \n\n')).toBe(true);
    expect(await app.readHistory('/dev/ttys003', 12)).toEqual({ text: 'ada@mac ~ % ', truncated: true });
    expect(await app.readHistory('/dev/ttys003', 10_000)).toEqual({ text: 'Last login: Mon Nov 30 21:14:07 on ttys002\nada@mac ~ % ', truncated: false });
    expect(await app.readHistory('/dev/ttys099', 100)).toBeNull();
  });

  it('types hostile text literally as one argv entry, never as script', async () => {
    const { app, fake, scriptDir } = setUp();
    const hostile = `-e 'do shell script "rm -rf ~"' \\" \\\\ $(id) \`id\` ü 日本 🚀 ;`;
    await app.typeText('/dev/ttys003', hostile);
    await app.typeText('/dev/ttys003', '--help', { enter: false });
    expect(fake.calls()).toEqual([
      ['type', '/dev/ttys003', hostile, 'enter'],
      ['type', '/dev/ttys003', '--help', 'no-enter'],
    ]);
    expect(fake.tab('/dev/ttys003').typed).toEqual([{ text: hostile, enter: true }, { text: '--help', enter: false }]);
    // The script run is pocket's own text, whatever was typed.
    expect(readFileSync(join(scriptDir, 'terminal-app.js'), 'utf8')).toBe(JXA_SCRIPT);
  });

  it('refuses control characters before anything runs', async () => {
    const { app, fake } = setUp();
    const error = await failure(app.typeText('/dev/ttys003', 'ls\nrm -rf /'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(fake.calls()).toEqual([]);
  });

  it('presses special keys through System Events as key codes, and Enter alone as do script', async () => {
    const { app, fake } = setUp();
    await app.pressKeys('/dev/ttys003', ['C-c', 'Up', 'Esc', 'x', ':']);
    await app.pressKeys('/dev/ttys003', ['Enter']);
    expect(fake.tab('/dev/ttys003').pressed).toEqual([
      ['char', 'c', 'control'], ['code', '126', ''], ['code', '53', ''], ['char', 'x', ''], ['char', ':', ''],
    ]);
    expect(fake.calls()[1]).toEqual(['type', '/dev/ttys003', '', 'enter']);
    const unknown = await failure(app.pressKeys('/dev/ttys003', ['Delete']));
    expect(unknown.code).toBe('INVALID_INPUT');
  });

  it('says how to grant Accessibility when System Events refuses keys, and still types with do script', async () => {
    const { app, fake } = setUp();
    fake.update((s) => {
      s.accessibility = false;
    });
    const error = await failure(app.pressKeys('/dev/ttys003', ['C-c']));
    expect(error.code).toBe('TERMINAL_APP_DENIED');
    expect(error.message).toBe('macOS does not allow pocket to press keys in Terminal (osascript is not allowed assistive access).');
    expect(error.hint).toMatch(/Privacy & Security > Accessibility/);
    await app.typeText('/dev/ttys003', 'echo ok');
    expect(fake.tab('/dev/ttys003').typed).toEqual([{ text: 'echo ok', enter: true }]);
  });

  it('says how to allow Automation when macOS refuses Apple events to Terminal', async () => {
    const { app, fake } = setUp();
    fake.update((s) => {
      s.automation = false;
    });
    const error = await failure(app.listTabs());
    expect(error.code).toBe('TERMINAL_APP_DENIED');
    expect(error.message).toBe('macOS does not allow pocket to control Terminal (Automation).');
    expect(error.hint).toMatch(/Privacy & Security > Automation and allow .* to control Terminal\.$/);
    // System Events (keys) needs its own consent: the message names it.
    fake.update((s) => {
      s.automation = true;
      s.fail = '/x/terminal-app.js: execution error: Error: Error: Not authorized to send Apple events to System Events. (-1743)';
    });
    expect((await failure(app.pressKeys('/dev/ttys003', ['Esc']))).message).toBe('macOS does not allow pocket to control System Events (Automation).');
  });

  it('gives up on an osascript that hangs, after its timeout', async () => {
    const { app, fake } = setUp({ timeoutMs: 600 });
    fake.update((s) => {
      s.hang = true;
    });
    const started = Date.now();
    const error = await failure(app.listTabs());
    expect(error.code).toBe('TERMINAL_APP_TIMEOUT');
    expect(error.message).toBe('osascript (list) did not answer within 1 s.');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an osascript failure in one sentence with its message', async () => {
    const { app, fake } = setUp();
    fake.update((s) => {
      s.fail = '/x/terminal-app.js: execution error: Error: Error: Can\'t get object. (-1728)';
    });
    const error = await failure(app.readTabs(['/dev/ttys003']));
    expect(error.code).toBe('TERMINAL_APP_FAILED');
    expect(error.message).toBe("osascript (read) failed: Can't get object. (-1728)");
  });

  it('is unavailable off macOS without a stand-in, and says so without running anything', async () => {
    const app = createTerminalApp({ platform: 'linux', scriptDir: tempDir('pocket-terminal-state-') });
    expect(app.availability()).toEqual({ ok: false, reason: 'Terminal.app mirroring needs macOS; this machine runs linux.' });
    const error = await failure(app.listTabs());
    expect(error.code).toBe('TERMINAL_APP_UNAVAILABLE');
    const missing = createTerminalApp({ platform: 'darwin', osascript: '/nonexistent/osascript', scriptDir: tempDir('pocket-terminal-state-') });
    expect(missing.availability()).toEqual({ ok: false, reason: 'POCKET_OSASCRIPT (/nonexistent/osascript) is not an executable file.' });
  });

  it('probes Automation and Accessibility for pocket doctor', async () => {
    const { app, fake } = setUp();
    expect(await app.probe()).toEqual({ running: true, automation: { ok: true }, accessibility: { ok: true } });
    fake.update((s) => {
      s.accessibility = false;
    });
    expect((await app.probe()).accessibility).toMatchObject({ ok: false, number: -25211 });
  });
});
