// /screen and the cards' Screen button through a real grammY bot and the embedded Bot API: the PNG Telegram got, who
// may ask, the text fallback when the renderer cannot load, and that the cells are redacted before they are drawn.
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PALETTE_256, type ScreenSnapshot, screenText } from '../../src/core/screen.js';
import { renderScreenPng } from '../../src/screen/index.js';
import { pemKey } from '../fixtures/canaries.js';
import { type BotHarness, botSaid, drained, running, startBot, VIEWER_ID } from './harness.js';

let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

/** A red bold word, a CJK word and a blue status bar: what a full-screen program might show. */
const COLOURED = '\x1b[1;31mERROR\x1b[0m build 中文\r\n\x1b[44;37m status bar \x1b[0m';

function pixel(png: PNG, x: number, y: number): number {
  const at = (y * png.width + x) * 4;
  return (png.data[at]! << 16) | (png.data[at + 1]! << 8) | png.data[at + 2]!;
}

async function photoIn(chat: Parameters<BotHarness['emu']['messages']>[0]) {
  return h.emu.waitFor(() => h.emu.messages(chat).find((m) => m.photo !== undefined), { description: 'a photo from the bot' });
}

describe('/screen', () => {
  it('sends the screen as a PNG photo, captioned with the session and its state, as a reply', async () => {
    h = await running(await startBot());
    const build = h.sessions.add('build');
    h.sessions.screens.set(build.id, COLOURED);
    const asked = h.emu.sendText(h.dm, h.owner, '/screen build');
    const photo = await photoIn(h.dm);
    expect(photo.caption).toBe('build — running');
    expect(photo.replyToMessageId).toBe(asked.message?.message_id);
    expect(photo.photo!.file.mimeType).toBe('image/png');
    const png = PNG.sync.read(photo.photo!.file.bytes);
    // 80x24 at 2x: Unifont's 8x16 cells doubled.
    expect([png.width, png.height]).toEqual([1280, 768]);
    expect([photo.photo!.width, photo.photo!.height]).toEqual([1280, 768]);
    const colours = new Set<number>();
    for (let y = 0; y < 32; y++) for (let x = 0; x < 5 * 16; x++) colours.add(pixel(png, x, y));
    expect(colours).toContain(PALETTE_256[9]); // bold red is drawn bright red
    expect(pixel(png, 0, 40)).toBe(PALETTE_256[4]); // the status bar's blue
    // Audited once the photo was sent, after Telegram's answer: the file is written a moment after the message exists.
    await vi.waitFor(() => expect(h.audit().find((e) => e.action === 'screen')).toMatchObject({ outcome: 'ok', sessionId: build.id }));
  });

  it('in a session\'s topic needs no argument', async () => {
    h = await running(await startBot({ forum: true }));
    h.emu.sendText(h.chat, h.owner, '/new web');
    await botSaid(h, h.chat, /web — running/);
    const web = h.sessions.resolve('web');
    await h.emu.waitFor(() => h.sessions.get(web.id)?.topicId ?? undefined);
    const threadId = h.sessions.get(web.id)!.topicId!;
    h.emu.sendText(h.chat, h.owner, '/screen', { threadId });
    const photo = await photoIn(h.chat);
    expect(photo.threadId).toBe(threadId);
    expect(photo.caption).toBe('web — running');
  });

  it('sends a screen wider than Telegram keeps a photo as a PNG document', async () => {
    h = await running(await startBot());
    const wide = h.sessions.add('wide');
    h.sessions.screenSize = { cols: 200, rows: 50 };
    h.sessions.screens.set(wide.id, 'a very wide screen');
    h.emu.sendText(h.dm, h.owner, '/screen wide');
    const doc = await h.emu.waitFor(() => h.emu.messages(h.dm).find((m) => m.document !== undefined));
    expect(doc.document?.fileName).toBe('wide-screen.png');
    expect(doc.caption).toBe('wide — running');
    const png = PNG.sync.read(doc.document!.bytes);
    expect([png.width, png.height]).toEqual([1600, 800]);
  });

  it('draws the redacted cells: a secret on the screen never reaches the renderer', async () => {
    const secret = 'sk-live-0123456789abcdefSECRET';
    const seen: ScreenSnapshot[] = [];
    h = await running(await startBot({
      config: { secrets: [secret] },
      renderScreen: (screen) => {
        seen.push(screen);
        return renderScreenPng(screen);
      },
    }));
    const s = h.sessions.add('keys');
    h.sessions.screens.set(s.id, `export KEY=\x1b[33m${secret}\x1b[0m; echo done`);
    h.emu.sendText(h.dm, h.owner, '/screen keys');
    await photoIn(h.dm);
    const text = screenText(seen[0]!).join('\n');
    expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('; echo done');
  });

  it('a private key block printed on the screen never reaches the renderer, though each of its lines alone looks harmless', async () => {
    const seen: ScreenSnapshot[] = [];
    h = await running(await startBot({
      renderScreen: (screen) => {
        seen.push(screen);
        return renderScreenPng(screen);
      },
    }));
    const s = h.sessions.add('keys');
    const block = pemKey().split('\n');
    h.sessions.screenSize = { cols: 80, rows: 40 };
    h.sessions.screens.set(s.id, ['$ cat id_rsa', ...block, '$ '].join('\r\n'));
    h.emu.sendText(h.dm, h.owner, '/screen keys');
    await photoIn(h.dm);
    const text = screenText(seen[0]!).join('\n');
    for (const line of block.slice(1, -1)) expect(text).not.toContain(line.slice(0, 20));
    expect(text).toContain('$ cat id_rsa');
  });

  it('without a renderer sends the screen as monospace text and says why in one sentence', async () => {
    h = await running(await startBot({ renderScreen: async () => { throw new Error('the font package @fontsource/unifontex is not installed'); } }));
    const s = h.sessions.add('plain');
    h.sessions.screens.set(s.id, COLOURED);
    h.emu.sendText(h.dm, h.owner, '/screen plain');
    const why = await botSaid(h, h.dm, /^No image/);
    expect(why.text).toBe("No image of plain's screen: the screen renderer could not load (the font package @fontsource/unifontex is not installed). Here it is as text.");
    const block = await botSaid(h, h.dm, /^ERROR build/);
    expect(block.text).toBe('ERROR build 中文\n status bar');
    expect(block.entities?.[0]?.type).toBe('pre');
    expect(h.emu.messages(h.dm).some((m) => m.photo !== undefined)).toBe(false);
  });

  it('says an agent session has no terminal screen, and an unknown session is unknown', async () => {
    h = await running(await startBot());
    h.sessions.add('cc', { kind: 'claude', agent: { cwd: '/src', agentSessionId: null, fork: false } });
    h.emu.sendText(h.dm, h.owner, '/screen cc');
    expect((await botSaid(h, h.dm, /no terminal screen/)).text).toBe('cc is a claude session: it has no terminal screen.\n/tail cc shows its latest steps.');
    h.emu.sendText(h.dm, h.owner, '/screen nope');
    await botSaid(h, h.dm, /nope/);
    await drained(h);
    expect(h.emu.messages(h.dm).some((m) => m.photo !== undefined)).toBe(false);
  });
});

