// /shell's session: SHELL -lc COMMAND as argv in its own sh-N tmux session, output and exit code like any session's,
// nothing in COMMAND interpreted by tmux, and the time limit kills it (a short limit injected here).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/tmux.js';
import { EventEmitter } from 'node:events';
import { SessionService } from '../../src/daemon/sessions/service.js';
import { recordingLogger, type ServiceRig, startService } from './session-service-helpers.js';

let rig: ServiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const exited = (r: ServiceRig, id: string) => waitFor(() => (r.service.get(id)?.state === 'exited' ? r.service.get(id) : undefined), { what: `${id} to exit` });

describe('SessionService.runShell', () => {
  it('refuses when /shell is off, and starts nothing', async () => {
    rig = await startService();
    await expect(rig.service.runShell('id')).rejects.toMatchObject({ code: 'SHELL_DISABLED', hint: expect.stringContaining('POCKET_SHELL=on') });
    expect(rig.service.list()).toEqual([]);
    expect(await rig.t.tmux.listPanes()).toEqual([]);
  });

  it('runs COMMAND in the login shell in sh-N, tmux interpreting nothing, and reports output and exit code', async () => {
    rig = await startService({ shell: { program: '/bin/sh', timeoutMs: 60_000 } });
    const pwn = join(rig.t.dir, 'pwn');
    const command = `echo "out:#{pane_id}:#(touch ${pwn}):$((6*7))"; echo ';' -t; exit 3;`;
    const view = await rig.service.runShell(command);
    expect(view.name).toBe(`sh-${view.id.slice(1)}`);
    expect(view.command).toBe(command);
    const [pane] = await rig.t.tmux.listPanes();
    expect(pane?.sessionName).toBe(view.name);
    const done = await exited(rig, view.id);
    expect(done?.exitCode).toBe(3);
    expect(await rig.service.tail(view.id, 10)).toEqual(expect.arrayContaining([`out:#{pane_id}:#(touch ${pwn}):42`, '; -t']));
    expect(existsSync(pwn)).toBe(false);
    // A second one gets its own name; an empty command is refused before tmux.
    const second = await rig.service.runShell('true');
    expect(second.name).not.toBe(view.name);
    await expect(rig.service.runShell('   ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('is interruptible with keys like any session', async () => {
    rig = await startService({ shell: { program: '/bin/sh', timeoutMs: 60_000 } });
    const view = await rig.service.runShell('echo ready; sleep 600');
    await waitFor(async () => (await rig!.service.tail(view.id, 5)).includes('ready'), { what: 'the command to start' });
    await rig.service.sendKeys(view.id, ['C-c']);
    const done = await exited(rig, view.id);
    expect(done?.exitCode).not.toBe(0);
  });

  it('kills a command that outlives the limit: SIGTERM to its process group, then SIGKILL', async () => {
    rig = await startService({ shell: { program: '/bin/sh', timeoutMs: 300, graceMs: 200 } });
    const started = Date.now();
    // The child ignores SIGTERM, so only the SIGKILL after the grace ends it; the background sleep is in the group too.
    const view = await rig.service.runShell("trap '' TERM; sleep 600 & echo started; wait");
    const done = await exited(rig, view.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(done?.exitCode).toBe(128 + 9);
    expect(done?.deadlineAt).toBeDefined();
    expect(done!.exitedAt! >= done!.deadlineAt!).toBe(true);
    expect(rig.warnings.map((w) => w.event)).toContain('sessions.shell_timeout');
  });

  it('keeps the limit across a daemon restart', async () => {
    rig = await startService({ shell: { program: '/bin/sh', timeoutMs: 1_500, graceMs: 200 } });
    const view = await rig.service.runShell('sleep 600');
    await rig.service.stop();
    // A new daemon on the same home and tmux server resumes the session and arms what is left of its limit.
    const again = new SessionService({
      tmux: rig.t.tmux, stateDir: rig.stateDir, panesDir: rig.panesDir, log: recordingLogger(rig.warnings), changes: new EventEmitter(),
      idleMs: 60_000, shell: { program: '/bin/sh', timeoutMs: 60_000, graceMs: 200 },
    });
    await again.start();
    try {
      expect(again.get(view.id)?.state).not.toBe('exited');
      const done = await waitFor(() => (again.get(view.id)?.state === 'exited' ? again.get(view.id) : undefined), { what: 'the resumed session to be stopped' });
      expect(done?.exitCode).toBe(128 + 15);
    } finally {
      await again.stop();
    }
  });

  it('leaves a command that finished in time alone', async () => {
    const signals: string[] = [];
    rig = await startService({ shell: { program: '/bin/sh', timeoutMs: 60_000 }, signalGroup: (_pid, signal) => signals.push(signal) });
    const view = await rig.service.runShell('exit 0');
    expect((await exited(rig, view.id))?.exitCode).toBe(0);
    expect(signals).toEqual([]);
  });

  it('names from the IPC (session.new, aliases) are checked like Telegram’s: no leading dash reaches tmux', async () => {
    rig = await startService();
    for (const name of ['-t', '--help', '-d']) await expect(rig.service.create(name, 'true')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    const ok = await rig.service.create('fine', 'sleep 600');
    await expect(rig.service.setAlias(ok.id, '-x')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    await expect(rig.service.attach('-t')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await rig.t.tmux.listPanes()).map((p) => p.sessionName)).toEqual(['fine']);
  });
});
