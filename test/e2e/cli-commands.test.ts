// doctor, logs and the live status TUI, driven as a person would (the TUI inside a real tmux pane).
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
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
  it('passes each check on a good home, the token checked against the Bot API', async () => {
    const emulator = await startBotApiServer({ token: CANARY_TOKEN, botUsername: 'doctor_bot' });
    try {
      const h = fresh();
      h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: emulator.url });
      const result = await h.run(['doctor']);
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/ok +tmux: tmux \d/);
      expect(result.stdout).toMatch(/ok +config: 1 authorized user/);
      expect(result.stdout).toMatch(/ok +daemon: not running/);
      expect(result.stdout).toMatch(/ok +Telegram: token accepted: @doctor_bot/);
      expect(result.stdout).not.toContain(CANARY_TOKEN);
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
      expect(rejected.stdout).toMatch(/FAIL Telegram: 401/);
      expect(rejected.stdout).toMatch(/hint: The token was rejected/);
      const offline = await h.run(['doctor'], { env: { TELEGRAM_API_ROOT: 'http://127.0.0.1:9' } });
      expect(offline.stdout).toMatch(/FAIL Telegram: cannot reach http:\/\/127\.0\.0\.1:9/);
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
    expect(result.stdout).toMatch(/ok +agent claude: not available \(the Claude Agent SDK .* is not installed\); to use \/claude, install it: npm install -g @anthropic-ai\/claude-agent-sdk/);
  });

  it('fails with a hint per problem and exit 1', async () => {
    const h = fresh();
    h.writeEnv({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: 'me' }, 0o644);
    const result = await h.run(['doctor']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL \.env permissions: .*readable by others/);
    expect(result.stdout).toMatch(/hint: Run: chmod 600/);
    expect(result.stdout).toMatch(/FAIL config: [\s\S]*AUTHORIZED_USER_IDS: expected positive numeric/);
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
