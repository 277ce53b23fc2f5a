// doctor, logs and the live status TUI, driven as a person would (the TUI inside a real tmux pane).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiServer } from '../../src/emulator/index.js';
import { BIN, CANARY_TOKEN, eventually, tempHomesPerTest } from '../helpers/pocket.js';

const GOOD_ENV = { TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' };
const sockets: string[] = [];
const fresh = tempHomesPerTest(afterEach, (logs) => expect(logs).not.toContain(CANARY_TOKEN));
afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // gone already
    }
  }
});

describe('pocket doctor', () => {
  it('passes each check on a good home, the token checked against the Bot API; --json for scripts', async () => {
    const emulator = await startBotApiServer({ token: CANARY_TOKEN, botUsername: 'doctor_bot' });
    try {
      emulator.createPrivateChat(emulator.user(42));
      const h = fresh();
      const socket = `pocket-doctor-${process.pid}`;
      sockets.push(socket);
      h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: emulator.url, POCKET_TMUX_SOCKET: socket });
      const result = await h.run(['doctor']);
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/ok +tmux: tmux \d/);
      expect(result.stdout).toMatch(/ok +settings: 1 authorized user/);
      expect(result.stdout).toMatch(/ok +daemon: not running/);
      expect(result.stdout).toMatch(/ok +bot token: accepted: this is @doctor_bot/);
      expect(result.stdout).toMatch(/ok +chat reachable: private/);
      expect(result.stdout).not.toContain(CANARY_TOKEN);

      const json = await h.run(['doctor', '--json']);
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
      expect(report.ok).toBe(true);
      expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['node', 'tmux', 'token', 'bot-api', 'other-poller', 'chat', 'forum-rights', 'privacy-mode', 'service', 'pane-logs']));
    } finally {
      await emulator.close();
    }
  });

  it('leaves a running daemon of this home polling: the other-poller probe is skipped and says why', async () => {
    const emulator = await startBotApiServer({ token: CANARY_TOKEN, botUsername: 'doctor_bot' });
    try {
      const owner = emulator.user(42);
      const chat = emulator.createPrivateChat(owner);
      const h = fresh();
      const socket = `pocket-doctor-d-${process.pid}`;
      sockets.push(socket);
      h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: emulator.url, POCKET_TMUX_SOCKET: socket });
      expect((await h.run(['start'])).code).toBe(0);
      await emulator.waitFor(() => emulator.polling, { timeoutMs: 10_000 });
      const json = await h.run(['doctor', '--json']);
      const report = JSON.parse(json.stdout) as { checks: { id: string; status: string; detail: string }[] };
      const probe = report.checks.find((c) => c.id === 'other-poller')!;
      expect(probe.status).toBe('skip');
      expect(probe.detail).toMatch(/this home's daemon \(pid \d+\) polls the token/);
      // No getUpdates came from the doctor, so the daemon never saw a 409 and still answers.
      expect(emulator.calls.filter((c) => c.method === 'getUpdates' && c.error?.error_code === 409)).toEqual([]);
      emulator.sendText(chat, owner, '/help');
      await emulator.waitFor(() => emulator.messages(chat).length > 0, { timeoutMs: 10_000 });
    } finally {
      await emulator.close();
    }
  });

  it('reports a rejected token and an unreachable Bot API without printing the token', async () => {
    const emulator = await startBotApiServer({ token: '7000000001:someOTHERtokenSOMEotherTOKENsomeOTHER12' });
    try {
      const h = fresh();
      h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: emulator.url });
      const rejected = await h.run(['doctor']);
      expect(rejected.code).toBe(1);
      expect(rejected.stdout).toMatch(/FAIL bot token: rejected: 401/);
      expect(rejected.stdout).toMatch(/fix: The token is wrong or was revoked/);
      const offline = await h.run(['doctor'], { env: { TELEGRAM_API_ROOT: 'http://127.0.0.1:9' } });
      expect(offline.stdout).toMatch(/FAIL Bot API reachable: Cannot reach the Bot API at http:\/\/127\.0\.0\.1:9/);
      for (const out of [rejected, offline]) expect(out.stdout + out.stderr).not.toContain(CANARY_TOKEN);
    } finally {
      await emulator.close();
    }
  });

  it('reports per coding agent whether it works and where, or the exact install command (optional: not a failure)', async () => {
    const h = fresh();
    const emptyCache = join(h.home, 'no-agents-cache');
    const fakeCodex = resolve(import.meta.dirname, '../fixtures/agents/fake-codex.mjs');
    h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', POCKET_CODEX_PATH: fakeCodex });
    const result = await h.run(['doctor'], { env: { POCKET_AGENTS_CACHE: emptyCache } });
    expect(result.stdout).toContain(`ok   agent codex: works: ${fakeCodex}`);
    expect(result.stdout).toMatch(/WARN agent claude: not available: the Claude Agent SDK .* is not installed/);
    expect(result.stdout).toContain('fix: To use /claude: npm install -g @anthropic-ai/claude-agent-sdk');
  });

  it('fails with a fix per problem and exit 1', async () => {
    const h = fresh();
    h.writeEnv({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: 'me' }, 0o644);
    const result = await h.run(['doctor']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL \.env permissions: .*readable by others/);
    expect(result.stdout).toMatch(/fix: Run: chmod 600/);
    expect(result.stdout).toMatch(/FAIL settings: [\s\S]*AUTHORIZED_USER_IDS: expected positive numeric/);
    expect(result.stdout + result.stderr).not.toContain(CANARY_TOKEN);
  });
});

