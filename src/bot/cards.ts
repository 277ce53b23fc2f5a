// Status cards: one message per session, in its topic when there is one, pinned where possible, edited in place as
// output and state change. A card's post and its edits go through the outbox in one slot keyed by session, so a
// burst of output costs one edit per rate slot, the newest content always wins, and replies to people go first. Rendering is pure (core/cards.ts); this file keeps the message ids
// and the last lines.
import type { CallbackRegistry } from '../core/callback-registry.js';
import { CARD_LINES, type CardButtonIds, renderCard } from '../core/cards.js';
import type { SessionEvent, SessionUseCases, SessionView } from '../core/sessions.js';
import type { Logger } from '../core/ports.js';
import { classifyApiError } from './api-errors.js';
import type { Delivery } from './delivery.js';

export interface CardRef {
  chatId: number;
  messageId: number;
}

interface CardState {
  ref: CardRef | null;
  lines: string[];
  /** A send of a new card is on its way; changes meanwhile only mark it dirty. */
  creating: boolean;
  dirty: boolean;
  /** Lines were seeded from the session's tail (once per daemon run). */
  seeded: boolean;
  /** The edit waiting in the outbox, not yet rendered; null when none is. */
  queuedEdit: object | null;
}

export class Cards {
  private readonly cards = new Map<string, CardState>();

  constructor(
    private readonly chatId: number,
    private readonly sessions: SessionUseCases,
    private readonly delivery: Delivery,
    private readonly registry: CallbackRegistry,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly onChange: () => void,
    saved: Record<string, CardRef> = {},
    /** This machine's name, shown on every card (POCKET_HOST_LABEL). */
    private readonly hostLabel = '',
  ) {
    for (const [sessionId, ref] of Object.entries(saved)) this.cards.set(sessionId, fresh(ref));
  }

  /** Redacted before rendering: the card clips long lines and cuts a window, and a clipped token has no shape left. */
  private render(sessionId: string, view: SessionView, lines: readonly string[]): ReturnType<typeof renderCard> {
    const { redactor } = this.delivery;
    return renderCard(redactor.value(view) as SessionView, redactor.lines(lines), this.buttonIds(sessionId), this.hostLabel);
  }

  handle(event: SessionEvent): void {
    switch (event.type) {
      case 'output': {
        const card = this.card(event.sessionId);
        // In place: this runs for every line a busy pane prints.
        for (const line of event.lines) card.lines.push(line);
        if (card.lines.length > CARD_LINES * 2) card.lines.splice(0, card.lines.length - CARD_LINES * 2);
        this.update(event.sessionId);
        return;
      }
      case 'created':
      case 'updated':
      case 'state':
      case 'alert':
        this.update(event.session.id);
        return;
      case 'removed':
        this.remove(event.sessionId);
        return;
    }
  }

  /** Re-reads the last lines from the session and redraws its card (the Refresh button, daemon start). */
  async refresh(sessionId: string): Promise<void> {
    const card = this.card(sessionId);
    card.lines = [...(await this.sessions.tail(sessionId, CARD_LINES))];
    card.seeded = true;
    this.update(sessionId);
  }

  messageOf(sessionId: string): CardRef | null {
    return this.cards.get(sessionId)?.ref ?? null;
  }

  toJSON(): Record<string, CardRef> {
    const out: Record<string, CardRef> = {};
    for (const [id, card] of this.cards) if (card.ref !== null) out[id] = card.ref;
    return out;
  }

  private update(sessionId: string): void {
    void this.draw(sessionId).catch((error: unknown) => {
      this.log.warn('bot.card.failed', { sessionId, error: classifyApiError(error).kind, message: String(error) });
    });
  }

