// The hook client (src/cli/hook.cts, built to dist/cli/hook.cjs: vitest does not transform .cts, so it runs from the
// build here) repeats four things of the daemon's to load nothing of it: kept equal here. And what it writes: one
// session.hook request the daemon's own check accepts, Codex's notification type included.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CODEX_TITLE_TURN, HOOK_EVENTS } from '../../src/core/agent-hooks.js';
import { checkRequest, PROTOCOL_VERSION } from '../../src/daemon/ipc/protocol.js';
import { ensurePrivateDir } from '../../src/state/private-dirs.js';
import { homePaths } from '../../src/state/paths.js';

const client = createRequire(import.meta.url)('../../dist/cli/hook.cjs') as typeof import('../../src/cli/hook.cjs');
const homes: string[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  process.exitCode = 0;
});

/** A stand-in daemon on the home's socket: answers every line with ok and hands it to the test. */
async function daemon(): Promise<{ home: string; lines: unknown[] }> {
  const home = mkdtempSync(join(tmpdir(), 'pocket-hook-client-'));
  homes.push(home);
  ensurePrivateDir(homePaths(home).state);
  const lines: unknown[] = [];
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const request = JSON.parse(line) as { id: number };
        lines.push(request);
        socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, id: request.id, ok: true, result: { received: true } })}\n`);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(homePaths(home).socket, resolve));
  return { home, lines };
}

describe('the hook client', () => {
  it("knows the events, the protocol version, the socket and Codex's title turn as the daemon does", () => {
    expect(client.EVENTS).toEqual(HOOK_EVENTS);
    expect(client.CODEX_TITLE_TURN).toBe(CODEX_TITLE_TURN);
    expect(client.PROTOCOL_VERSION).toBe(PROTOCOL_VERSION);
    expect(client.socketPath('/h/pocket')).toBe(homePaths('/h/pocket').socket);
  });

  it('writes one session.hook request the daemon accepts, with when the process started', async () => {
    const { home, lines } = await daemon();
    await client.hook(home, 'PermissionRequest', { session: 's4' });
    expect(lines).toEqual([
      { v: PROTOCOL_VERSION, id: 1, type: 'session.hook', params: { session: 's4', event: 'PermissionRequest', firedAt: Math.round(performance.timeOrigin) } },
    ]);
    expect(checkRequest(lines[0])).toBeNull();
  });

  it("passes Codex's notification type from the JSON its notify appends", async () => {
    const { home, lines } = await daemon();
    const notification = { type: 'agent-turn-complete', 'thread-id': 't1', 'turn-id': 'u1', cwd: '/w', 'input-messages': ['hi'], 'last-assistant-message': 'done' };
    await client.hook(home, 'codex-notify', { session: 's2' }, JSON.stringify(notification));
    await client.hook(home, 'codex-notify', { session: 's2' }, 'not json');
    // Codex's own title turn (as codex 0.171.0 sent it, on another thread, prompt clipped): not the session's turn.
    const title = { ...notification, 'thread-id': 't2', 'input-messages': ['Generate a concise, single-line task title of at most 36 characters...\n\nUser prompt:\nhi'] };
    await client.hook(home, 'codex-notify', { session: 's2' }, JSON.stringify(title));
    expect(lines.map((l) => (l as { params: unknown }).params)).toEqual([
      expect.objectContaining({ event: 'codex-notify', notificationType: 'agent-turn-complete' }),
      expect.not.objectContaining({ notificationType: expect.anything() }),
    ]);
  });

  it('sends nothing for an event or a session id it does not know, and returns at once without a daemon', async () => {
    const { home, lines } = await daemon();
    await client.hook(home, 'PreToolUse', { session: 's1' });
    await client.hook(home, 'Stop', { session: '../s1' });
    expect(lines).toEqual([]);
    const started = Date.now();
    await client.hook(join(home, 'nobody-here'), 'Stop', { session: 's1' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
