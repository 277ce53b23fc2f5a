// The user side: people, chats and what they do in the Telegram app (send text, press buttons, post in channels,
// create and delete topics). Everything they do becomes an update in the queue of each bot that sees it, shaped as
// Telegram shapes it: the emulator's own bot, and in groups any other bot added to them (BotApiEmulator.addBot).
import type { Chat, Message, Update, User } from 'grammy/types';
import type { Clock } from '../core/ports.js';
import { detectEntities, visibleToBot } from './incoming.js';
import { createTopic, deleteTopic } from './methods/topics.js';
import type { Observer } from './observe.js';
import type { BotSeat } from './server.js';
import { ANONYMOUS_ADMIN, CHANNEL_BOT, type ChatRecord, type EmulatorState, type MessageRecord } from './state.js';

export interface UserOptions {
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

export interface GroupOptions {
  title: string;
  /** A forum supergroup (topics); default false. */
  forum?: boolean;
  members?: User[];
  /** Admins see every message despite privacy mode and may manage topics; default true. */
  botIsAdmin?: boolean;
  /** Default 'supergroup' (forums always are). */
  type?: 'group' | 'supergroup';
}

export interface SendTextOptions {
  /** A forum topic id (message_thread_id). */
  threadId?: number;
  /** Message id in the same chat this one replies to. */
  replyTo?: number;
  /** Marks the message forwarded (from `from` itself when true). */
  forwarded?: boolean | { from: User; date?: number };
  /** Edits an existing user message instead: the update is an edited_message. */
  edited?: number;
  /** Sent by an anonymous group admin: from is GroupAnonymousBot, sender_chat the group. */
  asAnonymousAdmin?: boolean;
  /** Sent on behalf of a channel in a group: from is Channel_Bot, sender_chat the channel. */
  viaChannel?: Chat;
  /** Unix seconds; an old date makes a stale update. */
  date?: number;
}

export class UserSide {
  /** `seats`: every bot, the emulator's own first. */
  constructor(
    private readonly state: EmulatorState,
    private readonly seats: () => readonly BotSeat[],
    private readonly observer: Observer,
    private readonly clock: Clock,
  ) {}

  user(id: number, options: UserOptions = {}): User {
    const user: User = {
      id,
      is_bot: false,
      first_name: options.firstName ?? `User${id}`,
      ...(options.lastName === undefined ? {} : { last_name: options.lastName }),
      ...(options.username === undefined ? {} : { username: options.username }),
      language_code: options.languageCode ?? 'en',
    };
    this.state.users.set(id, user);
    return user;
  }

  /** The user has started the bot: the chat id is the user id. */
  createPrivateChat(user: User): Chat.PrivateChat {
    const chat: Chat.PrivateChat = {
      id: user.id,
      type: 'private',
      first_name: user.first_name,
      ...(user.last_name === undefined ? {} : { last_name: user.last_name }),
      ...(user.username === undefined ? {} : { username: user.username }),
    };
    this.state.addChat(chat, { members: [user.id] });
    return chat;
  }

  createGroup(options: GroupOptions): Chat.GroupChat | Chat.SupergroupChat {
    const forum = options.forum ?? false;
    const type = forum ? 'supergroup' : (options.type ?? 'supergroup');
    const id = this.state.newGroupId();
    const chat =
      type === 'group'
        ? ({ id: -(-id % 1_000_000_000_000), type, title: options.title } satisfies Chat.GroupChat)
        : ({ id, type, title: options.title, ...(forum ? { is_forum: true as const } : {}) } satisfies Chat.SupergroupChat);
    this.state.addChat(chat, {
      forum,
      botIsAdmin: options.botIsAdmin ?? true,
      members: (options.members ?? []).map((m) => m.id),
    });
    return chat;
  }

  createChannel(options: { title: string }): Chat.ChannelChat {
    const chat: Chat.ChannelChat = { id: this.state.newGroupId(), type: 'channel', title: options.title };
    this.state.addChat(chat, { botIsAdmin: true });
    return chat;
  }

