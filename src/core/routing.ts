// Which session a message is about: a reply to a session's card, alert or output goes to that session; plain text
// in a session's forum topic goes to that session. Pure: the bot adapter passes the message fields and lookups.

export interface RoutableMessage {
  chatId: number;
  /** message_thread_id, when the message is in a forum topic. */
  threadId: number | undefined;
  /** True when the message is in a forum topic (not General): Telegram's is_topic_message. */
  isTopicMessage: boolean;
  /** The message it replies to, if any. In a topic every message "replies" to the topic's creation message. */
  replyToMessageId: number | undefined;
}

export interface RoutingLookups {
  sessionForTopic(chatId: number, threadId: number): string | undefined;
  sessionForMessage(chatId: number, messageId: number): string | undefined;
}

export type Route = { sessionId: string; via: 'reply' | 'topic' } | null;

export function routeMessage(message: RoutableMessage, lookups: RoutingLookups): Route {
  const reply = message.replyToMessageId;
  // The implicit reply to a topic's creation message (its id is the thread id) is not a reply to a session message.
  if (reply !== undefined && reply !== message.threadId) {
    const sessionId = lookups.sessionForMessage(message.chatId, reply);
    if (sessionId !== undefined) return { sessionId, via: 'reply' };
  }
  if (message.isTopicMessage && message.threadId !== undefined) {
    const sessionId = lookups.sessionForTopic(message.chatId, message.threadId);
    if (sessionId !== undefined) return { sessionId, via: 'topic' };
  }
  return null;
}

export interface MessageIndexJSON {
  v: 1;
  /** [chatId, messageId, sessionId], oldest first. */
  entries: [number, number, string][];
}

/** Bot messages (cards, alerts, output) and the session each belongs to; bounded, oldest forgotten first. */
export class MessageIndex {
  private readonly map = new Map<string, { chatId: number; messageId: number; sessionId: string }>();

  constructor(readonly capacity = 2000) {}

  add(chatId: number, messageId: number, sessionId: string): void {
    const key = `${chatId}:${messageId}`;
    this.map.delete(key);
    this.map.set(key, { chatId, messageId, sessionId });
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
    }
  }

  get(chatId: number, messageId: number): string | undefined {
    return this.map.get(`${chatId}:${messageId}`)?.sessionId;
  }

  /** Forgets every message of a removed session, so replies to them do not reach a reused name. */
  forgetSession(sessionId: string): void {
    for (const [key, entry] of this.map) if (entry.sessionId === sessionId) this.map.delete(key);
  }

  toJSON(): MessageIndexJSON {
    return { v: 1, entries: [...this.map.values()].map((e) => [e.chatId, e.messageId, e.sessionId]) };
  }

  static fromJSON(value: MessageIndexJSON | undefined, capacity?: number): MessageIndex {
    const index = new MessageIndex(capacity);
    for (const [chatId, messageId, sessionId] of value?.entries ?? []) index.add(chatId, messageId, sessionId);
    return index;
  }
}
