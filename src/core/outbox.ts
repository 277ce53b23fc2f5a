// The outbox policy: what to send next, and when, so that Telegram's unpublished limits (about 1 message/s per chat,
// 20/min in a group with edits counting, ~30/s overall; FACTS.md) are never the thing that slows pocket down.
// Pure and clock-free: the runner (src/bot/outbox-runner.ts) passes `now` in and does the sending.
//
// - One queue per chat, one item in flight per chat, so a reply split in several messages stays in order.
// - Alerts and replies (urgent, FIFO between them) go before card edits.
// - Card edits coalesce: an edit whose (chat, key) is already pending replaces it in place (same turn in line,
//   newest content), so a flood of screen updates costs one send per slot and the last content always wins.
// - Memory is bounded per chat: on overflow the oldest edit goes; urgent items only when there are no edits left,
//   and never silently: every item leaves through a Settlement the caller sees.
// - A 429 pushes that chat's next slot out by retry_after and puts the item back at the front of its line.

export type OutboxKind = 'alert' | 'reply' | 'edit';

export interface OutboxItem<P> {
  chatId: number;
  kind: OutboxKind;
  /** Edits: what is edited (`m:123`, `card:build`); a newer edit with the same key replaces a pending one. */
  key?: string;
  /** API calls the item makes (a reply split in three messages costs 3); default 1. */
  cost?: number;
  payload: P;
}

export interface Queued<P> extends OutboxItem<P> {
  readonly id: number;
  /** Times handed out by next(). */
  attempts: number;
  readonly enqueuedAt: number;
}

export type SendResult = { kind: 'ok' } | { kind: 'retry_after'; seconds: number } | { kind: 'failed'; reason: string };

/** How an item left the outbox. Every enqueued item gets exactly one. */
export type Settlement<P> =
  | { item: Queued<P>; status: 'sent' }
  | { item: Queued<P>; status: 'superseded' | 'dropped' | 'failed'; reason: string };

export interface OutboxLimits {
  /** Between two sends to one private chat. */
  privateIntervalMs: number;
  /** Between two sends to one group (negative chat id): 20 per minute. */
  groupIntervalMs: number;
  /** Between any two sends: ~25/s, under the ~30/s global limit. */
  globalIntervalMs: number;
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
  superseded: number;
  dropped: number;
  /** Alerts and replies dropped on overflow: should stay 0; worth a log line when not. */
  droppedUrgent: number;
  retried: number;
  failed: number;
}

interface ChatQueue<P> {
  urgent: Queued<P>[];
  /** Insertion order is the edits' turn in line; Map.set on an existing key keeps the turn. */
  edits: Map<string, Queued<P>>;
  nextSlotAt: number;
  lastSentAt: number;
  inFlight: Queued<P> | null;
}

export type NextStep<P> = { item: Queued<P> } | { waitUntil: number } | null;

export class OutboxPolicy<P> {
  readonly limits: OutboxLimits;
  readonly stats: OutboxStats = { enqueued: 0, sent: 0, superseded: 0, dropped: 0, droppedUrgent: 0, retried: 0, failed: 0 };
  private readonly chats = new Map<number, ChatQueue<P>>();
  private globalNextAt = Number.NEGATIVE_INFINITY;
  private lastId = 0;

