import { statSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { notRunningSnapshot } from '../../src/core/status.js';
import { connectIpc } from '../../src/daemon/ipc/client.js';
import { checkRequest } from '../../src/daemon/ipc/protocol.js';
import { type Handlers, startIpcServer } from '../../src/daemon/ipc/server.js';
import { PocketError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { sessionHandlers } from '../../src/daemon/ipc/session-handlers.js';
import { cockpitHandlers } from '../../src/daemon/ipc/cockpit-handlers.js';
import { BotTelemetry } from '../../src/bot/telemetry.js';
import { unavailableSessions } from '../../src/daemon/main.js';
import { FakeSessions } from '../fakes/sessions.js';
import { silentLogger } from '../../src/log.js';
import { tempDir } from '../helpers/temp-dir.js';

const handlers = (): Handlers => ({
  ...sessionHandlers(unavailableSessions()),
  ...cockpitHandlers(unavailableSessions(), { telemetry: new BotTelemetry() }),
  hello: () => ({ version: 't', protocol: 1, pid: 1 }),
  status: () => ({ ...notRunningSnapshot('t'), daemon: { running: true, pid: 1, uptimeS: 0, version: 't', degraded: [] } }),
  stop: () => ({ stopping: true }),
  subscribe: (_p, request, connection) => {
    setImmediate(() => connection.push(request.id, { event: 'status', data: notRunningSnapshot('pushed') }));
    return { subscribed: true };
  },
});

const socketPath = () => join(tempDir('pocket-ipc-'), 's.sock');

describe('IPC', () => {
  it('redacts every answer, error and event it sends with the redactor it was given', async () => {
    const path = socketPath();
    const canary = 'ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0';
    const envSecret = 'ipcCANARYenvSecret';
    const leaky = (version: string) => ({ ...notRunningSnapshot(version), bot: { username: null, connected: false, lastPollAt: null, lastError: `failed: ${canary} ${envSecret}` } });
    const server = await startIpcServer(path, {
      ...handlers(),
      status: () => leaky('t'),
      stop: () => {
        throw new PocketError('INTERNAL', `cannot stop: ${canary}`, { hint: `see ${envSecret}` });
      },
      subscribe: (_p, request, connection) => {
        setImmediate(() => connection.push(request.id, { event: 'status', data: leaky(`pushed ${canary}`) }));
        return { subscribed: true };
      },
    }, silentLogger, new Redactor([envSecret]));
    const client = await connectIpc(path);
    const status = await client.request('status');
    expect(status.bot.lastError).toBe('failed: ghp_[redacted:github-token] [REDACTED]');
    const failed = await client.request('stop').catch((error: unknown) => error as PocketError);
    expect(`${(failed as PocketError).message} ${(failed as PocketError).hint}`).toBe('cannot stop: ghp_[redacted:github-token] see [REDACTED]');
    const pushed = await new Promise<string>((resolve) => {
      void client.subscribe((snapshot) => resolve(`${snapshot.daemon.version} ${snapshot.bot.lastError}`), () => {});
    });
    expect(pushed).not.toContain('CANARY');
    client.close();
    await server.close();
  });

  it('serves typed requests over a private socket', async () => {
    const path = socketPath();
    const server = await startIpcServer(path, handlers(), silentLogger, new Redactor());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const client = await connectIpc(path);
    expect((await client.request('status')).daemon.running).toBe(true);
    const pushed = await new Promise<string>((resolve) => {
      void client.subscribe((s) => resolve(s.daemon.version), () => {});
    });
    expect(pushed).toBe('pushed');
    client.close();
    await server.close();
  });

  it('rejects bad requests with a protocol error and keeps serving', async () => {
    const path = socketPath();
    const server = await startIpcServer(path, handlers(), silentLogger, new Redactor());
    const replies = await new Promise<string[]>((resolve) => {
      const socket = connect(path);
      const lines: string[] = [];
      socket.setEncoding('utf8').on('data', (d: string) => {
        lines.push(...d.split('\n').filter(Boolean));
        if (lines.length === 3) {
          socket.end();
          resolve(lines);
        }
      });
      socket.write('not json\n{"v":99,"id":2,"type":"status"}\n{"v":1,"id":3,"type":"status","params":{}}\n');
    });
    const parsed = replies.map((line) => JSON.parse(line));
    expect(parsed[0]).toMatchObject({ ok: false, error: { code: 'IPC_PROTOCOL' } });
    expect(parsed[1]).toMatchObject({ id: 2, ok: false, error: { code: 'IPC_PROTOCOL', message: expect.stringContaining('protocol version') } });
    expect(parsed[2]).toMatchObject({ id: 3, ok: true });
    await server.close();
  });

  it('closes even when a client stopped reading', async () => {
    const path = socketPath();
    const server = await startIpcServer(path, { ...handlers(), hello: () => ({ version: 'x'.repeat(20_000_000), protocol: 1, pid: 1 }) }, silentLogger, new Redactor());
    const socket = connect(path);
    await new Promise((resolve) => socket.once('connect', resolve));
    // Read the first bytes of the 20 MB reply, then stop reading: the daemon is left mid-write.
    const firstBytes = new Promise((resolve) => socket.once('data', () => resolve(socket.pause())));
    socket.write('{"v":1,"id":1,"type":"hello","params":{}}\n');
    await firstBytes;
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(5000);
    socket.destroy();
  });

  it('sends the messages of one turn in one write, in order', async () => {
    const path = socketPath();
    const server = await startIpcServer(path, {
      ...handlers(),
      subscribe: (_p, request, connection) => {
        setImmediate(() => {
          for (let i = 0; i < 100; i++) connection.push(request.id, { event: 'status', data: notRunningSnapshot(`v${i}`) });
        });
        return { subscribed: true };
      },
    }, silentLogger, new Redactor());
    const writes = vi.spyOn(Socket.prototype, 'write');
    try {
      const client = await connectIpc(path);
      const versions: string[] = [];
      await new Promise<void>((resolve) => {
        void client.subscribe((s) => {
          versions.push(s.daemon.version);
          if (versions.length === 100) resolve();
        }, () => {});
      });
      expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`));
      const eventWrites = writes.mock.calls.filter(([chunk]) => typeof chunk === 'string' && chunk.includes('"event":"status"'));
      expect(eventWrites).toHaveLength(1);
      client.close();
    } finally {
      writes.mockRestore();
      await server.close();
    }
  });

  it('cuts off a subscriber that stopped reading instead of buffering for it without end', async () => {
    const path = socketPath();
    const big = 'x'.repeat(1024 * 1024);
    let pushed = 0;
    const cutOff = new Promise<void>((resolve) => {
      void startIpcServer(path, {
        ...handlers(),
        subscribe: (_p, request, connection) => {
          let open = true;
          connection.onClose(() => {
            open = false;
            resolve();
          });
          // One 1 MB event per turn, as a busy daemon would push; stops once the server gives up on the client.
          const next = (): void => {
            if (!open || pushed >= 300) return;
            pushed++;
            connection.push(request.id, { event: 'status', data: notRunningSnapshot(big) });
            setImmediate(next);
          };
          setImmediate(next);
          return { subscribed: true };
        },
      }, silentLogger, new Redactor()).then((server) => cutOff.finally(() => server.close()));
    });
    const socket = connect(path);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause();
    socket.write('{"v":1,"id":1,"type":"subscribe","params":{}}\n');
    await cutOff;
    // 64 MB unread, plus what the kernel's socket buffers took.
    expect(pushed).toBeLessThan(80);
    socket.destroy();
  });

  it("hands an agent's hook to the session use cases by session id, and refuses a malformed one", async () => {
    const path = socketPath();
    const sessions = new FakeSessions();
    const server = await startIpcServer(path, { ...handlers(), ...sessionHandlers(sessions) }, silentLogger, new Redactor());
    const client = await connectIpc(path);
    await expect(client.request('session.hook', { session: 's4', event: 'PermissionRequest', firedAt: 1_700 })).resolves.toEqual({ received: true });
    await client.request('session.hook', { session: 's4', event: 'Notification', notificationType: 'permission_prompt', firedAt: 1_800 });
    for (const bad of [
      { session: 'web', event: 'Stop', firedAt: 1 },
      { session: 's4', event: 'PreToolUse', firedAt: 1 },
      { session: 's4', event: 'Stop' },
    ]) {
      await expect(client.request('session.hook', bad as never)).rejects.toMatchObject({ code: 'IPC_PROTOCOL' });
    }
    expect(sessions.calls.filter((c) => c.method === 'hook').map((c) => c.args)).toEqual([
      ['s4', { event: 'PermissionRequest', firedAt: 1_700 }],
      ['s4', { event: 'Notification', notificationType: 'permission_prompt', firedAt: 1_800 }],
    ]);
    client.close();
    await server.close();
  });

  it('says the daemon is not running when nobody listens', async () => {
    await expect(connectIpc(socketPath())).rejects.toMatchObject({ code: 'DAEMON_NOT_RUNNING' });
  });

  it('checks request shapes', () => {
    expect(checkRequest({ v: 1, id: 1, type: 'status', params: {} })).toBeNull();
    expect(checkRequest({ v: 1, id: 1, type: 'rm -rf' })).toMatch(/unknown request type/);
    expect(checkRequest([])).toMatch(/object/);
  });
});
