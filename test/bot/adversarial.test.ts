// Updates that must not do anything: strangers, another user's button press, forwarded/edited/anonymous/channel
// updates, other bots' commands, stale and duplicate updates; and hostile text from the owner, which is typed
// literally and shown escaped. Each checks the fake sessions saw no call and the stranger got nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, botSaid, drained, running, STRANGER_ID, startBot } from './harness.js';

let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

function silentTo(h: BotHarness, userId: number): void {
  expect(h.emu.messages(userId)).toEqual([]);
  expect(h.emu.calls.filter((c) => c.params.chat_id === String(userId) || c.params.chat_id === userId)).toEqual([]);
}

describe('strangers and untrusted updates', () => {
  it('ignores a stranger in a private chat and in the group, recording it in the audit log only', async () => {
    h = await running(await startBot({ forum: true }));
    const s = h.sessions.add('prod');
    h.sessions.emit({ type: 'created', session: s });
    const topicId = await h.emu.waitFor(() => h.sessions.get(s.id)?.topicId);
    const card = await botSaid(h, h.chat, /prod — running/, topicId);
    const before = h.emu.messages(h.chat).length;
    const strangerChat = h.emu.createPrivateChat(h.stranger);
    for (const text of ['/start', '/help', '/sessions', '/new evil bash', '/send prod rm -rf /', '/kill prod', '/logs', 'hello']) {
      h.emu.sendText(strangerChat, h.stranger, text);
    }
    h.emu.sendText(h.chat, h.stranger, '/kill prod');
    h.emu.sendText(h.chat, h.stranger, 'rm -rf ~', { threadId: topicId });
    h.emu.sendText(h.chat, h.stranger, 'yes', { replyTo: card.messageId });
    // Another user's press on the owner's card button: no action, not even an answer.
    const kill = h.emu.message(h.chat, card.messageId)!.replyMarkup!.inline_keyboard.flat().find((b) => b.text === 'Ctrl-C')!;
    const press = h.emu.pressButton(h.chat, h.stranger, card.messageId, (kill as { callback_data: string }).callback_data);
    await drained(h);

    expect(h.sessions.mutatingCalls()).toEqual([]);
    silentTo(h, STRANGER_ID);
    expect(h.emu.messages(h.chat)).toHaveLength(before);
    expect(h.emu.callbackQuery(press.callback_query!.id)?.answered).toBe(false);
    const rejected = h.audit().filter((e) => e.outcome === 'rejected' && e.userId === STRANGER_ID);
    expect(rejected).toHaveLength(12);
    expect(rejected.every((e) => e.reason === 'not_authorized')).toBe(true);
  });

  it('does not run forwarded, edited, anonymous-admin, channel, or other-bot updates', async () => {
    h = await running(await startBot({ forum: true }));
    const s = h.sessions.add('job');
    const channel = h.emu.createChannel({ title: 'news' });
    const mine = h.emu.sendText(h.chat, h.owner, '/help');
    await botSaid(h, h.chat, /Pocket Operator/);
    const before = h.emu.messages(h.chat).length;
    h.emu.sendText(h.chat, h.owner, `/send job forwarded`, { forwarded: { from: h.stranger } });
    h.emu.sendText(h.chat, h.owner, '/send job edited', { edited: mine.message!.message_id });
    h.emu.sendText(h.chat, h.owner, '/send job anon', { asAnonymousAdmin: true });
    h.emu.sendText(h.chat, h.owner, '/send job via channel', { viaChannel: channel });
    h.emu.sendText(h.chat, h.owner, '/send@other_bot job hi');
    h.emu.channelPost(channel, '/send job from a channel');
    h.emu.injectRawUpdate({ message_reaction: { chat: h.chat, message_id: 1, date: 0, old_reaction: [], new_reaction: [] } });
    await drained(h);
    expect(h.sessions.mutatingCalls()).toEqual([]);
    expect(h.emu.messages(h.chat)).toHaveLength(before);
    const reasons = h.audit().filter((e) => e.outcome === 'rejected').map((e) => e.reason);
    expect(reasons).toEqual(['forwarded', 'edited', 'anonymous_admin', 'sender_chat', 'other_bot_command', 'no_sender']);
    expect(s.id).toBe('s1');
  });

  it('asks to resend a stale update and runs a duplicate update_id once, even after a restart', async () => {
    h = await running(await startBot({ staleSeconds: 60 }));
    const s = h.sessions.add('job');
    const old = h.emu.sendText(h.chat, h.owner, '/send job late', { date: Math.floor(Date.now() / 1000) - 600 });
    await botSaid(h, h.chat, /Not run: this message is 10 min old/);
    expect(h.sessions.mutatingCalls()).toEqual([]);
    expect(h.emu.lastMessage(h.chat)?.replyToMessageId).toBe(old.message!.message_id);

    const once = h.emu.sendText(h.chat, h.owner, '/send job once');
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'));
    await drained(h);
    h.emu.injectRawUpdate(once);
    h.emu.injectRawUpdate(old);
    await drained(h);
    const first = h.sessions;
    await h.restart();
    h.emu.injectRawUpdate(once);
    await drained(h);
    // Telegram redelivering the whole unconfirmed batch after a crash looks like this.
    const next = h.emu.sendText(h.chat, h.owner, '/send job twice?');
    h.emu.injectRawUpdate(next);
    await drained(h);
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'));
    const typed = [...first.calls, ...h.sessions.calls].filter((c) => c.method === 'sendText').map((c) => c.args);
    expect(typed).toEqual([[s.id, 'once'], [s.id, 'twice?']]);
    expect(h.emu.messages(h.chat).filter((m) => /Not run/.test(m.text ?? ''))).toHaveLength(1);
    expect(h.audit().filter((e) => e.outcome === 'duplicate')).toHaveLength(4);
  });
});

describe('hostile text from the owner', () => {
  it('types HTML, $(...), quotes and long text literally and shows output escaped', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('sh');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /sh — running/);
    const hostile = `<b>bold</b> &amp; $(rm -rf ~) \`id\` "quoted" 'single' ; \\ ${'x'.repeat(6000)}`;
    h.emu.sendText(h.chat, h.owner, hostile, { replyTo: card.messageId });
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'));
    expect(h.sessions.calls.find((c) => c.method === 'sendText')?.args).toEqual([s.id, hostile]);

    h.sessions.print(s.id, '<script>alert(1)</script> & </pre><b>');
    await h.emu.waitFor(() => (h.emu.message(h.chat, card.messageId)?.text ?? '').includes('<script>alert(1)</script> & </pre><b>'));
    h.emu.sendText(h.chat, h.owner, '/new <i>x</i>');
    const usage = await botSaid(h, h.chat, /Invalid name/);
    expect(usage.text).toContain('"<i>x</i>"');
    expect(h.emu.calls.filter((c) => !c.ok && /parse entities/.test(c.error?.description ?? ''))).toEqual([]);
    expect(h.sessions.mutatingCalls()).toHaveLength(1);
  });
});
