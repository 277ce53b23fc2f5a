// Who may use the bot, and for what. Every update is judged here before anything else looks at it (PRODUCT.md: "the
// bot says nothing to anyone else"), then what a known person may do with it: operators (AUTHORIZED_USER_IDS) do
// anything, viewers (POCKET_VIEWER_IDS) only look. Pure: the bot adapter passes the raw update as plain data.
import type { CallbackAction } from './callback-registry.js';

/** Telegram's anonymous group admin: messages "sent as the group" carry this `from` and a `sender_chat`. */
export const ANONYMOUS_ADMIN_ID = 1087968824;

/** The few fields of a Telegram update this module reads; structural so that grammY's types and test literals fit. */
export interface TgUser {
  id: number;
  is_bot?: boolean;
  username?: string;
}

export interface TgChat {
  id: number;
  type: string;
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  sender_chat?: TgChat;
  text?: string;
  caption?: string;
  via_bot?: TgUser;
  forward_origin?: unknown;
  forward_from?: unknown;
  forward_from_chat?: unknown;
  forward_date?: number;
  is_automatic_forward?: boolean;
  message_thread_id?: number;
  /** One level deep, as Telegram sends it; in a forum topic, without an explicit reply, the topic's creation message. */
  reply_to_message?: { message_id: number; from?: TgUser };
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: unknown;
  data?: string;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  channel_post?: TgMessage;
  edited_channel_post?: TgMessage;
  callback_query?: TgCallbackQuery;
  [other: string]: unknown;
}

/**
 * Identity reasons mean the sender is not (provably) an authorized person: the caller must stay silent.
 * The other reasons are only ever returned for an authorized sender, so the caller may tell them why nothing ran.
 */
export type IdentityReason = 'not_authorized' | 'no_sender' | 'anonymous_admin' | 'sender_chat' | 'sender_is_bot';
export type ContentReason = 'forwarded' | 'edited' | 'via_bot' | 'other_bot_command' | 'other_bot_message';
export type DenyReason = IdentityReason | ContentReason | 'unsupported_update';

export type AuthResult = { ok: true; userId: number } | { ok: false; reason: DenyReason };

const deny = (reason: DenyReason): AuthResult => ({ ok: false, reason });

export function authorizeUpdate(
  update: TgUpdate,
  allowedUserIds: ReadonlySet<number>,
  botUsername: string,
): AuthResult {
  if (update.callback_query !== undefined) {
    return checkSender(update.callback_query.from, undefined, allowedUserIds);
  }
  if (update.message !== undefined) {
    const message = update.message;
    const sender = checkSender(message.from, message.sender_chat, allowedUserIds);
    if (!sender.ok) return sender;
    const content = checkContent(message, botUsername);
    return content ?? sender;
  }
  if (update.edited_message !== undefined) {
    // An edit of an old command would run it a second time; identity first so strangers still get silence.
    const sender = checkSender(update.edited_message.from, update.edited_message.sender_chat, allowedUserIds);
    return sender.ok ? deny('edited') : sender;
  }
  if (update.channel_post !== undefined || update.edited_channel_post !== undefined) {
    // Channel posts have no `from`: nobody can be identified.
    return deny('no_sender');
  }
  // my_chat_member, inline queries, reactions, polls...: nothing pocket executes.
  return deny('unsupported_update');
}

function checkSender(
  from: TgUser | undefined,
  senderChat: TgChat | undefined,
  allowedUserIds: ReadonlySet<number>,
): AuthResult {
  if (from === undefined) return deny('no_sender');
  // The anonymous admin id is shared by every anonymous admin of every group: it identifies nobody.
  if (from.id === ANONYMOUS_ADMIN_ID) return deny('anonymous_admin');
  // Sent on behalf of a chat (a channel or the group itself): the person behind it is hidden.
  if (senderChat !== undefined) return deny('sender_chat');
  if (!allowedUserIds.has(from.id)) return deny('not_authorized');
  // Only reachable if a bot id was put in the allow list; bots can't be the developer.
  if (from.is_bot === true) return deny('sender_is_bot');
  return { ok: true, userId: from.id };
}

function checkContent(message: TgMessage, botUsername: string): AuthResult | null {
  // Forwarded text was written by someone else, possibly to trick the user into relaying it.
  if (
    message.forward_origin !== undefined ||
    message.forward_from !== undefined ||
    message.forward_from_chat !== undefined ||
    message.forward_date !== undefined ||
    message.is_automatic_forward === true
  ) {
    return deny('forwarded');
  }
  // Inline results are composed by another bot, not typed by the user.
  if (message.via_bot !== undefined) return deny('via_bot');
  const addressee = commandAddressee(message.text ?? message.caption ?? '');
  const me = stripAt(botUsername).toLowerCase();
  if (addressee !== null && addressee.toLowerCase() !== me) {
    return deny('other_bot_command');
  }
  // Several machines share one group, each with its own bot (docs/multi-machine.md): a reply to another bot's message
  // is for that bot, and so is a message in a topic another bot created (its implicit reply is to that bot's
  // topic-creation message). Only a command addressed to this bot by name (/cmd@this_bot) is taken from there.
  const replied = message.reply_to_message?.from;
  if (addressee === null && replied?.is_bot === true && (replied.username ?? '').toLowerCase() !== me) {
    return deny('other_bot_message');
  }
  return null;
}

