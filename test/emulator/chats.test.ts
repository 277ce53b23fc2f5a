import { afterEach, describe, expect, it } from 'vitest';
import { apiError, type Harness, manualClock, startHarness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.emu.close();
});

describe('forum topics', () => {
  it('creates topics in forums only, posts into them, and reports a deleted or closed topic', async () => {
    h = await startHarness({ rate: false });
    const ann = h.emu.user(7);
    const forum = h.emu.createGroup({ title: 'ops', forum: true, members: [ann] });
    const plain = h.emu.createGroup({ title: 'chat' });
    expect((await apiError(h.api.createForumTopic(plain.id, 'x'))).description).toBe('Bad Request: the chat is not a forum');
    expect((await apiError(h.api.createForumTopic(forum.id, 'n'.repeat(129)))).error_code).toBe(400);

    const topic = await h.api.createForumTopic(forum.id, 'build');
    expect(topic).toMatchObject({ name: 'build', icon_color: expect.any(Number) });
    const sent = await h.api.sendMessage(forum.id, 'started', { message_thread_id: topic.message_thread_id });
    expect(sent).toMatchObject({ message_thread_id: topic.message_thread_id, is_topic_message: true });
    expect(h.emu.messages(forum, { threadId: topic.message_thread_id }).map((m) => m.text)).toEqual(['started']);
    expect(h.emu.topics(forum)).toMatchObject([{ threadId: topic.message_thread_id, name: 'build', deleted: false }]);

    const general = await apiError(h.api.sendMessage(forum.id, 'x', { message_thread_id: 1 }));
    expect(general.description).toBe('Bad Request: message thread not found');

    // A person's message in a topic "replies" to the topic's creation message, as in Telegram.
    const inTopic = h.emu.sendText(forum, ann, 'hello', { threadId: topic.message_thread_id });
    expect(inTopic.message).toMatchObject({
      message_thread_id: topic.message_thread_id,
      reply_to_message: { message_id: topic.message_thread_id, forum_topic_created: { name: 'build' } },
    });

    await h.api.closeForumTopic(forum.id, topic.message_thread_id);
    expect((await apiError(h.api.sendMessage(forum.id, 'x', { message_thread_id: topic.message_thread_id }))).description)
      .toBe('Bad Request: TOPIC_CLOSED');
    await h.api.reopenForumTopic(forum.id, topic.message_thread_id);

    await h.api.deleteForumTopic(forum.id, topic.message_thread_id);
    const gone = await apiError(h.api.sendMessage(forum.id, 'x', { message_thread_id: topic.message_thread_id }));
    expect(gone.description).toBe('Bad Request: message thread not found');
    expect(h.emu.messages(forum)).toEqual([]);
  });

  it('lets a person delete a topic in the app', async () => {
    h = await startHarness({ rate: false });
    const forum = h.emu.createGroup({ title: 'ops', forum: true });
    const topic = await h.api.createForumTopic(forum.id, 'job');
    h.emu.deleteTopic(forum, topic.message_thread_id);
    const error = await apiError(h.api.sendMessage(forum.id, 'x', { message_thread_id: topic.message_thread_id }));
    expect(error.description).toBe('Bad Request: message thread not found');
  });
});

describe('reactions and callback queries', () => {
  it('sets one standard reaction on a user message', async () => {
    h = await startHarness({ rate: false });
    const ann = h.emu.user(7);
    const chat = h.emu.createPrivateChat(ann);
    const incoming = h.emu.sendText(chat, ann, 'run it').message!;
    await h.api.setMessageReaction(chat.id, incoming.message_id, [{ type: 'emoji', emoji: '👀' }]);
    expect(h.emu.messages(chat, { from: 'user' })[0]!.reactions).toEqual(['👀']);
    const invalid = await apiError(h.api.setMessageReaction(chat.id, incoming.message_id, [{ type: 'emoji', emoji: '✅' as '👀' }]));
    expect(invalid.description).toBe('Bad Request: REACTION_INVALID');
    const many = await apiError(
      h.api.setMessageReaction(chat.id, incoming.message_id, [{ type: 'emoji', emoji: '👀' }, { type: 'emoji', emoji: '👍' }]),
    );
    expect(many.description).toBe('Bad Request: REACTIONS_TOO_MANY');
    await h.api.setMessageReaction(chat.id, incoming.message_id, []);
    expect(h.emu.message(chat, incoming.message_id)!.reactions).toEqual([]);
  });

  it('delivers button presses and accepts one prompt answer per query', async () => {
    const clock = manualClock();
    h = await startHarness({ rate: false, clock });
    const ann = h.emu.user(7);
    const chat = h.emu.createPrivateChat(ann);
    const card = await h.api.sendMessage(chat.id, 'card', {
      reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'r:1' }]] },
    });
    expect(() => h.emu.pressButton(chat, ann, card.message_id, 'nope')).toThrow(/no button/);
    const press = h.emu.pressButton(chat, ann, card.message_id, 'r:1');
    const [update] = await h.api.getUpdates();
    expect(update!.callback_query).toMatchObject({ id: press.callback_query!.id, data: 'r:1', from: { id: 7 }, message: { message_id: card.message_id } });
    await h.api.answerCallbackQuery(press.callback_query!.id, { text: 'ok' });
    expect(h.emu.callbackQuery(press.callback_query!.id)).toMatchObject({ answered: true, answer: { text: 'ok' } });
    const twice = await apiError(h.api.answerCallbackQuery(press.callback_query!.id));
    expect(twice.description).toMatch(/^Bad Request: query is too old and response timeout expired or query ID is invalid/);
    const late = h.emu.pressButton(chat, ann, card.message_id, 'r:1').callback_query!.id;
    clock.advance(16_000);
    expect((await apiError(h.api.answerCallbackQuery(late))).error_code).toBe(400);
    expect((await apiError(h.api.answerCallbackQuery('123'))).error_code).toBe(400);
  });
});

