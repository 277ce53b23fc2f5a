import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS_ADMIN_ID, type Access, type Attempt, type AuthResult, authorizeUpdate, commandAddressee, commandName, knownUsers, permits,
  readOnlyAnswer, roleOf, type TgMessage, type TgUpdate,
} from '../../src/core/auth.js';

const ALLOWED = new Set([111, 222]);
const BOT = 'pocket_bot';

const privateChat = { id: 111, type: 'private' };
const group = { id: -100123, type: 'supergroup' };

function msg(extra: Partial<TgMessage> = {}): TgMessage {
  return { message_id: 5, date: 1_700_000_000, chat: privateChat, from: { id: 111, is_bot: false }, text: 'hi', ...extra };
}
const upd = (fields: Partial<TgUpdate>): TgUpdate => ({ update_id: 1, ...fields });
const ok = (userId: number): AuthResult => ({ ok: true, userId });
const no = (reason: string) => ({ ok: false, reason });

const cases: Array<[string, TgUpdate, unknown]> = [
  ['private message from an allowed user', upd({ message: msg() }), ok(111)],
  ['second allowed user', upd({ message: msg({ from: { id: 222 } }) }), ok(222)],
  ['private message from a stranger', upd({ message: msg({ from: { id: 999 } }) }), no('not_authorized')],
  ['group message: the sender counts, allowed', upd({ message: msg({ chat: group, from: { id: 222 } }) }), ok(222)],
  ['group message: the sender counts, not the chat', upd({ message: msg({ chat: { id: 111, type: 'group' }, from: { id: 999 } }) }), no('not_authorized')],
  ['a chat id in the allow list is not a user', upd({ message: msg({ chat: group, from: { id: -100123 } }) }), no('not_authorized')],
  [
    'anonymous group admin',
    upd({ message: msg({ chat: group, from: { id: ANONYMOUS_ADMIN_ID, is_bot: true }, sender_chat: group }) }),
    no('anonymous_admin'),
  ],
  [
    'anonymous admin even if its id were allowed',
    upd({ message: msg({ chat: group, from: { id: ANONYMOUS_ADMIN_ID }, sender_chat: group }) }),
    no('anonymous_admin'),
  ],
  [
    'sent on behalf of a channel with an allowed from',
    upd({ message: msg({ chat: group, from: { id: 111 }, sender_chat: { id: -100999, type: 'channel' } }) }),
    no('sender_chat'),
  ],
  ['message without from', upd({ message: msg({ from: undefined }) }), no('no_sender')],
  ['channel post', upd({ channel_post: msg({ chat: { id: -100777, type: 'channel' }, from: undefined }) }), no('no_sender')],
  ['edited channel post', upd({ edited_channel_post: msg({ from: undefined }) }), no('no_sender')],
  ['allowed bot id is still a bot', upd({ message: msg({ from: { id: 111, is_bot: true } }) }), no('sender_is_bot')],
  ['forward_origin', upd({ message: msg({ forward_origin: { type: 'user', date: 1 } }) }), no('forwarded')],
  ['legacy forward_from', upd({ message: msg({ forward_from: { id: 111 } }) }), no('forwarded')],
  ['legacy forward_from_chat', upd({ message: msg({ forward_from_chat: group }) }), no('forwarded')],
  ['legacy forward_date only', upd({ message: msg({ forward_date: 1_600_000_000 }) }), no('forwarded')],
  ['automatic forward from a linked channel', upd({ message: msg({ is_automatic_forward: true }) }), no('forwarded')],
  ['forwarded by a stranger: identity first, silence', upd({ message: msg({ from: { id: 999 }, forward_date: 1 }) }), no('not_authorized')],
  ['via_bot', upd({ message: msg({ via_bot: { id: 42, is_bot: true } }) }), no('via_bot')],
  ['edited message from an allowed user', upd({ edited_message: msg({ text: '/kill x' }) }), no('edited')],
  ['edited message from a stranger', upd({ edited_message: msg({ from: { id: 999 } }) }), no('not_authorized')],
  ['command without addressee', upd({ message: msg({ text: '/sessions' }) }), ok(111)],
  ['command addressed to this bot', upd({ message: msg({ text: '/send@pocket_bot x ls' }) }), ok(111)],
  ['command addressed to this bot, other case', upd({ message: msg({ text: '/send@Pocket_Bot x ls' }) }), ok(111)],
  ['command addressed to another bot', upd({ message: msg({ chat: group, text: '/kill@other_bot x' }) }), no('other_bot_command')],
  ['command to another bot, glued punctuation', upd({ message: msg({ text: '/kill@other_bot!' }) }), no('other_bot_command')],
  ['command to another bot in a caption', upd({ message: msg({ text: undefined, caption: '/new@evil_bot a' }) }), no('other_bot_command')],
  // Several machines, one group, one bot each: what belongs to another bot is left to it.
  [
    'a reply to another bot\'s message',
    upd({ message: msg({ chat: group, text: 'y', reply_to_message: { message_id: 9, from: { id: 77, is_bot: true, username: 'desk_pocket_bot' } } }) }),
    no('other_bot_message'),
  ],
  [
    'text in a topic another bot created (the implicit reply is its creation message)',
    upd({ message: msg({ chat: group, text: 'ls', message_thread_id: 9, reply_to_message: { message_id: 9, from: { id: 77, is_bot: true, username: 'desk_pocket_bot' } } }) }),
    no('other_bot_message'),
  ],
  [
    'a bare command in another bot\'s topic',
    upd({ message: msg({ chat: group, text: '/sessions', reply_to_message: { message_id: 9, from: { id: 77, is_bot: true, username: 'desk_pocket_bot' } } }) }),
    no('other_bot_message'),
  ],
  [
    'a command addressed to this bot by name, even in another bot\'s topic',
    upd({ message: msg({ chat: group, text: '/sessions@Pocket_Bot', reply_to_message: { message_id: 9, from: { id: 77, is_bot: true, username: 'desk_pocket_bot' } } }) }),
    ok(111),
  ],
  [
    'a reply to this bot\'s own message',
    upd({ message: msg({ chat: group, text: 'y', reply_to_message: { message_id: 9, from: { id: 78, is_bot: true, username: 'pocket_bot' } } }) }),
    ok(111),
  ],
  [
    'a reply to a person, or in a topic a person created',
    upd({ message: msg({ chat: group, text: 'y', reply_to_message: { message_id: 9, from: { id: 222, is_bot: false } } }) }),
    ok(111),
  ],
  ['an @mention later in the text is not an addressee', upd({ message: msg({ text: '/send x ping @other_bot' }) }), ok(111)],
  ['callback query from an allowed user', upd({ callback_query: { id: 'q', from: { id: 222 }, data: 'r:1' } }), ok(222)],
  ['callback query from a stranger', upd({ callback_query: { id: 'q', from: { id: 999 }, data: 'k:1' } }), no('not_authorized')],
  [
    'callback on a message the allowed user sent is still judged by the presser',
    upd({ callback_query: { id: 'q', from: { id: 999 }, message: msg(), data: 'k:1' } }),
    no('not_authorized'),
  ],
  ['inline query', upd({ inline_query: { id: 'i', from: { id: 111 }, query: 'x' } }), no('unsupported_update')],
  ['my_chat_member', upd({ my_chat_member: { from: { id: 111 } } }), no('unsupported_update')],
  ['message_reaction', upd({ message_reaction: { user: { id: 111 } } }), no('unsupported_update')],
  ['empty update', upd({}), no('unsupported_update')],
];

