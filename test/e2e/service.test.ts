// `pocket install` / `pocket uninstall` on Linux, driven through the built CLI in a temp HOME and XDG_CONFIG_HOME,
// with fake systemctl, loginctl and npm on PATH that record their argv. And `pocket start --foreground` exiting with
// the status the unit does not restart on when the settings are bad.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BAD_SETTINGS_EXIT_CODE, WRITTEN_BY } from '../../src/core/service-files.js';
import { startBotApiServer } from '../../src/emulator/index.js';
import { FAKE_LOGINCTL, FAKE_NPM, FAKE_SYSTEMCTL, fakeCommands } from '../helpers/fake-commands.js';
import { eventually, tempHome } from '../helpers/pocket.js';
import { tempDir } from '../helpers/temp-dir.js';

function machine() {
  const dir = tempDir('pocket-service-');
  const fakes = fakeCommands(dir, { systemctl: FAKE_SYSTEMCTL, loginctl: FAKE_LOGINCTL, npm: FAKE_NPM });
  const pocket = tempHome('pocket-service-home-');
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), PATH: `${fakes.bin}:${process.env.PATH}` };
  const unit = join(dir, 'config', 'systemd', 'user', 'pocket.service');
  return { dir, fakes, pocket, env, unit };
}

const systemctlCalls = (calls: string[][]) => calls.filter((argv) => argv[0] === 'systemctl' && argv[2] !== 'show-environment' && argv[2] !== 'is-active').map((argv) => argv.slice(2).join(' '));

