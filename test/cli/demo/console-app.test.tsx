import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../../src/cli/tui/demo/console-app.js';
import { DemoChat } from '../../../src/demo/demo-chat.js';
import { type BotApiEmulator, startBotApiServer } from '../../../src/emulator/index.js';
import { frameOf, waitForFrame } from '../tui/wait-for-frame.js';

const KEY = { enter: '\r', tab: '\t', up: '\u001b[A', right: '\u001b[C', ctrlC: '\u0003', ctrlN: '\u000e', esc: '\u001b' };

let emu: BotApiEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** The real emulator, the demo user's chat, the console on it, and a grammY Api playing the bot. */
async function mount(options: { forum?: boolean } = {}) {
  emu = await startBotApiServer({ rate: false });
  const you = emu.user(1001, { firstName: 'You' });
  const target = options.forum ? emu.createGroup({ title: 'demo', forum: true, members: [you] }) : emu.createPrivateChat(you);
  const chat = new DemoChat(emu, target, you);
  const api = new Api(emu.token, { apiRoot: emu.url });
  const onQuit = vi.fn();
  const app = render(<ConsoleApp chat={chat} onQuit={onQuit} />);
  const frame = (check: (f: string) => boolean) => waitForFrame(app.lastFrame, check);
  /** Writes a key and waits for the frame it leads to, so the next key sees the new focus. */
  const press = async (keys: string, check: (f: string) => boolean) => {
    app.stdin.write(keys);
    return frame(check);
  };
  const lastUpdate = (): Update => emu!.pendingUpdates().at(-1)!;
  return { emu, chat, api, app, onQuit, frame, press, lastUpdate, chatId: target.id };
}

describe('ConsoleApp', () => {
  it('shows bot messages, and an edited card with its newest text only', async () => {
    const t = await mount();
    expect(frameOf(t.app.lastFrame)).toContain('No messages yet');
    const card = await t.api.sendMessage(t.chatId, '▶ build: starting', {
      reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'r' }, { text: 'Kill', callback_data: 'k' }]] },
    });
    await t.frame((f) => f.includes('bot › ▶ build: starting') && f.includes('[ Refresh ] [ Kill ]'));
    await t.api.editMessageText(t.chatId, card.message_id, '▶ build: running\nline 1\nline 2', {
      reply_markup: card.reply_markup!,
    });
    const frame = await t.frame((f) => f.includes('▶ build: running'));
    expect(frame).not.toContain('starting');
    expect(frame).toMatch(/bot › ▶ build: running\s+\(edited 1×\)\n\s+line 1\n\s+line 2\n\s+\[ Refresh \] \[ Kill \]/);
    t.app.unmount();
  });

  it('sends what is typed as the demo user, with a bot_command entity', async () => {
    const t = await mount();
    await t.press('/new build sleep 3; echo done', (f) => f.includes('› /new build sleep 3; echo done'));
    await t.press(KEY.enter, (f) => f.includes('you › /new build sleep 3; echo done'));
    const message = t.lastUpdate().message!;
    expect(message).toMatchObject({ from: { id: 1001 }, chat: { id: t.chatId }, text: '/new build sleep 3; echo done' });
    expect(message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 4 }]);
    t.app.unmount();
  });

  it('focuses buttons with Tab, moves with →, presses with Enter, and shows the bot’s toast', async () => {
    const t = await mount();
    const card = await t.api.sendMessage(t.chatId, 'card', {
      reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'r:1' }, { text: 'Tail', callback_data: 't:1' }]] },
    });
    await t.frame((f) => f.includes('[ Tail ]'));
    await t.press(KEY.tab, (f) => f.includes('Enter press'));
    await t.press(KEY.right, (f) => f.includes('Enter press'));
    t.app.stdin.write(KEY.enter);
    await t.frame((f) => f.includes('pressed [Tail]'));
    const query = t.lastUpdate().callback_query!;
    expect(query).toMatchObject({ from: { id: 1001 }, data: 't:1', message: { message_id: card.message_id } });
    await t.api.answerCallbackQuery(query.id, { text: 'tail sent' });
    await t.frame((f) => f.includes('ⓘ tail sent'));
    // Esc goes back to the input line; `!1` presses the first button of the newest message that has buttons.
    await t.press(KEY.esc, (f) => f.includes('Enter send'));
    await t.press('!1', (f) => f.includes('› !1'));
    t.app.stdin.write(KEY.enter);
    await t.emu.waitFor(() => t.lastUpdate().callback_query?.data === 'r:1');
    t.app.unmount();
  });

  it('replies to a selected message with ↑ and r', async () => {
    const t = await mount();
    const question = await t.api.sendMessage(t.chatId, 'Overwrite? [y/N]');
    await t.api.sendMessage(t.chatId, 'later message');
    await t.frame((f) => f.includes('later message'));
    await t.press(KEY.up, (f) => f.includes('r reply'));
    await t.press(KEY.up, (f) => f.includes('▌bot › Overwrite?'));
    await t.press('r', (f) => f.includes('replying to "Overwrite? [y/N]"'));
    await t.press('y', (f) => f.includes('› y'));
    await t.press(KEY.enter, (f) => f.includes('you › ↪ "Overwrite? [y/N]" y'));
    expect(t.lastUpdate().message).toMatchObject({ text: 'y', reply_to_message: { message_id: question.message_id } });
    t.app.unmount();
  });

  it('shows documents and the bot’s reactions on your messages', async () => {
    const t = await mount();
    const mine = t.chat.send('/logs').message!;
    const { InputFile } = await import('grammy');
    await t.api.sendDocument(t.chatId, new InputFile(Buffer.from('x'.repeat(2048)), 'pocket.log'));
    await t.api.setMessageReaction(t.chatId, mine.message_id, [{ type: 'emoji', emoji: '👀' }]);
    await t.frame((f) => f.includes('📄 pocket.log (2.0 KB)') && f.includes('you › /logs  👀'));
    t.app.unmount();
  });

  it('switches forum topics with Ctrl-N and writes in the current topic', async () => {
    const t = await mount({ forum: true });
    const topic = await t.api.createForumTopic(t.chatId, 'build');
    await t.api.sendMessage(t.chatId, 'card in build', { message_thread_id: topic.message_thread_id });
    // The card went to the build topic: General stays as it was, the topic bar counts the new message.
    await t.frame((f) => f.includes('topics: General · build (1)'));
    expect(frameOf(t.app.lastFrame)).not.toContain('card in build');
    const inBuild = await t.press(KEY.ctrlN, (f) => f.includes('card in build'));
    expect(inBuild).toContain('topics: General · build\n');
    await t.press('hello', (f) => f.includes('› hello'));
    await t.press(KEY.enter, (f) => f.includes('you › hello'));
    expect(t.lastUpdate().message).toMatchObject({ text: 'hello', message_thread_id: topic.message_thread_id });
    t.app.unmount();
  });

  it('quits on Ctrl-C and on /quit', async () => {
    const t = await mount();
    t.app.stdin.write(KEY.ctrlC);
    expect(t.onQuit).toHaveBeenCalledTimes(1);
    t.app.unmount();
    const u = await mount();
    await u.press('/quit', (f) => f.includes('› /quit'));
    u.app.stdin.write(KEY.enter);
    expect(u.onQuit).toHaveBeenCalledTimes(1);
    expect(u.emu.pendingUpdates()).toEqual([]);
    u.app.unmount();
  });
});
