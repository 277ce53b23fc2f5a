// What the bot is in a chat: its type, whether it is a forum, and the bot's rights there (getChat + getChatMember).
// Used by `pocket init` after pairing and by `pocket doctor`; the verdicts on these facts live in core/doctor.ts.
import type { Chat, ChatMember, User } from 'grammy/types';
import type { ChatFacts } from '../core/doctor.js';
import type { BotApiClient } from './bot-api-client.js';

export async function inspectChat(client: BotApiClient, chatId: number, botId: number): Promise<ChatFacts> {
  const chat = await client.call<Chat>('getChat', { chat_id: chatId });
  const title = chat.type === 'private' ? [chat.first_name, chat.last_name].filter(Boolean).join(' ') : chat.title;
  const facts: ChatFacts = { type: chat.type, isForum: chat.type === 'supergroup' && chat.is_forum === true, title };
  if (chat.type === 'private') return facts;
  const member = await client.call<ChatMember>('getChatMember', { chat_id: chatId, user_id: botId });
  return {
    ...facts,
    botStatus: member.status,
    canManageTopics: member.status === 'creator' || (member.status === 'administrator' && member.can_manage_topics === true),
    canPinMessages: member.status === 'creator' || (member.status === 'administrator' && member.can_pin_messages === true),
  };
}

/** getMe as init and doctor need it. */
export type BotIdentity = User & { can_read_all_group_messages?: boolean };

export function getMe(client: BotApiClient, timeoutMs?: number): Promise<BotIdentity> {
  return client.call<BotIdentity>('getMe', {}, timeoutMs === undefined ? {} : { timeoutMs });
}
