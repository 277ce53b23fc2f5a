// The outbox policy: what to send next, and when, so that Telegram's unpublished limits (about 1 message/s per chat,
// 20/min in a group with edits counting, ~30/s overall; docs/facts.md) are never the thing that slows pocket down.
// Pure and clock-free: the runner (src/bot/outbox-runner.ts) passes `now` in and does the sending.
//
// - One queue per chat, one item in flight per chat, so a reply split in several messages stays in order.
// - Two lanes per chat. Urgent (alerts and replies to people, FIFO between them) goes before slots (session cards:
//   a card's first post and its edits), so an answer to a command never waits behind a hundred cards.
// - An alert (a question waiting) does not wait out the chat's pacing behind a card edit that just went: it may take
//   the chat's next slot early, once, and the send that would have had that slot waits one interval more. The chat's
//   sends stay one per interval on average, never more than two close together (within Telegram's per-chat burst),
//   never more than a minute's worth of slots in any 60 s (20 in a group: an early slot near the end of a minute
//   would be its 21st, so the alert waits there), and the global spacing is kept as is. Measured before (issue 15): a
//   Claude permission alert reached the Bot API 432-848 ms after the hook fired, most of it waiting out the 1 s slot
//   of the card edit the same dialog had caused.
// - A reply to a person is never dropped for want of room. Measured before this rule (issue 9): 150 `/new` in a
//   burst filled the queue with 300 urgent items, and 133 confirmations and the /sessions answer were dropped.
//   Instead, replies merge: a reply whose mergeKey (chat, thread, format) equals the one waiting at the tail of the
//   urgent lane joins it, as long as the caller's merge function says the two fit in one message. Merged rather
//   than digested ("150 sessions started: …"): each line stays the exact answer to its command, the first answer
//   of a burst still leaves at once, the rest collapse to one message per send slot (a private chat: one a second
//   while the burst is being handled; bench/burst measured 150 confirmations in 59 messages over the daemon's 60 s
//   of handling them), and only the tail merges, so nothing overtakes what was queued before it. The urgent lane
//   is therefore bounded by what people and sessions cause (commands handled one at a time; alerts per session).
//   A merged reply that Telegram refuses for good splits back into its replies, each sent alone (see split()).
// - Slots coalesce: an item whose (chat, key) is already pending replaces it in place (same turn in line, newest
//   content), so each session's card holds one slot whatever it prints, and the last content always wins.
// - Memory is bounded per chat: on overflow of the slot lane the oldest slot goes, counted as dropped.
// - A send the caller found unnecessary (an edit to the content the message already has) reports 'unchanged': it is
//   counted and gives its send slot back, so it costs no budget.
// - A 429 pushes that chat's next slot out by retry_after and puts the item back at the front of its line.
// - Every item leaves through exactly one Settlement the caller sees, and every way of leaving is counted (stats).

/** alert and reply: the urgent lane. card (a card's first post) and edit: the slot lane, keyed. */
export type OutboxKind = 'alert' | 'reply' | 'card' | 'edit';

export interface OutboxItem<P> {
  chatId: number;
  kind: OutboxKind;
  /** Slots: what the item shows (`card:s1`); a newer item with the same key replaces a pending one. */
  key?: string;
  /**
   * Urgent items: items with equal mergeKeys may become one message (see OutboxPolicy's merge function); the caller
   * puts into it whatever must match for that (chat, thread, format).
   */
  mergeKey?: string;
  /** API calls the item makes (a reply split in three messages costs 3); default 1. */
  cost?: number;
  payload: P;
}

export interface Queued<P> extends OutboxItem<P> {
  readonly id: number;
  /** Times handed out by next(). */
  attempts: number;
  readonly enqueuedAt: number;
  /** The payload as enqueued, before other replies merged into it (`payload` is the merged one). */
  readonly ownPayload: P;
  /** Replies merged into this one, in order: they share its fate, unless it fails for good (then they split off). */
  riders: Queued<P>[];
}

export type SendResult =
  | { kind: 'ok' }
  /** Nothing needed sending (an edit to the message's current content): no budget was spent. */
  | { kind: 'unchanged' }
  | { kind: 'retry_after'; seconds: number }
  | { kind: 'failed'; reason: string };

/** How an item left the outbox. Every enqueued item gets exactly one. */
export type Settlement<P> =
  | { item: Queued<P>; status: 'sent' }
  | { item: Queued<P>; status: 'unchanged' }
  /** Became part of `into`, which carries it: its fate is into's settlement (listed in its `riders`). */
  | { item: Queued<P>; status: 'merged'; into: Queued<P> }
  | { item: Queued<P>; status: 'superseded' | 'dropped' | 'failed'; reason: string };

