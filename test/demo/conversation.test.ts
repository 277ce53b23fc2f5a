// The demo console's view of a message: a /screen photo is shown as its file, like a document.
import { InputFile } from 'grammy';
import { afterEach, expect, it } from 'vitest';
import { toChatLine } from '../../src/demo/conversation.js';
import { encodePng } from '../../src/screen/png.js';
import { type Harness, startHarness } from '../emulator/helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.emu.close();
});

it('a photo the bot sent is a line with its caption and its file', async () => {
  h = await startHarness({ rate: false });
  const chat = h.emu.createPrivateChat(h.emu.user(7, { firstName: 'Ann' }));
  const png = encodePng(4, 2, new Uint8Array(4 * 2 * 3));
  await h.api.sendPhoto(chat.id, new InputFile(png, 'build-screen.png'), { caption: 'build — running' });
  const message = h.emu.lastMessage(chat)!;
  const line = toChatLine(message, new Map([[message.messageId, message]]));
  expect(line).toMatchObject({ from: 'bot', text: 'build — running', document: { name: 'build-screen.png', size: png.length } });
});
