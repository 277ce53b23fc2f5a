// The session service with a waiting PermissionRequest hook (a real pane; the hook's side played by the test): the
// alert is raised from the payload at once, a decision reaches the hook's decision file, and every other end lets the
// hook go with an empty one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HookSignal, hookReplyDirs, hookRequestOf } from '../../src/core/agent-hooks.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/tmux.js';
import { type ServiceRig, startService } from './session-service-helpers.js';

let rig: ServiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const PAYLOAD = JSON.stringify({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'touch /x/ran.txt' } });

/** A service whose hook spool lives in its home, and a session in a real pane that just waits. */
async function serviceWithPane(): Promise<{ rig: ServiceRig; id: string; decisions: string }> {
  const spool = join(tempDir('pocket-hook-svc-'), 'hooks', 'in');
  rig = await startService({ hookSpoolDir: spool });
  const view = await rig.service.create('cc', `sh -c 'echo ready; sleep 600'`);
  await waitFor(() => rig!.events.some((e) => e.type === 'output' && e.sessionId === view.id), { what: 'the pane to print' });
  return { rig, id: view.id, decisions: hookReplyDirs(spool).decisions };
}

function request(name: string, payload = PAYLOAD): HookSignal {
  return { event: 'PermissionRequest', notificationType: 'wait', firedAt: Date.now(), request: { name, payload } };
}

const decisionOf = (dir: string, name: string): Promise<string> =>
  waitFor(() => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined), { what: `the decision for ${name}` });

describe('the session service with waiting PermissionRequest hooks', () => {
  it("waits at once with the payload's question; a decision from the chat goes to the hook", async () => {
    const { rig, id, decisions } = await serviceWithPane();
    rig.service.hook(id, request(`${id}.PermissionRequest.wait.101`), 'spool');
    const alert = rig.events.find((e) => e.type === 'alert' && e.kind === 'waiting');
    expect(alert?.type === 'alert' && alert.session.signal).toBe('hook');
    const prompt = rig.service.get(id)?.prompt;
    expect(prompt?.question).toBe('Claude asks to use Bash:\n$ touch /x/ran.txt');
    const requestId = hookRequestOf(prompt?.ruleId ?? '')!;
    expect(rig.service.decideHook('s999', requestId, 'allow', 'Ann')).toBe(false);
    expect(rig.service.decideHook(id, requestId, 'deny', 'Ann')).toBe(true);
    expect(rig.service.decideHook(id, requestId, 'allow', 'Ann')).toBe(false);
    const decision = JSON.parse(await decisionOf(decisions, `${id}.PermissionRequest.wait.101`));
    expect(decision.hookSpecificOutput.decision).toEqual({ behavior: 'deny', message: 'Refused from Telegram by Ann.' });
    expect(rig.events.filter((e) => e.type === 'hook-request-ended').map((e) => e.type === 'hook-request-ended' && e.end.kind)).toEqual(['decided']);
    expect(rig.service.get(id)?.state).toBe('running');
  });

  it('lets the hook go at once for junk, a muted session or an unknown one; a turn hook or a kill ends an open one', async () => {
    const { rig, id, decisions } = await serviceWithPane();
    rig.service.hook(id, request(`${id}.PermissionRequest.wait.1`, 'not json'), 'spool');
    expect(await decisionOf(decisions, `${id}.PermissionRequest.wait.1`)).toBe('');
    expect(() => rig.service.hook('s999', request('s999.PermissionRequest.wait.2'), 'spool')).toThrow();
    expect(await decisionOf(decisions, 's999.PermissionRequest.wait.2')).toBe('');
    await rig.service.setMuted(id, true);
    rig.service.hook(id, request(`${id}.PermissionRequest.wait.3`), 'spool');
    expect(await decisionOf(decisions, `${id}.PermissionRequest.wait.3`)).toBe('');
    await rig.service.setMuted(id, false);
    expect(rig.events.filter((e) => e.type === 'hook-request-ended')).toEqual([]);

    // Open, then the turn's end (the desk answered): let go, the alert told.
    rig.service.hook(id, request(`${id}.PermissionRequest.wait.4`), 'spool');
    rig.service.hook(id, { event: 'Stop', firedAt: Date.now() }, 'spool');
    expect(await decisionOf(decisions, `${id}.PermissionRequest.wait.4`)).toBe('');
    // A second request replaces an open one; a kill ends the last.
    rig.service.hook(id, request(`${id}.PermissionRequest.wait.5`), 'spool');
    rig.service.hook(id, request(`${id}.PermissionRequest.wait.6`), 'spool');
    expect(await decisionOf(decisions, `${id}.PermissionRequest.wait.5`)).toBe('');
    await rig.service.kill(id);
    expect(await decisionOf(decisions, `${id}.PermissionRequest.wait.6`)).toBe('');
    const ends = rig.events.flatMap((e) => (e.type === 'hook-request-ended' ? [e.end] : []));
    expect(ends).toEqual([{ kind: 'desk' }, { kind: 'ended', why: 'replaced' }, { kind: 'ended', why: 'exited' }]);
  });
});
