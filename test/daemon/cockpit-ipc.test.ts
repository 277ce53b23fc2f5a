// The cockpit over a real IPC socket: bot health and activity pushed as they change, the focused session's detail,
// lines and question, and kill / mute audited with the local user named.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/bot/audit.js';
import { BotTelemetry } from '../../src/bot/telemetry.js';
import type { BotHealth, CockpitEvent } from '../../src/core/cockpit.js';
import { Redactor } from '../../src/core/redact.js';
import { notRunningSnapshot } from '../../src/core/status.js';
import { connectIpc, type IpcClient } from '../../src/daemon/ipc/client.js';
import { cockpitHandlers } from '../../src/daemon/ipc/cockpit-handlers.js';
import { type IpcServer, startIpcServer } from '../../src/daemon/ipc/server.js';
import { sessionHandlers } from '../../src/daemon/ipc/session-handlers.js';
import { silentLogger } from '../../src/log.js';
import { FakeSessions } from '../fakes/sessions.js';
import { tempDir } from '../helpers/temp-dir.js';

const HEALTH: BotHealth = {
  connected: false, trouble: 'conflict', lastError: 'Another process polls with this bot token (409)', lastPollAt: null,
  outbox: { pending: 3, oldestQueuedAt: 1000 }, rateLimitedLastHour: 2, retriedLastHour: 5,
};

let server: IpcServer | undefined;
let client: IpcClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function rig() {
  const sessions = new FakeSessions();
  const build = sessions.add('build', { command: 'make', topicId: 7 });
  sessions.print(build.id, 'compiling a.c', 'compiling b.c');
  const other = sessions.add('other');
  const telemetry = new BotTelemetry(() => 5000, (id) => sessions.get(id)?.name);
  const audited: AuditEntry[] = [];
  const audit = telemetry.auditing({ record: (e) => audited.push(e) });
  let health = HEALTH;
  const path = join(tempDir('pocket-cockpit-'), 's.sock');
  server = await startIpcServer(path, {
    ...sessionHandlers(sessions, Date.now, { audit, localUser: 'daemon-user' }),
    ...cockpitHandlers(sessions, { telemetry, health: () => health }),
    hello: () => ({ version: 't', protocol: 1, pid: 1 }),
    status: () => notRunningSnapshot('t'),
    stop: () => ({ stopping: true }),
    subscribe: () => ({ subscribed: true }),
  }, silentLogger, new Redactor());
  client = await connectIpc(path);
  const events: CockpitEvent[] = [];
  let notify = (): void => {};
  await client.cockpit((e) => {
    events.push(e);
    notify();
  }, () => {}, { session: 'build' });
  /** Resolves with the first event (from `from` on) that matches. */
  const next = (match: (e: CockpitEvent) => boolean, from = 0): Promise<CockpitEvent> =>
    new Promise((resolve) => {
      const check = (): void => {
        const found = events.slice(from).find(match);
        if (found !== undefined) resolve(found);
      };
      const previous = notify;
      notify = () => {
        previous();
        check();
      };
      check();
    });
  return { sessions, build, other, telemetry, audit, audited, events, next, setHealth: (h: BotHealth) => { health = h; } };
}

