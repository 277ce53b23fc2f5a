// Everything the bot sends goes through here, and from here through the outbox (rate budget, replies before cards,
// one slot per card): one outbox item per message, so a 429 on the third part of a long reply never repeats the
// first two. The session's forum topic is looked up when the item is sent, so a topic deleted meanwhile is
// recreated and the message still arrives.
//
// Plain replies queued for the same place merge into one message while they wait (src/core/outbox.ts says why), and
// a card's post or edit is rendered only when its turn comes; an edit that would leave the message as it was last
// sent is not sent at all (measured before: 67 "message is not modified" answers in a 150-session burst, each a
// wasted send slot).
import type { Api } from 'grammy';
import type { RenderedButton } from '../core/cards.js';
import { type MergeFn, type OutboxLimits, OutboxPolicy, type Settlement } from '../core/outbox.js';
import type { Redactor } from '../core/redact.js';
import type { MessageIndex } from '../core/routing.js';
import type { Logger } from '../core/ports.js';
import { classifyApiError } from './api-errors.js';
import { type Messenger, textChunks } from './messenger.js';
import { type Outcome, OutboxRunner, type OutboxRunnerOptions, UNCHANGED } from './outbox-runner.js';
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

export type Payload =
  | { op: 'text'; place: Place; text: string; params: TextParams }
  /** A new message that holds a slot (a session's card), rendered when it is sent; null then means "no longer". */
  | { op: 'post'; place: Place; render: () => EditContent | null }
  | { op: 'edit'; messageId: number; render: () => EditContent }
  | { op: 'document'; place: Place; filename: string; bytes: Uint8Array; caption: string }
  /**
   * An image pocket drew (/screen): its bytes leave as they are, since the text in it was redacted before it was
   * drawn (core/screen.ts, redactScreen); the caption is redacted here like any text.
   */
  | { op: 'image'; place: Place; filename: string; png: Uint8Array; caption: string; as: 'photo' | 'document'; replyTo?: number };

/** What Delivery reports after Telegram took a message: for the cockpit's "what the bot did" (core/cockpit.ts). */
export interface SentReport {
  what: 'card_posted' | 'card_edited' | 'message_edited' | 'alert_sent' | 'reply_sent' | 'document_sent' | 'screen_sent';
  sessionId?: string;
}

/** Messages whose last sent content is remembered (cards are the ones edited); the oldest are forgotten first. */
const REMEMBERED_CONTENTS = 2000;
export class Delivery {
  readonly runner: OutboxRunner<Payload, number | null>;
  /**
   * Pane output reaches cards and alerts too: whatever leaves for Telegram is redacted here, once for all. Public for
   * renderers that cut text (a card clips long lines): they redact before cutting, as a token cut in half no longer
   * has its shape.
   */
  readonly redactor: Redactor;
  /** `chat:message` -> the content last sent to it, to skip edits that change nothing. */
  private readonly lastSent = new Map<string, string>();
  private readonly onSent: (report: SentReport) => void;

  constructor(
    private readonly messenger: Messenger,
    private readonly pinApi: Pick<Api, 'pinChatMessage'>,
    private readonly topics: Topics,
    private readonly index: MessageIndex,
    private readonly log: Logger,
    options: Pick<OutboxRunnerOptions<Payload, number | null>, 'policy' | 'clock'> & {
      /** Pacing for the policy Delivery builds when none is given (it brings the merge rule, mergeReplies). */
      limits?: Partial<OutboxLimits>;
      /** The daemon's one redactor (daemon/compose.ts): what every message, card, caption and document is cleaned with. */
      redactor: Redactor;
      /** Told about every message Telegram took (not about unchanged edits); and when a send is tried again or the queue changes. */
      onSent?: (report: SentReport) => void;
    } & Pick<OutboxRunnerOptions<Payload, number | null>, 'onRetry' | 'onChange'>,
    private readonly onIndexed: () => void = () => {},
  ) {
    this.onSent = options.onSent ?? (() => {});
    this.redactor = options.redactor;
    this.runner = new OutboxRunner<Payload, number | null>({
      ...options,
      policy: options.policy ?? new OutboxPolicy<Payload>(options.limits, mergeReplies),
      send: async (item) => {
        const result = await this.send(item.chatId, item.payload);
        if (result !== UNCHANGED) this.onSent(reportOf(item.payload, item.key));
        return result;
      },
      onUnsent: (s) => this.unsent(s),
    });
  }

