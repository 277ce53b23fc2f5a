// `pocket init` as a script runs it: the built binary, flags only, against the embedded Bot API.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiServer } from '../../src/emulator/index.js';
import { CANARY_TOKEN, eventually, tempHomesPerTest } from '../helpers/pocket.js';

const fresh = tempHomesPerTest(afterEach, (logs) => expect(logs).not.toContain(CANARY_TOKEN));

describe('pocket init --token ... --yes', () => {
  it('pairs the person who sends the shown code and writes .env 0600; the token is printed nowhere', async () => {
    const emulator = await startBotApiServer({ token: CANARY_TOKEN, botUsername: 'init_e2e_bot' });
    try {
      const owner = emulator.user(801);
      const chat = emulator.createPrivateChat(owner);
      const h = fresh();
      const child = h.spawn(['init', '--token', CANARY_TOKEN, '--yes'], { TELEGRAM_API_ROOT: emulator.url });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const code = await eventually(() => /Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(stdout)?.[1], { what: 'the pairing code on stdout' });
      expect(stdout).toContain(`https://t.me/init_e2e_bot?start=${code.replace('-', '')}`);
      emulator.sendText(chat, owner, code);
      expect(await exited, stderr).toBe(0);
      expect(stdout).toMatch(/Paired: Telegram user 801, private chat/);
      expect(stdout).toMatch(/Next: `pocket start`/);
      expect(stdout + stderr).not.toContain(CANARY_TOKEN.split(':')[1]);
      const env = join(h.home, '.env');
      expect(statSync(env).mode & 0o777).toBe(0o600);
      expect(parseEnv(readFileSync(env, 'utf8'))).toEqual({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '801', TELEGRAM_API_ROOT: emulator.url });
      // The paired home is ready: doctor's Telegram checks pass against it.
      const doctor = await h.run(['doctor', '--json'], { env: { TELEGRAM_API_ROOT: emulator.url } });
      const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] }).checks;
      expect(checks.filter((c) => ['token', 'chat', 'config', 'env-file'].includes(c.id)).map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    } finally {
      await emulator.close();
    }
  });

  it('refuses a bad token with exit 1 and a clear message, and writes nothing', async () => {
    const emulator = await startBotApiServer({ token: '7000000001:someOTHERtokenSOMEotherTOKENsomeOTHER12' });
    try {
      const h = fresh();
      const result = await h.run(['init', '--token', CANARY_TOKEN, '--yes'], { env: { TELEGRAM_API_ROOT: emulator.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/pocket: Telegram rejected the token \(401/);
      expect(result.stderr).toMatch(/hint: Copy it again from @BotFather/);
      expect(result.stdout + result.stderr).not.toContain(CANARY_TOKEN);
      expect(() => statSync(join(h.home, '.env'))).toThrow(/ENOENT/);
    } finally {
      await emulator.close();
    }
  });

  it("refuses to run while this home's daemon polls the bot, and leaves it polling", async () => {
    const emulator = await startBotApiServer({ token: CANARY_TOKEN, botUsername: 'init_e2e_bot' });
    try {
      const h = fresh();
      h.writeEnv({ TELEGRAM_BOT_TOKEN: CANARY_TOKEN, AUTHORIZED_USER_IDS: '801', TELEGRAM_API_ROOT: emulator.url, POCKET_TMUX_SOCKET: `pocket-init-${process.pid}` });
      const before = readFileSync(join(h.home, '.env'), 'utf8');
      expect((await h.run(['start'])).code).toBe(0);
      await emulator.waitFor(() => emulator.polling, { timeoutMs: 10_000 });
      const getMes = emulator.calls.filter((c) => c.method === 'getMe').length;
      const result = await h.run(['init', '--token', CANARY_TOKEN, '--yes'], { env: { TELEGRAM_API_ROOT: emulator.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/pocket's daemon of .* is running \(pid \d+\) and polls this bot/);
      expect(result.stderr).toMatch(/hint: Run `pocket stop` first/);
      // init called nothing (not even getMe), so the daemon's long poll was not cut: no 409 anywhere.
      expect(emulator.calls.filter((c) => c.method === 'getMe')).toHaveLength(getMes);
      expect(emulator.calls.filter((c) => c.error?.error_code === 409)).toHaveLength(0);
      expect(emulator.polling).toBe(true);
      expect(readFileSync(join(h.home, '.env'), 'utf8')).toBe(before);
    } finally {
      await emulator.close();
    }
  });

  it('is a usage error (exit 2) without a token when no terminal can ask for one', async () => {
    const h = fresh();
    const result = await h.run(['init', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No bot token: pass --token, set TELEGRAM_BOT_TOKEN/);
  });
});
