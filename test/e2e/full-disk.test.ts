// A full disk under .state/ (a small tmpfs, so this runs as root only): issue 9, repro 4. A printing pane's pipe
// dies when its writer cannot write; pocket says so in `pocket status` and attaches the pipe again once there is room.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectIpc, type IpcClient } from '../../src/daemon/ipc/client.js';
import type { WireSessionEvent } from '../../src/daemon/ipc/protocol.js';
import { CANARY_TOKEN, eventually, tempHome } from '../helpers/pocket.js';

/** Whether this process may mount a tmpfs (root in a container that allows it): probed once, on a scratch folder. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = join(tempHome('pocket-mountprobe-').home, 'm');
  mkdirSync(probe);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(join(probe, '..'), { recursive: true, force: true });
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.skipIf(!canMountTmpfs())('a full disk under .state/', () => {
  it('a dead pipe is shown as degraded with its cause, attached again once there is room, and output flows again', { timeout: 60_000 }, async () => {
    const h = tempHome();
    const socket = `pocket-full-${Math.random().toString(16).slice(2, 10)}`;
    const state = join(h.home, '.state');
    mkdirSync(state, { mode: 0o700 });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', state]);
    const filler = join(state, 'filler');
    let client: IpcClient | undefined;
    cleanups.push(async () => {
      client?.close();
      await h.run(['stop']).catch(() => undefined);
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      } catch {
        // already gone
      }
      execFileSync('umount', ['-l', state], { stdio: 'ignore' });
      await h.cleanup();
    });
    h.writeEnv({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', POCKET_TMUX_SOCKET: socket });
    const started = await h.run(['start']);
    expect(started.code, started.stderr).toBe(0);

    client = await connectIpc(join(state, 'daemon.sock'));
    const lines: string[] = [];
    await client.events((event: WireSessionEvent) => {
      if (event.type === 'output') lines.push(...(event.lines ?? []));
    }, () => {});
    // Long lines: tmpfs gives a file a page at a time, so the writer meets the full disk within a second or two.
    await client.request('session.new', { name: 'pr', command: 'i=0; while :; do i=$((i+1)); printf "pr-line-$i %0300d\\n" 0; sleep 0.1; done' });
    await eventually(() => lines.length > 3, { what: 'output before the disk fills' });

    // Fill the disk: dd stops at ENOSPC.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // No space left: what this test wants.
    }
    const status = async () => JSON.parse((await h.run(['status', '--json'])).stdout) as { daemon: { degraded: Array<{ message: string }> } };
    await eventually(async () => (await status()).daemon.degraded.some((p) => p.message.startsWith('pr: output pipe lost')), {
      timeoutMs: 20_000,
      what: 'the lost pipe in pocket status',
    });
    const text = (await h.run(['status'])).stdout;
    expect(text).toMatch(/degraded: pr: output pipe lost/);

    rmSync(filler);
    const seen = lines.length;
    await eventually(() => lines.length > seen + 3, { timeoutMs: 20_000, what: 'output flowing again' });
    await eventually(async () => (await status()).daemon.degraded.length === 0, { timeoutMs: 20_000, what: 'nothing degraded any more' });
  });
});