/** Combines two urgent payloads into one message, or returns null when they do not fit together. */
export type MergeFn<P> = (into: P, next: P) => P | null;

export interface OutboxLimits {
  /** Between two sends to one private chat. */
  privateIntervalMs: number;
  /** Between two sends to one group (negative chat id): 20 per minute. */
  groupIntervalMs: number;
  /** Between any two sends: ~25/s, under the ~30/s global limit. */
  globalIntervalMs: number;
  /** Slot items (cards, edits) waiting per chat; the urgent lane is never cut (see above). */
  maxPendingPerChat: number;
  /** Hand-outs before an item that keeps getting retry_after is given up as failed. */
  maxAttempts: number;
}

export const DEFAULT_LIMITS: OutboxLimits = {
  privateIntervalMs: 1000,
  groupIntervalMs: 3000,
  globalIntervalMs: 40,
  maxPendingPerChat: 200,
  maxAttempts: 8,
};

export interface OutboxStats {
  enqueued: number;
  sent: number;
  /** Replies that joined another queued reply and went out inside it. */
  merged: number;
  /** Slot items replaced by a newer one of the same key before their turn. */
  superseded: number;
  /** Sends skipped because the message already showed that content. */
  unchanged: number;
  /** Given up unsent: slot overflow, or still queued at shutdown. */
  dropped: number;
  retried: number;
  failed: number;
}

interface ChatQueue<P> {
  urgent: Queued<P>[];
  /** The slot lane. Insertion order is the turn in line; Map.set on an existing key keeps the turn. */
  edits: Map<string, Queued<P>>;
  nextSlotAt: number;
  /**
   * When an alert may next take the chat's next slot early: after one did, not before the slots caught up with it
   * (so two early sends never follow each other), nor before a retry_after has passed.
   */
  earlyAlertAt: number;
  lastSentAt: number;
  /** When the sends of the last minute went, oldest first. */
  recentSends: number[];
  inFlight: Queued<P> | null;
}

export type NextStep<P> = { item: Queued<P> } | { waitUntil: number } | null;

export class OutboxPolicy<P> {
  readonly limits: OutboxLimits;
  readonly stats: OutboxStats = { enqueued: 0, sent: 0, merged: 0, superseded: 0, unchanged: 0, dropped: 0, retried: 0, failed: 0 };
  private readonly chats = new Map<number, ChatQueue<P>>();
  private globalNextAt = Number.NEGATIVE_INFINITY;
  private lastId = 0;
  /** Pacing as it was before each in-flight item was handed out, to give the slot back when it sent nothing. */
  private readonly charged = new Map<
    number,
    { chatBefore: number; chatAfter: number; earlyBefore: number; globalBefore: number; globalAfter: number; lastSentBefore: number }
  >();
  private readonly merge: MergeFn<P>;