  /** A topic created by a person in the app (no update is sent to the bot, as with privacy mode on). */
  createTopic(chat: Chat, name: string, from?: User): { threadId: number; name: string } {
    const topic = createTopic(this.state, this.record(chat), name, this.nowS(), {
      ...(from === undefined ? {} : { from }),
    });
    this.observer.changed();
    return { threadId: topic.threadId, name: topic.name };
  }

  /** Someone deleted (or closed) the topic in the app; later sends to it fail like in Telegram. */
  deleteTopic(chat: Chat, threadId: number): void {
    const record = this.record(chat);
    const topic = record.topics.get(threadId);
    if (topic === undefined) throw new Error(`emulator: no topic ${threadId} in chat ${chat.id}`);
    deleteTopic(record, topic);
    this.observer.changed();
  }

  closeTopic(chat: Chat, threadId: number, closed = true): void {
    const topic = this.record(chat).topics.get(threadId);
    if (topic === undefined) throw new Error(`emulator: no topic ${threadId} in chat ${chat.id}`);
    topic.closed = closed;
  }

  /** The user blocks (or unblocks) the bot: sends to their private chat get 403. */
  blockBot(user: User, blocked = true): void {
    this.state.chat(user.id).blockedByUser = blocked;
  }

  sendText(chat: Chat, from: User, text: string, options: SendTextOptions = {}): Update {
    const record = this.record(chat);
    if (options.edited !== undefined) return this.editText(record, from, text, options.edited);
    const reply = options.replyTo === undefined ? undefined : this.existing(record, options.replyTo);
    const threadId = options.threadId ?? reply?.threadId;
    if (threadId !== undefined) {
      const topic = record.topics.get(threadId);
      if (topic === undefined || topic.deleted) throw new Error(`emulator: no open topic ${threadId} to write in`);
    }
    const extra: Record<string, unknown> = {};
    let sender: User = from;
    if (options.asAnonymousAdmin) {
      sender = ANONYMOUS_ADMIN;
      extra.sender_chat = chat;
    } else if (options.viaChannel !== undefined) {
      sender = CHANNEL_BOT;
      extra.sender_chat = options.viaChannel;
    }
    if (options.forwarded) {
      const origin = options.forwarded === true ? { from, date: undefined } : options.forwarded;
      extra.forward_origin = { type: 'user', sender_user: origin.from, date: origin.date ?? this.nowS() - 60 };
    }
    const message = this.state.addMessage(record, {
      fromBot: false,
      from: sender,
      date: options.date ?? this.nowS(),
      threadId,
      text,
      entities: detectEntities(text),
      replyToMessageId: reply?.messageId,
      extra,
    });
    const wire = this.state.toMessage(message);
    return this.deliver(record, { message: wire }, (seat) => visibleToBot(this.state, record, message, seat.privacyMode, seat.bot));
  }

  /**
   * A photo (the bytes of one size, as a JPEG) with an optional caption: the bot sees `photo` with one PhotoSize and
   * can fetch it through getFile like a document.
   */
  sendPhoto(chat: Chat, from: User, bytes: Uint8Array, options: { caption?: string; replyTo?: number; threadId?: number } = {}): Update {
    const record = this.record(chat);
    const reply = options.replyTo === undefined ? undefined : this.existing(record, options.replyTo);
    const threadId = options.threadId ?? reply?.threadId;
    const ids = this.state.newFileIds();
    this.state.files.set(ids.fileId, { ...ids, fileName: `${ids.fileUniqueId}.jpg`, mimeType: 'image/jpeg', bytes: Buffer.from(bytes) });
    const caption = options.caption ?? '';
    const message = this.state.addMessage(record, {
      fromBot: false,
      from,
      date: this.nowS(),
      threadId,
      caption,
      entities: detectEntities(caption),
      replyToMessageId: reply?.messageId,
      extra: { photo: [{ file_id: ids.fileId, file_unique_id: ids.fileUniqueId, width: 64, height: 64, file_size: bytes.length }] },
    });
    return this.deliver(record, { message: this.state.toMessage(message) }, (seat) => visibleToBot(this.state, record, message, seat.privacyMode, seat.bot));
  }

