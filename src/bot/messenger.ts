// Sending to Telegram the way pocket needs it: HTML that is always escaped, text split under the limit, a plain-text
// retry when Telegram still can't parse it, edits where "not modified" is success, and errors that never carry the
// token (every failure leaves as a TelegramApiError with a redacted message and its classification).
import { type Api, InputFile } from 'grammy';
import type { InlineKeyboardMarkup, ReactionTypeEmoji } from 'grammy/types';
import { PocketError } from '../core/errors.js';
import { escapeHtml, splitForTelegram, TELEGRAM_TEXT_LIMIT } from '../core/output/chunk.js';
import { Redactor } from '../core/redact.js';
import { classifyApiError, toTelegramApiError } from './api-errors.js';

/** The part of grammY's Api used here; tests pass a real Api with a fake transformer, or a hand-written object. */
export type MessengerApi = Pick<Api, 'sendMessage' | 'editMessageText' | 'sendDocument' | 'sendPhoto' | 'setMessageReaction' | 'answerCallbackQuery'>;

export interface Button {
  text: string;
  /** A server-side id, 1-64 bytes of UTF-8 (Telegram's limit); never the payload itself. */
  data: string;
}

export interface TextOptions {
  buttons?: Button[][];
  /** Monospace terminal output (`<pre>`). */
  pre?: boolean;
}

export interface SendTextOptions extends TextOptions {
  threadId?: number;
  replyTo?: number;
  silent?: boolean;
}

export const CAPTION_LIMIT = 1024;
const CALLBACK_ANSWER_LIMIT = 200;
const CALLBACK_DATA_MAX_BYTES = 64;
/** The General topic of a forum: Telegram rejects it as message_thread_id. */
const GENERAL_TOPIC_ID = 1;

export class Messenger {
  private readonly redactor: Redactor;

  constructor(
    private readonly api: MessengerApi,
    /** Cleans the errors this raises; the requests themselves are redacted on the Api (outgoing.ts). */
    options: { redactor?: Redactor } = {},
  ) {
    this.redactor = options.redactor ?? new Redactor();
  }

  /**
   * Sends text as one or more messages; returns their ids in order. Buttons go on the last one.
   * Through the outbox, enqueue one item per textChunks() chunk: a 429 on the third message of a multi-message
   * item would retry the whole item and repeat the first two.
   */
  async sendText(chatId: number, text: string, options: SendTextOptions = {}): Promise<number[]> {
    const keyboard = toKeyboard(options.buttons);
    const chunks = textChunks(text, options.pre);
    const ids: number[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const other = {
        ...threadParam(options.threadId),
        ...(options.silent === true ? { disable_notification: true } : {}),
        ...(index === 0 && options.replyTo !== undefined
          ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
          : {}),
        ...(index === chunks.length - 1 && keyboard !== undefined ? { reply_markup: keyboard } : {}),
      };
      const sent = await this.withPlainFallback(
        'sendMessage',
        () => this.api.sendMessage(chatId, toHtml(chunk, options.pre), { ...other, parse_mode: 'HTML' }),
        () => this.api.sendMessage(chatId, chunk, other),
      );
      ids.push(sent.message_id);
    }
    return ids;
  }

  /** Replaces a message's text (one message: longer text is cut with "…"). Identical content counts as success. */
  async editText(chatId: number, messageId: number, text: string, options: TextOptions = {}): Promise<void> {
    const keyboard = toKeyboard(options.buttons);
    const chunks = splitForTelegram(nonEmpty(text), { limit: TELEGRAM_TEXT_LIMIT - 1, pre: options.pre === true });
    const chunk = chunks.length > 1 ? `${chunks[0] ?? ''}…` : (chunks[0] ?? '');
    const other = keyboard === undefined ? {} : { reply_markup: keyboard };
    try {
      await this.withPlainFallback(
        'editMessageText',
        () => this.api.editMessageText(chatId, messageId, toHtml(chunk, options.pre), { ...other, parse_mode: 'HTML' }),
        () => this.api.editMessageText(chatId, messageId, chunk, other),
      );
    } catch (err) {
      if (classifyApiError(err).kind !== 'not_modified') throw err;
    }
  }

