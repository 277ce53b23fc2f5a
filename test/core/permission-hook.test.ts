// The PermissionRequest hook that waits for the phone's decision (core/agent-hooks.ts), run by the real shells a hook
// meets: its payload reaches the spool whole (renamed in, 0600), it prints the decision the daemon writes and nothing
// else, lets go at an empty decision, and takes its request back when no daemon takes it within a second.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import {
  hookEndLine,
  hookOutput,
  hookReplyDirs,
  hookRequestOf,
  hookRequestPrompt,
  PERMISSION_PAYLOAD_CAP_BYTES,
  parsePermissionPayload,
  spoolScript,
} from '../../src/core/agent-hooks.js';

/** Resolves with `probe`'s first defined value, looked at every 10 ms (the hook's own poll is 100 ms). */
async function eventually<T>(probe: () => T | undefined, { what }: { what: string }): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const SHELLS: string[][] = [
  ['/bin/sh'],
  ...['/bin/dash', '/bin/bash']
    .filter((path) => existsSync(path) && realpathSync(path) !== realpathSync('/bin/sh'))
    .map((path) => (path.endsWith('bash') ? [path, '--posix', '--norc'] : [path])),
];

/** What Claude Code 2.1.332 hands the hook (captured; paths shortened). */
const PAYLOAD = {
  session_id: 'c1', transcript_path: '/h/.claude/projects/p/c1.jsonl', cwd: '/x', prompt_id: 'p1', permission_mode: 'default',
  hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'touch /x/ran.txt', description: 'Run the requested command' },
  permission_suggestions: [{ type: 'addDirectories', directories: ['/x'], destination: 'session' }],
};

const roots: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A home's hook folders as the daemon makes them, under a path that needs quoting. */
function hookDirs(): { spool: string; pending: string; decisions: string } {
  const root = mkdtempSync(join(tmpdir(), 'pocket-permission-hook-'));
  roots.push(root);
  const spool = join(root, "it's $(touch pwned)", 'hooks', 'in');
  const { pending, decisions } = hookReplyDirs(spool);
  for (const dir of [spool, pending, decisions]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { spool, pending, decisions };
}

/** Starts the hook as Claude does (`sh -c SCRIPT`, the payload on stdin, then stdin closed). */
function startHook(shell: string[], spool: string, payload: string) {
  const child = spawn(shell[0]!, [...shell.slice(1), '-c', spoolScript(spool, 's4', 'PermissionRequest')], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdin.on('error', () => {});
  child.stdin.end(payload);
  const startedAt = Date.now();
  const exited = new Promise<{ status: number | null; stdout: string; stderr: string; afterMs: number }>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr, afterMs: Date.now() - startedAt })));
  return { child, exited };
}

/** The daemon's part: takes the request (reads and deletes its spool file), then writes `output` as the decision. */
async function take(dirs: { spool: string; decisions: string }): Promise<{ name: string; payload: string; mode: number }> {
  const name = await eventually(() => readdirSync(dirs.spool)[0], { what: 'the request in the spool' });
  const path = join(dirs.spool, name);
  const taken = { name, payload: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 };
  rmSync(path);
  return taken;
}

function decide(decisions: string, name: string, output: string): void {
  writeFileSync(join(decisions, `.${name}.tmp`), output);
  renameSync(join(decisions, `.${name}.tmp`), join(decisions, name));
}

for (const shell of SHELLS) {
  describe(`the waiting PermissionRequest hook under ${shell.join(' ')}`, () => {
    it('hands its whole payload over by rename and prints the decision it gets, nothing else', async () => {
      const dirs = hookDirs();
      const hook = startHook(shell, dirs.spool, JSON.stringify(PAYLOAD));
      const taken = await take(dirs);
      expect(taken.name).toMatch(/^s4\.PermissionRequest\.wait\.\d+$/);
      expect(JSON.parse(taken.payload)).toEqual(PAYLOAD);
      expect(taken.mode).toBe(0o600);
      expect(readdirSync(dirs.pending)).toEqual([]);
      const decision = hookOutput({ kind: 'decided', decision: 'allow', by: 'Ann' });
      decide(dirs.decisions, taken.name, decision);
      expect(await hook.exited).toMatchObject({ status: 0, stdout: decision, stderr: '' });
      // It removes its decision: nothing stays behind.
      expect(readdirSync(dirs.decisions)).toEqual([]);
      expect(existsSync(join(dirs.spool, '..', '..', 'pwned'))).toBe(false);
    });

    it('exits silently at an empty decision (the desk answered)', async () => {
      const dirs = hookDirs();
      const hook = startHook(shell, dirs.spool, JSON.stringify(PAYLOAD));
      const taken = await take(dirs);
      decide(dirs.decisions, taken.name, '');
      expect(await hook.exited).toMatchObject({ status: 0, stdout: '', stderr: '' });
    });

    it('takes its request back and exits silently when no daemon takes it within about a second', async () => {
      const dirs = hookDirs();
      const hook = startHook(shell, dirs.spool, JSON.stringify(PAYLOAD));
      const ran = await hook.exited;
      expect(ran).toMatchObject({ status: 0, stdout: '', stderr: '' });
      expect(ran.afterMs).toBeGreaterThanOrEqual(900);
      expect(readdirSync(dirs.spool)).toEqual([]);
    });

    it('hands over no more than the cap of a huge payload and still reads all of stdin', async () => {
      const dirs = hookDirs();
      const huge = JSON.stringify({ ...PAYLOAD, tool_name: 'Write', tool_input: { file_path: '/x/big.txt', content: 'y'.repeat(1024 * 1024) } });
      const hook = startHook(shell, dirs.spool, huge);
      const taken = await take(dirs);
      expect(Buffer.byteLength(taken.payload)).toBe(PERMISSION_PAYLOAD_CAP_BYTES);
      expect(parsePermissionPayload(taken.payload)).toEqual({ tool: 'Write', command: null, path: '/x/big.txt', preview: null });
      decide(dirs.decisions, taken.name, '');
      expect(await hook.exited).toMatchObject({ status: 0, stdout: '' });
    });
  });
}

