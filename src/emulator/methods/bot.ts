// The bot itself: identity, chats as the bot sees them, commands, webhook switches and getUpdates.
import type { Update } from 'grammy/types';
import { ApiError, badRequest } from '../errors.js';
import { checkCommands } from '../rules.js';
import type { MethodContext, MethodHandler } from './context.js';

const getMe: MethodHandler = (ctx) => ({
  ...ctx.bot,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
});

const getChat: MethodHandler = (ctx) => {
  const chat = ctx.state.chat(ctx.params.string('chat_id'));
  return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} };
};

const getChatMember: MethodHandler = (ctx) => {
  const chat = ctx.state.chat(ctx.params.string('chat_id'));
  const userId = ctx.params.requiredInt('user_id');
  if (userId === ctx.bot.id) {
    return ctx.state.botIsAdminIn(chat, ctx.bot.id)
      ? { status: 'administrator', user: ctx.bot, can_be_edited: false, can_manage_topics: true,
          can_delete_messages: true, can_pin_messages: true, can_manage_chat: true, is_anonymous: false }
      : { status: 'member', user: ctx.bot };
  }
  const user = ctx.state.users.get(userId);
  if (user === undefined || !chat.members.has(userId)) throw badRequest('user not found');
  return { status: 'member', user };
};

/** Commands are kept per scope + language, like Telegram. */
function commandsKey(ctx: MethodContext): string {
  return JSON.stringify([ctx.params.json('scope') ?? { type: 'default' }, ctx.params.string('language_code') ?? '']);
}

const setMyCommands: MethodHandler = (ctx) => {
  ctx.state.commands.set(commandsKey(ctx), checkCommands(ctx.params.json('commands')));
  return true;
};

const getMyCommands: MethodHandler = (ctx) => ctx.state.commands.get(commandsKey(ctx)) ?? [];

const deleteMyCommands: MethodHandler = (ctx) => {
  ctx.state.commands.delete(commandsKey(ctx));
  return true;
};

const setWebhook: MethodHandler = (ctx) => {
  ctx.state.webhookUrl = ctx.params.requiredString('url');
  return true;
};

const deleteWebhook: MethodHandler = (ctx) => {
  ctx.state.webhookUrl = undefined;
  if (ctx.params.bool('drop_pending_updates')) ctx.updates.dropPending();
  return true;
};

const getWebhookInfo: MethodHandler = (ctx) => ({
  url: ctx.state.webhookUrl ?? '',
  has_custom_certificate: false,
  pending_update_count: ctx.updates.pending().length,
});

const getUpdates: MethodHandler = async (ctx): Promise<Update[]> => {
  if (ctx.state.webhookUrl !== undefined) {
    throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const poll = ctx.updates.poll({
    offset: ctx.params.int('offset'),
    limit: ctx.params.int('limit'),
    timeoutS: ctx.params.int('timeout'),
    allowedUpdates: ctx.params.json<string[]>('allowed_updates'),
  });
  ctx.onAbort(poll.cancel);
  return poll.result;
};

export const botMethods: Record<string, MethodHandler> = {
  getMe, getChat, getChatMember, setMyCommands, getMyCommands, deleteMyCommands, setWebhook, deleteWebhook,
  getWebhookInfo, getUpdates,
};