  private async draw(sessionId: string): Promise<void> {
    const card = this.card(sessionId);
    if (card.creating) {
      card.dirty = true;
      return;
    }
    // An edit already waiting for its turn renders whatever is newest when it goes: nothing to add.
    if (card.queuedEdit !== null) return;
    const view = this.sessions.get(sessionId);
    if (view === undefined) return;
    // Marked before the first await, so two events in a row never send two cards.
    const creating = card.ref === null;
    card.creating = creating;
    if (!card.seeded && card.lines.length === 0) {
      card.seeded = true;
      const seeded = await this.sessions.tail(sessionId, CARD_LINES).catch(() => [] as string[]);
      card.lines = [...seeded, ...card.lines].slice(-CARD_LINES * 2);
    }
    if (!creating && card.ref !== null) {
      // Checked again: seeding above may have awaited while another change queued the edit.
      if (card.queuedEdit !== null) return;
      const token = {};
      card.queuedEdit = token;
      const ref = card.ref;
      const outcome = await this.delivery.editLazily(ref.chatId, `card:${sessionId}`, ref.messageId, () => {
        // Changes from here on need an edit of their own.
        if (card.queuedEdit === token) card.queuedEdit = null;
        const rendered = this.render(sessionId, this.sessions.get(sessionId) ?? view, card.lines);
        return { text: rendered.text, pre: true, buttons: rendered.buttons };
      });
      // Dropped or superseded before its turn: the next change queues a new one.
      if (card.queuedEdit === token) card.queuedEdit = null;
      if (outcome.status === 'failed' && classifyApiError(outcome.error).kind === 'message_not_found') {
        // Deleted by someone, or with its topic: a new card replaces it.
        card.ref = null;
        this.onChange();
        await this.draw(sessionId);
      }
      return;
    }
    // The card's first post holds its session's slot in the outbox, behind every reply to a person, and is rendered
    // when its turn comes: in a burst of 150 /new it shows the session as it is then, not as it was when queued.
    card.dirty = false;
    let posted = false;
    try {
      const outcome = await this.delivery.post({ chatId: this.chatId, topicOf: sessionId, sessionId }, `card:${sessionId}`, () => {
        if (this.cards.get(sessionId) !== card) return null; // removed while its card waited: nothing to post
        card.dirty = false; // what changes from here on needs an edit
        const rendered = this.render(sessionId, this.sessions.get(sessionId) ?? view, card.lines);
        return { text: rendered.text, pre: true, buttons: rendered.buttons };
      });
      // Failed or dropped: Delivery has logged it; the next change of the session (or the next start) tries again.
      const messageId = outcome.status === 'sent' ? outcome.value : null;
      if (messageId !== null && this.cards.get(sessionId) !== card) {
        // Removed while its post was in flight: the card says so, with no buttons left to act on the session.
        void this.delivery.edit(this.chatId, `card:${sessionId}`, messageId, '— session removed —', true, []);
      } else if (messageId !== null) {
        posted = true;
        card.ref = { chatId: this.chatId, messageId };
        this.onChange();
        await this.delivery.pin(this.chatId, messageId);
      }
    } finally {
      card.creating = false;
    }
    // Only after a post that went out: redrawing after one that was dropped (the outbox stopping) or failed would
    // post again at once, and again, in a loop that never yields to the event loop.
    if (posted && card.dirty && this.cards.get(sessionId) === card) await this.draw(sessionId);
  }

  private remove(sessionId: string): void {
    const card = this.cards.get(sessionId);
    this.cards.delete(sessionId);
    this.registry.forgetSession(sessionId);
    this.onChange();
    if (card?.ref == null) return;
    // The last word on the card: no buttons left that would act on a session that is gone.
    void this.delivery.edit(card.ref.chatId, `card:${sessionId}`, card.ref.messageId, `${card.lines.slice(-5).join('\n')}\n— session removed —`, true, []);
  }

  private card(sessionId: string): CardState {
    let card = this.cards.get(sessionId);
    if (card === undefined) {
      card = fresh(null);
      this.cards.set(sessionId, card);
    }
    return card;
  }

  private buttonIds(sessionId: string): CardButtonIds {
    const now = this.now();
    return {
      refresh: this.registry.stable(sessionId, { type: 'refresh' }, now),
      tail: this.registry.stable(sessionId, { type: 'tail' }, now),
      screen: this.registry.stable(sessionId, { type: 'screen' }, now),
      ctrlC: this.registry.stable(sessionId, { type: 'keys', keys: ['C-c'] }, now),
      enter: this.registry.stable(sessionId, { type: 'keys', keys: ['Enter'] }, now),
      kill: this.registry.stable(sessionId, { type: 'kill' }, now),
      cancel: this.registry.stable(sessionId, { type: 'cancel' }, now),
    };
  }
}

function fresh(ref: CardRef | null): CardState {
  return { ref, lines: [], creating: false, dirty: false, seeded: false, queuedEdit: null };
}
