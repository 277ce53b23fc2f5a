// Everything the bot sends goes through here, and from here through the outbox (rate budget, alerts before card
// edits, coalesced edits): one outbox item per message, so a 429 on the third part of a long reply never repeats
// the first two. The session's forum topic is looked up when the item is sent, so a topic deleted meanwhile is
// recreated and the message still arrives.
import type { Api } from 'grammy';
import type { RenderedButton } from '../core/cards.js';
import type { Settlement } from '../core/outbox.js';
import { Redactor } from '../core/redact.js';
import type { MessageIndex } from '../core/routing.js';
import type { Logger } from '../core/ports.js';
import { classifyApiError } from './api-errors.js';
import { type Messenger, textChunks } from './messenger.js';
import { type Outcome, OutboxRunner, type OutboxRunnerOptions } from './outbox-runner.js';
import type { Topics } from './topics.js';

/** Where a message goes: a thread given by the user's message, or the session's own topic. */
export interface Place {
  chatId: number;
  threadId?: number;
  /** Resolve the session's topic at send time (created on first use, recreated when deleted). */
  topicOf?: string;
  /** Replies to this message land in this session (cards, alerts, output). */
  sessionId?: string;
}

export interface TextParams {
  pre?: boolean;
  buttons?: RenderedButton[][];
  replyTo?: number;
  silent?: boolean;
  kind?: 'reply' | 'alert';
}

/** What an edit puts in a message; rendered when the edit's turn comes (see Delivery.editLazily). */
export interface EditContent {
  text: string;
  pre: boolean;
  buttons: RenderedButton[][];
}

type Payload =
  | { op: 'text'; place: Place; text: string; params: TextParams }
  | { op: 'edit'; messageId: number; render: () => EditContent }
  | { op: 'document'; place: Place; filename: string; bytes: Uint8Array; caption: string };

export class Delivery {
  readonly runner: OutboxRunner<Payload, number | null>;
  /** Pane output reaches cards and alerts too: whatever leaves for Telegram is redacted here, once for all. */
  private readonly redactor: Redactor;

  constructor(
    private readonly messenger: Messenger,
    private readonly pinApi: Pick<Api, 'pinChatMessage'>,
    private readonly topics: Topics,
    private readonly index: MessageIndex,
    private readonly log: Logger,
    options: Pick<OutboxRunnerOptions<Payload, number | null>, 'policy' | 'clock' | 'secrets'> & {
      /** What outgoing text is cleaned of; `secrets` when absent. POCKET_REDACT=off narrows it to the bot token. */
      outgoingSecrets?: readonly string[];
    },
    private readonly onIndexed: () => void = () => {},
  ) {
    this.redactor = new Redactor(options.outgoingSecrets ?? options.secrets ?? []);
    this.runner = new OutboxRunner<Payload, number | null>({
      ...options,
      send: (item) => this.send(item.chatId, item.payload),
      onUnsent: (s) => this.unsent(s),
    });
  }

  /** Sends text (split in as many messages as needed); resolves with the message ids that were sent. */
  async text(place: Place, text: string, params: TextParams = {}): Promise<number[]> {
    const chunks = textChunks(this.redactor.text(text), params.pre);
    const outcomes = chunks.map((chunk, i) =>
      this.runner.enqueue({
        chatId: place.chatId,
        kind: params.kind ?? 'reply',
        payload: {
          op: 'text',
          place,
          text: chunk,
          params: { ...params, buttons: i === chunks.length - 1 ? params.buttons : undefined, replyTo: i === 0 ? params.replyTo : undefined },
        },
      }),
    );
    return sentIds(await Promise.all(outcomes));
  }

  /** An edit: coalesced by key, so only the newest content of a burst is sent. */
  edit(chatId: number, key: string, messageId: number, text: string, pre: boolean, buttons: RenderedButton[][]): Promise<Outcome<number | null>> {
    return this.editLazily(chatId, key, messageId, () => ({ text, pre, buttons }));
  }

  /**
   * An edit whose content is rendered only when the outbox sends it (again on a retry), so a card that changes with
   * every line is rendered once per send slot, not once per line. Redacted at that moment like everything else.
   */
  editLazily(chatId: number, key: string, messageId: number, render: () => EditContent): Promise<Outcome<number | null>> {
    return this.runner.enqueue({ chatId, kind: 'edit', key, payload: { op: 'edit', messageId, render } });
  }

  async document(place: Place, filename: string, bytes: Uint8Array, caption: string): Promise<number[]> {
    const outcome = await this.runner.enqueue({ chatId: place.chatId, kind: 'reply', payload: { op: 'document', place, filename, bytes, caption } });
    return sentIds([outcome]);
  }

  /** Pins quietly where the bot may; a chat where it may not is not worth more than a debug line. */
  async pin(chatId: number, messageId: number): Promise<void> {
    try {
      await this.pinApi.pinChatMessage(chatId, messageId, { disable_notification: true });
    } catch (error) {
      this.log.debug('bot.pin_failed', { chatId, kind: classifyApiError(error).kind });
    }
  }

  private async send(chatId: number, payload: Payload): Promise<number | null> {
    if (payload.op === 'edit') {
      const { text, pre, buttons } = payload.render();
      await this.messenger.editText(chatId, payload.messageId, this.redactor.text(text), { pre, buttons });
      return payload.messageId;
    }
    const deliver = async (threadId: number | undefined): Promise<number> => {
      if (payload.op === 'document') {
        return this.messenger.sendDocument(chatId, payload.filename, payload.bytes, { caption: payload.caption, ...thread(threadId) });
      }
      const { pre, buttons, replyTo, silent } = payload.params;
      const ids = await this.messenger.sendText(chatId, payload.text, { pre, buttons, replyTo, silent, ...thread(threadId) });
      return ids[ids.length - 1]!;
    };
    const place = payload.place;
    const threadId = place.topicOf === undefined ? place.threadId : await this.topics.threadFor(place.topicOf);
    let id: number;
    try {
      id = await deliver(threadId);
    } catch (error) {
      if (threadId === undefined || classifyApiError(error).kind !== 'thread_not_found') throw error;
      // The topic was deleted: a session gets a new one; a reply to a user in a dead topic goes to the chat.
      const fresh = place.topicOf === undefined ? undefined : await this.topics.recreate(place.topicOf, threadId);
      id = await deliver(fresh);
    }
    if (place.sessionId !== undefined) {
      this.index.add(chatId, id, place.sessionId);
      this.onIndexed();
    }
    return id;
  }

  private unsent(s: Settlement<Payload>): void {
    if (s.status === 'superseded' || s.status === 'sent') return;
    this.log.warn('bot.outbox.unsent', { chatId: s.item.chatId, op: s.item.payload.op, status: s.status, reason: s.reason });
  }
}

function thread(threadId: number | undefined): { threadId?: number } {
  return threadId === undefined ? {} : { threadId };
}

function sentIds(outcomes: Outcome<number | null>[]): number[] {
  return outcomes.flatMap((o) => (o.status === 'sent' && o.value !== null ? [o.value] : []));
}
