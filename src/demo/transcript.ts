// The conversation as plain text, for the script mode: after each step, the messages that appeared or changed
// (a card edited in place is printed again with its newest text, marked "updated"), and the bot's toasts.
import { type ChatLine, type ConversationView, formatSize } from './conversation.js';

const INDENT = '      ';

/** One message as text lines: "you › …" / "bot › …", reactions on the first line, then the document and buttons. */
export function formatLine(line: ChatLine, options: { topic?: string | undefined; updated?: boolean } = {}): string[] {
  const who = line.from === 'bot' ? 'bot' : 'you';
  const marks = [
    options.topic === undefined ? '' : `[${options.topic}] `,
    options.updated ? '(updated) ' : '',
    line.replyTo === undefined ? '' : `(reply to "${line.replyTo.preview}") `,
  ].join('');
  const textLines = line.text === '' ? [] : line.text.split('\n');
  const doc = line.document === undefined ? undefined : `📄 ${line.document.name} (${formatSize(line.document.size)})`;
  // A document without a caption is the message itself: show it where the text would be.
  const first = textLines[0] ?? doc ?? '';
  const reactions = line.reactions.length > 0 ? `  ${line.reactions.join(' ')}` : '';
  const out: string[] = [`${who} › ${marks}${first}${reactions}`.trimEnd()];
  for (const text of textLines.slice(1)) out.push(`${INDENT}${text}`.trimEnd());
  if (doc !== undefined && textLines.length > 0) out.push(`${INDENT}${doc}`);
  for (const row of line.buttons) out.push(`${INDENT}${row.map((b) => `[${b.text}]`).join(' ')}`);
  return out;
}

/** What a step changed: new and changed messages in chat order, then new toasts and alerts. */
export function stepTranscript(before: ConversationView, after: ConversationView, forum: boolean): string[] {
  const seen = new Map(before.lines.map((line) => [line.id, JSON.stringify(line)]));
  const topicName = (threadId: number | null) =>
    forum ? (after.topics.find((t) => t.threadId === threadId)?.name ?? `topic ${threadId}`) : undefined;
  const out: string[] = [];
  for (const line of after.lines) {
    const previous = seen.get(line.id);
    if (previous === JSON.stringify(line)) continue;
    out.push(...formatLine(line, { topic: topicName(line.threadId), updated: previous !== undefined }));
  }
  for (const notice of after.notices.slice(before.notices.length)) {
    out.push(`${notice.alert ? '⚠' : 'ⓘ'} ${notice.text}`);
  }
  return out;
}
