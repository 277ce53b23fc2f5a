// The built `pocket` binary against temp homes: start, status, stop, locks and their recovery.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiServer } from '../../src/emulator/index.js';
import { CANARY_TOKEN, eventually, isAlive, tempHomesPerTest } from '../helpers/pocket.js';

const GOOD_ENV = { TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' };

const fresh = tempHomesPerTest(afterEach, (logs) => expect(logs).not.toContain(CANARY_TOKEN));

const pidFromStart = (stdout: string): number => Number(/pid (\d+)/.exec(stdout)?.[1]);

describe('pocket start / status / stop', () => {
  it('starts detached, reports status as text and JSON, and stops', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const started = await h.run(['start']);
    expect(started.code, started.stderr).toBe(0);
    const pid = pidFromStart(started.stdout);
    expect(isAlive(pid)).toBe(true);

    const text = await h.run(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`running.*pid ${pid}`));

    const json = await h.run(['status', '--json']);
    expect(json.code).toBe(0);
    const snapshot = JSON.parse(json.stdout);
    expect(snapshot.daemon).toMatchObject({ running: true, pid, version: expect.any(String) });
    expect(snapshot.bot).toHaveProperty('connected');
    expect(Array.isArray(snapshot.sessions)).toBe(true);

    const stopped = await h.run(['stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('stopped');
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(h.home, '.state/daemon.lock'))).toBe(false);

    const after = await h.run(['status', '--json']);
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout).daemon.running).toBe(false);
    const afterText = await h.run(['status']);
    expect(afterText.code).toBe(1);
    expect(afterText.stdout).toContain('not running');
    for (const out of [started, text, json, stopped, after]) expect(out.stdout + out.stderr).not.toContain(CANARY_TOKEN);
  });

  it('refuses a second start for the same home with a clear message', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const first = await h.run(['start']);
    expect(first.code).toBe(0);
    const second = await h.run(['start']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already running for ${h.home} (pid ${pidFromStart(first.stdout)})`);
    expect(second.stderr).toContain('hint:');
  });

  it('recovers after the daemon was killed with SIGKILL', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const pid = pidFromStart((await h.run(['start'])).stdout);
    process.kill(pid, 'SIGKILL');
    await eventually(() => !isAlive(pid), { what: 'the daemon to die' });
    const again = await h.run(['start']);
    expect(again.code, again.stderr).toBe(0);
    const newPid = pidFromStart(again.stdout);
    expect(newPid).not.toBe(pid);
    const json = JSON.parse((await h.run(['status', '--json'])).stdout);
    expect(json.daemon.pid).toBe(newPid);
  });

  it('never signals a live unrelated process named in a stale lock', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const stranger = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      const stat = readFileSync(`/proc/${stranger.pid}/stat`, 'utf8');
      const startKey = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      // Even with the stranger's real start time, it is not a pocket daemon.
      const lockFile = join(h.home, '.state/daemon.lock');
      (await import('node:fs')).mkdirSync(join(h.home, '.state'), { recursive: true, mode: 0o700 });
      writeFileSync(lockFile, JSON.stringify({ pid: stranger.pid, startKey, version: '0.0.0', startedAt: new Date().toISOString() }));

      const stopFirst = await h.run(['stop']);
      expect(stopFirst.stdout).toContain('not running');
      expect(isAlive(stranger.pid!)).toBe(true);

      const started = await h.run(['start']);
      expect(started.code, started.stderr).toBe(0);
      expect(pidFromStart(started.stdout)).not.toBe(stranger.pid);
      expect((await h.run(['stop'])).code).toBe(0);
      expect(isAlive(stranger.pid!)).toBe(true);
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('never signals a daemon-looking process named in a lock without a start key (another home\'s daemon)', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    // Its command line passes for a pocket daemon's; nothing says it is this home's.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'pocket', '__daemon', '--home', '/elsewhere'], { stdio: 'ignore' });
    try {
      await eventually(() => /__daemon/.test(readFileSync(`/proc/${other.pid}/cmdline`, 'utf8')), { what: 'the process to run' });
      (await import('node:fs')).mkdirSync(join(h.home, '.state'), { recursive: true, mode: 0o700 });
      writeFileSync(join(h.home, '.state/daemon.lock'), JSON.stringify({ pid: other.pid, version: '0.0.0', startedAt: '' }));
      const stopped = await h.run(['stop']);
      expect(stopped.code, stopped.stdout).toBe(1);
      expect(stopped.stderr).toContain(`pid ${other.pid}`);
      expect(stopped.stderr).toMatch(/no start key|not signalled/);
      expect(stopped.stderr).toContain('hint:');
      expect(isAlive(other.pid!)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a pid reused by another process (start time differs) is a stale lock', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const stranger = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      (await import('node:fs')).mkdirSync(join(h.home, '.state'), { recursive: true, mode: 0o700 });
      writeFileSync(join(h.home, '.state/daemon.lock'), JSON.stringify({ pid: stranger.pid, startKey: '1', version: '0.0.0', startedAt: '' }));
      const started = await h.run(['start']);
      expect(started.code, started.stderr).toBe(0);
      expect(isAlive(stranger.pid!)).toBe(true);
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('restart replaces the daemon', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const pid = pidFromStart((await h.run(['start'])).stdout);
    const restarted = await h.run(['restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(pidFromStart(restarted.stdout.split('\n').find((l) => l.includes('started')) ?? '')).not.toBe(pid);
  });
});

describe('bad configuration starts nothing', () => {
  const cases: [string, Record<string, string>, number, RegExp][] = [
    ['missing token', { AUTHORIZED_USER_IDS: '42' }, 0o600, /TELEGRAM_BOT_TOKEN: required/],
    ['empty AUTHORIZED_USER_IDS', { TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '' }, 0o600, /AUTHORIZED_USER_IDS: must list at least one/],
    ['garbled AUTHORIZED_USER_IDS', { TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42,abc,-7' }, 0o600, /AUTHORIZED_USER_IDS: expected positive numeric user ids.*"abc", "-7"/],
    ['world-readable .env', GOOD_ENV, 0o644, /readable by others \(mode 644\)[\s\S]*chmod 600/],
    ['group-readable .env', GOOD_ENV, 0o640, /readable by others \(mode 640\)/],
    ['malformed token and API root', { TELEGRAM_BOT_TOKEN: 'nope', AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'ftp://x' }, 0o600, /TELEGRAM_BOT_TOKEN: expected a bot token[\s\S]*TELEGRAM_API_ROOT: expected an http/],
  ];
  for (const [name, env, mode, message] of cases) {
    it(`${name}: clear message, exit 1, no daemon`, async () => {
      const h = fresh();
      h.writeEnv(env, mode);
      const result = await h.run(['start']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('hint:');
      expect(result.stdout + result.stderr).not.toContain(CANARY_TOKEN);
      expect(existsSync(join(h.home, '.state/daemon.lock'))).toBe(false);
      expect((await h.run(['status', '--json'])).code).toBe(1);
    });
  }

  it('the environment overrides .env', async () => {
    const h = fresh();
    h.writeEnv({ AUTHORIZED_USER_IDS: '' });
    const result = await h.run(['start'], { env: { TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' } });
    expect(result.code, result.stderr).toBe(0);
  });

  it('usage errors exit 2', async () => {
    const h = fresh();
    expect((await h.run(['frobnicate'])).code).toBe(2);
    expect((await h.run(['logs', '-n', 'x'])).code).toBe(2);
    const both = await h.run(['status', '--json', '--watch']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--json and --watch do not go together');
  });
});

describe('signals', () => {
  it('SIGTERM on a foreground daemon with a live subscriber exits 0 with state flushed', async () => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const daemon = h.spawn(['start', '--foreground']);
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    await eventually(async () => (await h.run(['status', '--json'])).code === 0, { what: 'the daemon to answer' });
    const watcher = h.spawn(['status', '--watch']);
    const watchEnded = new Promise<number | null>((resolve) => watcher.on('exit', resolve));
    await new Promise((resolve) => watcher.stdout!.once('data', resolve));
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    const runtime = JSON.parse(readFileSync(join(h.home, '.state/daemon.json'), 'utf8'));
    expect(runtime).toMatchObject({ pid: daemon.pid, cleanShutdown: true, stoppedAt: expect.any(String) });
    expect(existsSync(join(h.home, '.state/daemon.lock'))).toBe(false);
    expect(await watchEnded).toBe(1);
  });
});

describe('a frozen daemon (SIGSTOP): every CLI command that waits on it ends with a clear message', () => {
  const frozen = async (): Promise<{ h: ReturnType<typeof fresh>; pid: number }> => {
    const h = fresh();
    h.writeEnv(GOOD_ENV);
    const pid = pidFromStart((await h.run(['start'])).stdout);
    return { h, pid };
  };
  const thaw = (pid: number): void => {
    if (isAlive(pid)) process.kill(pid, 'SIGCONT');
  };

  it('status, status --json and status --watch exit 1 naming the pid and how to resume or stop it', { timeout: 40_000 }, async () => {
    const { h, pid } = await frozen();
    process.kill(pid, 'SIGSTOP');
    try {
      const runs = await Promise.all([['status'], ['status', '--json'], ['status', '--watch']].map((args) => h.run(args, { timeoutMs: 20_000 })));
      for (const run of runs) {
        expect(run.code, run.stdout + run.stderr).toBe(1);
        expect(run.stderr).toContain(`pid ${pid}`);
        expect(run.stderr).toMatch(/stopped \(SIGSTOP/);
        expect(run.stderr).toContain(`kill -CONT ${pid}`);
        expect(run.stderr).toContain('pocket stop');
      }
      // --json still prints its one object for scripts: the daemon runs, and why nothing more is known.
      const json = JSON.parse(runs[1]!.stdout) as { daemon: { running: boolean; pid: number; degraded: { message: string }[] }; sessions: unknown[] };
      expect(json.daemon).toMatchObject({ running: true, pid });
      expect(json.daemon.degraded[0]!.message).toMatch(/stopped \(SIGSTOP/);
      expect(json.sessions).toEqual([]);
    } finally {
      thaw(pid);
    }
  });

  it('status --watch ends when the daemon freezes while it watches', { timeout: 40_000 }, async () => {
    const { h, pid } = await frozen();
    const watcher = h.spawn(['status', '--watch']);
    let stderr = '';
    watcher.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const watchEnded = new Promise<number | null>((resolve) => watcher.on('exit', resolve));
    try {
      await new Promise((resolve) => watcher.stdout!.once('data', resolve));
      process.kill(pid, 'SIGSTOP');
      expect(await watchEnded).toBe(1);
      expect(stderr).toContain(`kill -CONT ${pid}`);
    } finally {
      watcher.kill('SIGKILL');
      thaw(pid);
    }
  });

  it('stop lets a frozen daemon shut down cleanly instead of killing it', { timeout: 40_000 }, async () => {
    const { h, pid } = await frozen();
    process.kill(pid, 'SIGSTOP');
    try {
      const stopped = await h.run(['stop'], { timeoutMs: 20_000 });
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toContain('SIGTERM');
      expect(isAlive(pid)).toBe(false);
      const runtime = JSON.parse(readFileSync(join(h.home, '.state/daemon.json'), 'utf8'));
      expect(runtime).toMatchObject({ pid, cleanShutdown: true });
    } finally {
      thaw(pid);
    }
  });
});

describe('a token Telegram refuses (401)', () => {
  // The embedded Bot API accepts only its own token: any other gets 401 Unauthorized, as a revoked token does.
  const refusing = () => startBotApiServer({ token: '7000000001:someOTHERtokenSOMEotherTOKENsomeOTHER12' });

  it('start and restart exit 1 naming the refusal, and leave no daemon running', { timeout: 60_000 }, async () => {
    const emulator = await refusing();
    try {
      const h = fresh();
      h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: emulator.url });
      const started = await h.run(['start']);
      expect(started.code, started.stdout).toBe(1);
      expect(started.stderr).toMatch(/Telegram refused the bot token \(401 Unauthorized\)/);
      expect(started.stderr).toMatch(/hint: .*TELEGRAM_BOT_TOKEN/);
      expect(existsSync(join(h.home, '.state/daemon.lock'))).toBe(false);
      expect((await h.run(['status', '--json'])).code).toBe(1);

      // A daemon that ran with an unreachable API, restarted once the API refuses the token.
      h.writeEnv(GOOD_ENV);
      const pid = pidFromStart((await h.run(['start'])).stdout);
      h.writeEnv({ ...GOOD_ENV, TELEGRAM_API_ROOT: emulator.url });
      const restarted = await h.run(['restart']);
      expect(restarted.code, restarted.stdout).toBe(1);
      expect(restarted.stderr).toMatch(/Telegram refused the bot token \(401 Unauthorized\)/);
      expect(isAlive(pid)).toBe(false);
      expect(existsSync(join(h.home, '.state/daemon.lock'))).toBe(false);
      for (const out of [started, restarted]) expect(out.stdout + out.stderr).not.toContain(CANARY_TOKEN);
    } finally {
      await emulator.close();
    }
  });
});
