// The daemon's waiting PermissionRequest hooks (daemon/hook-requests.ts): each request ends once, and every end
// writes the decision file its hook polls for (empty when the dialog at the desk stays).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HookRequestEnd } from '../../src/core/agent-hooks.js';
import type { Logger } from '../../src/core/ports.js';
import { HookRequests } from '../../src/daemon/hook-requests.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const roots: string[] = [];
const open: HookRequests[] = [];
afterEach(async () => {
  for (const requests of open.splice(0)) await requests.stop();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function rig(timeoutMs?: number) {
  const root = mkdtempSync(join(tmpdir(), 'pocket-hook-requests-'));
  roots.push(root);
  const decisions = join(root, 'out');
  const pending = join(root, 'tmp');
  const requests = new HookRequests({ decisionsDir: decisions, pendingDir: pending, log: quiet, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  open.push(requests);
  const ended: { requestId: string; end: HookRequestEnd }[] = [];
  const record = (requestId: string, end: HookRequestEnd) => void ended.push({ requestId, end });
  return { root, decisions, pending, requests, ended, record };
}

/** The decision file a hook would read, once written (the write is a rename: all or nothing). */
async function decisionOf(dir: string, name: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  while (!existsSync(join(dir, name))) {
    if (Date.now() > deadline) throw new Error(`no decision for ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return readFileSync(join(dir, name), 'utf8');
}

describe('waiting hook requests', () => {
  it('makes its folders private and clears what an earlier run left', async () => {
    const r = await rig();
    mkdirSync(r.decisions, { recursive: true });
    writeFileSync(join(r.decisions, 's1.PermissionRequest.wait.9'), 'old');
    await r.requests.prepare();
    expect(statSync(r.decisions).mode & 0o777).toBe(0o700);
    expect(statSync(r.pending).mode & 0o777).toBe(0o700);
    expect(readdirSync(r.decisions)).toEqual([]);
  });

  it("a decision goes to the hook as Claude's JSON and ends the request once", async () => {
    const r = await rig();
    await r.requests.prepare();
    const id = r.requests.open('s1', 's1.PermissionRequest.wait.11', r.record);
    expect(r.requests.sessionOf(id)).toBe('s1');
    expect(r.requests.end(id, { kind: 'decided', decision: 'allow', by: 'Ann' })).toBe(true);
    expect(r.requests.end(id, { kind: 'desk' })).toBe(false);
    expect(JSON.parse(await decisionOf(r.decisions, 's1.PermissionRequest.wait.11')).hookSpecificOutput.decision).toEqual({ behavior: 'allow' });
    expect(r.ended).toEqual([{ requestId: id, end: { kind: 'decided', decision: 'allow', by: 'Ann' } }]);
    expect(r.requests.sessionOf(id)).toBeUndefined();
  });

  it('answered at the desk or ended with its session, the hook gets an empty decision', async () => {
    const r = await rig();
    await r.requests.prepare();
    const a = r.requests.open('s1', 's1.PermissionRequest.wait.1', r.record);
    const b = r.requests.open('s2', 's2.PermissionRequest.wait.2', r.record);
    r.requests.end(a, { kind: 'desk' });
    r.requests.endAllOf('s2', { kind: 'ended', why: 'exited' });
    expect(await decisionOf(r.decisions, 's1.PermissionRequest.wait.1')).toBe('');
    expect(await decisionOf(r.decisions, 's2.PermissionRequest.wait.2')).toBe('');
    expect(r.ended.map((e) => [e.requestId, e.end.kind])).toEqual([[a, 'desk'], [b, 'ended']]);
  });

  it('refuses one nobody answered in time', async () => {
    const r = await rig(30);
    await r.requests.prepare();
    const id = r.requests.open('s1', 's1.PermissionRequest.wait.3', r.record);
    const decision = JSON.parse(await decisionOf(r.decisions, 's1.PermissionRequest.wait.3'));
    expect(decision.hookSpecificOutput.decision.behavior).toBe('deny');
    expect(r.ended).toEqual([{ requestId: id, end: { kind: 'timeout', afterMs: 30 } }]);
  });

  it('lets every hook go when the daemon stops, and one never opened at once', async () => {
    const r = await rig();
    await r.requests.prepare();
    const id = r.requests.open('s1', 's1.PermissionRequest.wait.4', r.record);
    r.requests.letGo('s9.PermissionRequest.wait.5');
    await r.requests.stop();
    expect(readFileSync(join(r.decisions, 's1.PermissionRequest.wait.4'), 'utf8')).toBe('');
    expect(await decisionOf(r.decisions, 's9.PermissionRequest.wait.5')).toBe('');
    expect(r.ended).toEqual([{ requestId: id, end: { kind: 'ended', why: 'stopped' } }]);
    expect(r.requests.end(id, { kind: 'desk' })).toBe(false);
  });
});
