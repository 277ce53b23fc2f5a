// Whose pane is whose across a tmux restart and a lost sessions.json: the built daemon, real tmux on its own socket.
// Issue 9, repros 1 and 2: a new tmux server reuses %0 for the user's own pane; a lost registry made ids restart.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectIpc, type IpcClient } from '../../src/daemon/ipc/client.js';
import type { WireSessionEvent } from '../../src/daemon/ipc/protocol.js';
import { CANARY_TOKEN, eventually, type TempHome, tempHome } from '../helpers/pocket.js';

interface Rig {
  h: TempHome;
  tmux(args: string[]): string;
  client(): Promise<IpcClient>;
  status(): Promise<{ sessions: Array<{ id: string; name: string; alias: string | null; state: string; target: string }> }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function rig(): Rig {
  const h = tempHome();
  const socket = `pocket-id-${Math.random().toString(16).slice(2, 10)}`;
  h.writeEnv({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', POCKET_TMUX_SOCKET: socket });
  const clients: IpcClient[] = [];
  const env = { ...process.env };
  delete env.TMUX;
  const tmux = (args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env, encoding: 'utf8' });
  cleanups.push(async () => {
    for (const c of clients) c.close();
    await h.cleanup();
    try {
      tmux(['kill-server']);
    } catch {
      // already gone
    }
  });
  return {
    h,
    tmux,
    client: async () => {
      const c = await connectIpc(join(h.home, '.state/daemon.sock'));
      clients.push(c);
      return c;
    },
    status: async () => JSON.parse((await h.run(['status', '--json'])).stdout),
  };
}

async function start(r: Rig): Promise<void> {
  const started = await r.h.run(['start']);
  // The daemon's log says why a start failed; the CLI only points at it.
  expect(started.code, `${started.stderr}\n${r.h.logsText().slice(-3000)}`).toBe(0);
}

async function stop(r: Rig): Promise<void> {
  expect((await r.h.run(['stop'])).code).toBe(0);
}

/** Events from the daemon's backlog on (so what it found at start is there too). */
async function events(client: IpcClient): Promise<{ list: WireSessionEvent[]; until(p: (e: WireSessionEvent) => boolean): Promise<void> }> {
  const list: WireSessionEvent[] = [];
  const waiters: Array<{ p: (e: WireSessionEvent) => boolean; resolve: () => void }> = [];
  await client.events((event) => {
    list.push(event);
    for (const w of [...waiters]) {
      if (w.p(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }, () => {}, { backlog: true });
  return { list, until: (p) => (list.some(p) ? Promise.resolve() : new Promise((resolve) => waiters.push({ p, resolve }))) };
}

describe('pane identity', () => {
  it('after a tmux restart, a session never re-attaches to the new pane that reuses its id; its owner is told once', { timeout: 60_000 }, async () => {
    const r = rig();
    await start(r);
    const created = await (await r.client()).request('session.new', { name: 'r1', command: 'sleep 600' });
    await stop(r);
    r.tmux(['kill-server']);
    await eventually(() => {
      try {
        r.tmux(['list-sessions']);
        return false;
      } catch {
        return true;
      }
    }, { what: 'the old tmux server gone' });
    r.tmux(['new-session', '-d', '-s', 'mine', 'cat']);
    const mine = r.tmux(['display-message', '-p', '-t', 'mine:', '#{pane_id}']).trim();
    expect(mine).toBe(created.target);

    await start(r);
    const stream = await events(await r.client());
    await stream.until((e) => e.type === 'alert' && e.kind === 'gone');
    const status = await r.status();
    expect(status.sessions).toMatchObject([{ name: 'r1', state: 'exited' }]);
    // The user's pane carries no pipe and no mark of pocket's, and input for r1 goes nowhere near it.
    expect(r.tmux(['display-message', '-p', '-t', mine, '#{pane_pipe}|#{@pocket_session}|#{@pocket_log}']).trim()).toBe('0||');
    await expect((await r.client()).request('session.send', { session: 'r1', text: 'rm -rf ~' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(r.tmux(['capture-pane', '-p', '-t', mine])).not.toContain('rm -rf');
    expect(stream.list.filter((e) => e.type === 'alert' && e.kind === 'gone')).toHaveLength(1);

    // Told once: the next start finds r1 already exited and says nothing again.
    await stop(r);
    await start(r);
    const again = await events(await r.client());
    await (await r.client()).request('session.new', { name: 'probe', command: 'sleep 600' });
    await again.until((e) => e.type === 'created');
    expect(again.list.filter((e) => e.type === 'alert' && e.kind === 'gone')).toEqual([]);
  });

  it('a truncated sessions.json (and no copy) is rebuilt from the panes: the session back by name, ids never reused', { timeout: 60_000 }, async () => {
    const r = rig();
    await start(r);
    const client = await r.client();
    const k1 = await client.request('session.new', { name: 'k1', command: 'i=0; while :; do i=$((i+1)); echo k1-line-$i; sleep 0.2; done' });
    await stop(r);
    const registry = join(r.h.home, '.state/sessions.json');
    const text = readFileSync(registry, 'utf8');
    writeFileSync(registry, text.slice(0, Math.floor(text.length / 2)));
    rmSync(`${registry}.bak`);

    await start(r);
    const status = await r.status();
    expect(status.sessions).toMatchObject([{ id: k1.id, name: 'k1', state: expect.stringMatching(/running|idle/), target: k1.target }]);
    const stream = await events(await r.client());
    const fresh = await (await r.client()).request('session.new', { name: 'fresh', command: 'sleep 100000' });
    expect(fresh.id).not.toBe(k1.id);
    // k1 goes on printing into its own log; none of it reaches fresh.
    const k1Lines = (e: WireSessionEvent) => e.type === 'output' && (e.lines ?? []).some((l) => l.startsWith('k1-line-'));
    await stream.until(() => stream.list.filter((e) => k1Lines(e) && e.sessionId === k1.id).length >= 2);
    expect(stream.list.filter((e) => e.type === 'output' && e.sessionId === fresh.id && k1Lines(e))).toEqual([]);
    expect(r.h.logsText()).toContain('sessions.rebuilt_from_pane_mark');
  });
});