describe('pocket logs', () => {
  it('prints the last N lines for people and follows new ones', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    expect((await h.run(['logs'])).stdout).toContain('no daemon log yet');
    expect((await h.run(['start'])).code).toBe(0);
    const last = await h.run(['logs', '-n', '1']);
    expect(last.stdout.trim().split('\n')).toHaveLength(1);
    expect(last.stdout).toMatch(/^\S+Z INFO {2}daemon\.started pid=\d+/);

    const follower = h.spawn(['logs', '-f', '-n', '0']);
    let followed = '';
    follower.stdout!.setEncoding('utf8').on('data', (d: string) => {
      followed += d;
    });
    // The follower watches the log directory; give it a line to see by stopping the daemon.
    await eventually(async () => {
      if (!followed.includes('daemon.stopped')) await h.run(['restart']);
      return followed.includes('daemon.stopped');
    }, { timeoutMs: 20_000, what: 'the follower to print the stop' });
    follower.kill('SIGINT');
    expect(followed).not.toContain(CANARY_TOKEN);
  });

  it('-f on a home pocket never ran in: a clear error and hint, exit 1, and nothing created', async () => {
    const h = fresh();
    for (const args of [['logs', '-f'], ['logs', '-f', '--audit']]) {
      const result = await h.run(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${join(h.home, 'logs')} does not exist, so pocket has not run with this home`);
      expect(result.stderr).toContain('hint: Check --home');
      expect(result.stderr).not.toContain('unexpected error');
    }
    expect(existsSync(join(h.home, 'logs'))).toBe(false);
  });
});

describe('pocket logs --audit', () => {
  it('prints who did what to which session, old lines too, with -n', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    expect((await h.run(['logs', '--audit'])).stdout).toContain('no audit log yet');
    mkdirSync(join(h.home, 'logs'), { recursive: true, mode: 0o700 });
    writeFileSync(join(h.home, 'logs', 'audit.log'), [
      JSON.stringify({ t: '2026-11-01T10:00:00.000Z', action: 'kill', outcome: 'ok', userId: 42, chatId: 42, sessionId: 's1', reason: 'confirmation asked' }),
      JSON.stringify({ t: '2026-11-30T21:00:00.000Z', action: 'send', outcome: 'rejected', userId: 7, userName: '@vera', chatId: 42, sessionId: 's3', session: 'build', reason: 'read-only viewer' }),
      '',
    ].join('\n'), { mode: 0o600 });
    const all = await h.run(['logs', '--audit']);
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split('\n')).toEqual([
      '2026-11-01T10:00:00.000Z user 42 kill session s1 -> ok: confirmation asked  [chatId=42]',
      '2026-11-30T21:00:00.000Z user 7 @vera send session build (s3) -> rejected: read-only viewer  [chatId=42]',
    ]);
    expect((await h.run(['logs', '--audit', '-n', '1'])).stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('/shell switched on', () => {
  it('warns in the daemon log at start and in pocket status while it is on', async () => {
    const h = fresh();
    const socket = `pocket-shell-${Math.random().toString(16).slice(2, 10)}`;
    sockets.push(socket);
    h.writeEnv({ ...GOOD_ENV, POCKET_TMUX_SOCKET: socket, POCKET_SHELL: 'on' });
    expect((await h.run(['start'])).code).toBe(0);
    const status = JSON.parse((await h.run(['status', '--json'])).stdout) as { daemon: { warnings: string[] } };
    expect(status.daemon.warnings).toEqual([expect.stringMatching(/^\/shell is ON \(POCKET_SHELL=on\)/)]);
    expect((await h.run(['status'])).stdout).toMatch(/^warning: \/shell is ON/m);
    expect((await h.run(['logs'])).stdout).toMatch(/WARN {2}daemon\.warning warning="\/shell is ON/);
    // Off, no warning: test/cli/status-text.test.ts and test/cli/tui/status-app.test.tsx (four CLI starts are enough here).
  }, 60_000);
});

describe('pocket status in a terminal', () => {
  it('shows the live TUI and quits on q', async () => {
    const h = fresh();
    const socket = `pocket-tui-${Math.random().toString(16).slice(2, 10)}`;
    sockets.push(socket);
    h.writeEnv({ ...GOOD_ENV, POCKET_TMUX_SOCKET: socket });
    expect((await h.run(['start'])).code).toBe(0);
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
    // The TUI runs in its own pane on the same private server the daemon uses.
    tmux('new-session', '-d', '-s', 'viewer', '-x', '120', '-y', '30', process.execPath, BIN, '--home', h.home, 'status');
    const screen = () => tmux('capture-pane', '-p', '-t', 'viewer');
    await eventually(() => /daemon/i.test(screen()) && /running/.test(screen()), { what: 'the TUI to draw' });
    expect(screen()).toMatch(/q.*quit/i);
    tmux('send-keys', '-t', 'viewer', 'q');
    await eventually(() => {
      try {
        return !tmux('list-sessions', '-F', '#{session_name}').includes('viewer');
      } catch {
        return true; // the server went away with its last session
      }
    }, { what: 'the TUI to exit' });
  });
});

describe('pocket hook', () => {
  it('never holds the agent up: exits 0 at once, printing nothing on stdout, when the daemon is not running', async () => {
    const h = fresh();
    const started = Date.now();
    const result = await h.run(['--home', h.home, 'hook', '--session', 's1', 'PermissionRequest']);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    // Node's start-up plus one refused connect; the daemon budget (1 s) is never waited out for a missing socket.
    expect(Date.now() - started).toBeLessThan(5_000);
    const odd = await h.run(['--home', h.home, 'hook', '--session', '../x', 'Stop']);
    expect(odd).toMatchObject({ code: 0, stdout: '' });
    expect(odd.stderr).toContain('pocket hook: ignored');
  });
});