/** The `bot` in `/cmd@bot args`, or null for plain text and unaddressed commands. */
export function commandAddressee(text: string): string | null {
  const match = /^\/[A-Za-z0-9_]{1,64}@([A-Za-z0-9_]+)/.exec(text);
  return match?.[1] ?? null;
}

function stripAt(username: string): string {
  return username.startsWith('@') ? username.slice(1) : username;
}

/** Operators type, answer, start and kill; viewers only look. */
export type Role = 'operator' | 'viewer';

export interface Access {
  operators: ReadonlySet<number>;
  viewers: ReadonlySet<number>;
}

/** Everyone the bot answers at all: identity checks (authorizeUpdate) take this set, permissions then take the role. */
export function knownUsers(access: Access): Set<number> {
  return new Set([...access.operators, ...access.viewers]);
}

/** The role of a user; null for a stranger. Config refuses a user in both lists, so the order here never decides. */
export function roleOf(userId: number, access: Access): Role | null {
  if (access.operators.has(userId)) return 'operator';
  if (access.viewers.has(userId)) return 'viewer';
  return null;
}

/** `look` reads what the bot already shows; `operate` types, answers, starts, kills or changes something. */
export type Permission = 'look' | 'operate';

/**
 * What each command needs. A command not listed needs `operate`: a command added later is closed to viewers until
 * someone decides otherwise here. /logs is not for viewers: the daemon log covers every session and every user's
 * actions, more than the sessions a viewer is shown (PRODUCT.md lists /sessions, /tail, /summary, /screen).
 */
export const COMMAND_PERMISSION: Readonly<Record<string, Permission>> = {
  help: 'look',
  start: 'look',
  sessions: 'look',
  tail: 'look',
  summary: 'look',
  screen: 'look',
};

/** What each button needs: Refresh, Tail and Screen only show; every other button acts on the session. */
export const BUTTON_PERMISSION: Readonly<Record<CallbackAction['type'], Permission>> = {
  refresh: 'look',
  tail: 'look',
  screen: 'look',
  keys: 'operate',
  kill: 'operate',
  'kill-confirm': 'operate',
  'kill-cancel': 'operate',
  answer: 'operate',
  cancel: 'operate',
  'agent-approval': 'operate',
  'hook-decision': 'operate',
  'agent-choice': 'operate',
  'agent-resume': 'operate',
  'adopt-tab': 'operate',
};

/**
 * What an admitted update tries to do. `text` is input routed to a session: plain text (typed into it) or a photo
 * (sent to its agent); `button` with a null action is a press on an unknown or expired button, which does nothing but
 * say so; `other` is a message no feature acts on for a session (chatter, a sticker).
 */
export type Attempt =
  | { kind: 'command'; name: string }
  | { kind: 'text' }
  | { kind: 'button'; action: CallbackAction['type'] | null }
  | { kind: 'other' };

export type PermitResult = { ok: true } | { ok: false; what: string };

/** Whether `role` may make `attempt`; when not, `what` names the attempt for the one answer the person gets. */
export function permits(role: Role, attempt: Attempt): PermitResult {
  if (role === 'operator') return { ok: true };
  switch (attempt.kind) {
    case 'command':
      return (COMMAND_PERMISSION[attempt.name] ?? 'operate') === 'look' ? { ok: true } : { ok: false, what: `/${attempt.name}` };
    case 'text':
      return { ok: false, what: 'typing into a session' };
    case 'button':
      return attempt.action === null || BUTTON_PERMISSION[attempt.action] === 'look'
        ? { ok: true }
        : { ok: false, what: `the ${attempt.action} button` };
    case 'other':
      return { ok: true };
  }
}

/** A mark Telegram puts on a message's text; only `bot_command` ones are read here. */
export interface TgEntity {
  type: string;
  offset: number;
  length: number;
}

/**
 * The command a message runs (`/tail@bot 5` is `tail`), or null for plain text. Case as typed. It must be the command
 * grammY dispatches, or a viewer could run one the gate took for chatter: grammY runs the `bot_command` mark at
 * offset 0, read as text[1..length) (Telegram marks `/logs.` and `/shell;id` as `/logs` and `/shell`: punctuation ends
 * a command), so that mark decides when there is one; without it, the letters after the slash, whatever follows them.
 */
export function commandName(text: string, entities: readonly TgEntity[] = []): string | null {
  const marked = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (marked !== undefined) {
    const name = text.substring(1, marked.length).split('@', 1)[0] ?? '';
    return name === '' ? null : name;
  }
  const match = /^\/([A-Za-z0-9_]{1,64})/.exec(text);
  return match?.[1] ?? null;
}

/** The one answer a viewer gets for a refused attempt. */
export function readOnlyAnswer(what: string): string {
  return `read-only: you are a viewer here, so ${what} is not available to you. Viewers can use /sessions, /tail, /summary, /screen and the Refresh, Tail and Screen buttons.`;
}
