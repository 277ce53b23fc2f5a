// What a Bot API method handler gets, and the checks several methods share (chat, topic, reply target, budget).
import type { User } from 'grammy/types';
import { badRequest, forbidden, tooManyRequests } from '../errors.js';
import type { Params } from '../params.js';
import type { RateLimiter } from '../rate-limit.js';
import type { ChatRecord, EmulatorState, MessageRecord } from '../state.js';
import type { UpdateQueue } from '../updates.js';

export interface MethodContext {
  params: Params;
  /** The bot whose token called: the emulator's own, or another added with addBot. */
  bot: User;
  state: EmulatorState;
  updates: UpdateQueue;
  limiter: RateLimiter | undefined;
  nowMs(): number;
  /** Registers cleanup for when the HTTP request goes away before an answer (a cancelled long poll). */
  onAbort(callback: () => void): void;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

export function nowSeconds(ctx: MethodContext): number {
  return Math.floor(ctx.nowMs() / 1000);
}

/** The chat a bot method names in chat_id; a private chat whose user blocked the bot is a 403. */
export function targetChat(ctx: MethodContext): ChatRecord {
  const chatId = ctx.params.string('chat_id');
  if (chatId === undefined || chatId === '') throw badRequest('chat_id is empty');
  const chat = ctx.state.chat(chatId);
  if (chat.blockedByUser) throw forbidden('bot was blocked by the user');
  return chat;
}

/** message_thread_id must name an open topic of a forum; General (1) is not a valid thread to pass. */
export function targetThread(chat: ChatRecord, threadId: number | undefined): number | undefined {
  if (threadId === undefined) return undefined;
  const topic = chat.forum ? chat.topics.get(threadId) : undefined;
  if (topic === undefined || topic.deleted) throw badRequest('message thread not found');
  if (topic.closed) throw badRequest('TOPIC_CLOSED');
  return threadId;
}

/** reply_parameters (or the older reply_to_message_id); a reply into a topic lands in that topic. */
export function replyTarget(ctx: MethodContext, chat: ChatRecord): MessageRecord | undefined {
  const parameters = ctx.params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    'reply_parameters',
  );
  const messageId = parameters?.message_id ?? ctx.params.int('reply_to_message_id');
  if (messageId === undefined) return undefined;
  const target = ctx.state.message(chat, messageId);
  const lenient = parameters?.allow_sending_without_reply ?? ctx.params.bool('allow_sending_without_reply');
  if (target === undefined && !lenient) throw badRequest('message to be replied not found');
  return target;
}

/** Flood control: throws the 429 when the chat has no budget left. */
export function spend(ctx: MethodContext, chat: ChatRecord): void {
  const verdict = ctx.limiter?.take(chat.chat.id, ctx.nowMs());
  if (verdict !== undefined && !verdict.ok) throw tooManyRequests(verdict.retryAfter);
}

/** A live message of the chat, or the 400 Telegram gives for this method when there is none. */
export function existingMessage(ctx: MethodContext, chat: ChatRecord, missing: string): MessageRecord {
  const record = ctx.state.message(chat, ctx.params.int('message_id'));
  if (record === undefined) throw badRequest(missing);
  return record;
}
