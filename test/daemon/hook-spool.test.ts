// The daemon's reader of the hook spool, on a real directory with fs.watch: what a hook drops there reaches the
// sessions at once and in order, and nothing it sees stays on disk or in memory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HookSignal, spoolScript } from '../../src/core/agent-hooks.js';
import { PocketError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/ports.js';
import { HookSpool } from '../../src/daemon/hook-spool.js';

type Line = { level: string; event: string; fields: Record<string, unknown> };
function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level, event, fields });
  const log = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

const roots: string[] = [];
const spools: HookSpool[] = [];
afterEach(async () => {
  for (const spool of spools.splice(0)) await spool.stop();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A spool in a fresh temp home, the signals it delivers, and a way to wait for the next ones. */
function rig(options: { now?: () => number; maxBatch?: number; known?: string[] } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'pocket-hook-spool-'));
  roots.push(root);
  const dir = join(root, '.state', 'hooks', 'in');
  const delivered: { sessionId: string; signal: HookSignal }[] = [];
  let waiting: { count: number; done: () => void } | null = null;
  const log = recordingLogger();
  const spool = new HookSpool({
    dir,
    log,
    deliver: (sessionId, signal) => {
      if (options.known !== undefined && !options.known.includes(sessionId)) throw new PocketError('SESSION_NOT_FOUND', `No session ${sessionId}.`);
      delivered.push({ sessionId, signal });
      if (waiting !== null && delivered.length >= waiting.count) waiting.done();
    },
    ...(options.now === undefined ? {} : { clock: { now: options.now } }),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
  spools.push(spool);
  const deliveredCount = (count: number): Promise<void> =>
    delivered.length >= count ? Promise.resolve() : new Promise((done) => { waiting = { count, done }; });
  return { dir, root, spool, delivered, log, deliveredCount };
}

/** Runs the hook's script as Claude Code does: `/bin/sh -c SCRIPT`, the payload on stdin. */
function fire(dir: string, sessionId: string, event: 'PermissionRequest' | 'Notification' | 'Stop' | 'UserPromptSubmit', payload = '{}'): number {
  const before = Date.now();
  const ran = spawnSync('/bin/sh', ['-c', spoolScript(dir, sessionId, event)], { input: payload, encoding: 'utf8' });
  expect([ran.status, ran.stdout]).toEqual([0, '']);
  return before;
}

/** A file as a hook leaves it, with its mtime set to `at` (epoch ms). */
function drop(dir: string, name: string, at: number, content = ''): void {
  writeFileSync(join(dir, name), content);
  utimesSync(join(dir, name), at / 1000, at / 1000);
}

describe('the hook spool', () => {
  it('creates its directory private and hands over what a hook drops the moment it appears, deleting the file', async () => {
    const r = rig();
    await r.spool.start();
    expect(statSync(r.dir).mode & 0o777).toBe(0o700);
    const before = fire(r.dir, 's3', 'UserPromptSubmit');
    await r.deliveredCount(1);
    fire(r.dir, 's3', 'Notification', JSON.stringify({ hook_event_name: 'Notification', notification_type: 'permission_prompt' }));
    await r.deliveredCount(2);
    expect(r.delivered.map((d) => [d.sessionId, d.signal.event, d.signal.notificationType])).toEqual([
      ['s3', 'UserPromptSubmit', undefined],
      ['s3', 'Notification', 'permission_prompt'],
    ]);
    // Fired = the file's mtime, stamped by the kernel's coarse clock: at most a few ms before the hook ran.
    const firedAt = r.delivered[0]?.signal.firedAt ?? 0;
    expect(firedAt).toBeGreaterThanOrEqual(before - 20);
    expect(firedAt).toBeLessThanOrEqual(Date.now());
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('at start acts on the fresh events that waited, oldest first, and deletes stale and junk files unread', async () => {
    const now = Date.now();
    const r = rig({ now: () => now });
    // Files that waited while the daemon was down.
    mkdirSync(r.dir, { recursive: true, mode: 0o700 });
    drop(r.dir, 's1.Stop..30', now - 200);
    drop(r.dir, 's1.UserPromptSubmit..20', now - 2_000);
    drop(r.dir, 's2.PermissionRequest..10', now - 200);
    // The daemon was down when these fired: acting on them would raise a question that may be answered by now.
    drop(r.dir, 's1.PermissionRequest..5', now - 60_000);
    drop(r.dir, 's1.Stop..6', now - 5_001);
    // Not a hook's: a half-written temp name, another program's file, a directory, a big file with a hook's name.
    drop(r.dir, '.s1.Stop..7.tmp', now);
    drop(r.dir, 'notes.txt', now, 'hello');
    mkdirSync(join(r.dir, 's1.Stop..8'));
    drop(r.dir, 's4.Stop..9', now - 100, 'x'.repeat(2 * 1024 * 1024));
    await r.spool.start();
    expect(r.delivered.map((d) => `${d.sessionId} ${d.signal.event} ${now - d.signal.firedAt}`)).toEqual([
      's1 UserPromptSubmit 2000',
      's1 Stop 200',
      's2 PermissionRequest 200',
      's4 Stop 100',
    ]);
    expect(readdirSync(r.dir)).toEqual([]);
    expect(r.log.lines.find((l) => l.event === 'hooks.spool_discarded')?.fields).toMatchObject({ stale: 2, junk: 3, flood: 0 });
  });

  it('ignores an event for a session that does not exist and goes on with the next', async () => {
    const r = rig({ known: ['s2'] });
    await r.spool.start();
    fire(r.dir, 's9', 'UserPromptSubmit');
    fire(r.dir, 's2', 'Stop');
    await r.deliveredCount(1);
    expect(r.delivered.map((d) => d.sessionId)).toEqual(['s2']);
    expect(r.log.lines.filter((l) => l.event === 'hooks.spool_ignored').map((l) => l.fields.id)).toEqual(['s9']);
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('hands over a waiting PermissionRequest with its payload, read before its file goes', async () => {
    const now = Date.now();
    const r = rig({ now: () => now });
    mkdirSync(r.dir, { recursive: true, mode: 0o700 });
    const payload = JSON.stringify({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'ls' } });
    drop(r.dir, 's1.PermissionRequest.wait.41', now - 10, payload);
    await r.spool.start();
    expect(r.delivered).toEqual([{
      sessionId: 's1',
      signal: { event: 'PermissionRequest', notificationType: 'wait', firedAt: now - 10, request: { name: 's1.PermissionRequest.wait.41', payload } },
    }]);
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('reads at most a batch per scan and deletes a flood beyond it unread', async () => {
    const now = Date.now();
    const r = rig({ now: () => now, maxBatch: 5 });
    mkdirSync(r.dir, { recursive: true, mode: 0o700 });
    for (let n = 0; n < 40; n++) drop(r.dir, `s1.Stop..${n}`, now - 10);
    await r.spool.start();
    expect(r.delivered).toHaveLength(5);
    expect(readdirSync(r.dir)).toEqual([]);
    expect(r.log.lines.find((l) => l.event === 'hooks.spool_discarded')?.fields).toMatchObject({ flood: 35 });
  });

  it('makes its directory again, private, when it is removed under it, and goes on reading', async () => {
    const r = rig();
    await r.spool.start();
    rmSync(r.dir, { recursive: true, force: true });
    // The watch reports its directory gone; the scan it wakes makes it again.
    const deadline = Date.now() + 5_000;
    while (!existsSync(r.dir) && Date.now() < deadline) await new Promise((done) => setImmediate(done));
    expect(statSync(r.dir).mode & 0o777).toBe(0o700);
    fire(r.dir, 's5', 'Stop');
    await r.deliveredCount(1);
    expect(r.delivered.map((d) => d.sessionId)).toEqual(['s5']);
    expect(r.log.lines.some((l) => l.event === 'hooks.spool_recreated')).toBe(true);
  });

  it('reads nothing once stopped: later files wait for the next start', async () => {
    const r = rig();
    await r.spool.start();
    await r.spool.stop();
    fire(r.dir, 's1', 'Stop');
    expect(readdirSync(r.dir)).toHaveLength(1);
    expect(r.delivered).toEqual([]);
  });
});
