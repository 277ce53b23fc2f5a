import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  claudeHookSettings,
  hookCommandLine,
  hookMeaning,
  startsClaude,
  startsCodex,
  withClaudeSettings,
  withCodexNotify,
} from '../../src/core/agent-hooks.js';
import { readsFastEnterAsPaste } from '../../src/core/typing.js';

const pocket = { nodePath: '/opt/node 20/bin/node', entryPath: "/home/o'neil/pocket/bin/pocket.js", home: '/home/o\'neil/.pocket' };

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

  it('gives the shell the settings path and the hook command as data, whatever they contain', () => {
    const file = "/tmp/a b/$(touch x)/it's.json";
    const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${withClaudeSettings('claude -p hi', file).replace(/^claude/, '')}`], { encoding: 'utf8' });
    expect(argv.split('\n').slice(0, -1)).toEqual(['--settings', file, '-p', 'hi']);
    const hookArgv = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${hookCommandLine(pocket, 's12', 'PermissionRequest')}`], { encoding: 'utf8' });
    expect(hookArgv.split('\n').slice(0, -1)).toEqual([
      pocket.nodePath, pocket.entryPath, '--home', pocket.home, 'hook', '--session', 's12', 'PermissionRequest',
    ]);
  });

  it('writes settings of only the four hooks, each naming the session', () => {
    const settings = JSON.parse(claudeHookSettings(pocket, 's7')) as { hooks: Record<string, { matcher: string; hooks: { type: string; command: string; timeout: number }[] }[]> };
    expect(Object.keys(settings)).toEqual(['hooks']);
    expect(Object.keys(settings.hooks)).toEqual(['PermissionRequest', 'Notification', 'UserPromptSubmit', 'Stop']);
    for (const [event, [entry]] of Object.entries(settings.hooks)) {
      expect(entry?.matcher).toBe('');
      expect(entry?.hooks).toEqual([{ type: 'command', command: hookCommandLine(pocket, 's7', event as 'Stop'), timeout: 5 }]);
      expect(entry?.hooks[0]?.command).toContain(`--session s7 ${event}`);
    }
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

  it("gives codex its notify program as one -c argument right after the program, a TOML array of pocket hook's argv", () => {
    const command = withCodexNotify('codex --no-daemon; echo done', pocket, 's9');
    const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${command.replace(/^codex/, '').replace(/; echo done$/, '')}`], { encoding: 'utf8' });
    const [flag, value, ...rest] = argv.split('\n').slice(0, -1);
    expect([flag, rest]).toEqual(['-c', ['--no-daemon']]);
    expect(command.endsWith('; echo done')).toBe(true);
    // The quote in the paths makes those two TOML basic strings; the rest are literal strings.
    expect(value).toBe(
      `notify=['/opt/node 20/bin/node', ${JSON.stringify(pocket.entryPath)}, '--home', ${JSON.stringify(pocket.home)}, 'hook', '--session', 's9', 'codex-notify']`,
    );
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