// Each test runs the CLI several times, and each install runs the fake commands a few times: seconds each on a
// loaded machine (a whole `npm test` saw the round trip pass 20 s).
describe('pocket install / uninstall (systemd)', { timeout: 90_000 }, () => {
  it('--dry-run prints the unit and every command, and changes nothing', async () => {
    const { fakes, pocket, env, unit } = machine();
    try {
      const result = await pocket.run(['install', '--dry-run'], { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`would write ${unit} (mode 644):`);
      expect(result.stdout).toContain(`ExecStart="${process.execPath}" "${join(import.meta.dirname, '../../bin/pocket.js')}" "--home" "${pocket.home}" "start" "--foreground"`);
      expect(result.stdout).toContain('/opt/fake-npm/bin');
      expect(result.stdout).toContain('would run: systemctl --user daemon-reload');
      expect(result.stdout).toContain('would run: systemctl --user enable pocket.service');
      expect(result.stdout).toContain('would run: systemctl --user restart pocket.service');
      expect(result.stdout).toContain('loginctl enable-linger');
      expect(existsSync(unit)).toBe(false);
      expect(existsSync(join(pocket.home, 'logs'))).toBe(false);
      // Only questions were asked: nothing that changes the manager.
      expect(systemctlCalls(fakes.calls())).toEqual([]);
    } finally {
      await pocket.cleanup();
    }
  });

  it('installs, is idempotent, and uninstall removes exactly what install added', async () => {
    const { fakes, pocket, env, unit } = machine();
    try {
      const first = await pocket.run(['install'], { env });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`installed ${unit}`);
      expect(readFileSync(unit, 'utf8')).toContain(`Environment="POCKET_HOME=${pocket.home}"`);
      expect(statSync(unit).mode & 0o777).toBe(0o644);
      expect(statSync(join(pocket.home, 'logs')).mode & 0o777).toBe(0o700);
      expect(systemctlCalls(fakes.calls())).toEqual(['daemon-reload', 'enable pocket.service', 'restart pocket.service']);

      // The same file again: no rewrite, no reload, no restart of a running service.
      const before = fakes.calls().length;
      const again = await pocket.run(['install'], { env });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('is up to date');
      expect(systemctlCalls(fakes.calls().slice(before))).toEqual(['enable pocket.service', 'start pocket.service']);

      // `pocket restart` of a home the running service serves goes through systemd, and starts no daemon of its own.
      const restarted = await pocket.run(['restart'], { env });
      expect(restarted.stderr).toBe('');
      expect(restarted.stdout).toBe('pocket daemon restarted by the systemd user service pocket.service\n');
      expect(systemctlCalls(fakes.calls().slice(before)).slice(2)).toEqual(['restart pocket.service']);
      expect(existsSync(join(pocket.home, '.state', 'daemon.lock'))).toBe(false);

      const dry = await pocket.run(['uninstall', '--dry-run'], { env });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('would run: systemctl --user disable --now pocket.service');
      expect(dry.stdout).toContain(`would remove ${unit}`);
      expect(existsSync(unit)).toBe(true);

      const removed = await pocket.run(['uninstall'], { env });
      expect(removed.stderr).toBe('');
      expect(removed.code).toBe(0);
      expect(existsSync(unit)).toBe(false);
      expect(existsSync(join(fakes.state, 'enabled'))).toBe(false);
      expect(existsSync(join(fakes.state, 'active'))).toBe(false);
      expect(systemctlCalls(fakes.calls().slice(before)).slice(3)).toEqual([
        'disable --now pocket.service', 'daemon-reload', 'reset-failed pocket.service',
      ]);

      const twice = await pocket.run(['uninstall'], { env });
      expect(twice.code).toBe(0);
      expect(twice.stdout).toContain('not installed');
    } finally {
      await pocket.cleanup();
    }
  });

  it('hands the home over from a daemon started with `pocket start` to the service', async () => {
    const { fakes, pocket, env } = machine();
    try {
      pocket.writeEnv({ TELEGRAM_BOT_TOKEN: '987654321:HANDOVERhandoverHANDOVERhandover42', AUTHORIZED_USER_IDS: '42', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' });
      const started = await pocket.run(['start'], { env });
      expect(started.code, started.stderr).toBe(0);
      const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
      const dry = await pocket.run(['install', '--dry-run'], { env });
      expect(dry.stdout).toContain(`would stop the pocket daemon running outside the service (pid ${pid})`);
      const installed = await pocket.run(['install'], { env });
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stdout).toContain(`pocket daemon (pid ${pid}) stopped; the service runs it from now on`);
      expect(existsSync(join(pocket.home, '.state', 'daemon.lock'))).toBe(false);
      // Stopped before the service was started, so that the service's daemon can take the home's lock.
      const order = fakes.calls().filter((argv) => argv[0] === 'systemctl').map((argv) => argv[2]);
      expect(order.at(-1)).toBe('restart');
    } finally {
      await pocket.cleanup();
    }
  });

  it('leaves a unit it did not write alone', async () => {
    const { pocket, env, unit } = machine();
    try {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(join(unit, '..'), { recursive: true });
      writeFileSync(unit, '[Service]\nExecStart=/usr/bin/true\n');
      for (const command of ['install', 'uninstall']) {
        const result = await pocket.run([command], { env });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('was not written by `pocket install`');
      }
      expect(readFileSync(unit, 'utf8')).toBe('[Service]\nExecStart=/usr/bin/true\n');
    } finally {
      await pocket.cleanup();
    }
  });

  it('says so clearly where systemd is absent', async () => {
    const dir = tempDir('pocket-nosystemd-');
    const fakes = fakeCommands(dir, { npm: FAKE_NPM, systemctl: 'echo "Failed to connect to bus: No medium found" >&2; exit 1' });
    const pocket = tempHome('pocket-service-home-');
    try {
      const result = await pocket.run(['install'], { env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), PATH: `${fakes.bin}:${process.env.PATH}` } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('systemctl --user cannot reach your user manager (Failed to connect to bus: No medium found)');
      expect(result.stderr).toContain('hint: Without a service manager, run `pocket start`');
      expect(existsSync(join(dir, 'config'))).toBe(false);

      // A unit pocket wrote, and no user manager to stop it: uninstall says what to do, and leaves the file.
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const unit = join(dir, 'config', 'systemd', 'user', 'pocket.service');
      mkdirSync(join(unit, '..'), { recursive: true });
      writeFileSync(unit, `# ${WRITTEN_BY}\n[Service]\nExecStart=/usr/bin/true\n`);
      const uninstall = await pocket.run(['uninstall'], { env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), PATH: `${fakes.bin}:${process.env.PATH}` } });
      expect(uninstall.code).toBe(1);
      expect(uninstall.stderr).toContain('cannot reach your user manager');
      expect(uninstall.stderr).toContain('hint: Run `pocket uninstall` again from a normal login session');
      expect(existsSync(unit)).toBe(true);
    } finally {
      await pocket.cleanup();
    }
  });
});

