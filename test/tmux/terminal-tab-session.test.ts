// Sessions of kind `terminal`: a Terminal.app tab (the fake osascript) adopted, followed, typed into and closed,
// through the real SessionService, whose tmux side runs on a private server. Waits are on session events.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SessionEvent } from '../../src/core/sessions.js';
import type { SessionService } from '../../src/daemon/sessions/service.js';
import { createTerminalApp } from '../../src/terminal-app/terminal-app.js';
import { type FakeTerminal, fakeTerminal } from '../helpers/fake-terminal.js';
import { tempDir } from '../helpers/temp-dir.js';
import { type ServiceRig, startService } from './session-service-helpers.js';

const TTY = '/dev/ttys003';

async function rig(fake: FakeTerminal = fakeTerminal(), stateDir?: string): Promise<ServiceRig & { fake: FakeTerminal }> {
  const terminal = createTerminalApp({ platform: 'linux', osascript: fake.bin, scriptDir: tempDir('pocket-jxa-'), timeoutMs: 3_000 });
  const started = await startService({ terminal, idleMs: 60_000, ...(stateDir === undefined ? {} : { stateDir }) });
  onTestFinished(() => started.close());
  return { ...started, fake };
}

/** Resolves with the first event (from now on) that matches. */
function next(service: SessionService, match: (event: SessionEvent) => boolean, timeoutMs = 10_000): Promise<SessionEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no such session event in time'));
    }, timeoutMs);
    const stop = service.subscribe((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

describe('Terminal.app tabs as sessions', () => {
  it('offers open tabs, adopts one by tty with its history as the starting screen, and follows new output', async () => {
    const { service, fake, events } = await rig();
    expect((await service.adoptableTabs()).map((tab) => tab.tty)).toEqual(['/dev/ttys003', '/dev/ttys004', '/dev/ttys007']);
    const view = await service.attach('ttys003');
    expect(view).toMatchObject({ name: 'tab-ttys003', kind: 'terminal', paneId: TTY, adopted: true, state: 'running' });
    expect((await service.adoptableTabs()).map((tab) => tab.tty)).toEqual(['/dev/ttys004', '/dev/ttys007']);
    // The history is what the tab showed: on screen for /tail, but not reported as new output.
    expect(await service.tail(view.id, 5)).toEqual(['Last login: Mon Nov 30 21:14:07 on ttys002', 'ada@mac ~ %']);
    expect(events.filter((event) => event.type === 'output')).toEqual([]);
    const output = next(service, (event) => event.type === 'output');
    fake.print(TTY, 'ls\na.txt  b.txt\nada@mac ~ % ');
    expect(await output).toMatchObject({ type: 'output', sessionId: view.id, lines: ['ada@mac ~ % ls', 'a.txt  b.txt'] });
    expect(await service.screen(view.id)).toEqual(['Last login: Mon Nov 30 21:14:07 on ttys002', 'ada@mac ~ % ls', 'a.txt  b.txt', 'ada@mac ~ %']);
    await expect(service.attach('/dev/ttys003')).rejects.toThrow(/already session tab-ttys003/);
    await expect(service.attach('ttys999')).rejects.toThrow(/No open Terminal tab has \/dev\/ttys999/);
  });

  it('types literally into the tab and presses keys through the adapter', async () => {
    const { service, fake } = await rig();
    const view = await service.attach('ttys003', 'desk');
    const echoed = next(service, (event) => event.type === 'output' && event.lines.some((line) => line.includes('rm -rf')));
    const hostile = `-n "$(rm -rf ~)" \\ 'ü' 🚀`;
    await service.sendText(view.id, hostile);
    expect(fake.tab(TTY).typed).toEqual([{ text: hostile, enter: true }]);
    // The shell echoed it (the fake appends what do script types) and prompts again: the line is complete.
    fake.print(TTY, 'ada@mac ~ % ');
    expect(await echoed).toMatchObject({ lines: [`ada@mac ~ % ${hostile}`] });
    await service.sendKeys(view.id, ['C-c', 'Tab']);
    expect(fake.tab(TTY).pressed).toEqual([['char', 'c', 'control'], ['code', '48', '']]);
    expect(fake.calls().filter((call) => call[0] === 'type')).toEqual([['type', TTY, hostile, 'enter']]);
  });

  it('ends the session as exited when the tab closes, keeping its last screen', async () => {
    const { service, fake } = await rig();
    const view = await service.attach('ttys003');
    const exited = next(service, (event) => event.type === 'state' && event.session.state === 'exited');
    fake.update((state) => {
      state.windows[0]!.tabs.splice(0, 1);
    });
    await service.tail(view.id, 1);
    expect(await exited).toMatchObject({ session: { id: view.id, state: 'exited', exitCode: null } });
    expect(await service.tail(view.id, 1)).toEqual(['ada@mac ~ %']);
    await expect(service.sendText(view.id, 'ls')).rejects.toThrow(/has exited/);
  });

  it('keeps following after osascript fails or hangs for a while, and logs each kind of failure once', async () => {
    const { service, fake, warnings } = await rig();
    const view = await service.attach('ttys003');
    fake.update((state) => {
      state.fail = '/x/terminal-app.js: execution error: Error: Error: Connection is invalid. (-609)';
    });
    await service.tail(view.id, 1);
    await expect.poll(() => warnings.filter((w) => w.event === 'terminal_app.poll_failed').length, { timeout: 10_000 }).toBe(1);
    // Then osascript hangs: the poll is given up after the adapter's timeout (3 s here), said once more, not stacked.
    fake.update((state) => {
      state.fail = null;
      state.hang = true;
    });
    await expect.poll(() => warnings.filter((w) => w.event === 'terminal_app.poll_failed').length, { timeout: 15_000 }).toBe(2);
    expect(String(warnings.at(-1)?.fields?.error)).toMatch(/did not answer within 3 s/);
    fake.update((state) => {
      state.hang = false;
    });
    const output = next(service, (event) => event.type === 'output');
    fake.print(TTY, 'back\nada@mac ~ % ');
    await service.tail(view.id, 1);
    expect(await output).toMatchObject({ lines: ['ada@mac ~ % back'] });
    expect(warnings.filter((w) => w.event === 'terminal_app.poll_failed')).toHaveLength(2);
  });

  it('finds its tabs again by tty after a restart, reports what they printed meanwhile; one closed meanwhile has exited', async () => {
    const fake = fakeTerminal();
    const first = await rig(fake);
    const kept = await first.service.attach('ttys003');
    const lost = await first.service.attach('ttys007');
    await first.close();
    fake.update((state) => {
      state.windows.splice(1, 1);
    });
    fake.print(TTY, 'printed while pocket was down\nada@mac ~ % ');
    const second = await rig(fake, first.stateDir);
    expect(second.service.get(kept.id)).toMatchObject({ kind: 'terminal', state: 'running' });
    // What the tab printed while pocket was down is reported once, found after the saved fingerprints of its lines.
    await expect.poll(() => second.events.filter((event) => event.type === 'output').map((event) => event.type === 'output' && event.lines))
      .toEqual([['ada@mac ~ % printed while pocket was down']]);
    expect(readFileSync(join(first.stateDir, 'tab-anchors.json'), 'utf8')).not.toContain('Last login');
    expect(second.service.get(lost.id)).toMatchObject({ state: 'exited' });
    await expect.poll(() => second.events.filter((event) => event.type === 'alert' && event.kind === 'gone').map((event) => event.type === 'alert' && event.session.id)).toEqual([lost.id]);
    expect(await second.service.tail(kept.id, 2)).toEqual(['ada@mac ~ % printed while pocket was down', 'ada@mac ~ %']);
  });

  it('says clearly that Terminal.app is unavailable off macOS, and adopting a tab there changes nothing', async () => {
    const terminal = createTerminalApp({ platform: 'linux', scriptDir: tempDir('pocket-jxa-') });
    const started = await startService({ terminal });
    onTestFinished(() => started.close());
    await expect(started.service.adoptableTabs()).rejects.toThrow('Terminal.app mirroring needs macOS; this machine runs linux.');
    await expect(started.service.attach('ttys003')).rejects.toThrow(/needs macOS/);
    expect(started.service.list()).toEqual([]);
  });
});
