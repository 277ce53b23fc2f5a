// `pocket init`'s steps against the embedded Bot API: pairing by the right person, and everything that must change
// nothing (a wrong code, a stranger, an expired code, a bad token, another poller, values it may not replace).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEvent } from '../../../src/cli/init/describe.js';
import { type InitEvent, type InitFlags, type InitIO, runInit } from '../../../src/cli/init/run-init.js';
import { loadConfig } from '../../../src/config.js';
import { WRONG_CODE_REPLY } from '../../../src/core/pairing.js';
import { type BotApiEmulator, startBotApiServer } from '../../../src/emulator/index.js';
import { manualClock } from '../../emulator/helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TOKEN = '7000000001:AAInitTestTokenForPocketPairing_0123456';
let emu: BotApiEmulator;
afterEach(async () => {
  await emu?.close();
});

/** A fixed random source: the code is then known, but tests still read it from what init shows. */
const bytes = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 37 + 11) % 248);

async function setUp() {
  const clock = manualClock(Date.now());
  emu = await startBotApiServer({ token: TOKEN, clock, botUsername: 'pocket_init_bot' });
  const home = tempDir('pocket-init-');
  return { clock, home, envPath: join(home, '.env') };
}

/** Runs init; `codeShown` resolves with the code (no dash) as soon as it is on the screen. */
function start(home: string, clock: { now(): number }, flags: InitFlags, extra: Partial<InitIO> = {}, env: NodeJS.ProcessEnv = {}) {
  const events: InitEvent[] = [];
  let shown: (code: string) => void = () => {};
  const codeShown = new Promise<string>((resolve) => {
    shown = resolve;
  });
  const io: InitIO = {
    show: (event) => {
      events.push(event);
      if (event.kind === 'code') shown(event.code.replace('-', ''));
    },
    ...extra,
  };
  const done = runInit(home, flags, io, { env: { TELEGRAM_API_ROOT: emu.url, ...env }, clock, randomBytes: bytes });
  return { events, codeShown, done };
}