describe('pocket start --foreground under a service manager', { timeout: 60_000 }, () => {
  it(`exits ${BAD_SETTINGS_EXIT_CODE} on bad settings, so systemd does not restart it`, async () => {
    const pocket = tempHome();
    try {
      pocket.writeEnv({ TELEGRAM_BOT_TOKEN: 'not-a-token', AUTHORIZED_USER_IDS: 'abc' });
      const result = await pocket.run(['start', '--foreground']);
      expect(result.code).toBe(BAD_SETTINGS_EXIT_CODE);
      expect(result.stderr).toContain('TELEGRAM_BOT_TOKEN');
      pocket.writeEnv({ AUTHORIZED_USER_IDS: '42' }, 0o644);
      const readable = await pocket.run(['start', '--foreground']);
      expect(readable.code).toBe(BAD_SETTINGS_EXIT_CODE);
      expect(readable.stderr).toContain('readable by others');
    } finally {
      await pocket.cleanup();
    }
  });
});

/** systemd-run as the daemon uses it: drops its own options and runs the command (in a new scope, for real). */
const FAKE_SYSTEMD_RUN = 'while case "$1" in --*) true ;; *) false ;; esac; do shift; done; exec "$@"';

describe('the tmux server under the systemd service', () => {
  it('is started through `systemd-run --user --scope`, and its sessions survive `pocket restart`', { timeout: 90_000 }, async () => {
    const dir = tempDir('pocket-scope-');
    const fakes = fakeCommands(dir, { 'systemd-run': FAKE_SYSTEMD_RUN });
    const token = `7300000003:SCOPE${randomBytes(24).toString('hex').slice(0, 30)}`;
    const emu = await startBotApiServer({ token, botUsername: 'scope_pocket_bot' });
    const owner = emu.user(5001);
    const dm = emu.createPrivateChat(owner);
    const socket = `pocket-e2e-scope-${randomBytes(4).toString('hex')}`;
    const pocket = tempHome('pocket-scope-home-');
    const tmuxEnv = { ...process.env };
    delete tmuxEnv.TMUX;
    const tmux = async (...args: string[]) => (await promisify(execFile)('tmux', ['-L', socket, ...args], { env: tmuxEnv, timeout: 5000 })).stdout;
    // As the unit sets it; the daemon started by `pocket start` inherits this environment.
    const env = { POCKET_SERVICE_MANAGER: 'systemd', PATH: `${fakes.bin}:${process.env.PATH}` };
    try {
      pocket.writeEnv({
        TELEGRAM_BOT_TOKEN: token, AUTHORIZED_USER_IDS: '5001', TELEGRAM_API_ROOT: emu.url, POCKET_TMUX_SOCKET: socket,
      });
      // The unit's ExecStartPost: with no daemon it gives up at its deadline; with one, it returns once the bot polled.
      const early = await pocket.run(['__wait-ready', '--timeout', '0.5'], { env });
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('not running');
      expect((await pocket.run(['start'], { env })).code).toBe(0);
      const ready = await pocket.run(['__wait-ready', '--timeout', '20'], { env });
      expect(ready.code, ready.stderr).toBe(0);
      expect(emu.calls.some((call) => call.method === 'getUpdates' && call.ok)).toBe(true);
      await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll' });
      emu.sendText(dm, owner, '/new keep cat');
      await emu.waitFor(() => emu.messages(dm).find((m) => /^Started keep: cat\.$/.test(m.text ?? '')), { timeoutMs: 15_000, description: 'keep to start' });
      const panePid = await tmux('display-message', '-p', '-t', 'keep:', '#{pane_pid}');
      // The unit's marker stays with the daemon: the user's shells do not inherit it.
      await expect(tmux('show-environment', '-g', 'POCKET_SERVICE_MANAGER')).rejects.toThrow(/unknown variable/);
      // The probe, then new-session itself, each under systemd-run.
      const launched = fakes.calls().filter((argv) => argv[0] === 'systemd-run');
      expect(launched[0]).toEqual(['systemd-run', '--user', '--scope', '--quiet', '--collect', '--description=tmux server started by pocket', 'true']);
      expect(launched.some((argv) => argv.includes('tmux') && argv.includes('new-session') && argv.includes('keep'))).toBe(true);

      const restarted = await pocket.run(['restart'], { env });
      expect(restarted.code, restarted.stderr).toBe(0);
      await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll again' });
      expect(await tmux('display-message', '-p', '-t', 'keep:', '#{pane_pid}')).toBe(panePid);
      emu.sendText(dm, owner, '/send keep still-here');
      await eventually(async () => (await tmux('capture-pane', '-p', '-t', 'keep:')).includes('still-here'), { what: 'keep to take input after the restart' });
    } finally {
      await pocket.run(['stop']).catch(() => undefined);
      await tmux('kill-server').catch(() => undefined);
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
      await emu.close();
      await pocket.cleanup();
    }
  });
});
