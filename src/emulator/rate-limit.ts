// Telegram's flood control, approximated: the real limits are unpublished, so these are the documented rules of
// thumb (about 1 message/s per chat with a small burst, 20/min per group, ~30/s overall). Sends and edits count;
// a refused call costs nothing. Pure: time comes from the caller.

export interface RateLimits {
  perChatPerSecond: number;
  /** Messages a chat may take at once before the per-second rate applies. */
  perChatBurst: number;
  /** Groups and supergroups (negative chat ids). */
  perGroupPerMinute: number;
  globalPerSecond: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perChatPerSecond: 1,
  perChatBurst: 3,
  perGroupPerMinute: 20,
  globalPerSecond: 30,
};

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly limits: RateLimits;
  private readonly buckets = new Map<number, Bucket>();
  private readonly groupWindows = new Map<number, number[]>();
  private globalWindow: number[] = [];
  private readonly refused = new Map<number, number>();

  constructor(limits: Partial<RateLimits> = {}) {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
  }

  /** Takes one message from the chat's budget; returns seconds to wait instead when there is none. */
  take(chatId: number, nowMs: number): { ok: true } | { ok: false; retryAfter: number } {
    const waits: number[] = [];
    const bucket = this.refill(chatId, nowMs);
    if (bucket.tokens < 1) waits.push(((1 - bucket.tokens) / this.limits.perChatPerSecond) * 1000);
    const group = chatId < 0 ? this.window(this.groupWindows.get(chatId), nowMs, 60_000) : [];
    if (chatId < 0 && group.length >= this.limits.perGroupPerMinute) waits.push(group[0]! + 60_000 - nowMs);
    this.globalWindow = this.window(this.globalWindow, nowMs, 1000);
    if (this.globalWindow.length >= this.limits.globalPerSecond) waits.push(this.globalWindow[0]! + 1000 - nowMs);
    if (waits.length > 0) {
      this.refused.set(chatId, (this.refused.get(chatId) ?? 0) + 1);
      return { ok: false, retryAfter: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
    }
    bucket.tokens -= 1;
    if (chatId < 0) this.groupWindows.set(chatId, [...group, nowMs]);
    this.globalWindow.push(nowMs);
    return { ok: true };
  }

  /** 429s given to a chat so far (all chats when chatId is omitted). */
  refusals(chatId?: number): number {
    if (chatId !== undefined) return this.refused.get(chatId) ?? 0;
    let total = 0;
    for (const n of this.refused.values()) total += n;
    return total;
  }

  private refill(chatId: number, nowMs: number): Bucket {
    const bucket = this.buckets.get(chatId) ?? { tokens: this.limits.perChatBurst, at: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
    bucket.tokens = Math.min(this.limits.perChatBurst, bucket.tokens + elapsed * this.limits.perChatPerSecond);
    bucket.at = nowMs;
    this.buckets.set(chatId, bucket);
    return bucket;
  }

  private window(times: number[] | undefined, nowMs: number, spanMs: number): number[] {
    return (times ?? []).filter((t) => t > nowMs - spanMs);
  }
}
