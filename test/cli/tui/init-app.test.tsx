// The interactive `pocket init`: the token typed without echo, the code on screen, the pairing, the yes/no before
// replacing a value, all through the real steps against the embedded Bot API.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { runInit } from '../../../src/cli/init/run-init.js';
import { InitApp } from '../../../src/cli/tui/init/init-app.js';
import { type BotApiEmulator, startBotApiServer } from '../../../src/emulator/index.js';
import { manualClock } from '../../emulator/helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitForFrame } from './wait-for-frame.js';

const TOKEN = '7000000002:AAInkInitTokenForPocketPairingTest_987';
const SECRET_PART = TOKEN.split(':')[1]!;
let emu: BotApiEmulator;
afterEach(async () => {
  await emu?.close();
});

async function mount(home: string) {
  const clock = manualClock(Date.now());
  emu = await startBotApiServer({ token: TOKEN, clock, botUsername: 'pocket_ink_bot' });
  let exited: { error: unknown } | undefined;
  const app = render(
    <InitApp
      run={(io, signal) => runInit(home, {}, io, { env: { TELEGRAM_API_ROOT: emu.url }, clock, randomBytes: (n) => new Uint8Array(n).fill(5), signal })}
      now={clock.now}
      onExit={(error) => {
        exited = { error };
      }}
    />,
  );
  return { app, exited: () => exited };
}

describe('InitApp', () => {
  it('takes the token without echo, shows the code, pairs, asks before replacing a value, and writes .env', async () => {
    const home = tempDir('pocket-init-ink-');
    writeFileSync(join(home, '.env'), 'AUTHORIZED_USER_IDS=9\n', { mode: 0o600 });
    const { app, exited } = await mount(home);
    const owner = emu.user(601);
    const chat = emu.createPrivateChat(owner);

    await waitForFrame(app.lastFrame, (f) => f.includes('not shown as you type'));
    // A token Telegram refuses is asked for again, with the reason and without echoing it.
    const wrong = '7000000002:AAThisTokenWasRevokedLongAgo_0000000';
    app.stdin.write(wrong);
    await waitForFrame(app.lastFrame, (f) => f.includes(`${wrong.length} characters`));
    app.stdin.write('\r');
    const refused = await waitForFrame(app.lastFrame, (f) => f.includes('Telegram rejected the token (401') && f.includes('0 characters'), 5000);
    expect(refused).not.toContain('RevokedLongAgo');
    app.stdin.write(TOKEN);
    const typed = await waitForFrame(app.lastFrame, (f) => f.includes(`${TOKEN.length} characters`));
    expect(typed).not.toContain(SECRET_PART);
    app.stdin.write('\r');

    const withCode = await waitForFrame(app.lastFrame, (f) => /Pairing code: [A-Z2-9]{4}-[A-Z2-9]{4}/.test(f), 5000);
    const code = /Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(withCode)![1]!;
    expect(withCode).toContain('@pocket_ink_bot');
    emu.sendText(chat, owner, code);

    const asking = await waitForFrame(app.lastFrame, (f) => f.includes('Replace them? [y/N]'), 5000);
    expect(asking).toContain('AUTHORIZED_USER_IDS 9 -> 9,601');
    app.stdin.write('y');
    const done = await waitForFrame(app.lastFrame, (f) => f.includes('Next: `pocket start`'), 5000);
    expect(done).not.toContain(SECRET_PART);
    expect(exited()).toEqual({ error: undefined });
    expect(parseEnv(readFileSync(join(home, '.env'), 'utf8'))).toMatchObject({ TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: '9,601' });
  });

  it('Ctrl-C while waiting for the code ends the run and writes nothing', async () => {
    const home = tempDir('pocket-init-ink-');
    const { app, exited } = await mount(home);
    await waitForFrame(app.lastFrame, (f) => f.includes('not shown as you type'));
    app.stdin.write(`${TOKEN}`);
    await waitForFrame(app.lastFrame, (f) => f.includes(`${TOKEN.length} characters`));
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Waiting for the code'), 5000);
    app.stdin.write('\x03');
    await emu.waitFor(() => exited() !== undefined);
    expect(String(exited()!.error)).toMatch(/Interrupted: nothing was written/);
    expect(() => readFileSync(join(home, '.env'))).toThrow(/ENOENT/);
  });
});
