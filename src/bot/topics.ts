// Forum topics: in a forum supergroup each session gets its own topic, created once (the binding is persisted by
// the session service through setTopic) and created again when Telegram says the old one is gone. Outside forums,
// or when the bot may not manage topics, everything goes to the chat itself.
import type { Api } from 'grammy';
import { topicName } from '../core/cards.js';
import type { SessionUseCases } from '../core/sessions.js';
import type { Logger } from '../core/ports.js';
import { classifyApiError } from './api-errors.js';

export type TopicsApi = Pick<Api, 'getChat' | 'createForumTopic'>;

const TOPIC_NAME_MAX = 128;

export class Topics {
  /** null until getChat answered. */
  private forum: boolean | null = null;
  private disabledLogged = false;
  private disabled = false;
  private readonly creating = new Map<string, Promise<number | undefined>>();

  constructor(
    private readonly api: TopicsApi,
    readonly chatId: number,
    private readonly sessions: SessionUseCases,
    private readonly log: Logger,
    /** This machine's name, in every topic it creates (POCKET_HOST_LABEL). */
    private readonly hostLabel: string,
  ) {}

  /** Private chats (positive ids) never are; a group is asked once, again later if that failed. */
  async isForum(): Promise<boolean> {
    if (this.forum !== null) return this.forum;
    if (this.chatId > 0) {
      this.forum = false;
      return false;
    }
    try {
      const chat = await this.api.getChat(this.chatId);
      this.forum = 'is_forum' in chat && chat.is_forum === true;
    } catch (error) {
      this.log.warn('bot.topics.get_chat_failed', { kind: classifyApiError(error).kind });
      return false;
    }
    return this.forum;
  }

  /** The session's topic, created on first use; undefined outside forums. */
  async threadFor(sessionId: string): Promise<number | undefined> {
    if (this.disabled || !(await this.isForum())) return undefined;
    const view = this.sessions.get(sessionId);
    if (view === undefined) return undefined;
    if (view.topicId !== null) return view.topicId;
    return this.create(sessionId);
  }

  /** Telegram said the topic is gone: bind a new one (once, however many senders noticed). */
  async recreate(sessionId: string, deadThreadId: number | undefined): Promise<number | undefined> {
    const view = this.sessions.get(sessionId);
    if (view === undefined) return undefined;
    if (view.topicId !== null && view.topicId !== deadThreadId) return view.topicId;
    if (view.topicId !== null) {
      this.log.info('bot.topics.deleted', { sessionId, topicId: view.topicId });
      await this.sessions.setTopic(sessionId, null);
    }
    return this.create(sessionId);
  }

  /** The session whose topic this is, in the configured chat. */
  sessionForTopic(chatId: number, threadId: number): string | undefined {
    if (chatId !== this.chatId) return undefined;
    return this.sessions.list().find((s) => s.topicId === threadId)?.id;
  }

  private create(sessionId: string): Promise<number | undefined> {
    const pending = this.creating.get(sessionId);
    if (pending !== undefined) return pending;
    const run = (async () => {
      const view = this.sessions.get(sessionId);
      if (view === undefined) return undefined;
      try {
        const topic = await this.api.createForumTopic(this.chatId, [...topicName(view, this.hostLabel)].slice(0, TOPIC_NAME_MAX).join(''));
        await this.sessions.setTopic(sessionId, topic.message_thread_id);
        this.log.info('bot.topics.created', { sessionId, topicId: topic.message_thread_id });
        return topic.message_thread_id;
      } catch (error) {
        const info = classifyApiError(error);
        // Missing rights will not fix themselves: post in the chat itself and say so once.
        if (info.kind === 'bad_request' || info.kind === 'forbidden') {
          this.disabled = true;
          if (!this.disabledLogged) this.log.warn('bot.topics.disabled', { kind: info.kind, hint: 'make the bot an admin with "Manage topics"' });
          this.disabledLogged = true;
          return undefined;
        }
        throw error;
      }
    })();
    this.creating.set(sessionId, run);
    return run.finally(() => this.creating.delete(sessionId));
  }
}
