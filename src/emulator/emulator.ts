// startBotApiServer: an embedded Telegram Bot API on 127.0.0.1 for pocket's tests and `pocket demo`. grammY talks
// to it over HTTP as it would to Telegram; tests play the users through the same object and watch what the bot did.
import type { AddressInfo } from 'node:net';
import type { Chat, Update, User } from 'grammy/types';
import { type Clock, systemClock } from '../core/ports.js';
import { type GroupOptions, type SendTextOptions, UserSide, type UserOptions } from './client.js';
import { Faults } from './faults.js';
import { type CallRecord, Observer, type WaitOptions } from './observe.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { type BotSeat, createHttpServer } from './server.js';
import { type CallbackRecord, EmulatorState, type MessageRecord, type TopicRecord } from './state.js';
import { UpdateQueue } from './updates.js';

export const DEFAULT_TOKEN = '1234567890:AAEmulatorTokenForPocketTests_0123456';

export interface BotApiServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The only token accepted; any other gets 401 Unauthorized. The bot id is the part before ':'. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** Flood control; on by default, `false` turns it off. */
  rate?: Partial<RateLimits> | false;
  /** Time for message dates, flood control and callback-query age (long-poll timeouts use real timers). */
  clock?: Clock;
  /** BotFather's privacy mode (default on): in groups where it is not admin the bot sees commands, replies, mentions. */
  privacyMode?: boolean;
  firstUpdateId?: number;
}

export interface MessagesFilter {
  /** A topic id, or null for messages outside any topic (General); all when omitted. */
  threadId?: number | null;
  /** Whose messages: the bot's (default), the users', or both. */
  from?: 'bot' | 'user' | 'all';
  includeDeleted?: boolean;
}

/** A message as tests see it: the stored record plus how often it was edited. */
export type EmulatedMessage = MessageRecord & { editCount: number };

export interface OtherBotOptions {
  /** Its token; the bot id is the part before ':'. */
  token: string;
  username: string;
  firstName?: string;
  /** BotFather's privacy mode (default on). */
  privacyMode?: boolean;
}

/**
 * Another bot on the same emulated Telegram, for several machines in one group (each daemon with its own bot). It
 * sees only the groups it joined; private chats and channels stay the emulator's own bot's.
 */
export interface OtherBot {
  readonly bot: User;
  readonly token: string;
  /** Adds the bot to a group (admin by default: it may manage topics and sees every message). */
  join(chat: Chat, options?: { admin?: boolean }): void;
  /** True while its getUpdates long poll is waiting. */
  readonly polling: boolean;
  pendingUpdates(): Update[];
}

type ChatRef = number | Chat;
const chatIdOf = (chat: ChatRef) => (typeof chat === 'number' ? chat : chat.id);

export class BotApiEmulator {
  readonly faults: Faults;
  readonly bot: User;
  private readonly state: EmulatorState;
  private readonly updates: UpdateQueue;
  /** Every bot by token, the emulator's own first. */
  private readonly seats = new Map<string, BotSeat>();
  /** Flood-control settings, for the budgets of bots added later. */
  private readonly rate: BotApiServerOptions['rate'];
  private readonly observer = new Observer();
  private readonly limiter: RateLimiter | undefined;
  private readonly users: UserSide;
  private readonly http: ReturnType<typeof createHttpServer>;
  url = '';
  port = 0;