describe('who may look at a screen', () => {
  it('a viewer may use /screen; a stranger gets nothing, and no screen is read for them', async () => {
    h = await running(await startBot({ forum: true, config: { viewerIds: [VIEWER_ID] } }));
    const s = h.sessions.add('build');
    h.sessions.screens.set(s.id, COLOURED);
    h.emu.sendText(h.chat, h.stranger, '/screen build');
    await drained(h);
    expect(h.sessions.calls.filter((c) => c.method === 'snapshot')).toEqual([]);
    expect(h.emu.messages(h.chat)).toEqual([]);

    h.emu.sendText(h.chat, h.viewer, '/screen build');
    const photo = await photoIn(h.chat);
    expect(photo.caption).toBe('build — running');
    expect(h.sessions.calls.filter((c) => c.method === 'snapshot')).toHaveLength(1);
  });

  it('the Screen button is on the card of a full-screen session only, and a viewer may press it', async () => {
    h = await running(await startBot({ forum: true, config: { viewerIds: [VIEWER_ID] } }));
    const top = h.sessions.add('top', { screen: { lines: ['top - 10:00:01 up 3 days'], cursorRow: 0 } });
    const sh = h.sessions.add('sh');
    h.sessions.screens.set(top.id, COLOURED);
    h.sessions.emit({ type: 'created', session: top });
    h.sessions.emit({ type: 'created', session: sh });
    const card = await botSaid(h, h.chat, /^▶ top — running/);
    const shCard = await botSaid(h, h.chat, /^▶ sh — running/);
    expect(shCard.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).not.toContain('Screen');
    const button = card.replyMarkup?.inline_keyboard.flat().find((b) => b.text === 'Screen');
    if (button === undefined || !('callback_data' in button)) throw new Error('the card of top has no Screen button');
    h.emu.pressButton(h.chat, h.viewer, card.messageId, button.callback_data);
    const photo = await photoIn(h.chat);
    expect(photo.caption).toBe('top — running');
    expect(photo.threadId).toBe(card.threadId);
    await vi.waitFor(() => expect(h.audit().find((e) => e.action === 'button:screen')).toMatchObject({ outcome: 'ok', userId: VIEWER_ID }));
  });
});
