// The daemon's session engine end to end: the built daemon, real tmux on its own socket, IPC as the CLI uses it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectIpc, type IpcClient } from '../../src/daemon/ipc/client.js';
import type { WireSessionEvent } from '../../src/daemon/ipc/protocol.js';
import { CANARY_TOKEN, type TempHome, tempHome } from '../helpers/pocket.js';

interface Rig {
  h: TempHome;
  socket: string;
  client(): Promise<IpcClient>;
}

const rigs: Rig[] = [];
const clients: IpcClient[] = [];

async function rig(): Promise<Rig> {
  const h = tempHome();
  const socket = `pocket-e2e-${Math.random().toString(16).slice(2, 10)}`;
  h.writeEnv({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', POCKET_TMUX_SOCKET: socket, POCKET_IDLE_SECONDS: '2' });
  const started = await h.run(['start']);
  expect(started.code, started.stderr).toBe(0);
  const r: Rig = {
    h,
    socket,
    client: async () => {
      const c = await connectIpc(join(h.home, '.state/daemon.sock'));
      clients.push(c);
      return c;
    },
  };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const r of rigs.splice(0)) {
    await r.h.cleanup();
    try {
      execFileSync('tmux', ['-L', r.socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

function collect(client: IpcClient, backlog = false): Promise<{ events: WireSessionEvent[]; until(p: (e: WireSessionEvent) => boolean): Promise<void> }> {
  const events: WireSessionEvent[] = [];
  const waiters: { p: (e: WireSessionEvent) => boolean; resolve: () => void }[] = [];
  return client
    .events((event) => {
      events.push(event);
      for (const w of [...waiters]) if (w.p(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }, () => {}, { backlog })
    .then(() => ({
      events,
      until: (p) => (events.some(p) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ p, resolve }))),
    }));
}

const hasLine = (text: string) => (e: WireSessionEvent) => e.type === 'output' && (e.lines ?? []).includes(text);

describe('sessions through the daemon', () => {
  it('creates a session, streams its output as events, answers a prompt, reports the exit code in status --json', async () => {
    const r = await rig();
    const client = await r.client();
    const stream = await collect(client);
    const created = await client.request('session.new', { name: 'job', command: 'echo start-$((6*7)); printf "Deploy? [y/N] "; read a; echo "answer=$a"; exit 4' });
    expect(created).toMatchObject({ name: 'job', kind: 'tmux', target: expect.stringMatching(/^%\d+$/) });
    await stream.until((e) => e.type === 'alert' && e.kind === 'waiting');
    await client.request('session.send', { session: 'job', text: 'y' });
    await stream.until((e) => e.type === 'alert' && e.kind === 'exited');
    const lines = stream.events.filter((e) => e.type === 'output').flatMap((e) => e.lines ?? []);
    expect(lines).toEqual(['start-42', 'Deploy? [y/N] y', 'answer=y']);
    const panes = join(r.h.home, '.state/panes');
    expect(statSync(panes).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(panes)) expect(statSync(join(panes, file)).mode & 0o077).toBe(0);
    const status = JSON.parse((await r.h.run(['status', '--json'])).stdout);
    expect(status.sessions).toEqual([
      { id: created.id, name: 'job', alias: null, kind: 'tmux', target: created.target, state: 'exited', exitCode: 4, lastActivityAt: expect.any(String), topicId: null },
    ]);
  });

  it('a daemon restart mid-stream neither repeats nor drops a line', { timeout: 60_000 }, async () => {
    const r = await rig();
    const client = await r.client();
    const before = await collect(client);
    const total = 1000;
    const gate = join(r.h.home, 'gate');
    // The first half streams in bursts while the daemon restarts; the second half waits for the gate, which opens
    // only once the new daemon runs, so both daemons must deliver their share.
    await client.request('session.new', {
      name: 'seq',
      command: `i=0; while [ $i -lt ${total} ]; do i=$((i+1)); [ $i = ${total / 2 + 1} ] && while [ ! -e '${gate}' ]; do sleep 0.05; done; echo n-$i; [ $((i%40)) = 0 ] && sleep 0.1; done; echo all-done; sleep 600`,
    });
    await before.until(hasLine('n-150'));
    const restarted = await r.h.run(['restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    // The new daemon's events from its start on, including what it read while resuming.
    const after = await collect(await r.client(), true);
    writeFileSync(gate, '');
    await after.until(hasLine('all-done'));
    const lines = (events: WireSessionEvent[]) => events.filter((e) => e.type === 'output').flatMap((e) => e.lines ?? []).filter((l) => l.startsWith('n-'));
    const firstRun = lines(before.events);
    const secondRun = lines(after.events);
    expect(firstRun.length).toBeGreaterThanOrEqual(150);
    expect(secondRun.length).toBeGreaterThanOrEqual(total / 2);
    expect([...firstRun, ...secondRun]).toEqual(Array.from({ length: total }, (_, i) => `n-${i + 1}`));
    // And what a person reads with /tail after the restart is whole too.
    const tail = (await (await r.client()).request('session.tail', { session: 'seq', lines: 5000 })).lines.filter((l) => l.startsWith('n-'));
    expect(tail).toEqual(Array.from({ length: total }, (_, i) => `n-${i + 1}`));
  });

  it('re-attaches a deleted pane log and keeps delivering output', async () => {
    const r = await rig();
    const client = await r.client();
    const stream = await collect(client);
    await client.request('session.new', { name: 'echoer', command: 'while read l; do echo "got:$l"; done' });
    await client.request('session.send', { session: 'echoer', text: 'one' });
    await stream.until(hasLine('got:one'));
    const panes = join(r.h.home, '.state/panes');
    for (const file of readdirSync(panes)) if (statSync(join(panes, file)).isFile()) rmSync(join(panes, file));
    await client.request('session.send', { session: 'echoer', text: 'two' });
    await stream.until(hasLine('got:two'));
    await client.request('session.send', { session: 'echoer', text: 'three' });
    await stream.until(hasLine('got:three'));
  });

  it('refuses hostile names: nothing runs, no tmux session appears', async () => {
    const r = await rig();
    const client = await r.client();
    const marker = join(r.h.home, 'pwned');
    for (const name of [`x#(touch ${marker})`, '%Y', 'a#{pane_id}', 'аbc', 'a b', 'a.b', 'a:b', 'x'.repeat(33), '']) {
      await expect(client.request('session.new', { name, command: 'true' })).rejects.toMatchObject({ code: 'INVALID_NAME' });
    }
    expect(existsSync(marker)).toBe(false);
    const status = JSON.parse((await r.h.run(['status', '--json'])).stdout);
    expect(status.sessions).toEqual([]);
  });

  it('sessions, aliases and exit states survive a restart; kill removes the session', { timeout: 60_000 }, async () => {
    const r = await rig();
    const client = await r.client();
    const stream = await collect(client);
    await client.request('session.new', { name: 'keep', command: 'sleep 600' });
    await client.request('session.new', { name: 'gone', command: 'exit 9' });
    await stream.until((e) => e.type === 'alert' && e.kind === 'exited');
    expect((await r.h.run(['restart'])).code).toBe(0);
    // The cards for keep and gone could not reach Telegram (nothing listens at the API root): the stop gave them one
    // retry's window, not the 10 s meant for a reachable Bot API at its pace.
    const unsent = r.h.logsText().split('\n').filter((line) => line.includes('"bot.shutdown_unsent"')).map((line) => JSON.parse(line));
    expect(unsent).toEqual([expect.objectContaining({ windowMs: 1_000, trouble: 'network' })]);
    const status = JSON.parse((await r.h.run(['status', '--json'])).stdout);
    expect(status.sessions.map((s: { name: string; state: string; exitCode: number | null }) => [s.name, s.state === 'exited', s.exitCode])).toEqual([
      ['keep', false, null],
      ['gone', true, 9],
    ]);
    const again = await r.client();
    await again.request('session.kill', { session: 'keep' });
    const after = JSON.parse((await r.h.run(['status', '--json'])).stdout);
    expect(after.sessions.map((s: { name: string }) => s.name)).toEqual(['gone']);
    await expect(again.request('session.send', { session: 'keep', text: 'x' })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });
});