  constructor(limits: Partial<OutboxLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Queues an item; returns it and whatever it pushed out (a superseded edit, overflow drops). */
  enqueue(item: OutboxItem<P>, now: number): { queued: Queued<P>; settled: Settlement<P>[] } {
    const queued: Queued<P> = { ...item, id: ++this.lastId, attempts: 0, enqueuedAt: now };
    const chat = this.chat(item.chatId);
    const settled: Settlement<P>[] = [];
    this.stats.enqueued++;
    if (item.kind === 'edit') {
      const key = editKey(queued);
      const older = chat.edits.get(key);
      if (older !== undefined) settled.push(this.settle(older, 'superseded', 'a newer edit replaced it'));
      chat.edits.set(key, queued);
    } else {
      chat.urgent.push(queued);
    }
    while (chat.urgent.length + chat.edits.size > this.limits.maxPendingPerChat) {
      settled.push(this.evictOne(chat));
    }
    return { queued, settled };
  }

  /** The item to send now (marked in flight), else when to ask again, else null when nothing can become ready. */
  next(now: number): NextStep<P> {
    let best: { chat: ChatQueue<P>; readyAt: number } | null = null;
    for (const [chatId, chat] of this.chats) {
      const pending = chat.urgent.length + chat.edits.size;
      if (pending === 0 && chat.inFlight === null && chat.nextSlotAt <= now) {
        this.chats.delete(chatId); // nothing left to remember about this chat
        continue;
      }
      if (pending === 0 || chat.inFlight !== null) continue;
      const readyAt = Math.max(chat.nextSlotAt, this.globalNextAt);
      if (best === null || better(chat, readyAt, best, now)) best = { chat, readyAt };
    }
    if (best === null) return null;
    if (best.readyAt > now) return { waitUntil: best.readyAt };
    const chat = best.chat;
    const item = chat.urgent.shift() ?? this.shiftEdit(chat)!;
    const cost = Math.max(1, item.cost ?? 1);
    item.attempts++;
    chat.inFlight = item;
    chat.lastSentAt = now;
    chat.nextSlotAt = now + cost * (item.chatId < 0 ? this.limits.groupIntervalMs : this.limits.privateIntervalMs);
    this.globalNextAt = now + cost * this.limits.globalIntervalMs;
    return { item };
  }

  /** Feeds back how a send went; returns the settlement, or null when the item was put back to be retried. */
  onResult(item: Queued<P>, result: SendResult, now: number): Settlement<P> | null {
    const chat = this.chats.get(item.chatId);
    if (chat?.inFlight?.id === item.id) chat.inFlight = null;
    if (result.kind === 'ok') return this.settle(item, 'sent');
    if (result.kind === 'failed') return this.settle(item, 'failed', result.reason);
    if (item.attempts >= this.limits.maxAttempts) {
      return this.settle(item, 'failed', `still rate limited after ${item.attempts} attempts`);
    }
    const queue = this.chat(item.chatId);
    queue.nextSlotAt = Math.max(queue.nextSlotAt, now + Math.max(0, result.seconds) * 1000);
    if (item.kind === 'edit') {
      const key = editKey(item);
      // A newer edit of the same message arrived while this one was out: only the newest content matters.
      if (queue.edits.has(key)) return this.settle(item, 'superseded', 'a newer edit replaced it');
      queue.edits = new Map([[key, item], ...queue.edits]);
    } else {
      queue.urgent.unshift(item);
    }
    this.stats.retried++;
    return null;
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
      chat = { urgent: [], edits: new Map(), nextSlotAt: Number.NEGATIVE_INFINITY, lastSentAt: Number.NEGATIVE_INFINITY, inFlight: null };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  private shiftEdit(chat: ChatQueue<P>): Queued<P> | undefined {
    const first = chat.edits.entries().next();
    if (first.done === true) return undefined;
    chat.edits.delete(first.value[0]);
    return first.value[1];
  }

  private evictOne(chat: ChatQueue<P>): Settlement<P> {
    const edit = this.shiftEdit(chat);
    if (edit !== undefined) return this.settle(edit, 'dropped', 'outbox full: oldest card edit dropped');
    this.stats.droppedUrgent++;
    return this.settle(chat.urgent.shift()!, 'dropped', 'outbox full: oldest message dropped');
  }

  private settle(item: Queued<P>, status: 'sent'): Settlement<P>;
  private settle(item: Queued<P>, status: 'superseded' | 'dropped' | 'failed', reason: string): Settlement<P>;
  private settle(item: Queued<P>, status: Settlement<P>['status'], reason?: string): Settlement<P> {
    this.stats[status === 'sent' ? 'sent' : status]++;
    return status === 'sent' ? { item, status } : { item, status, reason: reason ?? status };
  }
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