  /** A press on an inline button of a bot message; throws when no such button exists unless `force`. */
  pressButton(chat: Chat, from: User, messageId: number, callbackData: string, options: { force?: boolean } = {}) {
    const record = this.record(chat);
    const message = this.existing(record, messageId);
    const buttons = message.replyMarkup?.inline_keyboard.flat() ?? [];
    const exists = buttons.some((b) => 'callback_data' in b && b.callback_data === callbackData);
    if (!exists && !options.force) {
      throw new Error(`emulator: message ${messageId} has no button with callback_data ${JSON.stringify(callbackData)}`);
    }
    const id = this.state.newCallbackId();
    this.state.callbacks.set(id, {
      id, chatId: chat.id, messageId, from, data: callbackData, atMs: this.clock.now(), answered: false,
      answer: undefined,
    });
    const callback_query = {
      id, from, message: this.state.toMessage(message), chat_instance: String(-chat.id * 7 + 3), data: callbackData,
    };
    // Only the bot that sent the message hears about its buttons.
    return this.deliver(record, { callback_query }, (seat) => seat.bot.id === (message.from?.id ?? this.state.bot.id));
  }

  /** A post in a channel where the bot is admin: no `from`, sender_chat is the channel. */
  channelPost(channel: Chat, text: string, options: { date?: number } = {}): Update {
    const record = this.record(channel);
    const message = this.state.addMessage(record, {
      fromBot: false, from: undefined, date: options.date ?? this.nowS(), text, entities: detectEntities(text),
      extra: { sender_chat: channel },
    });
    return this.deliver(record, { channel_post: this.state.toMessage(message) }, (seat) => seat.bot.id === this.state.bot.id);
  }

  /** Anything at all; keep update_id to deliver a duplicate (inject it when nothing else is pending). */
  injectRawUpdate(update: object): Update {
    const queued = this.ownSeat().updates.push(update as Omit<Update, 'update_id'>);
    this.observer.changed();
    return queued;
  }

  private editText(record: ChatRecord, from: User, text: string, messageId: number): Update {
    const message = this.existing(record, messageId);
    if (message.fromBot || message.from?.id !== from.id) throw new Error(`emulator: ${from.id} cannot edit ${messageId}`);
    message.history.push(message.text ?? '');
    message.text = text;
    message.entities = detectEntities(text);
    message.editDate = this.nowS();
    const wire: Message = this.state.toMessage(message);
    return this.deliver(record, { edited_message: wire }, (seat) => visibleToBot(this.state, record, message, seat.privacyMode, seat.bot));
  }

  /**
   * Queues the update for each bot in the chat that `sees` it (the emulator's own bot is in every chat; another bot
   * only in the chats it joined). Returns it as the emulator's own bot got it: update_id 0 when it did not.
   */
  private deliver(record: ChatRecord, body: Record<string, unknown>, sees: (seat: BotSeat) => boolean): Update {
    let update = { update_id: 0, ...body } as Update;
    for (const seat of this.seats()) {
      const own = seat.bot.id === this.state.bot.id;
      if (!own && !record.otherBots.has(seat.bot.id)) continue;
      if (!sees(seat)) continue;
      const queued = seat.updates.push(body as Omit<Update, 'update_id'>);
      if (own) update = queued;
    }
    this.observer.changed();
    return update;
  }

  private ownSeat(): BotSeat {
    return this.seats()[0]!;
  }

  private record(chat: Chat): ChatRecord {
    const record = this.state.chats.get(chat.id);
    if (record === undefined) throw new Error(`emulator: unknown chat ${chat.id}; create it first`);
    return record;
  }

  private existing(record: ChatRecord, messageId: number): MessageRecord {
    const message = this.state.message(record, messageId);
    if (message === undefined) throw new Error(`emulator: no message ${messageId} in chat ${record.chat.id}`);
    return message;
  }

  private nowS(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}
