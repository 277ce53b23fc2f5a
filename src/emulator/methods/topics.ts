// Forum topics. A topic's id is the id of its "topic created" service message, as in Telegram; General (id 1)
// always exists and is never a thread to pass. Deleting a topic deletes its messages.
import type { ForumTopic, User } from 'grammy/types';
import { badRequest } from '../errors.js';
import { checkTopicName } from '../rules.js';
import type { ChatRecord, EmulatorState, TopicRecord } from '../state.js';
import { type MethodContext, type MethodHandler, nowSeconds, targetChat } from './context.js';

const DEFAULT_ICON_COLOR = 7322096;

/** Shared by the bot method and the user side (a person creating a topic in the app). */
export function createTopic(
  state: EmulatorState,
  chat: ChatRecord,
  name: string,
  date: number,
  /** `bot`: the bot that creates it (createForumTopic); otherwise `from`, the person in the app. */
  options: { iconColor?: number; bot?: User; from?: User },
): TopicRecord {
  if (!chat.forum) throw badRequest('the chat is not a forum');
  checkTopicName(name);
  const iconColor = options.iconColor ?? DEFAULT_ICON_COLOR;
  const service = state.addMessage(chat, {
    fromBot: options.bot !== undefined,
    from: options.bot ?? options.from,
    date,
    extra: { forum_topic_created: { name, icon_color: iconColor } },
  });
  service.threadId = service.messageId;
  const topic: TopicRecord = { threadId: service.messageId, name, iconColor, closed: false, deleted: false };
  chat.topics.set(topic.threadId, topic);
  return topic;
}

function forumChat(ctx: MethodContext): ChatRecord {
  const chat = targetChat(ctx);
  if (!chat.forum) throw badRequest('the chat is not a forum');
  if (!ctx.state.botIsAdminIn(chat, ctx.bot.id)) throw badRequest('not enough rights to manage topics');
  return chat;
}

function existingTopic(ctx: MethodContext, chat: ChatRecord): TopicRecord {
  const topic = chat.topics.get(ctx.params.int('message_thread_id') ?? 0);
  if (topic === undefined || topic.deleted) throw badRequest('message thread not found');
  return topic;
}

export function deleteTopic(chat: ChatRecord, topic: TopicRecord): void {
  topic.deleted = true;
  for (const message of chat.messages.values()) {
    if (message.threadId === topic.threadId) message.deleted = true;
  }
}

const createForumTopic: MethodHandler = (ctx) => {
  const chat = forumChat(ctx);
  const topic = createTopic(ctx.state, chat, ctx.params.string('name') ?? '', nowSeconds(ctx), {
    bot: ctx.bot,
    ...(ctx.params.has('icon_color') ? { iconColor: ctx.params.int('icon_color')! } : {}),
  });
  return { message_thread_id: topic.threadId, name: topic.name, icon_color: topic.iconColor } satisfies ForumTopic;
};

const editForumTopic: MethodHandler = (ctx) => {
  const chat = forumChat(ctx);
  const topic = existingTopic(ctx, chat);
  const name = ctx.params.string('name');
  if (name !== undefined) topic.name = checkTopicName(name);
  return true;
};

const closeForumTopic: MethodHandler = (ctx) => {
  const topic = existingTopic(ctx, forumChat(ctx));
  if (topic.closed) throw badRequest('TOPIC_NOT_MODIFIED');
  topic.closed = true;
  return true;
};

const reopenForumTopic: MethodHandler = (ctx) => {
  const topic = existingTopic(ctx, forumChat(ctx));
  if (!topic.closed) throw badRequest('TOPIC_NOT_MODIFIED');
  topic.closed = false;
  return true;
};

const deleteForumTopic: MethodHandler = (ctx) => {
  const chat = forumChat(ctx);
  deleteTopic(chat, existingTopic(ctx, chat));
  return true;
};

export const topicMethods: Record<string, MethodHandler> = {
  createForumTopic, editForumTopic, closeForumTopic, reopenForumTopic, deleteForumTopic,
};