describe('what people send', () => {
  it('shapes commands, replies, edits, forwards, anonymous admins, channels and stale dates', async () => {
    h = await startHarness({ rate: false, botUsername: 'pocket_bot' });
    const ann = h.emu.user(7, { username: 'ann' });
    const group = h.emu.createGroup({ title: 'g', members: [ann] });
    const cmd = h.emu.sendText(group, ann, '/tail@other_bot web 20').message!;
    expect(cmd.entities).toEqual([{ type: 'bot_command', offset: 0, length: 15 }]);
    const bot = await h.api.sendMessage(group.id, 'out');
    const reply = h.emu.sendText(group, ann, 'y', { replyTo: bot.message_id }).message!;
    expect(reply.reply_to_message).toMatchObject({ message_id: bot.message_id, from: { is_bot: true } });
    const edited = h.emu.sendText(group, ann, 'y!', { edited: reply.message_id });
    expect(edited.edited_message).toMatchObject({ message_id: reply.message_id, text: 'y!', edit_date: expect.any(Number) });
    const forwarded = h.emu.sendText(group, ann, 'fw', { forwarded: true }).message!;
    expect(forwarded.forward_origin).toMatchObject({ type: 'user', sender_user: { id: 7 } });
    const anon = h.emu.sendText(group, ann, '/sessions', { asAnonymousAdmin: true }).message!;
    expect(anon).toMatchObject({ from: { id: 1087968824 }, sender_chat: { id: group.id } });
    const channel = h.emu.createChannel({ title: 'news' });
    const post = h.emu.channelPost(channel, 'hello');
    expect(post.channel_post).toMatchObject({ chat: { type: 'channel' }, sender_chat: { id: channel.id } });
    expect(post.channel_post).not.toHaveProperty('from');
    const stale = h.emu.sendText(group, ann, '/new x', { date: 1000 }).message!;
    expect(stale.date).toBe(1000);
    const types = (await h.api.getUpdates({ allowed_updates: ['message', 'edited_message', 'channel_post'] })).map(
      (u) => Object.keys(u).find((k) => k !== 'update_id'),
    );
    expect(types).toEqual(['message', 'message', 'edited_message', 'message', 'message', 'channel_post', 'message']);
  });

  it('hides ordinary group chatter from a non-admin bot in privacy mode', async () => {
    h = await startHarness({ rate: false, botUsername: 'pocket_bot' });
    const ann = h.emu.user(7);
    const group = h.emu.createGroup({ title: 'g', members: [ann], botIsAdmin: false });
    h.emu.sendText(group, ann, 'just talking');
    h.emu.sendText(group, ann, '/help@other_bot');
    h.emu.sendText(group, ann, '/help');
    h.emu.sendText(group, ann, 'hey @pocket_bot');
    const texts = (await h.api.getUpdates()).map((u) => u.message?.text);
    expect(texts).toEqual(['/help', 'hey @pocket_bot']);
  });

  it('keeps commands per scope and logs every call', async () => {
    h = await startHarness({ rate: false });
    await h.api.setMyCommands([{ command: 'sessions', description: 'List sessions' }]);
    expect(await h.api.getMyCommands()).toEqual([{ command: 'sessions', description: 'List sessions' }]);
    expect(h.emu.commands()).toHaveLength(1);
    expect((await apiError(h.api.setMyCommands([{ command: 'Bad-Name', description: 'x' }]))).description)
      .toBe('Bad Request: BOT_COMMAND_INVALID');
    const seen: string[] = [];
    h.emu.on('call', (call) => seen.push(call.method));
    const waiting = h.emu.waitForCall('getMe');
    await h.api.getMe();
    expect((await waiting).ok).toBe(true);
    expect(seen).toEqual(['getMe']);
    expect(h.emu.calls.map((c) => c.method)).toEqual(['setMyCommands', 'getMyCommands', 'setMyCommands', 'getMe']);
  });
});
