// How Telegram dresses and filters what people send before the bot sees it: entities the apps mark, and privacy
// mode, which hides ordinary group chatter from a bot that is not an admin.
import type { MessageEntity, User } from 'grammy/types';
import type { ChatRecord, EmulatorState, MessageRecord } from './state.js';

/**
 * `/cmd`, `/cmd@bot`, `@mention` and URLs, found the way Telegram marks them. A command (tdlib's match_bot_commands)
 * is a slash not after a word character, `/`, `<` or `>`, then 1-64 letters, digits or `_` (and `@bot`), ended by
 * anything but those: `/logs.` and `/shell;id` are the commands `/logs` and `/shell`, which bots then run.
 */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const patterns: [RegExp, MessageEntity['type']][] = [
    [/(?<![\p{L}\p{N}_/<>])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/<>@])/gu, 'bot_command'],
    [/(?<=^|\s)@[A-Za-z0-9_]{4,32}(?=$|\s|[.,!?])/g, 'mention'],
    [/https?:\/\/[^\s<>"]+/g, 'url'],
  ];
  for (const [pattern, type] of patterns) {
    for (const match of text.matchAll(pattern)) {
      entities.push({ type, offset: match.index, length: match[0].length } as MessageEntity);
    }
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

/** Privacy mode: in groups where it is not admin the bot sees only commands (its own or unaddressed), replies to
 * its messages and mentions of it. `bot`: which bot looks (several can share a group); the emulator's own by default. */
export function visibleToBot(
  state: EmulatorState,
  chat: ChatRecord,
  message: MessageRecord,
  privacyMode: boolean,
  bot: User = state.bot,
): boolean {
  if (!privacyMode || chat.chat.type === 'private' || state.botIsAdminIn(chat, bot.id)) return true;
  const text = message.text ?? '';
  const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
  const botName = (bot.username ?? '').toLowerCase();
  if (command !== null && (command[1] === undefined || command[1].toLowerCase() === botName)) return true;
  if (text.toLowerCase().includes(`@${botName}`)) return true;
  const replied = message.replyToMessageId === undefined ? undefined : chat.messages.get(message.replyToMessageId);
  return replied?.fromBot === true && replied.from?.id === bot.id;
}
