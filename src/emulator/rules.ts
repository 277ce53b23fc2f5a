// Telegram's content rules, enforced so that a pocket bug fails in tests the way it would fail in production.
// Limits and wording from the Bot API docs and TDLib; the ones pocket's design relies on are in docs/facts.md.
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import { badRequest } from './errors.js';
import { type FormattedText, parseHtml, sortEntities } from './html.js';
import type { Params } from './params.js';

export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** The emoji a bot may react with (ReactionTypeEmoji in the Bot API docs). Note: no ✅. */
export const REACTION_EMOJI = new Set([
  '👍', '👎', '❤', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊',
  '🤡', '🥱', '🥴', '😍', '🐳', '❤‍🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋',
  '🖕', '😈', '😴', '😭', '🤓', '👻', '👨‍💻', '👀', '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃',
  '💅', '🤪', '🗿', '🆒', '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾', '🤷‍♂', '🤷', '🤷‍♀', '😡',
]);

/** Telegram counts characters (code points), while entity offsets count UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Reads text + parse_mode (+ explicit entities) and applies Telegram's trimming. */
export function formatText(params: Params, textField: string, entitiesField: string): FormattedText {
  const source = params.string(textField) ?? '';
  const mode = params.string('parse_mode');
  let formatted: FormattedText;
  if (mode === undefined || mode === '') {
    formatted = { text: source, entities: params.json<MessageEntity[]>(entitiesField) ?? [] };
  } else if (mode.toLowerCase() === 'html') {
    formatted = parseHtml(source);
  } else if (mode === 'Markdown' || mode === 'MarkdownV2') {
    throw badRequest(`can't parse entities: this emulator implements parse_mode HTML only, not ${mode}`);
  } else {
    throw badRequest('unsupported parse_mode');
  }
  return trim(formatted);
}

/** Leading and trailing whitespace is dropped by Telegram; entities move with the text. */
function trim({ text, entities }: FormattedText): FormattedText {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const end = start + trimmed.length;
  const moved: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) moved.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: trimmed, entities: sortEntities(moved) };
}

export function checkMessageText(text: string): void {
  if (text.length === 0) throw badRequest('message text is empty');
  if (characterCount(text) > MAX_TEXT) throw badRequest('message is too long');
}

export function checkCaption(text: string): void {
  if (characterCount(text) > MAX_CAPTION) throw badRequest('message caption is too long');
}

type AnyMarkup = InlineKeyboardMarkup | { keyboard: unknown } | { remove_keyboard: true } | { force_reply: true };

/** Validates reply_markup; edits accept inline keyboards only. Returns the markup as it will be stored. */
export function checkReplyMarkup(markup: unknown, inlineOnly: boolean): AnyMarkup | undefined {
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null) throw badRequest("can't parse reply keyboard markup JSON object");
  if (!('inline_keyboard' in markup)) {
    if (inlineOnly) throw badRequest('inline keyboard expected');
    return markup as AnyMarkup;
  }
  const rows = (markup as { inline_keyboard: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  let count = 0;
  for (const row of rows as unknown[][]) {
    for (const button of row) {
      count++;
      checkButton(button);
    }
  }
  if (count > 100) throw badRequest('reply markup is too long');
  return markup as InlineKeyboardMarkup;
}

function checkButton(button: unknown): void {
  if (typeof button !== 'object' || button === null) throw badRequest("can't parse inline keyboard button");
  const b = button as Record<string, unknown>;
  if (typeof b.text !== 'string') throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  if (b.text.trim() === '') throw badRequest('BUTTON_TEXT_INVALID');
  if (b.callback_data !== undefined) {
    const bytes = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
    return;
  }
  if (b.url !== undefined) {
    if (typeof b.url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(b.url)) throw badRequest('BUTTON_URL_INVALID');
    return;
  }
  const kinds = ['switch_inline_query', 'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat',
    'copy_text', 'web_app', 'login_url', 'callback_game', 'pay'];
  if (!kinds.some((k) => b[k] !== undefined)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}

export function checkTopicName(name: string | undefined): string {
  if (name === undefined || name.trim() === '') throw badRequest('TOPIC_TITLE_EMPTY');
  if (characterCount(name) > 128) throw badRequest('TOPIC_TITLE_INVALID');
  return name;
}

export interface BotCommandInput {
  command: string;
  description: string;
}

export function checkCommands(commands: unknown): BotCommandInput[] {
  if (!Array.isArray(commands)) throw badRequest('field "commands" must be an Array');
  if (commands.length > 100) throw badRequest('too many commands');
  for (const c of commands as Partial<BotCommandInput>[]) {
    if (typeof c?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
      throw badRequest('BOT_COMMAND_INVALID');
    }
    if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
  }
  return (commands as BotCommandInput[]).map((c) => ({ command: c.command, description: c.description }));
}
