// What the emulated Telegram knows: the bot, users, chats with their messages and forum topics, callback queries,
// stored files and commands. Records keep plain text + entities (what Telegram keeps); wire objects are built from
// them on demand so an edit shows everywhere.
import type { Chat, InlineKeyboardMarkup, Message, MessageEntity, User } from 'grammy/types';
import { badRequest } from './errors.js';

export interface StoredDocument {
  fileId: string;
  fileUniqueId: string;
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

/** A photo the bot sent: the upload kept byte for byte (Telegram would re-encode it), and its size as Telegram shows it. */
export interface StoredPhoto {
  file: StoredDocument;
  /** The uploaded image's own size. */
  width: number;
  height: number;
}

export interface TopicRecord {
  threadId: number;
  name: string;
  iconColor: number;
  closed: boolean;
  deleted: boolean;
}

export interface MessageRecord {
  chatId: number;
  messageId: number;
  /** Forum topic; undefined in General and outside forums. */
  threadId: number | undefined;
  fromBot: boolean;
  from: User | undefined;
  text: string | undefined;
  caption: string | undefined;
  entities: MessageEntity[];
  replyMarkup: InlineKeyboardMarkup | undefined;
  replyToMessageId: number | undefined;
  date: number;
  editDate: number | undefined;
  /** Earlier texts (or captions), oldest first: one per successful edit. */
  history: string[];
  deleted: boolean;
  pinned: boolean;
  document: StoredDocument | undefined;
  photo: StoredPhoto | undefined;
  /** Emoji the bot set on this message with setMessageReaction. */
  reactions: string[];
  disableNotification: boolean;
  /** Anything else of the wire object (forward_origin, sender_chat, service fields...). */
  extra: Record<string, unknown>;
}

export interface ChatRecord {
  chat: Chat;
  forum: boolean;
  botIsAdmin: boolean;
  /** User ids of members; private chats hold the one user. */
  members: Set<number>;
  topics: Map<number, TopicRecord>;
  messages: Map<number, MessageRecord>;
  nextMessageId: number;
  blockedByUser: boolean;
  /** Bots other than the emulator's own that are in this chat (BotApiEmulator.addBot), by id: whether each is admin. */
  otherBots: Map<number, { admin: boolean }>;
}

export interface CallbackRecord {
  id: string;
  chatId: number;
  messageId: number;
  from: User;
  data: string;
  atMs: number;
  answered: boolean;
  answer: { text?: string; showAlert: boolean; url?: string } | undefined;
}

export const ANONYMOUS_ADMIN: User = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
export const CHANNEL_BOT: User = { id: 136817688, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' };

export class EmulatorState {
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();
  readonly callbacks = new Map<string, CallbackRecord>();
  readonly files = new Map<string, StoredDocument>();
  readonly commands = new Map<string, { command: string; description: string }[]>();
  /** Set by setWebhook: getUpdates then answers 409, as Telegram does. */
  webhookUrl: string | undefined;
  private nextGroupId = 1_000_000_001;
  private nextCallback = 1;
  private nextFile = 1;

  constructor(readonly bot: User) {}

  addChat(chat: Chat, options: { forum?: boolean; botIsAdmin?: boolean; members?: number[] } = {}): ChatRecord {
    const record: ChatRecord = {
      chat,
      forum: options.forum ?? false,
      botIsAdmin: options.botIsAdmin ?? false,
      members: new Set(options.members ?? []),
      topics: new Map(),
      messages: new Map(),
      // In a forum, id 1 is the General topic: messages (and so topic ids) start after it.
      nextMessageId: options.forum ? 2 : 1,
      blockedByUser: false,
      otherBots: new Map(),
    };
    this.chats.set(chat.id, record);
    return record;
  }

  /** Whether this bot (the emulator's own, or one added with addBot) is an admin of the chat. */
  botIsAdminIn(chat: ChatRecord, botId: number): boolean {
    return botId === this.bot.id ? chat.botIsAdmin : chat.otherBots.get(botId)?.admin === true;
  }

  newGroupId(): number {
    return -(1_000_000_000_000 + this.nextGroupId++);
  }

  newCallbackId(): string {
    return `${this.bot.id}${String(this.nextCallback++).padStart(8, '0')}`;
  }

  newFileIds(): { fileId: string; fileUniqueId: string } {
    const n = this.nextFile++;
    return { fileId: `BQACAgIAAxkDAAE${n.toString(36).padStart(6, '0')}`, fileUniqueId: `AgAD${n}` };
  }

  chat(chatId: number | string | undefined): ChatRecord {
    const id = typeof chatId === 'string' ? Number(chatId) : chatId;
    const record = id === undefined || Number.isNaN(id) ? undefined : this.chats.get(id);
    if (record === undefined) throw badRequest('chat not found');
    return record;
  }

  /** A live (not deleted) message, or undefined. */
  message(chat: ChatRecord, messageId: number | undefined): MessageRecord | undefined {
    const record = messageId === undefined ? undefined : chat.messages.get(messageId);
    return record === undefined || record.deleted ? undefined : record;
  }

  addMessage(chat: ChatRecord, fields: Partial<MessageRecord> & { date: number; fromBot: boolean }): MessageRecord {
    const record: MessageRecord = {
      chatId: chat.chat.id,
      messageId: chat.nextMessageId++,
      threadId: undefined,
      from: fields.fromBot ? this.bot : undefined,
      text: undefined,
      caption: undefined,
      entities: [],
      replyMarkup: undefined,
      replyToMessageId: undefined,
      editDate: undefined,
      history: [],
      deleted: false,
      pinned: false,
      document: undefined,
      photo: undefined,
      reactions: [],
      disableNotification: false,
      extra: {},
      ...fields,
    };
    chat.messages.set(record.messageId, record);
    return record;
  }

  /** The Bot API object for a message, with its replied-to message one level deep as Telegram does. */
  toMessage(record: MessageRecord, depth = 0): Message {
    const chat = this.chats.get(record.chatId)!;
    const message: Record<string, unknown> = {
      message_id: record.messageId,
      ...(record.from === undefined ? {} : { from: record.from }),
      date: record.date,
      chat: chat.chat,
      ...record.extra,
    };
    if (record.threadId !== undefined) {
      message.message_thread_id = record.threadId;
      message.is_topic_message = true;
    }
    // In a topic every message without an explicit reply "replies" to the topic's creation message, like Telegram.
    const replyId = record.replyToMessageId ?? record.threadId;
    const replied = depth === 0 && replyId !== record.messageId ? this.message(chat, replyId) : undefined;
    if (replied !== undefined) message.reply_to_message = this.toMessage(replied, depth + 1);
    if (record.text !== undefined) {
      message.text = record.text;
      if (record.entities.length > 0) message.entities = record.entities;
    }
    if (record.document !== undefined) {
      const d = record.document;
      message.document = {
        file_id: d.fileId,
        file_unique_id: d.fileUniqueId,
        file_name: d.fileName,
        mime_type: d.mimeType,
        file_size: d.bytes.length,
      };
    }
    if (record.photo !== undefined) message.photo = photoSizes(record.photo);
    if (record.caption !== undefined && record.caption !== '') {
      message.caption = record.caption;
      if (record.entities.length > 0) message.caption_entities = record.entities;
    }
    if (record.replyMarkup !== undefined) message.reply_markup = record.replyMarkup;
    if (record.editDate !== undefined) message.edit_date = record.editDate;
    return message as unknown as Message;
  }
}

/** Telegram keeps a photo's largest size at most 1280 px on its long side. */
const PHOTO_SIDE = 1280;

/**
 * The PhotoSize Telegram answers with, the largest one only (Telegram adds thumbnails of 90, 320 and 800 px): the
 * uploaded size scaled down to fit PHOTO_SIDE, never up.
 */
function photoSizes(photo: StoredPhoto): Array<{ file_id: string; file_unique_id: string; width: number; height: number; file_size: number }> {
  const scale = Math.min(1, PHOTO_SIDE / Math.max(photo.width, photo.height));
  return [{
    file_id: photo.file.fileId,
    file_unique_id: photo.file.fileUniqueId,
    width: Math.round(photo.width * scale),
    height: Math.round(photo.height * scale),
    file_size: photo.file.bytes.length,
  }];
}
