// The conversation as a phone shows it, projected from the emulator's records: each message with its current text
// (an edited card shows only its newest text), its buttons, document, reactions and what it replies to.
import type { EmulatedMessage, TopicRecord } from '../emulator/index.js';

export interface ChatButton {
  text: string;
  /** callback_data; undefined for URL buttons, which only a browser can follow. */
  data: string | undefined;
  url: string | undefined;
}

export interface ChatLine {
  id: number;
  from: 'bot' | 'you';
  text: string;
  /** How often the bot edited it: a card that updates in place. */
  edits: number;
  /** Forum topic; null in General and in private chats. */
  threadId: number | null;
  buttons: ChatButton[][];
  document: { name: string; size: number } | undefined;
  reactions: string[];
  replyTo: { id: number; preview: string } | undefined;
  pinned: boolean;
  /** Sent with disable_notification: the phone stays quiet. */
  silent: boolean;
}

export interface ChatTopic {
  /** null is General (and the only "topic" of a private chat). */
  threadId: number | null;
  name: string;
}

export interface ChatNotice {
  /** answerCallbackQuery text: a toast, or a dialog when `alert`. */
  text: string;
  alert: boolean;
}

export interface ConversationView {
  lines: ChatLine[];
  topics: ChatTopic[];
  notices: ChatNotice[];
  /** The bot has asked for updates at least once: someone is listening. */
  botOnline: boolean;
}

export const GENERAL: ChatTopic = { threadId: null, name: 'General' };

const PREVIEW_CHARS = 40;

export function preview(text: string): string {
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  return first.length > PREVIEW_CHARS ? `${first.slice(0, PREVIEW_CHARS - 1)}…` : first;
}

export function toChatLine(message: EmulatedMessage, byId: ReadonlyMap<number, EmulatedMessage>): ChatLine {
  const replied = message.replyToMessageId === undefined ? undefined : byId.get(message.replyToMessageId);
  // A photo (/screen) is shown as the file it is: the console draws no pictures.
  const file = message.document ?? message.photo?.file;
  const document = file === undefined ? undefined : { name: file.fileName, size: file.bytes.length };
  return {
    id: message.messageId,
    from: message.fromBot ? 'bot' : 'you',
    text: message.text ?? message.caption ?? '',
    edits: message.editCount,
    threadId: message.threadId ?? null,
    buttons: (message.replyMarkup?.inline_keyboard ?? []).map((row) =>
      row.map((b) => ({
        text: b.text,
        data: 'callback_data' in b ? b.callback_data : undefined,
        url: 'url' in b ? b.url : undefined,
      })),
    ),
    document,
    reactions: [...message.reactions],
    replyTo: replied === undefined ? undefined : { id: replied.messageId, preview: preview(replied.text ?? replied.caption ?? '') },
    pinned: message.pinned,
    silent: message.disableNotification,
  };
}

/** Lines in chat order; both sides of the conversation. */
export function toChatLines(messages: readonly EmulatedMessage[]): ChatLine[] {
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  return messages.map((m) => toChatLine(m, byId));
}

/** General first, then live topics in creation order. */
export function toChatTopics(forum: boolean, topics: readonly TopicRecord[]): ChatTopic[] {
  if (!forum) return [GENERAL];
  return [GENERAL, ...topics.filter((t) => !t.deleted).map((t) => ({ threadId: t.threadId, name: t.name }))];
}

export function linesInTopic(lines: readonly ChatLine[], threadId: number | null): ChatLine[] {
  return lines.filter((line) => line.threadId === threadId);
}

/** The newest line that has a pressable button, or undefined. */
export function newestWithButtons(lines: readonly ChatLine[]): ChatLine | undefined {
  return lines.findLast((line) => pressable(line).length > 0);
}

/** A line's callback buttons in reading order (URL buttons cannot be pressed here). */
export function pressable(line: ChatLine): (ChatButton & { data: string })[] {
  return line.buttons.flat().filter((b): b is ChatButton & { data: string } => b.data !== undefined);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