  constructor(limits: Partial<OutboxLimits> = {}, merge: MergeFn<P> = () => null) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.merge = merge;
  }

  /** Queues an item; returns it and whatever it pushed out (a superseded edit, overflow drops). */
  enqueue(item: OutboxItem<P>, now: number): { queued: Queued<P>; settled: Settlement<P>[] } {
    const queued: Queued<P> = { ...item, id: ++this.lastId, attempts: 0, enqueuedAt: now, ownPayload: item.payload, riders: [] };
    const chat = this.chat(item.chatId);
    const settled: Settlement<P>[] = [];
    this.stats.enqueued++;
    if (isSlot(item.kind)) {
      const key = editKey(queued);
      const older = chat.edits.get(key);
      if (older !== undefined) settled.push(this.settle(older, 'superseded', 'a newer one of the same slot replaced it'));
      chat.edits.set(key, queued);
      while (chat.edits.size > this.limits.maxPendingPerChat) {
        settled.push(this.settle(this.shiftEdit(chat)!, 'dropped', 'outbox full: oldest card update dropped'));
      }
      return { queued, settled };
    }
    const tail = chat.urgent.at(-1);
    if (tail !== undefined && item.mergeKey !== undefined && tail.mergeKey === item.mergeKey) {
      const merged = this.merge(tail.payload, item.payload);
      if (merged !== null) {
        tail.payload = merged;
        tail.riders.push(queued);
        this.stats.merged++;
        settled.push({ item: queued, status: 'merged', into: tail });
        return { queued, settled };
      }
    }
    chat.urgent.push(queued);
    return { queued, settled };
  }

  /** The item to send now (marked in flight), else when to ask again, else null when nothing can become ready. */
  next(now: number): NextStep<P> {
    let best: { chat: ChatQueue<P>; readyAt: number } | null = null;
    for (const [chatId, chat] of this.chats) {
      const pending = chat.urgent.length + chat.edits.size;
      // Remembered for a minute after its last send: an early alert counts the sends of the last 60 s.
      if (pending === 0 && chat.inFlight === null && chat.nextSlotAt <= now && chat.lastSentAt <= now - MINUTE_MS) {
        this.chats.delete(chatId); // nothing left to remember about this chat
        continue;
      }
      if (pending === 0 || chat.inFlight !== null) continue;
      const readyAt = Math.max(this.chatReadyAt(chat, chatId), this.globalNextAt);
      if (best === null || better(chat, readyAt, best, now)) best = { chat, readyAt };
    }
    if (best === null) return null;
    if (best.readyAt > now) return { waitUntil: best.readyAt };
    const chat = best.chat;
    const item = chat.urgent.shift() ?? this.shiftEdit(chat)!;
    const cost = Math.max(1, item.cost ?? 1);
    item.attempts++;
    chat.inFlight = item;
    const charge = {
      chatBefore: chat.nextSlotAt,
      earlyBefore: chat.earlyAlertAt,
      globalBefore: this.globalNextAt,
      lastSentBefore: chat.lastSentAt,
      chatAfter: 0,
      globalAfter: 0,
    };
    const interval = item.chatId < 0 ? this.limits.groupIntervalMs : this.limits.privateIntervalMs;
    chat.lastSentAt = now;
    while ((chat.recentSends[0] ?? now) <= now - MINUTE_MS) chat.recentSends.shift();
    chat.recentSends.push(now);
    if (now < chat.nextSlotAt) {
      // An alert taking the next slot early (chatReadyAt): whatever would have had that slot gets the one after it.
      chat.nextSlotAt += cost * interval;
      chat.earlyAlertAt = chat.nextSlotAt;
    } else {
      chat.nextSlotAt = now + cost * interval;
    }
    this.globalNextAt = now + cost * this.limits.globalIntervalMs;
    this.charged.set(item.id, { ...charge, chatAfter: chat.nextSlotAt, globalAfter: this.globalNextAt });
    return { item };
  }

  /** Feeds back how a send went; returns the settlement, or null when the item was put back to be retried. */
  onResult(item: Queued<P>, result: SendResult, now: number): Settlement<P> | null {
    const chat = this.chats.get(item.chatId);
    if (chat?.inFlight?.id === item.id) chat.inFlight = null;
    const charge = this.charged.get(item.id);
    this.charged.delete(item.id);
    if (result.kind === 'ok') return this.settle(item, 'sent');
    if (result.kind === 'unchanged') {
      // Nothing went to Telegram: the slot it was charged goes back, unless later sends already built on it.
      if (chat !== undefined && charge !== undefined && chat.nextSlotAt === charge.chatAfter) {
        chat.nextSlotAt = charge.chatBefore;
        if (chat.recentSends.at(-1) === chat.lastSentAt) chat.recentSends.pop();
        chat.earlyAlertAt = charge.earlyBefore;
        chat.lastSentAt = charge.lastSentBefore;
      }
      if (charge !== undefined && this.globalNextAt === charge.globalAfter) this.globalNextAt = charge.globalBefore;
      return this.settle(item, 'unchanged');
    }
    if (result.kind === 'failed') {
      if (item.riders.length > 0) {
        this.split(item);
        return null;
      }
      return this.settle(item, 'failed', result.reason);
    }
    if (item.attempts >= this.limits.maxAttempts) {
      return this.settle(item, 'failed', `still rate limited after ${item.attempts} attempts`);
    }
    const queue = this.chat(item.chatId);
    queue.nextSlotAt = Math.max(queue.nextSlotAt, now + Math.max(0, result.seconds) * 1000);
    queue.earlyAlertAt = Math.max(queue.earlyAlertAt, queue.nextSlotAt);
    if (isSlot(item.kind)) {
      const key = editKey(item);
      // A newer item of the same slot arrived while this one was out: only the newest content matters.
      if (queue.edits.has(key)) return this.settle(item, 'superseded', 'a newer one of the same slot replaced it');
      queue.edits = new Map([[key, item], ...queue.edits]);
    } else {
      queue.urgent.unshift(item);
    }
    this.stats.retried++;
    return null;
  }

  /**
   * A merged reply Telegram refused for good (a 400) goes back as the replies it was made of, each alone and no longer
   * mergeable, at the front of the line: the refusal may be about one of them only (its text, its reply-to), and a
   * reply to a person is never lost because it shared a message. Each part fails at most once more on its own.
   * Seen in the canary e2e: two /tail answers merged while the first waited for a retry, then a 400 took both.
   */
  private split(item: Queued<P>): void {
    const parts = [item, ...item.riders];
    item.payload = item.ownPayload;
    item.riders = [];
    for (const part of parts) delete part.mergeKey;
    this.stats.merged -= parts.length - 1;
    this.stats.retried++;
    const queue = this.chat(item.chatId);
    queue.urgent.unshift(...parts);
  }

  /** Removes and returns every pending (not in-flight) item, for shutdown; the caller reports them. */
  drain(reason: string): Settlement<P>[] {
    const out: Settlement<P>[] = [];
    for (const chat of this.chats.values()) {
      for (const item of [...chat.urgent, ...chat.edits.values()]) out.push(this.settle(item, 'dropped', reason));
      chat.urgent = [];
      chat.edits.clear();
    }
    return out;
  }

  /** When the oldest waiting item was queued (epoch ms), or null when none waits: how far behind the bot is. */
  oldestPendingAt(): number | null {
    let oldest: number | null = null;
    for (const chat of this.chats.values()) {
      for (const item of chat.urgent) if (oldest === null || item.enqueuedAt < oldest) oldest = item.enqueuedAt;
      for (const item of chat.edits.values()) if (oldest === null || item.enqueuedAt < oldest) oldest = item.enqueuedAt;
    }
    return oldest;
  }

  get pendingCount(): number {
    let n = 0;
    for (const chat of this.chats.values()) n += chat.urgent.length + chat.edits.size;
    return n;
  }

  get inFlightCount(): number {
    let n = 0;
    for (const chat of this.chats.values()) if (chat.inFlight !== null) n++;
    return n;
  }

  private chat(chatId: number): ChatQueue<P> {
    let chat = this.chats.get(chatId);
    if (chat === undefined) {
      chat = {
        urgent: [],
        edits: new Map(),
        nextSlotAt: Number.NEGATIVE_INFINITY,
        earlyAlertAt: Number.NEGATIVE_INFINITY,
        lastSentAt: Number.NEGATIVE_INFINITY,
        recentSends: [],
        inFlight: null,
      };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  /** When the chat may send its next item: at its next slot, or earlier for an alert first in line (see the top). */
  private chatReadyAt(chat: ChatQueue<P>, chatId: number): number {
    const head = chat.urgent[0];
    if (head?.kind !== 'alert' || Math.max(1, head.cost ?? 1) !== 1) return chat.nextSlotAt;
    // A minute's worth of slots already went in the last 60 s: not before the oldest of them is a minute old.
    const perMinute = Math.floor(MINUTE_MS / (chatId < 0 ? this.limits.groupIntervalMs : this.limits.privateIntervalMs));
    const oldest = chat.recentSends[chat.recentSends.length - perMinute];
    const minuteAllows = oldest === undefined ? Number.NEGATIVE_INFINITY : oldest + MINUTE_MS;
    return Math.min(chat.nextSlotAt, Math.max(chat.earlyAlertAt, minuteAllows));
  }

  private shiftEdit(chat: ChatQueue<P>): Queued<P> | undefined {
    const first = chat.edits.entries().next();
    if (first.done === true) return undefined;
    chat.edits.delete(first.value[0]);
    return first.value[1];
  }

  private settle(item: Queued<P>, status: 'sent' | 'unchanged'): Settlement<P>;
  private settle(item: Queued<P>, status: 'superseded' | 'dropped' | 'failed', reason: string): Settlement<P>;
  private settle(item: Queued<P>, status: 'sent' | 'unchanged' | 'superseded' | 'dropped' | 'failed', reason?: string): Settlement<P> {
    this.stats[status]++;
    if (status === 'sent' || status === 'unchanged') return { item, status };
    return { item, status, reason: reason ?? status };
  }
}

const MINUTE_MS = 60_000;

function isSlot(kind: OutboxKind): boolean {
  return kind === 'edit' || kind === 'card';
}

function editKey(item: Queued<unknown>): string {
  return item.key ?? `#${item.id}`;
}

/** Among chats: ready ones first; then urgent work; then whoever was ready earliest; then least recently served. */
function better<P>(chat: ChatQueue<P>, readyAt: number, best: { chat: ChatQueue<P>; readyAt: number }, now: number): boolean {
  const ready = readyAt <= now;
  const bestReady = best.readyAt <= now;
  if (ready !== bestReady) return ready;
  if (!ready) return readyAt < best.readyAt;
  const urgent = chat.urgent.length > 0;
  const bestUrgent = best.chat.urgent.length > 0;
  if (urgent !== bestUrgent) return urgent;
  if (readyAt !== best.readyAt) return readyAt < best.readyAt;
  return chat.lastSentAt < best.chat.lastSentAt;
}
