// Two bots in one forum group on one emulated Telegram: several machines, each daemon with its own bot. Each token
// is its own bot (getMe, its own updates); messages, topics and buttons carry the bot that made them; privacy mode
// and admin rights are per bot.
import { Api } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { apiError, type Harness, startHarness } from './helpers.js';

const DESK_TOKEN = '4200000002:DeskBotTokenForTwoBotTests_0123456789';

let h: Harness;
afterEach(async () => {
  await h.emu.close();
});

async function twoBots(privacyMode = true) {
  h = await startHarness({ rate: false, botUsername: 'laptop_bot', privacyMode });
  const desk = h.emu.addBot({ token: DESK_TOKEN, username: 'desk_bot', privacyMode });
  const deskApi = new Api(DESK_TOKEN, { apiRoot: h.emu.url });
  const owner = h.emu.user(5001);
  const group = h.emu.createGroup({ title: 'machines', forum: true, members: [owner], botIsAdmin: false });
  desk.join(group, { admin: false });
  return { desk, deskApi, owner, group };
}

describe('two bots in one group', () => {
  it('each token is its own bot with its own updates', async () => {
    const { desk, deskApi, owner, group } = await twoBots();
    expect((await h.api.getMe()).username).toBe('laptop_bot');
    expect((await deskApi.getMe()).username).toBe('desk_bot');
    expect(await apiError(new Api('4200000003:NotABotOfThisServer_0123456789', { apiRoot: h.emu.url }).getMe())).toMatchObject({ error_code: 401 });

    // Privacy mode on, neither admin: a bare command reaches both, an addressed one only its bot.
    h.emu.sendText(group, owner, '/sessions');
    h.emu.sendText(group, owner, '/sessions@desk_bot');
    h.emu.sendText(group, owner, 'just talking');
    const laptopSaw = (await h.api.getUpdates({ timeout: 0 })).map((u) => u.message?.text);
    const deskSaw = (await deskApi.getUpdates({ timeout: 0 })).map((u) => u.message?.text);
    expect(laptopSaw).toEqual(['/sessions']);
    expect(deskSaw).toEqual(['/sessions', '/sessions@desk_bot']);
    expect(desk.pendingUpdates()).toHaveLength(2);
  });

  it('messages, topics and buttons belong to the bot that made them', async () => {
    const { deskApi, owner, group } = await twoBots(false);
    // Neither bot is admin here: topics need the right.
    expect(await apiError(deskApi.createForumTopic(group.id, 'build · desk'))).toMatchObject({ description: expect.stringContaining('not enough rights') });

    const sent = await deskApi.sendMessage(group.id, 'card', { reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'r1' }]] } });
    expect(sent.from?.username).toBe('desk_bot');
    expect(await apiError(h.api.editMessageText(group.id, sent.message_id, 'not mine'))).toMatchObject({ description: expect.stringContaining("can't be edited") });

    // A reply to desk's message: both see it (privacy off), and it names desk_bot as the replied-to sender.
    h.emu.sendText(group, owner, 'y', { replyTo: sent.message_id });
    const [laptopUpdate] = await h.api.getUpdates({ offset: -1, timeout: 0 });
    expect(laptopUpdate?.message?.reply_to_message?.from?.username).toBe('desk_bot');

    // The button press goes to desk only.
    h.emu.pressButton(group, owner, sent.message_id, 'r1');
    const deskUpdates = await deskApi.getUpdates({ timeout: 0 });
    expect(deskUpdates.at(-1)?.callback_query?.data).toBe('r1');
    const laptopUpdates = await h.api.getUpdates({ offset: (laptopUpdate?.update_id ?? 0) + 1, timeout: 0 });
    expect(laptopUpdates).toEqual([]);
  });

  it('a topic a bot created carries that bot as the creator of the topic\'s first message', async () => {
    h = await startHarness({ rate: false, botUsername: 'laptop_bot' });
    const desk = h.emu.addBot({ token: DESK_TOKEN, username: 'desk_bot' });
    const deskApi = new Api(DESK_TOKEN, { apiRoot: h.emu.url });
    const owner = h.emu.user(5001);
    const group = h.emu.createGroup({ title: 'machines', forum: true, members: [owner] });
    desk.join(group);
    const topic = await deskApi.createForumTopic(group.id, 'build · desk');
    h.emu.sendText(group, owner, 'ls', { threadId: topic.message_thread_id });
    const [update] = await h.api.getUpdates({ timeout: 0 });
    expect(update?.message?.reply_to_message).toMatchObject({ message_id: topic.message_thread_id, from: { username: 'desk_bot' } });
  });
});
