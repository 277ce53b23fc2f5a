// What a line typed in the demo means: a message for the bot, or one of the console's own commands
// (`!N` / `!Label` presses a button of the newest message that has buttons, `/topic NAME` switches topics, `/quit`).
// Shared by the Ink console and the script mode, so a script can do anything a person at the console can.
import { type ChatButton, type ChatLine, type ChatTopic, newestWithButtons, pressable } from './conversation.js';

export type ConsoleCommand =
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'press'; selector: string }
  | { kind: 'topic'; name: string }
  | { kind: 'send'; text: string };

export function parseConsoleInput(raw: string): ConsoleCommand {
  const text = raw.replace(/\r?\n$/, '');
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed === '/quit' || trimmed === '/exit') return { kind: 'quit' };
  if (/^![^!\s]/.test(trimmed)) return { kind: 'press', selector: trimmed.slice(1).trim() };
  const topic = /^\/topic(?:\s+(.*))?$/.exec(trimmed);
  if (topic !== null) return { kind: 'topic', name: (topic[1] ?? '').trim() };
  return { kind: 'send', text };
}

export type ButtonTarget = { messageId: number; button: ChatButton & { data: string } };

/**
 * The button `selector` names among the newest message with buttons: a 1-based number, or a label (exact, then
 * prefix, case-insensitive). Returns a sentence for the user when there is none.
 */
export function findButton(lines: readonly ChatLine[], selector: string): ButtonTarget | string {
  const line = newestWithButtons(lines);
  if (line === undefined) return 'no message with buttons here yet';
  const buttons = pressable(line);
  const names = buttons.map((b, i) => `${i + 1} ${b.text}`).join(', ');
  if (/^\d+$/.test(selector)) {
    const button = buttons[Number(selector) - 1];
    return button === undefined ? `no button ${selector}; the newest buttons are: ${names}` : { messageId: line.id, button };
  }
  const wanted = selector.toLowerCase();
  const button = buttons.find((b) => b.text.toLowerCase() === wanted)
    ?? buttons.find((b) => b.text.toLowerCase().includes(wanted));
  return button === undefined ? `no button "${selector}"; the newest buttons are: ${names}` : { messageId: line.id, button };
}

/**
 * The topic a `/topic NAME` means: by name (case-insensitive), or by the session part of a topic pocket named
 * `SESSION · HOST`, or by position; empty or "general" is General.
 */
export function findTopic(topics: readonly ChatTopic[], name: string): ChatTopic | string {
  const wanted = name.toLowerCase();
  const found = wanted === '' ? topics[0]
    : topics.find((t) => t.name.toLowerCase() === wanted)
      ?? topics.find((t) => t.name.toLowerCase().startsWith(`${wanted} · `))
      ?? (/^\d+$/.test(wanted) ? topics[Number(wanted) - 1] : undefined);
  return found ?? `no topic "${name}"; topics: ${topics.map((t) => t.name).join(', ')}`;
}
