// The demo user's phone: one chat (private, or a forum supergroup) at the embedded Bot API. It sends what the user
// types, presses buttons, and shows the conversation; it knows nothing about the bot beyond what Telegram would show.
import type { Chat, Update, User } from 'grammy/types';
import type { BotApiEmulator, CallRecord } from '../emulator/index.js';
import { type ChatNotice, type ConversationView, toChatLines, toChatTopics } from './conversation.js';

export interface SendOptions {
  /** Forum topic to write in; General when undefined. */
  threadId?: number | undefined;
  /** A message in this chat to reply to. */
  replyTo?: number | undefined;
}

export class DemoChat {
  private readonly notices: ChatNotice[] = [];
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  private readonly onCall = (call: CallRecord) => {
    if (call.ok && call.method.toLowerCase() === 'answercallbackquery' && typeof call.params.text === 'string' && call.params.text !== '') {
      this.notices.push({ text: call.params.text, alert: call.params.show_alert === true || call.params.show_alert === 'true' });
    }
    this.changed();
  };

  constructor(
    readonly emulator: BotApiEmulator,
    readonly chat: Chat,
    readonly user: User,
  ) {
    emulator.on('call', this.onCall);
  }

  get forum(): boolean {
    return 'is_forum' in this.chat && this.chat.is_forum === true;
  }

  get botUsername(): string {
    return this.emulator.bot.username ?? 'bot';
  }

  view(): ConversationView {
    return {
      lines: toChatLines(this.emulator.messages(this.chat, { from: 'all' })),
      topics: toChatTopics(this.forum, this.emulator.topics(this.chat)),
      notices: [...this.notices],
      botOnline: this.botOnline(),
    };
  }

  /** Calls `listener` after anything the bot did (batched per tick, so a burst of calls renders once). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The user types `text` and sends it; commands get their bot_command entity, as Telegram's apps mark them. */
  send(text: string, options: SendOptions = {}): Update {
    const update = this.emulator.sendText(this.chat, this.user, text, {
      ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    });
    this.changed();
    return update;
  }

  /** The user taps an inline button of a bot message. */
  press(messageId: number, callbackData: string): Update {
    const update = this.emulator.pressButton(this.chat, this.user, messageId, callbackData);
    this.changed();
    return update;
  }

  /** Resolves once the bot is long polling (true), or false after `timeoutMs`. */
  async waitForBot(timeoutMs: number): Promise<boolean> {
    try {
      await this.emulator.waitFor(() => this.botOnline(), { timeoutMs, description: 'the bot to poll' });
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {
    this.emulator.off('call', this.onCall);
    this.listeners.clear();
  }

  private botOnline(): boolean {
    return this.emulator.polling || this.emulator.calls.some((c) => c.method.toLowerCase() === 'getupdates');
  }

  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
