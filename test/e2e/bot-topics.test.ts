// The bot end to end in a forum supergroup (TELEGRAM_CHAT_ID = the group): each /new gets its own topic with its
// card, text in a topic goes to that session, and `pocket restart` keeps the bindings and the cards (the next output
// edits the same card message in the same topic). The built daemon, the embedded Bot API, real tmux. Groups are
// paced at 20 messages a minute, so this file waits on Telegram more than on anything else.
import { describe, expect, it } from 'vitest';
import type { TopicRecord } from '../../src/emulator/index.js';
import { eventually } from '../helpers/pocket.js';
import { type BotRig, RIG_HOST, rigForFile } from '../helpers/bot-rig.js';

let rig: BotRig;

rigForFile((r) => {
  rig = r;
}, { forum: true });

const echoLoop = (name: string) => `while IFS= read -r l; do echo "${name}:$l"; done`;
const topicOf = (name: string) =>
  rig.emu.waitFor(() => rig.emu.topics(rig.chat).find((t) => t.name === `${name} · ${RIG_HOST}` && !t.deleted), { timeoutMs: 15_000, description: `topic ${name}` });
const cardIn = (name: string, threadId: number) => rig.botMessage(new RegExp(`^[▶⏸❓■] ${name} — `), { threadId });

describe('a forum chat', () => {
  const topics: Record<string, TopicRecord> = {};
  const cards: Record<string, number> = {};

  it('/new gives each session its own topic with its card; text in a topic goes to that session only', async () => {
    for (const name of ['alpha', 'beta']) {
      const asked = rig.say(`/new ${name} ${echoLoop(name)}`);
      topics[name] = await topicOf(name);
      cards[name] = (await cardIn(name, topics[name].threadId)).messageId;
      // The answer goes where the command was written: General.
      await rig.botMessage(new RegExp(`^Started ${name}: `), { afterId: asked, threadId: null });
      expect(await rig.session(name)).toMatchObject({ topicId: topics[name].threadId, state: 'running' });
    }
    expect(topics.alpha!.threadId).not.toBe(topics.beta!.threadId);
    expect(await rig.tmuxSessions()).toEqual(expect.arrayContaining(['alpha', 'beta']));
    expect(rig.emu.message(rig.chat, cards.alpha!)?.pinned).toBe(true);

    const toAlpha = rig.say('to-alpha', { threadId: topics.alpha!.threadId });
    expect(await rig.reaction(toAlpha)).toEqual(['👍']);
    const alpha = await rig.session('alpha');
    const beta = await rig.session('beta');
    await rig.paneShows(alpha.target, /^alpha:to-alpha$/m);
    await rig.edited(cards.alpha!, 'alpha:to-alpha');

    // A reply to beta's card, written in beta's topic, goes to beta.
    const toBeta = rig.say('to-beta', { threadId: topics.beta!.threadId, replyTo: cards.beta! });
    expect(await rig.reaction(toBeta)).toEqual(['👍']);
    await rig.paneShows(beta.target, /^beta:to-beta$/m);
    expect(await rig.capture(alpha.target)).not.toContain('to-beta');
    expect(await rig.capture(beta.target)).not.toContain('to-alpha');
  }, 60_000);

  it('pocket restart keeps the topic bindings and the cards: the next output edits the same card in the same topic', async () => {
    const topicsBefore = rig.emu.topics(rig.chat);
    const createdBefore = rig.emu.calls.filter((c) => c.method === 'createForumTopic').length;
    const { pid: pidBefore } = JSON.parse((await rig.h.run(['status', '--json'])).stdout).daemon as { pid: number };
    await rig.restart();
    const { pid: pidAfter } = JSON.parse((await rig.h.run(['status', '--json'])).stdout).daemon as { pid: number };
    expect(pidAfter).not.toBe(pidBefore);

    const after = rig.say('after-restart', { threadId: topics.alpha!.threadId });
    expect(await rig.reaction(after)).toEqual(['👍']);
    const alpha = await rig.session('alpha');
    await rig.paneShows(alpha.target, /^alpha:after-restart$/m);
    await rig.edited(cards.alpha!, 'alpha:after-restart');

    // /send from General reaches beta; its card (same message, its topic) shows it.
    rig.say('/send beta from-general');
    await rig.edited(cards.beta!, 'beta:from-general');

    expect(rig.emu.calls.filter((c) => c.method === 'createForumTopic')).toHaveLength(createdBefore);
    expect(rig.emu.topics(rig.chat)).toEqual(topicsBefore);
    for (const name of ['alpha', 'beta']) {
      expect((await rig.session(name)).topicId).toBe(topics[name]!.threadId);
      const inTopic = rig.emu.messages(rig.chat, { threadId: topics[name]!.threadId }).filter((m) => new RegExp(`^[▶⏸❓■] ${name} — `).test(m.text ?? ''));
      expect(inTopic.map((m) => m.messageId)).toEqual([cards[name]]);
    }
  }, 60_000);

  it('a stranger in the group: commands, topic text and button presses have no effect, and no answer', async () => {
    const alpha = await rig.session('alpha');
    const tmuxBefore = await rig.tmuxSessions();
    const strangerSaid = [
      rig.say('/new evil sleep 1000', { from: rig.stranger }),
      rig.say('from-stranger', { from: rig.stranger, threadId: topics.alpha!.threadId }),
      rig.say('/send alpha stranger-send', { from: rig.stranger }),
      rig.say('/kill alpha', { from: rig.stranger }),
    ];
    rig.press(cards.alpha!, 'Kill', { from: rig.stranger });
    rig.press(cards.alpha!, 'Ctrl-C', { from: rig.stranger });
    // Handled in order: once the owner's /sessions is answered, so were the stranger's updates.
    const barrier = rig.say('/sessions');
    const list = await rig.botMessage(/^Sessions on e2ebox:/, { afterId: barrier });
    expect(list.text).not.toContain('evil');
    expect(await rig.tmuxSessions()).toEqual(tmuxBefore);
    expect((await rig.sessions()).map((s) => s.name).sort()).toEqual(['alpha', 'beta']);
    const pane = await rig.capture(alpha.target);
    expect(pane).not.toContain('stranger');
    expect(rig.emu.messages(rig.strangerDm)).toEqual([]);
    const answered = rig.emu.messages(rig.chat).filter((m) => m.replyToMessageId !== undefined && strangerSaid.includes(m.replyToMessageId));
    expect(answered).toEqual([]);
    expect(rig.emu.messages(rig.chat).some((m) => /^Kill alpha\?/.test(m.text ?? ''))).toBe(false);
    for (const said of strangerSaid) expect(rig.emu.message(rig.chat, said)?.reactions).toEqual([]);
    // The panes still answer the owner.
    const owner = rig.say('still-mine', { threadId: topics.alpha!.threadId });
    await rig.reaction(owner);
    await eventually(async () => /^alpha:still-mine$/m.test(await rig.capture(alpha.target)), { what: 'the owner text in alpha' });
  }, 60_000);
});
