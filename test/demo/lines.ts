// Conversation lines built from object literals for the pure tests.
import type { ChatLine, ConversationView } from '../../src/demo/conversation.js';

export function line(id: number, fields: Partial<ChatLine> = {}): ChatLine {
  return {
    id, from: 'bot', text: `message ${id}`, edits: 0, threadId: null, buttons: [], document: undefined, reactions: [],
    replyTo: undefined, pinned: false, silent: false, ...fields,
  };
}

export const buttons = (...labels: string[]) => [labels.map((text) => ({ text, data: `d:${text}`, url: undefined }))];

export function view(lines: ChatLine[], fields: Partial<ConversationView> = {}): ConversationView {
  return { lines, topics: [{ threadId: null, name: 'General' }], notices: [], botOnline: true, ...fields };
}