  /** Sends text (split in as many messages as needed); resolves with the message ids that were sent. */
  async text(place: Place, text: string, params: TextParams = {}): Promise<number[]> {
    const chunks = textChunks(this.redactor.text(text), params.pre);
    const kind = params.kind ?? 'reply';
    const outcomes = chunks.map((chunk, i) => {
      const buttons = i === chunks.length - 1 ? params.buttons : undefined;
      // Only plain answers merge: never an alert, never a message with buttons (they belong to one message).
      const mergeable = kind === 'reply' && (buttons === undefined || buttons.length === 0);
      return this.runner.enqueue({
        chatId: place.chatId,
        kind,
        ...(mergeable ? { mergeKey: mergeKeyOf(place, params) } : {}),
        payload: {
          op: 'text',
          place,
          text: chunk,
          params: { ...params, buttons, replyTo: i === 0 ? params.replyTo : undefined },
        },
      });
    });
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

  /**
   * A message that holds the slot `key` in its chat's queue (a session's card): rendered when its turn comes, after
   * every reply to a person; a newer item of the same key would replace it.
   */
  post(place: Place, key: string, render: () => EditContent | null): Promise<Outcome<number | null>> {
    return this.runner.enqueue({ chatId: place.chatId, kind: 'card', key, payload: { op: 'post', place, render } });
  }

  async document(place: Place, filename: string, bytes: Uint8Array, caption: string): Promise<number[]> {
    const outcome = await this.runner.enqueue({ chatId: place.chatId, kind: 'reply', payload: { op: 'document', place, filename, bytes, caption } });
    return sentIds([outcome]);
  }

  /** An image as a photo or, when Telegram would shrink it unreadably, as a document (core/screen.ts decides). */
  async image(place: Place, image: { filename: string; png: Uint8Array; caption: string; as: 'photo' | 'document'; replyTo?: number }): Promise<number[]> {
    const outcome = await this.runner.enqueue({ chatId: place.chatId, kind: 'reply', payload: { op: 'image', place, ...image } });
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

  private async send(chatId: number, payload: Payload): Promise<number | null | typeof UNCHANGED> {
    if (payload.op === 'edit') {
      const { text, pre, buttons } = payload.render();
      const redacted = this.redactor.text(text);
      const content = contentKey(redacted, pre, buttons);
      if (this.lastSent.get(`${chatId}:${payload.messageId}`) === content) return UNCHANGED;
      await this.messenger.editText(chatId, payload.messageId, redacted, { pre, buttons });
      this.remember(chatId, payload.messageId, content);
      return payload.messageId;
    }
    let post: (EditContent & { key: string }) | undefined;
    if (payload.op === 'post') {
      // Rendered before the topic is looked up: a card whose session is gone by its turn gets neither.
      const content = payload.render();
      if (content === null) return UNCHANGED;
      const text = this.redactor.text(content.text);
      post = { ...content, text, key: contentKey(text, content.pre, content.buttons) };
    }
    const deliver = async (threadId: number | undefined): Promise<number> => {
      if (payload.op === 'document') {
        // Documents are text pocket wrote (/logs, /tail): cleaned whole, so a key block split over lines goes too.
        const bytes = new TextEncoder().encode(this.redactor.text(new TextDecoder().decode(payload.bytes)));
        return this.messenger.sendDocument(chatId, payload.filename, bytes, { caption: this.redactor.text(payload.caption), ...thread(threadId) });
      }
      if (payload.op === 'image') {
        const options = { caption: this.redactor.text(payload.caption), ...thread(threadId) };
        return payload.as === 'photo'
          ? this.messenger.sendPhoto(chatId, payload.filename, payload.png, { ...options, ...(payload.replyTo === undefined ? {} : { replyTo: payload.replyTo }) })
          : this.messenger.sendDocument(chatId, payload.filename, payload.png, options);
      }
      if (post !== undefined) {
        const ids = await this.messenger.sendText(chatId, post.text, { pre: post.pre, buttons: post.buttons, silent: true, ...thread(threadId) });
        return ids[ids.length - 1]!;
      }
      if (payload.op !== 'text') throw new Error(`unexpected outbox payload ${payload.op}`);
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
    if (post !== undefined) this.remember(chatId, id, post.key);
    if (place.sessionId !== undefined) {
      this.index.add(chatId, id, place.sessionId);
      this.onIndexed();
    }
    return id;
  }

  private remember(chatId: number, messageId: number, content: string): void {
    const key = `${chatId}:${messageId}`;
    this.lastSent.delete(key); // re-inserted last: the map's order is the order of use
    this.lastSent.set(key, content);
    if (this.lastSent.size > REMEMBERED_CONTENTS) this.lastSent.delete(this.lastSent.keys().next().value!);
  }

  private unsent(s: Settlement<Payload>): void {
    if (s.status !== 'dropped' && s.status !== 'failed') return;
    const fields = { chatId: s.item.chatId, op: s.item.payload.op, status: s.status, reason: s.reason };
    // A card left unsent at shutdown is drawn again at the next start (and counted in status either way): one line
    // per card at a stop with 150 cards waiting would bury what matters. A message to a person is worth a warning.
    if (s.status === 'dropped' && (s.item.payload.op === 'post' || s.item.payload.op === 'edit')) this.log.debug('bot.outbox.unsent', fields);
    else this.log.warn('bot.outbox.unsent', fields);
  }
}

/**
 * The outbox's merge rule for Delivery's payloads: two plain text replies to the same place become one message,
 * one per line in the order they were queued, when the result still fits in one Telegram message. The first one's
 * reply-to is kept; a session the message belongs to is kept only when both belong to it.
 */
export const mergeReplies: MergeFn<Payload> = (into, next) => {
  if (into.op !== 'text' || next.op !== 'text') return null;
  const text = `${into.text}\n${next.text}`;
  if (textChunks(text, into.params.pre).length > 1) return null;
  const place: Place = { ...into.place };
  if (into.place.sessionId !== next.place.sessionId) delete place.sessionId;
  return { op: 'text', place, text, params: into.params };
};

/** What must match for two replies to share a message: chat, thread or topic, format, notification. */
function mergeKeyOf(place: Place, params: TextParams): string {
  const where = place.topicOf === undefined ? `t${place.threadId ?? ''}` : `s${place.topicOf}`;
  return `${place.chatId}|${where}|${params.pre === true ? 'pre' : 'plain'}|${params.silent === true ? 'silent' : 'loud'}`;
}

function contentKey(text: string, pre: boolean, buttons: RenderedButton[][]): string {
  return JSON.stringify([pre, text, buttons]);
}

function reportOf(payload: Payload, key: string | undefined): SentReport {
  const cardOf = key?.startsWith('card:') ? key.slice('card:'.length) : undefined;
  const session = (id: string | undefined): { sessionId?: string } => (id === undefined ? {} : { sessionId: id });
  switch (payload.op) {
    case 'edit':
      return { what: cardOf === undefined ? 'message_edited' : 'card_edited', ...session(cardOf) };
    case 'post':
      return { what: 'card_posted', ...session(payload.place.sessionId ?? cardOf) };
    case 'document':
      return { what: 'document_sent', ...session(payload.place.sessionId) };
    case 'image':
      return { what: 'screen_sent', ...session(payload.place.sessionId) };
    case 'text':
      return { what: payload.params.kind === 'alert' ? 'alert_sent' : 'reply_sent', ...session(payload.place.sessionId) };
  }
}

function thread(threadId: number | undefined): { threadId?: number } {
  return threadId === undefined ? {} : { threadId };
}

function sentIds(outcomes: Outcome<number | null>[]): number[] {
  return outcomes.flatMap((o) => (o.status === 'sent' && o.value !== null ? [o.value] : []));
}