  /** Uploads bytes as a file (long output); the caption is plain text, cut to Telegram's 1024. */
  async sendDocument(
    chatId: number,
    filename: string,
    bytes: Uint8Array,
    options: { caption?: string; threadId?: number } = {},
  ): Promise<number> {
    const other = {
      ...threadParam(options.threadId),
      ...(options.caption === undefined || options.caption === '' ? {} : { caption: clip(options.caption, CAPTION_LIMIT) }),
    };
    const sent = await this.call('sendDocument', () => this.api.sendDocument(chatId, new InputFile(bytes, filename), other));
    return sent.message_id;
  }

  /** Uploads an image as a photo (Telegram shows it inline, recompressed as a JPEG); the caption is plain text. */
  async sendPhoto(
    chatId: number,
    filename: string,
    bytes: Uint8Array,
    options: { caption?: string; threadId?: number; replyTo?: number } = {},
  ): Promise<number> {
    const other = {
      ...threadParam(options.threadId),
      ...(options.caption === undefined || options.caption === '' ? {} : { caption: clip(options.caption, CAPTION_LIMIT) }),
      ...(options.replyTo === undefined ? {} : { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }),
    };
    const sent = await this.call('sendPhoto', () => this.api.sendPhoto(chatId, new InputFile(bytes, filename), other));
    return sent.message_id;
  }

  async react(chatId: number, messageId: number, emoji: string): Promise<void> {
    const reaction: ReactionTypeEmoji = { type: 'emoji', emoji: emoji as ReactionTypeEmoji['emoji'] };
    await this.call('setMessageReaction', () => this.api.setMessageReaction(chatId, messageId, [reaction]));
  }

  /** Stops the button's spinner. A query that is already too old is not an error worth reporting. */
  async answerCallback(callbackQueryId: string, text?: string): Promise<void> {
    const other = text === undefined || text === '' ? {} : { text: clip(text, CALLBACK_ANSWER_LIMIT) };
    try {
      await this.call('answerCallbackQuery', () => this.api.answerCallbackQuery(callbackQueryId, other));
    } catch (err) {
      const info = classifyApiError(err);
      if (info.kind === 'bad_request' && /query is too old|query id is invalid/i.test(info.description)) return;
      throw err;
    }
  }

  private async withPlainFallback<T>(method: string, html: () => Promise<T>, plain: () => Promise<T>): Promise<T> {
    try {
      return await html();
    } catch (err) {
      // We escape everything, so this means Telegram disagrees with our HTML: the text matters more than its looks.
      if (classifyApiError(err).kind !== 'parse_entities') throw toTelegramApiError(method, err, this.redactor);
      return this.call(method, plain);
    }
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toTelegramApiError(method, err, this.redactor);
    }
  }
}

/** The messages sendText would send for this text (plain, unescaped), for callers that queue them one by one. */
export function textChunks(text: string, pre?: boolean): string[] {
  // Split the plain text, then escape each chunk: escaping first could cut an entity like `&amp;` in half.
  // The splitter budgets the escaped length (and the <pre> wrapper), which is never less than what Telegram counts.
  return splitForTelegram(nonEmpty(text), { limit: TELEGRAM_TEXT_LIMIT, pre: pre === true });
}

function toHtml(chunk: string, pre: boolean | undefined): string {
  return pre === true ? `<pre>${escapeHtml(chunk)}</pre>` : escapeHtml(chunk);
}

/** Telegram rejects empty messages; say so instead of failing. */
function nonEmpty(text: string): string {
  return text.trim() === '' ? '(empty)' : text;
}

function threadParam(threadId: number | undefined): { message_thread_id?: number } {
  return threadId === undefined || threadId === GENERAL_TOPIC_ID ? {} : { message_thread_id: threadId };
}

/** Validates every button before anything is sent, so a bad keyboard never leaves half a reply behind. */
export function toKeyboard(buttons: Button[][] | undefined): InlineKeyboardMarkup | undefined {
  if (buttons === undefined || buttons.length === 0) return undefined;
  const encoder = new TextEncoder();
  for (const button of buttons.flat()) {
    const bytes = encoder.encode(button.data).length;
    if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES) {
      throw new PocketError('INVALID_INPUT', `Button "${clip(button.text, 40)}" has ${bytes} bytes of callback data.`, {
        hint: `Callback data must be 1-${CALLBACK_DATA_MAX_BYTES} bytes: store the payload server-side and send its id.`,
      });
    }
    if (button.text.trim() === '') throw new PocketError('INVALID_INPUT', 'A button has no text.');
  }
  return { inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };
}

/** Cuts to at most `limit` UTF-16 units, ending in "…", never between the halves of a surrogate pair. */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