  constructor(readonly token: string, options: BotApiServerOptions) {
    const clock = options.clock ?? systemClock;
    const id = Number(token.split(':')[0]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error('emulator: a token looks like "<bot id>:<secret>"');
    this.bot = {
      id, is_bot: true, first_name: options.botFirstName ?? 'Pocket Operator', username: options.botUsername ?? 'pocket_test_bot',
    };
    this.state = new EmulatorState(this.bot);
    this.updates = new UpdateQueue(options.firstUpdateId, () => this.observer.changed());
    this.limiter = options.rate === false ? undefined : new RateLimiter(options.rate ?? {});
    this.faults = new Faults(() => this.http.dropConnections());
    this.seats.set(token, { token, bot: this.bot, updates: this.updates, limiter: this.limiter, privacyMode: options.privacyMode ?? true });
    this.users = new UserSide(this.state, () => [...this.seats.values()], this.observer, clock);
    this.http = createHttpServer({ seats: this.seats, state: this.state, faults: this.faults, observer: this.observer, clock });
    this.rate = options.rate;
  }

  /** Another bot answering on this server, in the groups it joins (see OtherBot). */
  addBot(options: OtherBotOptions): OtherBot {
    const id = Number(options.token.split(':')[0]);
    if (!Number.isSafeInteger(id) || id <= 0 || id === this.bot.id || this.seats.has(options.token)) {
      throw new Error('emulator: another bot needs its own token, like "<bot id>:<secret>"');
    }
    const bot: User = { id, is_bot: true, first_name: options.firstName ?? options.username, username: options.username };
    const updates = new UpdateQueue(undefined, () => this.observer.changed());
    const limiter = this.rate === false ? undefined : new RateLimiter(this.rate ?? {});
    this.seats.set(options.token, { token: options.token, bot, updates, limiter, privacyMode: options.privacyMode ?? true });
    const state = this.state;
    return {
      bot,
      token: options.token,
      join(chat, joinOptions = {}) {
        const record = state.chats.get(chat.id);
        if (record === undefined || chat.type === 'private') throw new Error(`emulator: ${options.username} can join only a group created first`);
        record.otherBots.set(id, { admin: joinOptions.admin ?? true });
      },
      get polling() {
        return updates.polling;
      },
      pendingUpdates: () => updates.pending(),
    };
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.server.once('error', reject);
      this.http.server.listen(port, host, () => resolve());
    });
    this.port = (this.http.server.address() as AddressInfo).port;
    this.url = `http://${host}:${this.port}`;
  }

  /** Ends waiting long polls with an empty answer, then closes every connection (hung calls included). */
  async close(): Promise<void> {
    this.updates.release();
    await new Promise((resolve) => setImmediate(resolve));
    this.http.dropConnections();
    await new Promise<void>((resolve) => this.http.server.close(() => resolve()));
  }

  // --- the users' side ---
  user(id: number, options?: UserOptions): User { return this.users.user(id, options); }
  createPrivateChat(user: User): Chat.PrivateChat { return this.users.createPrivateChat(user); }
  createGroup(options: GroupOptions): Chat.GroupChat | Chat.SupergroupChat { return this.users.createGroup(options); }
  createChannel(options: { title: string }): Chat.ChannelChat { return this.users.createChannel(options); }
  createTopic(chat: Chat, name: string, from?: User) { return this.users.createTopic(chat, name, from); }
  deleteTopic(chat: Chat, threadId: number): void { this.users.deleteTopic(chat, threadId); }
  closeTopic(chat: Chat, threadId: number, closed = true): void { this.users.closeTopic(chat, threadId, closed); }
  blockBot(user: User, blocked = true): void { this.users.blockBot(user, blocked); }
  sendText(chat: Chat, from: User, text: string, options?: SendTextOptions): Update {
    return this.users.sendText(chat, from, text, options);
  }
  sendPhoto(chat: Chat, from: User, bytes: Uint8Array, options?: { caption?: string; replyTo?: number; threadId?: number }): Update {
    return this.users.sendPhoto(chat, from, bytes, options);
  }
  pressButton(chat: Chat, from: User, messageId: number, callbackData: string, options?: { force?: boolean }): Update {
    return this.users.pressButton(chat, from, messageId, callbackData, options);
  }
  channelPost(channel: Chat, text: string, options?: { date?: number }): Update {
    return this.users.channelPost(channel, text, options);
  }
  injectRawUpdate(update: object): Update { return this.users.injectRawUpdate(update); }

  // --- what the bot did ---
  get calls(): readonly CallRecord[] { return this.observer.calls; }

  on(event: 'call', listener: (call: CallRecord) => void): this {
    this.observer.on(event, listener);
    return this;
  }

  off(event: 'call', listener: (call: CallRecord) => void): this {
    this.observer.off(event, listener);
    return this;
  }

  waitFor<T>(probe: () => T | undefined | null | false, options?: WaitOptions): Promise<T> {
    return this.observer.waitFor(probe, options);
  }

  waitForCall(method: string, match?: (call: CallRecord) => boolean, options?: WaitOptions & { since?: number }) {
    return this.observer.waitForCall(method, match, options);
  }

  messages(chat: ChatRef, filter: MessagesFilter = {}): EmulatedMessage[] {
    const record = this.state.chats.get(chatIdOf(chat));
    if (record === undefined) return [];
    const from = filter.from ?? 'bot';
    return [...record.messages.values()]
      .filter((m) => m.extra.forum_topic_created === undefined)
      .filter((m) => filter.includeDeleted || !m.deleted)
      .filter((m) => from === 'all' || (from === 'bot') === m.fromBot)
      .filter((m) => filter.threadId === undefined || (m.threadId ?? null) === filter.threadId)
      .map((m) => ({ ...m, editCount: m.history.length }));
  }

  message(chat: ChatRef, messageId: number): EmulatedMessage | undefined {
    const m = this.state.chats.get(chatIdOf(chat))?.messages.get(messageId);
    return m === undefined ? undefined : { ...m, editCount: m.history.length };
  }

  /** The last live bot message in the chat (or topic). */
  lastMessage(chat: ChatRef, filter: Omit<MessagesFilter, 'includeDeleted'> = {}): EmulatedMessage | undefined {
    return this.messages(chat, filter).at(-1);
  }

  topics(chat: ChatRef): TopicRecord[] {
    return [...(this.state.chats.get(chatIdOf(chat))?.topics.values() ?? [])].map((t) => ({ ...t }));
  }

  callbackQuery(id: string): CallbackRecord | undefined {
    const query = this.state.callbacks.get(id);
    return query === undefined ? undefined : { ...query };
  }

  /** Updates queued and not yet confirmed by the bot. */
  pendingUpdates(): Update[] { return this.updates.pending(); }

  /** True while a getUpdates long poll is waiting. */
  get polling(): boolean { return this.updates.polling; }

  /** Calls a hang fault holds (see Faults.hangNext) whose clients have not given up yet. */
  get hanging(): number { return this.http.hanging(); }

  /** 429s given so far, to one chat or to all. */
  rateLimitHits(chat?: ChatRef): number {
    return this.limiter?.refusals(chat === undefined ? undefined : chatIdOf(chat)) ?? 0;
  }

  commands(scope: unknown = { type: 'default' }, languageCode = ''): { command: string; description: string }[] {
    return this.state.commands.get(JSON.stringify([scope, languageCode])) ?? [];
  }
}

export async function startBotApiServer(options: BotApiServerOptions = {}): Promise<BotApiEmulator> {
  const emulator = new BotApiEmulator(options.token ?? DEFAULT_TOKEN, options);
  await emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return emulator;
}
