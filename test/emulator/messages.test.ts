import { InputFile } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/screen/png.js';
import { apiError, type Harness, manualClock, startHarness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.emu.close();
});

async function privateChat(options: Parameters<typeof startHarness>[0] = { rate: false }) {
  h = await startHarness(options);
  const user = h.emu.user(7, { firstName: 'Ann', username: 'ann' });
  const chat = h.emu.createPrivateChat(user);
  return { user, chat };
}

const keyboard = (data: string) => ({ inline_keyboard: [[{ text: 'Go', callback_data: data }]] });

describe('sendMessage', () => {
  it('stores plain text and entities parsed from HTML, trimmed like Telegram', async () => {
    const { chat } = await privateChat();
    const sent = await h.api.sendMessage(chat.id, '  <b>up</b> &amp; running\n', { parse_mode: 'HTML' });
    expect(sent).toMatchObject({ text: 'up & running', entities: [{ type: 'bold', offset: 0, length: 2 }] });
    expect(h.emu.lastMessage(chat)).toMatchObject({ text: 'up & running', fromBot: true, editCount: 0 });
  });

  it('refuses bad HTML with "can\'t parse entities"', async () => {
    const { chat } = await privateChat();
    const error = await apiError(h.api.sendMessage(chat.id, 'x <y> z', { parse_mode: 'HTML' }));
    expect(error.error_code).toBe(400);
    expect(error.description).toMatch(/^Bad Request: can't parse entities: /);
    expect(h.emu.messages(chat)).toEqual([]);
  });

  it('counts length after entity parsing: 4096 characters pass, 4097 are too long, empty is refused', async () => {
    const { chat } = await privateChat();
    await h.api.sendMessage(chat.id, `<b>${'a'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    await h.api.sendMessage(chat.id, '😀'.repeat(4096));
    const long = await apiError(h.api.sendMessage(chat.id, 'a'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    const empty = await apiError(h.api.sendMessage(chat.id, '<b> </b>', { parse_mode: 'HTML' }));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('checks callback_data length in bytes', async () => {
    const { chat } = await privateChat();
    await h.api.sendMessage(chat.id, 'ok', { reply_markup: keyboard('é'.repeat(32)) });
    const error = await apiError(h.api.sendMessage(chat.id, 'no', { reply_markup: keyboard('x'.repeat(65)) }));
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const multibyte = await apiError(h.api.sendMessage(chat.id, 'no', { reply_markup: keyboard('é'.repeat(33)) }));
    expect(multibyte.description).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('replies to existing messages only, and knows unknown chats and blocked users', async () => {
    const { user, chat } = await privateChat();
    const incoming = h.emu.sendText(chat, user, 'hi');
    const reply = await h.api.sendMessage(chat.id, 'hello', { reply_parameters: { message_id: incoming.message!.message_id } });
    expect(reply.reply_to_message?.text).toBe('hi');
    const missing = await apiError(h.api.sendMessage(chat.id, 'x', { reply_parameters: { message_id: 999 } }));
    expect(missing.description).toBe('Bad Request: message to be replied not found');
    expect((await apiError(h.api.sendMessage(12345, 'x'))).description).toBe('Bad Request: chat not found');
    h.emu.blockBot(user);
    const blocked = await apiError(h.api.sendMessage(chat.id, 'x'));
    expect([blocked.error_code, blocked.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
  });
});

describe('editing and deleting', () => {
  it('edits in place, refuses identical content and missing messages, and drops a keyboard not resent', async () => {
    const { chat } = await privateChat();
    const card = await h.api.sendMessage(chat.id, '<b>idle</b>', { parse_mode: 'HTML', reply_markup: keyboard('r') });
    const same = await apiError(
      h.api.editMessageText(chat.id, card.message_id, '<b>idle</b>', { parse_mode: 'HTML', reply_markup: keyboard('r') }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified: specified new message content and reply markup are exactly the same/);
    await h.api.editMessageText(chat.id, card.message_id, '<b>running</b>', { parse_mode: 'HTML', reply_markup: keyboard('r') });
    await h.api.editMessageText(chat.id, card.message_id, 'done');
    const stored = h.emu.message(chat, card.message_id)!;
    expect(stored).toMatchObject({ text: 'done', editCount: 2, history: ['idle', 'running'], replyMarkup: undefined });
    const missing = await apiError(h.api.editMessageText(chat.id, 999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
    await h.api.editMessageReplyMarkup(chat.id, card.message_id, { reply_markup: keyboard('k') });
    expect((await apiError(h.api.editMessageReplyMarkup(chat.id, card.message_id, { reply_markup: keyboard('k') }))).description)
      .toMatch(/message is not modified/);
    await h.api.deleteMessage(chat.id, card.message_id);
    expect(h.emu.messages(chat)).toEqual([]);
    expect((await apiError(h.api.deleteMessage(chat.id, card.message_id))).description).toBe('Bad Request: message to delete not found');
  });

  it('pins messages', async () => {
    const { chat } = await privateChat();
    const m = await h.api.sendMessage(chat.id, 'card');
    await h.api.pinChatMessage(chat.id, m.message_id, { disable_notification: true });
    expect(h.emu.message(chat, m.message_id)?.pinned).toBe(true);
  });
});

describe('flood control', () => {
  it('answers 429 with retry_after once a chat spends its burst, and counts the refusals', async () => {
    const clock = manualClock();
    const { chat } = await privateChat({ clock, rate: { perChatBurst: 2 } });
    await h.api.sendMessage(chat.id, '1');
    await h.api.sendMessage(chat.id, '2');
    const error = await apiError(h.api.sendMessage(chat.id, '3'));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 1');
    expect(error.parameters.retry_after).toBe(1);
    expect(h.emu.rateLimitHits(chat)).toBe(1);
    clock.advance(1000);
    await h.api.sendMessage(chat.id, '3');
  });

  it('limits a group to 20 messages a minute, edits included', async () => {
    const clock = manualClock();
    h = await startHarness({ clock, rate: { perChatBurst: 100, perChatPerSecond: 100 } });
    const group = h.emu.createGroup({ title: 'team' });
    const first = await h.api.sendMessage(group.id, 'm0');
    for (let i = 1; i < 19; i++) await h.api.sendMessage(group.id, `m${i}`);
    await h.api.editMessageText(group.id, first.message_id, 'edited');
    clock.advance(30_000);
    const error = await apiError(h.api.sendMessage(group.id, 'one too many'));
    expect(error.parameters.retry_after).toBe(30);
    expect(h.emu.rateLimitHits(group)).toBe(1);
  });
});

describe('documents', () => {
  it('round-trips an upload byte for byte, with caption rules', async () => {
    const { chat } = await privateChat();
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    bytes.write('\r\n--', 100, 'latin1');
    const sent = await h.api.sendDocument(chat.id, new InputFile(bytes, 'pocket.log'), {
      caption: '<i>log</i>',
      parse_mode: 'HTML',
    });
    expect(sent.document).toMatchObject({ file_name: 'pocket.log', mime_type: 'text/plain', file_size: bytes.length });
    expect(sent.caption).toBe('log');
    const stored = h.emu.lastMessage(chat)!;
    expect(stored.document!.bytes.equals(bytes)).toBe(true);
    const file = await h.api.getFile(sent.document!.file_id);
    const downloaded = await fetch(`${h.emu.url}/file/bot${h.emu.token}/${file.file_path}`);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes)).toBe(true);
    const again = await h.api.sendDocument(chat.id, sent.document!.file_id);
    expect(again.document?.file_unique_id).toBe(sent.document!.file_unique_id);
    const long = await apiError(h.api.sendDocument(chat.id, new InputFile(Buffer.from('x'), 'a.txt'), { caption: 'c'.repeat(1025) }));
    expect(long.description).toBe('Bad Request: message caption is too long');
  });
});

describe('photos', () => {
  /** A real PNG of width x height for the small ones; for the large ones a 1x1 PNG whose IHDR claims the size (what Telegram reads first). */
  const png = (width: number, height: number): Uint8Array => {
    if (width * height <= 2_000_000) return encodePng(width, height, new Uint8Array(width * height * 3).fill(0x80));
    const bytes = Buffer.from(encodePng(1, 1, new Uint8Array(3)));
    bytes.writeUInt32BE(width, 16);
    bytes.writeUInt32BE(height, 20);
    return bytes;
  };

  it('keeps the upload byte for byte, answers with its size scaled to 1280 px, and re-sends by file_id', async () => {
    const { chat } = await privateChat();
    const bytes = png(1600, 800);
    const sent = await h.api.sendPhoto(chat.id, new InputFile(bytes, 'screen.png'), { caption: '<b>web</b> — running', parse_mode: 'HTML' });
    expect(sent.photo?.at(-1)).toMatchObject({ width: 1280, height: 640, file_size: bytes.length });
    expect(sent.caption).toBe('web — running');
    const stored = h.emu.lastMessage(chat)!;
    expect(stored.photo).toMatchObject({ width: 1600, height: 800 });
    expect(stored.photo!.file.mimeType).toBe('image/png');
    expect(Buffer.from(stored.photo!.file.bytes).equals(Buffer.from(bytes))).toBe(true);
    const again = await h.api.sendPhoto(chat.id, sent.photo!.at(-1)!.file_id);
    expect(again.photo?.at(-1)?.file_unique_id).toBe(sent.photo!.at(-1)!.file_unique_id);
    const small = await h.api.sendPhoto(chat.id, new InputFile(png(640, 384), 'small.png'));
    expect(small.photo?.at(-1)).toMatchObject({ width: 640, height: 384 });
  });

  it('refuses what Telegram refuses: over 10 MB, width + height over 10000, sides over 20:1, not an image', async () => {
    const { chat } = await privateChat();
    const send = (bytes: Uint8Array) => apiError(h.api.sendPhoto(chat.id, new InputFile(bytes, 'x.png')));
    expect((await send(png(6000, 4001))).description).toBe('Bad Request: PHOTO_INVALID_DIMENSIONS');
    expect((await send(png(2100, 100))).description).toBe('Bad Request: PHOTO_INVALID_DIMENSIONS');
    expect((await send(Buffer.from('not an image at all'))).description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    const big = Buffer.concat([Buffer.from(png(100, 100)), Buffer.alloc(10 * 1024 * 1024)]);
    expect((await send(big)).description).toBe('Bad Request: PHOTO_SAVE_FILE_INVALID');
    // At the limits exactly: accepted.
    expect((await h.api.sendPhoto(chat.id, new InputFile(png(2000, 100), 'ok.png'))).photo?.at(-1)).toMatchObject({ width: 1280, height: 64 });
    expect(h.emu.messages(chat).filter((m) => m.photo !== undefined)).toHaveLength(1);
  });
});