describe('a PermissionRequest payload', () => {
  it('reads the tool and what it would run or touch', () => {
    expect(parsePermissionPayload(JSON.stringify(PAYLOAD))).toEqual({ tool: 'Bash', command: 'touch /x/ran.txt', path: null, preview: null });
    expect(parsePermissionPayload(JSON.stringify({ ...PAYLOAD, tool_name: 'Edit', tool_input: { file_path: '/x/a.ts', old_string: 'a' } })))
      .toEqual({ tool: 'Edit', command: null, path: '/x/a.ts', preview: null });
    const fetch = parsePermissionPayload(JSON.stringify({ ...PAYLOAD, tool_name: 'WebFetch', tool_input: { url: 'https://e.x/', prompt: 'p'.repeat(900) } }));
    expect(fetch?.preview?.startsWith('{"url":"https://e.x/"')).toBe(true);
    // Whole here: the alert cuts it to 300 characters once it is redacted.
    const prompt = hookRequestPrompt('r1', fetch!, (text) => text);
    expect([...prompt.question.split('\n').at(-1)!].length).toBe(300);
  });

  it('is null for junk: not JSON, no tool, a tool name that is not a name', () => {
    for (const junk of ['', 'hello', '[]', 'null', '{"tool_name":3}', JSON.stringify({ ...PAYLOAD, tool_name: 'rm -rf /; x' }), '{"tool_input":{"command":"ls"}}']) {
      expect(parsePermissionPayload(junk)).toBeNull();
    }
  });

  it('reads a payload cut at the cap from its text, escapes and all', () => {
    const cut = JSON.stringify({ ...PAYLOAD, tool_input: { command: 'echo "a\\\\b"', description: 'd'.repeat(500) } }).slice(0, 300);
    expect(parsePermissionPayload(cut)).toEqual({ tool: 'Bash', command: 'echo "a\\\\b"', path: null, preview: null });
  });
});

describe("a hook request's alert and decision", () => {
  it('asks with the tool and command, answered Allow or Deny, under a rule of its own request', () => {
    const prompt = hookRequestPrompt('r1', { tool: 'Bash', command: 'touch /x/ran.txt', path: null, preview: null }, (text) => text);
    expect(prompt.question).toBe('Claude asks to use Bash:\n$ touch /x/ran.txt');
    expect(prompt.answers.map((a) => a.label)).toEqual(['Allow', 'Deny']);
    expect(hookRequestOf(prompt.ruleId)).toBe('r1');
    expect(hookRequestOf('claude-numbered')).toBeNull();
  });

  it('redacts what it shows before cutting it to fit: a token at a cut leaves no piece of itself', () => {
    const redactor = new Redactor([]);
    const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    // The command is cut at 1500 characters and another tool's input at 300: both cuts fall 10 characters into it.
    const command = `${'x'.repeat(1484)} ${token} --rest`;
    const preview = JSON.stringify({ url: `https://e.x/${'p'.repeat(258)} ${token}` });
    for (const ask of [{ tool: 'Bash', command, path: null, preview: null }, { tool: 'WebFetch', command: null, path: null, preview }]) {
      const prompt = hookRequestPrompt('r1', ask, (text) => redactor.text(text));
      expect(prompt.question).not.toContain('A1b2C3d4E5');
      expect(prompt.question).toContain('ghp_[redacted');
    }
  });

  it("writes Claude's decision JSON: allow, deny naming who refused, deny at the timeout, nothing otherwise", () => {
    expect(JSON.parse(hookOutput({ kind: 'decided', decision: 'allow', by: 'Ann' }))).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    expect(JSON.parse(hookOutput({ kind: 'decided', decision: 'deny', by: 'Ann' })).hookSpecificOutput.decision).toEqual({
      behavior: 'deny', message: 'Refused from Telegram by Ann.',
    });
    expect(JSON.parse(hookOutput({ kind: 'timeout', afterMs: 600_000 })).hookSpecificOutput.decision.behavior).toBe('deny');
    expect(hookOutput({ kind: 'desk' })).toBe('');
    expect(hookOutput({ kind: 'ended', why: 'exited' })).toBe('');
    expect(hookEndLine({ kind: 'decided', decision: 'allow', by: 'Ann' })).toBe('→ answered: Allow by Ann');
    expect(hookEndLine({ kind: 'desk' })).toBe('→ answered at the desk');
    expect(hookEndLine({ kind: 'timeout', afterMs: 600_000 })).toBe('→ not answered in 10 min: refused');
  });
});