describe('pocket init pairing', () => {
  it('pairs the person who sends the code, ignores a stranger after one answer, and writes .env 0600 keeping the rest', async () => {
    const { clock, home, envPath } = await setUp();
    writeFileSync(envPath, '# mine\nPOCKET_SHELL=on\nMY_OWN_KEY=kept\n', { mode: 0o600 });
    const owner = emu.user(501, { firstName: 'Owner' });
    const stranger = emu.user(666, { firstName: 'Stranger' });
    const ownerChat = emu.createPrivateChat(owner);
    const strangerChat = emu.createPrivateChat(stranger);

    const run = start(home, clock, { token: TOKEN });
    const code = await run.codeShown;
    emu.sendText(strangerChat, stranger, 'let me in');
    emu.sendText(strangerChat, stranger, 'AAAA-BBBB');
    await emu.waitFor(() => run.events.filter((e) => e.kind === 'wrong-code').length === 2);
    emu.sendText(ownerChat, owner, code.toLowerCase());
    const result = await run.done;

    expect(result).toMatchObject({ userId: 501, chatId: 501, username: 'pocket_init_bot' });
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(envPath, 'utf8');
    expect(text.startsWith('# mine\nPOCKET_SHELL=on\nMY_OWN_KEY=kept\n')).toBe(true);
    expect(parseEnv(text)).toEqual({
      POCKET_SHELL: 'on', MY_OWN_KEY: 'kept', TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: '501', TELEGRAM_API_ROOT: emu.url,
    });
    // The stranger was told once that the text is no code, then nothing; the owner got no message at all.
    expect(emu.messages(strangerChat).map((m) => m.text)).toEqual([WRONG_CODE_REPLY]);
    expect(emu.messages(ownerChat)).toEqual([]);
    // What was read is confirmed, so the daemon will not get the code as its first command.
    await emu.waitFor(() => emu.pendingUpdates().length === 0);
    // The token appears in no line shown.
    const shownText = run.events.flatMap((event) => describeEvent(event, clock.now())).join('\n');
    expect(shownText).not.toContain(TOKEN.split(':')[1]);
    expect(shownText).toContain(`Pairing code: ${code.slice(0, 4)}-${code.slice(4)}`);
  });

  it('pairs a forum group through /pair, recording the chat and the bot rights there', async () => {
    const { clock, home, envPath } = await setUp();
    const owner = emu.user(502);
    const group = emu.createGroup({ title: 'Ops', forum: true, members: [owner] });
    const run = start(home, clock, { token: TOKEN });
    const code = await run.codeShown;
    emu.sendText(group, owner, `/pair@pocket_init_bot ${code}`);
    await run.done;
    expect(parseEnv(readFileSync(envPath, 'utf8'))).toMatchObject({ AUTHORIZED_USER_IDS: '502', TELEGRAM_CHAT_ID: String(group.id) });
    const chat = run.events.find((e) => e.kind === 'chat');
    expect(chat).toMatchObject({ facts: { type: 'supergroup', isForum: true, botStatus: 'administrator', canManageTopics: true } });
  });

  it('refuses the right code once it has expired, and writes nothing', async () => {
    const { clock, home, envPath } = await setUp();
    const owner = emu.user(503);
    const chat = emu.createPrivateChat(owner);
    const run = start(home, clock, { token: TOKEN });
    const code = await run.codeShown;
    clock.advance(10 * 60 * 1000 + 1);
    emu.sendText(chat, owner, code);
    await expect(run.done).rejects.toThrow(/pairing code expired/);
    expect(existsSync(envPath)).toBe(false);
  });

  it('refuses a token Telegram rejects, without repeating it, and writes nothing', async () => {
    const { clock, home, envPath } = await setUp();
    const wrong = '7000000001:AAThisIsNotTheRightTokenAtAll_99999999';
    const run = start(home, clock, { token: wrong });
    const error = await run.done.catch((e: Error) => e);
    expect(String(error)).toMatch(/Telegram rejected the token \(401/);
    expect(`${String(error)} ${(error as { hint?: string }).hint}`).not.toContain('ThisIsNotTheRight');
    expect(existsSync(envPath)).toBe(false);
  });

  it('refuses a malformed token before calling Telegram', async () => {
    const { clock, home } = await setUp();
    await expect(start(home, clock, { token: 'not-a-token' }).done).rejects.toThrow(/does not look like a bot token/);
    expect(emu.calls.length).toBe(0);
  });

  it('stops with `pocket stop` advice when another process polls the same token (409)', async () => {
    const { clock, home, envPath } = await setUp();
    emu.faults.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    const run = start(home, clock, { token: TOKEN });
    const error = (await run.done.catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toMatch(/Another process polls this bot/);
    expect(error.hint).toMatch(/pocket stop/);
    expect(existsSync(envPath)).toBe(false);
  });
});

describe('pocket init without pairing (--user-id)', () => {
  it('asks before replacing a value: refuses without --yes or a terminal, replaces with --yes', async () => {
    const { clock, home, envPath } = await setUp();
    const before = `# keep\nTELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=9\n`;
    writeFileSync(envPath, before, { mode: 0o600 });
    emu.createPrivateChat(emu.user(504));

    await expect(start(home, clock, { token: TOKEN, userId: '504' }).done).rejects.toThrow(/already sets AUTHORIZED_USER_IDS; nothing was written/);
    expect(readFileSync(envPath, 'utf8')).toBe(before);

    let asked: string[] = [];
    const declined = start(home, clock, { token: TOKEN, userId: '504' }, { confirmReplace: async (changes) => { asked = changes.map((c) => c.key); return false; } });
    await expect(declined.done).rejects.toThrow(/Kept .* as it was/);
    expect(asked).toEqual(['AUTHORIZED_USER_IDS']);
    expect(readFileSync(envPath, 'utf8')).toBe(before);

    await start(home, clock, { token: TOKEN, userId: '504', yes: true }).done;
    expect(readFileSync(envPath, 'utf8')).toBe(`# keep\nTELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=9,504\nTELEGRAM_API_ROOT=${emu.url}\n`);
    // No getUpdates: with --user-id nothing is polled.
    expect(emu.calls.some((call) => call.method === 'getUpdates')).toBe(false);
  });

  it('pairing a viewer makes them an operator only: they leave POCKET_VIEWER_IDS (asked, like any replacement)', async () => {
    const { clock, home, envPath } = await setUp();
    writeFileSync(envPath, `TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=9\nPOCKET_VIEWER_IDS=7,506\n`, { mode: 0o600 });
    emu.createPrivateChat(emu.user(506));
    let asked: string[] = [];
    await expect(start(home, clock, { token: TOKEN, userId: '506' }, { confirmReplace: async (changes) => { asked = changes.map((c) => c.key); return false; } }).done)
      .rejects.toThrow(/Kept .* as it was/);
    expect(asked).toEqual(['AUTHORIZED_USER_IDS', 'POCKET_VIEWER_IDS']);
    await start(home, clock, { token: TOKEN, userId: '506', yes: true }).done;
    const written = readFileSync(envPath, 'utf8');
    expect(written).toContain('AUTHORIZED_USER_IDS=9,506\n');
    expect(written).toContain('POCKET_VIEWER_IDS=7\n');
    // What `pocket start` reads from it: no user in both lists.
    expect(loadConfig({ home, envFile: envPath, env: {} }).viewerIds).toEqual([7]);
  });

  it('takes the token from TELEGRAM_BOT_TOKEN and refuses a chat the bot cannot see when --chat-id asks for it', async () => {
    const { clock, home, envPath } = await setUp();
    const run = start(home, clock, { userId: '505', chatId: '-100777' }, {}, { TELEGRAM_BOT_TOKEN: TOKEN });
    await expect(run.done).rejects.toThrow(/cannot see chat -100777/);
    expect(existsSync(envPath)).toBe(false);
  });

  it('rejects a malformed --user-id as a usage error', async () => {
    const { clock, home } = await setUp();
    await expect(start(home, clock, { token: TOKEN, userId: '12abc' }).done).rejects.toMatchObject({ code: 'USAGE' });
  });
});
