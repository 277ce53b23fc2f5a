import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLAUDE_HOOK_EVENTS,
  CODEX_TITLE_TURN,
  claudeHookSettings,
  codexNotifyArgv,
  HOOK_APPROVAL_TIMEOUT_MS,
  hookMeaning,
  PERMISSION_HOOK_TIMEOUT_S,
  parseSpoolName,
  planSpool,
  SPOOL_MAX_FILES,
  spoolScript,
  startsClaude,
  startsCodex,
  withClaudeSettings,
  withCodexNotify,
} from '../../src/core/agent-hooks.js';
import { readsFastEnterAsPaste } from '../../src/core/typing.js';

/**
 * The shells a hook meets: /bin/sh (dash on Debian and Ubuntu, what Claude Code's `sh -c` runs there) and bash in
 * POSIX mode (macOS's /bin/sh is bash 3.2 as sh), each where installed.
 */
const SHELLS: string[][] = [
  ['/bin/sh'],
  ...['/bin/dash', '/bin/bash']
    .filter((path) => existsSync(path) && realpathSync(path) !== realpathSync('/bin/sh'))
    .map((path) => (path.endsWith('bash') ? [path, '--posix', '--norc'] : [path])),
];

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A spool directory whose path needs quoting: a space, a quote and a `$(...)` that must stay data. */
function spoolDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'pocket-spool-'));
  roots.push(root);
  const dir = join(root, "it's a $(touch pwned) dir");
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** Runs a hook's script as the agents do: `sh -c SCRIPT` (+ `pocket-hook ARG` for Codex), `stdin` piped in. */
function runHook(shell: string[], script: string, opts: { stdin?: string; arg?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const args = [...shell.slice(1), '-c', script, ...(opts.arg === undefined ? [] : ['pocket-hook', opts.arg])];
  const result = spawnSync(shell[0] ?? '/bin/sh', args, { input: opts.stdin ?? '', encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const NOTIFICATION = {
  session_id: 'c1',
  transcript_path: '/h/.claude/projects/p/c1.jsonl',
  cwd: '/w',
  hook_event_name: 'Notification',
  // A value that quotes the key: escaped inside its string, so it cannot pose as the field.
  message: 'Claude says "notification_type":"idle_prompt" here',
  notification_type: 'permission_prompt',
};

describe('agent hooks', () => {
  it('recognises a command that starts claude by its first word', () => {
    expect(startsClaude('claude')).toBe(true);
    expect(startsClaude('  /usr/local/bin/claude --permission-mode manual')).toBe(true);
    expect(startsClaude('claude-dev')).toBe(false);
    expect(startsClaude('npx claude')).toBe(false);
    expect(startsClaude('')).toBe(false);
  });

  it('puts --settings right after the program and keeps the rest as written', () => {
    expect(withClaudeSettings('claude --permission-mode manual; echo done', '/h/.state/hooks/s3.json')).toBe(
      'claude --settings /h/.state/hooks/s3.json --permission-mode manual; echo done',
    );
    expect(withClaudeSettings('claude', "/tmp/a b/it's.json")).toBe("claude --settings '/tmp/a b/it'\\''s.json'");
  });

  it('gives the shell the settings path as data, whatever it contains', () => {
    const file = "/tmp/a b/$(touch x)/it's.json";
    const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${withClaudeSettings('claude -p hi', file).replace(/^claude/, '')}`], { encoding: 'utf8' });
    expect(argv.split('\n').slice(0, -1)).toEqual(['--settings', file, '-p', 'hi']);
  });

  it('writes settings of only the four hooks, each a spool script naming the session', () => {
    const dir = '/h/.state/hooks/in';
    const settings = JSON.parse(claudeHookSettings(dir, 's7')) as { hooks: Record<string, { matcher: string; hooks: { type: string; command: string; timeout: number }[] }[]> };
    expect(Object.keys(settings)).toEqual(['hooks']);
    expect(Object.keys(settings.hooks)).toEqual(['PermissionRequest', 'Notification', 'UserPromptSubmit', 'Stop']);
    for (const [event, [entry]] of Object.entries(settings.hooks)) {
      expect(entry?.matcher).toBe('');
      // The PermissionRequest hook waits up to the approval timeout for the phone: Claude must not kill it before.
      const timeout = event === 'PermissionRequest' ? PERMISSION_HOOK_TIMEOUT_S : 5;
      expect(entry?.hooks).toEqual([{ type: 'command', command: spoolScript(dir, 's7', event as 'Stop'), timeout }]);
      if (event !== 'PermissionRequest') expect(entry?.hooks[0]?.command).toContain(`${dir}/s7.${event}.$t.$$`);
    }
    expect(PERMISSION_HOOK_TIMEOUT_S * 1000).toBeGreaterThan(HOOK_APPROVAL_TIMEOUT_MS);
    expect(spoolScript(dir, 's7', 'PermissionRequest')).toContain('n=s7.PermissionRequest.wait.$$');
  });

  for (const shell of SHELLS) {
    describe(`the spool hook under ${shell.join(' ')}`, () => {
      it('drops each Claude event as one empty 0600 file named by session, event and its pid; silent, exit 0', () => {
        const dir = spoolDir();
        for (const event of CLAUDE_HOOK_EVENTS.filter((e) => e !== 'PermissionRequest')) {
          const ran = runHook(shell, spoolScript(dir, 's12', event), { stdin: JSON.stringify({ ...NOTIFICATION, hook_event_name: event }) });
          expect(ran).toEqual({ status: 0, stdout: '', stderr: '' });
        }
        const names = readdirSync(dir).sort();
        expect(names.map((name) => name.replace(/\.\d+$/, '.PID'))).toEqual([
          's12.Notification.permission_prompt.PID', 's12.Stop..PID', 's12.UserPromptSubmit..PID',
        ]);
        for (const name of names) {
          expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
          expect(statSync(join(dir, name)).size).toBe(0);
          expect(parseSpoolName(name)?.sessionId).toBe('s12');
        }
        expect(existsSync(join(dir, '..', 'pwned'))).toBe(false);
      });

      it("keeps only a plain notification_type of Claude's payload, read up to a cap", () => {
        const dir = spoolDir();
        const script = spoolScript(dir, 's1', 'Notification');
        const typeWritten = (stdin: string): string | undefined => {
          expect(runHook(shell, script, { stdin })).toEqual({ status: 0, stdout: '', stderr: '' });
          const [name, ...more] = readdirSync(dir);
          expect(more).toEqual([]);
          rmSync(join(dir, name ?? ''));
          return parseSpoolName(name ?? '')?.notificationType;
        };
        expect(typeWritten(JSON.stringify({ ...NOTIFICATION, notification_type: 'idle_prompt' }))).toBe('idle_prompt');
        // Not a word that can go into a file name; no payload; not JSON; the field beyond the first 16 kB.
        expect(typeWritten(JSON.stringify({ ...NOTIFICATION, notification_type: '../../x y' }))).toBeUndefined();
        expect(typeWritten('')).toBeUndefined();
        expect(typeWritten('notification_type: permission_prompt')).toBeUndefined();
        expect(typeWritten(JSON.stringify({ message: 'x'.repeat(20_000), notification_type: 'permission_prompt' }))).toBeUndefined();
        expect(typeWritten(JSON.stringify({ notification_type: 't'.repeat(65) }))).toBeUndefined();
      });

      it("keeps Codex's notification type from its argument and drops Codex's own title turn", () => {
        const dir = spoolDir();
        const [sh, flag, script, name] = codexNotifyArgv(dir, 's2');
        expect([sh, flag, name]).toEqual(['/bin/sh', '-c', 'pocket-hook']);
        // As codex 0.171.0 writes it: compact JSON, `type` first.
        const turn = { type: 'agent-turn-complete', 'thread-id': 't1', 'turn-id': 'u1', cwd: '/w', 'input-messages': ['hi "type":"x"'], 'last-assistant-message': 'done' };
        expect(runHook(shell, script ?? '', { arg: JSON.stringify(turn) })).toEqual({ status: 0, stdout: '', stderr: '' });
        const title = { ...turn, 'thread-id': 't2', 'input-messages': [`${CODEX_TITLE_TURN} of at most 36 characters...\n\nUser prompt:\nhi`] };
        expect(runHook(shell, script ?? '', { arg: JSON.stringify(title) })).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(runHook(shell, script ?? '', { arg: 'not json' })).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(readdirSync(dir).map((n) => parseSpoolName(n)).sort((a, b) => String(a?.notificationType).localeCompare(String(b?.notificationType)))).toEqual([
          { sessionId: 's2', event: 'codex-notify', notificationType: 'agent-turn-complete' },
          { sessionId: 's2', event: 'codex-notify' },
        ]);
      });

      it('exits 0 silently without a spool (no daemon ever ran) and drops the event when the spool is full', () => {
        const dir = spoolDir();
        const missing = join(dir, 'gone');
        expect(runHook(shell, spoolScript(missing, 's1', 'Stop'))).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(existsSync(missing)).toBe(false);
        for (let n = 0; n < SPOOL_MAX_FILES - 1; n++) writeFileSync(join(dir, `s1.Stop..${n}`), '');
        expect(runHook(shell, spoolScript(dir, 's1', 'Stop'))).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(readdirSync(dir)).toHaveLength(SPOOL_MAX_FILES);
        expect(runHook(shell, spoolScript(dir, 's1', 'Stop'))).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(readdirSync(dir)).toHaveLength(SPOOL_MAX_FILES);
        // The waiting PermissionRequest hook too: at once, without waiting for a daemon.
        expect(runHook(shell, spoolScript(dir, 's1', 'PermissionRequest'))).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(runHook(shell, spoolScript(missing, 's1', 'PermissionRequest'))).toEqual({ status: 0, stdout: '', stderr: '' });
        expect(readdirSync(dir)).toHaveLength(SPOOL_MAX_FILES);
      });
    });
  }

  it('refuses to build a script for anything but a session id', () => {
    expect(() => spoolScript('/d', 's1; rm -rf ~', 'Stop')).toThrow(/not a session id/);
    expect(() => spoolScript('/d', '../s1', 'Stop')).toThrow(/not a session id/);
  });

  it('reads a spool name back, and nothing from names no hook writes', () => {
    expect(parseSpoolName('s3.PermissionRequest..4242')).toEqual({ sessionId: 's3', event: 'PermissionRequest' });
    expect(parseSpoolName('s3.Notification.permission_prompt.1')).toEqual({ sessionId: 's3', event: 'Notification', notificationType: 'permission_prompt' });
    for (const junk of ['s3.PreToolUse..1', 'x3.Stop..1', 's3.Stop.1', 's3.Stop..1.tmp', '.s3.Stop..1', 's3.Stop.a.b.1', 's3.Stop..', '']) {
      expect(parseSpoolName(junk)).toBeNull();
    }
  });

  it('plans a listing: fresh events oldest first (ties by name), stale and junk entries discarded', () => {
    const now = 1_000_000;
    const plan = planSpool([
      { name: 's2.Stop..9', mtimeMs: now - 40.5, regular: true },
      { name: 's1.UserPromptSubmit..7', mtimeMs: now - 900, regular: true },
      { name: 's1.PermissionRequest..8', mtimeMs: now - 40.5, regular: true },
      { name: 's1.Stop..6', mtimeMs: now - 5_001, regular: true },
      { name: 's1.Stop..5', mtimeMs: now + 6_000, regular: true },
      { name: 's1.Stop..4', mtimeMs: now, regular: false },
      { name: 'notes.txt', mtimeMs: now, regular: true },
    ], now, 5_000);
    expect(plan.signals).toEqual([
      { name: 's1.UserPromptSubmit..7', sessionId: 's1', signal: { event: 'UserPromptSubmit', firedAt: now - 900 } },
      { name: 's1.PermissionRequest..8', sessionId: 's1', signal: { event: 'PermissionRequest', firedAt: now - 40 } },
      { name: 's2.Stop..9', sessionId: 's2', signal: { event: 'Stop', firedAt: now - 40 } },
    ]);
    expect(plan.discarded).toEqual([
      { name: 's1.Stop..6', reason: 'stale' },
      { name: 's1.Stop..5', reason: 'stale' },
      { name: 's1.Stop..4', reason: 'junk' },
      { name: 'notes.txt', reason: 'junk' },
    ]);
  });

  it('reads a permission request or a permission notification as asking, Stop as done, the rest as nothing', () => {
    expect(hookMeaning({ event: 'PermissionRequest' })).toBe('asking');
    expect(hookMeaning({ event: 'Notification', notificationType: 'permission_prompt' })).toBe('asking');
    expect(hookMeaning({ event: 'Notification', notificationType: 'idle_prompt' })).toBe('none');
    expect(hookMeaning({ event: 'Notification' })).toBe('none');
    expect(hookMeaning({ event: 'Stop' })).toBe('done');
    expect(hookMeaning({ event: 'UserPromptSubmit' })).toBe('working');
  });

  it("reads Codex's turn-complete notification as a turn's end that holds nothing, any other as nothing", () => {
    expect(hookMeaning({ event: 'codex-notify', notificationType: 'agent-turn-complete' })).toBe('ended');
    expect(hookMeaning({ event: 'codex-notify', notificationType: 'approval-requested' })).toBe('none');
    expect(hookMeaning({ event: 'codex-notify' })).toBe('none');
  });

  it('recognises a command that starts codex by its first word', () => {
    expect(startsCodex('codex')).toBe(true);
    expect(startsCodex('/opt/agents/node_modules/.bin/codex --no-daemon')).toBe(true);
    expect(startsCodex('codex-dev')).toBe(false);
    expect(startsCodex('npx codex')).toBe(false);
  });

  it("gives codex its notify program as one -c argument right after the program: a TOML array of the spool hook's argv", () => {
    const dir = "/h/it's/.state/hooks/in";
    const command = withCodexNotify('codex --no-daemon; echo done', dir, 's9');
    const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${command.replace(/^codex/, '').replace(/; echo done$/, '')}`], { encoding: 'utf8' });
    const [flag, value = '', ...rest] = argv.split('\n').slice(0, -1);
    expect([flag, rest]).toEqual(['-c', ['--no-daemon']]);
    expect(command.endsWith('; echo done')).toBe(true);
    expect(value.startsWith('notify=[') && value.endsWith(']')).toBe(true);
    // TOML literal strings ('...', no escapes) and basic strings (JSON's escapes), read back.
    const items = [...value.slice('notify=['.length, -1).matchAll(/'([^']*)'|("(?:[^"\\]|\\.)*")/g)].map((m) => m[1] ?? JSON.parse(m[2] ?? '""'));
    expect(items).toEqual(codexNotifyArgv(dir, 's9'));
  });
});

describe('typing into agents', () => {
  it('knows the coding agents whose input reads a fast Enter as part of a paste, by their program', () => {
    expect(readsFastEnterAsPaste('claude --permission-mode manual')).toBe(true);
    expect(readsFastEnterAsPaste('/opt/agents/node_modules/.bin/codex --no-daemon')).toBe(true);
    expect(readsFastEnterAsPaste('gemini')).toBe(true);
    expect(readsFastEnterAsPaste('bash')).toBe(false);
    expect(readsFastEnterAsPaste('claude-dev')).toBe(false);
    expect(readsFastEnterAsPaste('')).toBe(false);
  });
});
