// Forum topics (created once, text routed, deleted topic recreated), reply routing, restart with bindings intact.
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, botSaid, drained, running, startBot } from './harness.js';

let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

const count = (h: BotHarness, method: string) => h.emu.calls.filter((c) => c.method === method && c.ok).length;
const sentTexts = (h: BotHarness) => h.sessions.calls.filter((c) => c.method === 'sendText').map((c) => c.args);

describe('forum topics', () => {
  it('gives a session one topic, routes text in it, and recreates it when deleted', async () => {
    h = await running(await startBot({ forum: true }));
    h.emu.sendText(h.chat, h.owner, '/new build make');
    await botSaid(h, h.chat, /^Started build/, null);
    const build = h.sessions.resolve('build');
    const topicId = await h.emu.waitFor(() => h.sessions.get(build.id)?.topicId);
    expect(h.emu.topics(h.chat)).toMatchObject([{ threadId: topicId, name: 'build · testbox', deleted: false }]);
    const card = await botSaid(h, h.chat, /build — running/, topicId);

    h.sessions.print(build.id, 'compiling');
    await h.emu.waitFor(() => /compiling/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
    const typed = h.emu.sendText(h.chat, h.owner, 'make install', { threadId: topicId });
    await h.emu.waitFor(() => h.emu.message(h.chat, typed.message!.message_id)?.reactions[0] === '👍');
    expect(sentTexts(h)).toEqual([[build.id, 'make install']]);
    // SESSION may be left out in its topic.
    h.emu.sendText(h.chat, h.owner, '/tail 5', { threadId: topicId });
    await botSaid(h, h.chat, /^compiling$/, topicId);
    expect(count(h, 'createForumTopic')).toBe(1);

    // Someone deletes the topic: the next alert recreates it and the card comes back in the new one.
    h.emu.deleteTopic(h.chat, topicId);
    h.sessions.emit({ type: 'alert', session: h.sessions.get(build.id)!, kind: 'idle', at: Date.now() });
    const newTopic = await h.emu.waitFor(() => {
      const id = h.sessions.get(build.id)?.topicId;
      return id !== topicId && id !== null ? id : undefined;
    });
    await botSaid(h, h.chat, /build has gone quiet/, newTopic);
    h.sessions.print(build.id, 'after the topic came back');
    await botSaid(h, h.chat, /after the topic came back/, newTopic);
    expect(count(h, 'createForumTopic')).toBe(2);
    expect(h.sessions.calls.filter((c) => c.method === 'setTopic').map((c) => c.args)).toEqual([[build.id, topicId], [build.id, null], [build.id, newTopic]]);
  });

  it('keeps topic bindings and cards across a restart of the bot service', async () => {
    h = await running(await startBot({ forum: true }));
    const s = h.sessions.add('api');
    h.sessions.emit({ type: 'created', session: s });
    const topicId = await h.emu.waitFor(() => h.sessions.get(s.id)?.topicId);
    const card = await botSaid(h, h.chat, /api — running/, topicId);
    await h.restart();
    await h.emu.waitFor(() => h.emu.polling);
    h.emu.sendText(h.chat, h.owner, 'curl localhost', { threadId: topicId });
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'));
    expect(sentTexts(h)).toEqual([[s.id, 'curl localhost']]);
    h.sessions.print(s.id, 'served');
    await h.emu.waitFor(() => /served/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
    expect(count(h, 'createForumTopic')).toBe(1);
    expect(h.emu.messages(h.chat).filter((m) => /api — /.test(m.text ?? ''))).toHaveLength(1);
  });
});

describe('reply routing in a private chat', () => {
  it('a reply to a card, an alert or output goes to that session; other replies get the hint', async () => {
    h = await running(await startBot());
    const a = h.sessions.add('alpha');
    const b = h.sessions.add('beta');
    h.sessions.emit({ type: 'created', session: a });
    h.sessions.emit({ type: 'created', session: b });
    const cardA = await botSaid(h, h.chat, /alpha — running/);
    h.sessions.emit({ type: 'alert', session: h.sessions.get(b.id)!, kind: 'exited', at: Date.now() });
    const alertB = await botSaid(h, h.chat, /beta exited/);

    h.emu.sendText(h.chat, h.owner, 'to alpha', { replyTo: cardA.messageId });
    h.emu.sendText(h.chat, h.owner, 'to beta', { replyTo: alertB.messageId });
    h.emu.sendText(h.chat, h.owner, '/send beta ; rm -rf / $(reboot)', { replyTo: cardA.messageId });
    await drained(h);
    await h.emu.waitFor(() => sentTexts(h).length === 3);
    expect(sentTexts(h)).toEqual([[a.id, 'to alpha'], [b.id, 'to beta'], [b.id, '; rm -rf / $(reboot)']]);

    const hint = h.emu.sendText(h.chat, h.owner, 'lost', { replyTo: hintTarget(h) });
    await h.emu.waitFor(() => h.emu.messages(h.chat).some((m) => /Which session\?/.test(m.text ?? '') && m.replyToMessageId === hint.message!.message_id));
    expect(sentTexts(h)).toHaveLength(3);
  });
});

/** A message of the owner's own: replying to it routes nowhere. */
function hintTarget(h: BotHarness): number {
  return h.emu.messages(h.chat, { from: 'user' })[0]!.messageId;
}