describe('authorizeUpdate', () => {
  it.each(cases)('%s', (_name, update, expected) => {
    expect(authorizeUpdate(update, ALLOWED, BOT)).toEqual(expected);
  });

  it('accepts the bot username with a leading @', () => {
    expect(authorizeUpdate(upd({ message: msg({ text: '/help@pocket_bot' }) }), ALLOWED, '@pocket_bot')).toEqual(ok(111));
  });

  it('rejects everyone when the allow list is empty', () => {
    expect(authorizeUpdate(upd({ message: msg() }), new Set(), BOT)).toEqual(no('not_authorized'));
  });
});

describe('commandAddressee', () => {
  it.each([
    ['/help', null],
    ['/help@a_bot', 'a_bot'],
    ['/help@a_bot more', 'a_bot'],
    ['hello /help@a_bot', null],
    ['', null],
  ])('%s -> %s', (text, expected) => {
    expect(commandAddressee(text)).toBe(expected);
  });
});

describe('roles and permissions', () => {
  const access: Access = { operators: new Set([111]), viewers: new Set([222]) };

  it('gives operators and viewers their role, strangers none, and admits both to the identity check', () => {
    expect(roleOf(111, access)).toBe('operator');
    expect(roleOf(222, access)).toBe('viewer');
    expect(roleOf(999, access)).toBeNull();
    expect([...knownUsers(access)].sort()).toEqual([111, 222]);
  });

  const looks: Attempt[] = [
    ...['help', 'start', 'sessions', 'tail', 'summary', 'screen'].map((name): Attempt => ({ kind: 'command', name })),
    { kind: 'button', action: 'refresh' },
    { kind: 'button', action: 'tail' },
    { kind: 'button', action: null },
    { kind: 'other' },
  ];
  const acts: Array<[Attempt, string]> = [
    ...['new', 'attach', 'send', 'keys', 'alias', 'kill', 'mute', 'unmute', 'logs', 'shell', 'codex', 'claude', 'resume', 'cancel', 'nope', 'SESSIONS']
      .map((name): [Attempt, string] => [{ kind: 'command', name }, `/${name}`]),
    [{ kind: 'text' }, 'typing into a session'],
    ...(['keys', 'kill', 'kill-confirm', 'kill-cancel', 'answer'] as const).map((action): [Attempt, string] => [{ kind: 'button', action }, `the ${action} button`]),
  ];

  it.each(looks.map((a) => [JSON.stringify(a), a] as const))('a viewer may %s', (_n, attempt) => {
    expect(permits('viewer', attempt)).toEqual({ ok: true });
    expect(permits('operator', attempt)).toEqual({ ok: true });
  });

  it.each(acts.map(([a, what]) => [JSON.stringify(a), a, what] as const))('a viewer may not %s; an operator may', (_n, attempt, what) => {
    expect(permits('viewer', attempt)).toEqual({ ok: false, what });
    expect(permits('operator', attempt)).toEqual({ ok: true });
  });

  it('reads the command of a message as grammY matches it', () => {
    expect(commandName('/tail build 5')).toBe('tail');
    expect(commandName('/tail@pocket_bot build')).toBe('tail');
    expect(commandName('/kill\nbuild')).toBe('kill');
    expect(commandName('/kill')).toBe('kill');
    expect(commandName('hello /kill')).toBeNull();
    // Telegram ends a command at punctuation and marks `/kill` in `/kill,now`; grammY runs it.
    expect(commandName('/kill,now')).toBe('kill');
    expect(commandName('/logs.')).toBe('logs');
    // The mark decides when there is one: grammY reads the command from it.
    expect(commandName('/logs.', [{ type: 'bot_command', offset: 0, length: 5 }])).toBe('logs');
    expect(commandName('xlogs', [{ type: 'bot_command', offset: 0, length: 5 }])).toBe('logs');
    expect(commandName('/send@pocket_bot x', [{ type: 'bot_command', offset: 0, length: 16 }])).toBe('send');
    expect(commandName('hello /kill', [{ type: 'bot_command', offset: 6, length: 5 }])).toBeNull();
    expect(readOnlyAnswer('/kill')).toMatch(/^read-only: .*\/kill is not available/);
  });
});