describe('cockpit over IPC', () => {
  it('sends the bot health, the recent activity and the focused session with its last lines when it subscribes', async () => {
    const r = await rig();
    const bot = await r.next((e) => e.type === 'bot');
    expect(bot).toEqual({ type: 'bot', health: HEALTH });
    await r.next((e) => e.type === 'activity');
    const detail = await r.next((e) => e.type === 'detail');
    expect(detail).toMatchObject({ type: 'detail', lines: ['compiling a.c', 'compiling b.c'], detail: { id: r.build.id, name: 'build', command: 'make', topicId: 7, muted: false, question: null } });
  });

  it('pushes new lines and the question of the focused session only, and follows a change of focus', async () => {
    const r = await rig();
    await r.next((e) => e.type === 'detail');
    r.sessions.print(r.other.id, 'not focused');
    r.sessions.print(r.build.id, 'linking');
    expect(await r.next((e) => e.type === 'lines')).toEqual({ type: 'lines', sessionId: r.build.id, lines: ['linking'] });
    r.sessions.waitAt(r.build.id, { ruleId: 'yn', question: 'Overwrite? [y/N]', answers: [{ label: 'Yes', input: { text: 'y' } }, { label: 'No', input: { text: 'n' } }], secret: false });
    const waiting = await r.next((e) => e.type === 'detail' && e.detail?.state === 'waiting');
    expect(waiting).toMatchObject({ detail: { question: { text: 'Overwrite? [y/N]', answers: ['Yes', 'No'], secret: false } } });
    expect(r.events.some((e) => e.type === 'lines' && e.lines.includes('not focused'))).toBe(false);

    const from = r.events.length;
    await client?.request('cockpit.focus', { session: 'other' });
    expect(await r.next((e) => e.type === 'detail', from)).toMatchObject({ detail: { name: 'other' }, lines: ['not focused'] });
  });

  it('never offers the answers of a password prompt', async () => {
    const r = await rig();
    await r.next((e) => e.type === 'detail');
    r.sessions.waitAt(r.build.id, { ruleId: 'pw', question: 'Password:', answers: [{ label: 'hunter2', input: { text: 'x' } }], secret: true });
    expect(await r.next((e) => e.type === 'detail' && e.detail?.state === 'waiting')).toMatchObject({ detail: { question: { text: 'Password:', answers: [], secret: true } } });
  });

  it('pushes what the bot did as it happens, and a health change (coalesced)', async () => {
    const r = await rig();
    await r.next((e) => e.type === 'detail');
    r.telemetry.sent({ what: 'alert_sent', sessionId: r.build.id });
    r.audit.record({ action: 'update', outcome: 'rejected', reason: 'not_authorized', userId: 666, userName: '@stranger' });
    const alert = await r.next((e) => e.type === 'activity' && e.entries[0]?.kind === 'alert_sent');
    expect(alert).toEqual({ type: 'activity', entries: [{ at: 5000, kind: 'alert_sent', session: 'build', detail: 'alert sent' }] });
    const refused = await r.next((e) => e.type === 'activity' && e.entries[0]?.kind === 'update_refused');
    expect(refused).toMatchObject({ entries: [{ detail: 'refused update from @stranger: not_authorized' }] });

    const from = r.events.length;
    const healthy: BotHealth = { ...HEALTH, connected: true, trouble: null, lastError: null };
    r.setHealth(healthy);
    r.telemetry.changed();
    r.telemetry.changed();
    expect(await r.next((e) => e.type === 'bot', from)).toEqual({ type: 'bot', health: healthy });
    expect(r.events.slice(from).filter((e) => e.type === 'bot')).toHaveLength(1);
  });

  it('kills and mutes over IPC, each audited with the local user named, and a failure audited as failed', async () => {
    const r = await rig();
    await client?.request('session.mute', { session: 'build', muted: true, user: 'alice' });
    expect(r.sessions.get(r.build.id)?.muted).toBe(true);
    await client?.request('session.kill', { session: 'other' });
    r.sessions.failNext.set('setMuted', new Error('disk full'));
    await expect(client?.request('session.mute', { session: 'build', muted: false, user: 'alice' })).rejects.toThrow('disk full');
    expect(r.audited).toEqual([
      { origin: 'local', userId: null, userName: 'alice', sessionId: r.build.id, session: 'build', action: 'mute', outcome: 'ok' },
      { origin: 'local', userId: null, userName: 'daemon-user', sessionId: r.other.id, session: 'other', action: 'kill', outcome: 'ok' },
      { origin: 'local', userId: null, userName: 'alice', sessionId: r.build.id, session: 'build', action: 'unmute', outcome: 'failed', reason: 'disk full' },
    ]);
    const local = await r.next((e) => e.type === 'activity' && e.entries[0]?.detail === 'mute by local alice');
    expect(local).toMatchObject({ entries: [{ kind: 'action', session: 'build' }] });
  });

  it('refuses a user name with control characters and changes nothing', async () => {
    const r = await rig();
    await expect(client?.request('session.kill', { session: 'build', user: 'eve\u001b[2J' })).rejects.toThrow(/Bad parameters/);
    expect(r.sessions.get(r.build.id)).toBeDefined();
    expect(r.audited).toEqual([]);
  });
});
