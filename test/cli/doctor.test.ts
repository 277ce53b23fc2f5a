// `pocket doctor`'s checks against the embedded Bot API and temp homes: each failure comes with its fix.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatReport, runDoctor } from '../../src/cli/commands/doctor.js';
import { DOCTOR_CHECKS } from '../../src/cli/doctor/checks.js';
import type { CheckResult } from '../../src/core/doctor.js';
import { type BotApiEmulator, startBotApiServer } from '../../src/emulator/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = '7000000003:AADoctorTestTokenForPocketChecks_4567';
// The unit project runs no tmux: the tmux check is covered by test/e2e/cli-commands.test.ts.
const CHECKS = DOCTOR_CHECKS.filter((check) => check.id !== 'tmux');
let emu: BotApiEmulator;
afterEach(async () => {
  await emu?.close();
});

async function setUp(settings: Record<string, string> = {}, options: { privacyMode?: boolean } = {}) {
  emu = await startBotApiServer({ token: TOKEN, botUsername: 'pocket_doctor_bot', rate: false, ...options });
  const home = tempDir('pocket-doctor-');
  const values = { TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: '701', TELEGRAM_API_ROOT: emu.url, ...settings };
  writeFileSync(join(home, '.env'), Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  return home;
}

async function checks(home: string): Promise<Record<string, CheckResult>> {
  const report = await runDoctor(home, { HOME: home }, CHECKS);
  return Object.fromEntries(report.checks.map((check) => [check.id, check]));
}

describe('pocket doctor', () => {
  it('passes the Telegram checks for a valid token and a private chat the user started', async () => {
    const home = await setUp();
    emu.createPrivateChat(emu.user(701));
    const c = await checks(home);
    for (const id of ['env-file', 'config', 'bot-api', 'token', 'other-poller', 'chat', 'forum-rights', 'privacy-mode', 'daemon', 'node']) {
      expect(c[id]?.status, `${id}: ${c[id]?.detail}`).toBe('pass');
    }
    expect(c.token!.detail).toContain('@pocket_doctor_bot');
    // The probe confirmed nothing: an update waiting for the daemon is still there.
    emu.sendText(emu.createPrivateChat(emu.user(702)), emu.user(702), 'hello');
    await checks(home);
    expect(emu.pendingUpdates()).toHaveLength(1);
  });

  it('warns of a name in .env that looks like a setting but is none (a typo), with the one it likely meant', async () => {
    const home = await setUp({ POCKET_SHEL: 'on', POCKET_WHATEVER: '1', MY_OWN_KEY: 'x' });
    emu.createPrivateChat(emu.user(701));
    const c = await checks(home);
    expect(c.config).toMatchObject({ status: 'warn', detail: '.env sets names pocket does not read: POCKET_SHEL (did you mean POCKET_SHELL?), POCKET_WHATEVER' });
    expect(c.config!.fix).toContain('.env.example');
  });

  it('says a revoked token is rejected, with the BotFather fix, while the Bot API itself answers', async () => {
    const home = await setUp({ TELEGRAM_BOT_TOKEN: '7000000003:AARevokedTokenNoLongerValid_000000000' });
    const c = await checks(home);
    expect(c['bot-api']!.status).toBe('pass');
    expect(c.token).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^rejected: 401/) });
    expect(c.token!.fix).toMatch(/@BotFather/);
    expect(c.chat!.status).toBe('skip');
    expect(JSON.stringify(c)).not.toContain('RevokedTokenNoLonger');
  });

  it('says the Bot API is unreachable (network fault) and skips what depends on it', async () => {
    const home = await setUp();
    emu.faults.setOffline(true);
    const c = await checks(home);
    expect(c['bot-api']).toMatchObject({ status: 'fail', detail: expect.stringContaining(`Cannot reach the Bot API at ${emu.url}`) });
    expect(c.token!.status).toBe('skip');
    expect(c['other-poller']!.status).toBe('skip');
    expect(JSON.stringify(c)).not.toContain(TOKEN.split(':')[1]);
  });

  it('finds another poller (409) and a webhook, each with its own fix', async () => {
    const home = await setUp();
    emu.createPrivateChat(emu.user(701));
    emu.faults.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    expect((await checks(home))['other-poller']).toMatchObject({ status: 'fail', fix: expect.stringContaining('pocket stop') });

    await fetch(`${emu.url}/bot${TOKEN}/setWebhook?url=https://example.invalid/hook`);
    expect((await checks(home))['other-poller']).toMatchObject({ status: 'fail', fix: expect.stringContaining('deleteWebhook') });
  });

  it('fails a private chat the user never started, telling them to press Start', async () => {
    const home = await setUp();
    const c = await checks(home);
    expect(c.chat).toMatchObject({ status: 'fail', fix: expect.stringContaining('press Start') });
    expect(c['forum-rights']!.status).toBe('skip');
  });

  it('judges a forum: an admin with the rights passes; a plain member fails with the admin fix and a privacy warning', async () => {
    const admin = await setUp();
    const forum = emu.createGroup({ title: 'Ops', forum: true, botIsAdmin: true });
    writeFileSync(join(admin, '.env'), `TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=701\nTELEGRAM_API_ROOT=${emu.url}\nTELEGRAM_CHAT_ID=${forum.id}\n`, { mode: 0o600 });
    const good = await checks(admin);
    expect(good.chat).toMatchObject({ status: 'pass', detail: 'forum supergroup "Ops"' });
    expect(good['forum-rights']!.status).toBe('pass');
    expect(good['privacy-mode']!.status).toBe('pass');

    const member = emu.createGroup({ title: 'Plain', forum: true, botIsAdmin: false });
    writeFileSync(join(admin, '.env'), `TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=701\nTELEGRAM_API_ROOT=${emu.url}\nTELEGRAM_CHAT_ID=${member.id}\n`, { mode: 0o600 });
    const bad = await checks(admin);
    expect(bad['forum-rights']).toMatchObject({ status: 'fail', fix: expect.stringContaining('Manage topics') });
    expect(bad['privacy-mode']).toMatchObject({ status: 'warn', fix: expect.stringContaining('/setprivacy') });
  });

  it('fails a .env others can read and a .state others can list, with the chmod that fixes each', async () => {
    const home = await setUp();
    chmodSync(join(home, '.env'), 0o644);
    mkdirSync(join(home, '.state'), { mode: 0o755 });
    chmodSync(join(home, '.state'), 0o755);
    const c = await checks(home);
    expect(c['env-file']).toMatchObject({ status: 'fail', fix: `Run: chmod 600 ${join(home, '.env')}` });
    expect(c['private-dirs']).toMatchObject({ status: 'fail', fix: `Run: chmod 700 ${join(home, '.state')}` });
  });

  it('sends a home without .env to `pocket init`, and counts the disk the pane logs use', async () => {
    const home = tempDir('pocket-doctor-');
    mkdirSync(join(home, '.state', 'panes'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.state', 'panes', 's1-abc.log.0.chunk'), 'x'.repeat(3000));
    const report = await runDoctor(home, { HOME: home }, CHECKS);
    const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]));
    expect(byId['env-file']).toMatchObject({ status: 'fail', fix: 'Run `pocket init`.' });
    expect(byId.config).toMatchObject({ status: 'fail', fix: 'Run `pocket init`.' });
    expect(byId['pane-logs']).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^3 KiB in 1 pane log/) });
    expect(report.ok).toBe(false);
    expect(formatReport(home, report)).toMatch(/FAIL \.env permissions: .* does not exist\n {5}fix: Run `pocket init`\./);
  });
});
