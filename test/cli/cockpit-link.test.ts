// The cockpit's connection against a real IPC server that goes away and comes back on the same socket: the TUI's
// listeners hear the loss, then snapshots and the focused session again, without subscribing anew; actions name the
// local user; the last health and activity are replayed to a listener that subscribes later (after an attach).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BotTelemetry } from '../../src/bot/telemetry.js';
import { CockpitConnection } from '../../src/cli/cockpit-link.js';
import type { BotHealth, CockpitEvent } from '../../src/core/cockpit.js';
import { isPocketError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { notRunningSnapshot, type StatusSnapshot } from '../../src/core/status.js';
import { connectIpc } from '../../src/daemon/ipc/client.js';
import { cockpitHandlers } from '../../src/daemon/ipc/cockpit-handlers.js';
import { type IpcServer, startIpcServer } from '../../src/daemon/ipc/server.js';
import { sessionHandlers } from '../../src/daemon/ipc/session-handlers.js';
import { silentLogger } from '../../src/log.js';
import { FakeSessions } from '../fakes/sessions.js';
import { tempDir } from '../helpers/temp-dir.js';

const HEALTH: BotHealth = {
  connected: true, trouble: null, lastError: null, lastPollAt: null, outbox: { pending: 0, oldestQueuedAt: null }, rateLimitedLastHour: 0, retriedLastHour: 0,
};

let connection: CockpitConnection | undefined;
const servers: IpcServer[] = [];
afterEach(async () => {
  connection?.close();
  for (const server of servers.splice(0)) await server.close();
});

async function daemon(path: string, sessions: FakeSessions, version: string) {
  const telemetry = new BotTelemetry();
  const audit: unknown[] = [];
  const server = await startIpcServer(path, {
    ...sessionHandlers(sessions, Date.now, { audit: { record: (e) => audit.push(e) }, localUser: 'daemon-user' }),
    ...cockpitHandlers(sessions, { telemetry, health: () => HEALTH }),
    hello: () => ({ version, protocol: 1, pid: 1 }),
    status: () => notRunningSnapshot(version),
    stop: () => ({ stopping: true }),
    subscribe: (_p, request, conn) => {
      setImmediate(() => conn.push(request.id, { event: 'status', data: { ...notRunningSnapshot(version), daemon: { running: true, pid: 1, uptimeS: 0, version, degraded: [] } } }));
      return { subscribed: true as const };
    },
  }, silentLogger, new Redactor());
  servers.push(server);
  return { server, telemetry, audit };
}

/** Values pushed in, and promises of the first one (from now on) that matches. */
function recorder<T>() {
  const seen: T[] = [];
  let waiters: Array<{ match: (v: T) => boolean; resolve: (v: T) => void }> = [];
  return {
    seen,
    push(value: T) {
      seen.push(value);
      waiters = waiters.filter((w) => {
        if (!w.match(value)) return true;
        w.resolve(value);
        return false;
      });
    },
    next(match: (v: T) => boolean): Promise<T> {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

describe('CockpitConnection', () => {
  it('reconnects when the daemon comes back, and the same listeners get snapshots and the focused session again', async () => {
    const path = join(tempDir('pocket-link-'), 's.sock');
    const sessions = new FakeSessions();
    const build = sessions.add('build');
    sessions.print(build.id, 'before the restart');
    let first = await daemon(path, sessions, 'one');
    const snapshots = recorder<StatusSnapshot>();
    const errors = recorder<Error>();
    const events = recorder<CockpitEvent>();
    connection = new CockpitConnection({ client: await connectIpc(path), reconnect: () => connectIpc(path), user: 'alice', reconnectMs: 20 });
    connection.onSnapshot((s) => snapshots.push(s), (e) => errors.push(e));
    connection.onCockpit((e) => events.push(e));
    await snapshots.next((s) => s.daemon.version === 'one');
    connection.focus(build.id);
    await events.next((e) => e.type === 'detail' && e.detail?.id === build.id);

    const lost = errors.next(() => true);
    await first.server.close();
    expect(isPocketError(await lost) && (await lost as { code?: string }).code).toBe('DAEMON_NOT_RUNNING');
    await expect(connection.kill(build.id)).rejects.toThrow(/Not connected to the daemon/);

    sessions.print(build.id, 'after the restart');
    const again = snapshots.next((s) => s.daemon.version === 'two');
    const detail = events.next((e) => e.type === 'detail' && e.lines?.includes('after the restart') === true);
    first = await daemon(path, sessions, 'two');
    await again;
    // The focus was sent again with the new subscription: the detail comes without the TUI asking.
    expect(await detail).toMatchObject({ detail: { id: build.id, name: 'build' } });

    await connection.setMuted(build.id, true);
    expect(first.audit).toEqual([expect.objectContaining({ action: 'mute', userName: 'alice', origin: 'local', outcome: 'ok' })]);
  });

  it('replays the last health and what the bot did to a listener that comes later', async () => {
    const path = join(tempDir('pocket-link-'), 's.sock');
    const sessions = new FakeSessions();
    const { telemetry } = await daemon(path, sessions, 'one');
    const early = recorder<CockpitEvent>();
    connection = new CockpitConnection({ client: await connectIpc(path), reconnect: () => connectIpc(path), user: 'alice' });
    connection.onCockpit((e) => early.push(e));
    await early.next((e) => e.type === 'bot');
    telemetry.sent({ what: 'alert_sent' });
    await early.next((e) => e.type === 'activity' && e.entries.length === 1);

    const late: CockpitEvent[] = [];
    connection.onCockpit((e) => late.push(e));
    expect(late).toEqual([
      { type: 'bot', health: HEALTH },
      { type: 'activity', entries: [expect.objectContaining({ kind: 'alert_sent' })] },
    ]);
  });
});
