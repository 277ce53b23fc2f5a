// Sending, editing and deleting messages, with Telegram's validation order: content first, then flood control,
// so a refused message costs no budget.
import type { InlineKeyboardMarkup } from 'grammy/types';
import { badRequest, NOT_MODIFIED } from '../errors.js';
import { checkMessageText, checkReplyMarkup, formatText } from '../rules.js';
import type { ChatRecord, MessageRecord } from '../state.js';
import {
  existingMessage, type MethodContext, type MethodHandler, nowSeconds, replyTarget, spend, targetChat, targetThread,
} from './context.js';

/** Chat, thread and reply target of a new message; a reply into a topic lands in that topic. */
export function sendTarget(ctx: MethodContext): { chat: ChatRecord; threadId: number | undefined; replyTo?: number } {
  const chat = targetChat(ctx);
  let threadId = targetThread(chat, ctx.params.int('message_thread_id'));
  const reply = replyTarget(ctx, chat);
  if (threadId === undefined && reply?.threadId !== undefined) threadId = targetThread(chat, reply.threadId);
  return reply === undefined ? { chat, threadId } : { chat, threadId, replyTo: reply.messageId };
}

const sendMessage: MethodHandler = (ctx) => {
  const { chat, threadId, replyTo } = sendTarget(ctx);
  const { text, entities } = formatText(ctx.params, 'text', 'entities');
  checkMessageText(text);
  const markup = checkReplyMarkup(ctx.params.json('reply_markup'), false);
  spend(ctx, chat);
  const linkPreview = ctx.params.json('link_preview_options');
  const record = ctx.state.addMessage(chat, {
    fromBot: true,
    from: ctx.bot,
    date: nowSeconds(ctx),
    threadId,
    text,
    entities,
    replyToMessageId: replyTo,
    replyMarkup: markup !== undefined && 'inline_keyboard' in markup ? markup : undefined,
    disableNotification: ctx.params.bool('disable_notification'),
    extra: linkPreview === undefined ? {} : { link_preview_options: linkPreview },
  });
  return ctx.state.toMessage(record);
};

function editable(ctx: MethodContext): { chat: ChatRecord; record: MessageRecord } {
  if (ctx.params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = targetChat(ctx);
  const record = existingMessage(ctx, chat, 'message to edit not found');
  if (!record.fromBot || record.from?.id !== ctx.bot.id) throw badRequest("message can't be edited");
  return { chat, record };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const editMessageText: MethodHandler = (ctx) => {
  const { chat, record } = editable(ctx);
  if (record.text === undefined) throw badRequest('there is no text in the message to edit');
  const { text, entities } = formatText(ctx.params, 'text', 'entities');
  checkMessageText(text);
  // Like Telegram, an edit without reply_markup removes the keyboard.
  const markup = checkReplyMarkup(ctx.params.json('reply_markup'), true) as InlineKeyboardMarkup | undefined;
  if (text === record.text && sameJson(entities, record.entities) && sameJson(markup, record.replyMarkup)) {
    throw badRequest(NOT_MODIFIED);
  }
  spend(ctx, chat);
  record.history.push(record.text);
  Object.assign(record, { text, entities, replyMarkup: markup, editDate: nowSeconds(ctx) });
  return ctx.state.toMessage(record);
};

const editMessageCaption: MethodHandler = (ctx) => {
  const { chat, record } = editable(ctx);
  if (record.document === undefined && record.photo === undefined) throw badRequest('there is no caption in the message to edit');
  const { text, entities } = formatText(ctx.params, 'caption', 'caption_entities');
  const markup = checkReplyMarkup(ctx.params.json('reply_markup'), true) as InlineKeyboardMarkup | undefined;
  if (text === (record.caption ?? '') && sameJson(entities, record.entities) && sameJson(markup, record.replyMarkup)) {
    throw badRequest(NOT_MODIFIED);
  }
  spend(ctx, chat);
  record.history.push(record.caption ?? '');
  Object.assign(record, { caption: text, entities, replyMarkup: markup, editDate: nowSeconds(ctx) });
  return ctx.state.toMessage(record);
};

const editMessageReplyMarkup: MethodHandler = (ctx) => {
  const { chat, record } = editable(ctx);
  const markup = checkReplyMarkup(ctx.params.json('reply_markup'), true) as InlineKeyboardMarkup | undefined;
  if (sameJson(markup, record.replyMarkup)) throw badRequest(NOT_MODIFIED);
  spend(ctx, chat);
  record.replyMarkup = markup;
  record.editDate = nowSeconds(ctx);
  return ctx.state.toMessage(record);
};

function deleteOne(ctx: MethodContext, chat: ChatRecord, record: MessageRecord): void {
  // Bots delete their own messages anywhere, others' only in private chats or as an admin.
  const own = record.fromBot && record.from?.id === ctx.bot.id;
  if (!own && chat.chat.type !== 'private' && !ctx.state.botIsAdminIn(chat, ctx.bot.id)) throw badRequest("message can't be deleted");
  record.deleted = true;
  record.pinned = false;
}

const deleteMessage: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  deleteOne(ctx, chat, existingMessage(ctx, chat, 'message to delete not found'));
  return true;
};

const deleteMessages: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const ids = ctx.params.json<number[]>('message_ids') ?? [];
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) throw badRequest('message_ids is invalid');
  for (const id of ids) {
    const record = ctx.state.message(chat, id);
    if (record !== undefined) deleteOne(ctx, chat, record);
  }
  return true;
};

const pinChatMessage: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const record = existingMessage(ctx, chat, 'message to pin not found');
  if (chat.chat.type !== 'private' && !ctx.state.botIsAdminIn(chat, ctx.bot.id)) {
    throw badRequest('not enough rights to manage pinned messages in the chat');
  }
  record.pinned = true;
  return true;
};

const unpinChatMessage: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const record = existingMessage(ctx, chat, 'message to unpin not found');
  record.pinned = false;
  return true;
};

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

const sendChatAction: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  targetThread(chat, ctx.params.int('message_thread_id'));
  if (!CHAT_ACTIONS.has(ctx.params.string('action') ?? '')) throw badRequest('wrong parameter action in request');
  return true;
};

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage, editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage, deleteMessages,
  pinChatMessage, unpinChatMessage, sendChatAction,
};
