import { GrammyError, HttpError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboxRunner, type Outcome, UNCHANGED } from '../../src/bot/outbox-runner.js';
import { Redactor } from '../../src/core/redact.js';
import { OutboxPolicy, type Queued } from '../../src/core/outbox.js';

const CHAT = 111;
const clock = { now: () => Date.now() };

const tooMany = (seconds: number) =>
  new GrammyError(
    "Call to 'editMessageText' failed!",
    { ok: false, error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } },
    'editMessageText',
    {},
  );

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('OutboxRunner', () => {
  it('paces a flood of card edits with one timer and delivers the last content', async () => {
    const sent: Array<{ at: number; text: string }> = [];
    const runner = new OutboxRunner<string, number>({
      clock,
      send: async (item) => {
        sent.push({ at: Date.now(), text: item.payload });
        return 1;
      },
    });
    const outcomes: Array<Promise<Outcome<number>>> = [];
    for (let n = 0; n < 1000; n++) {
      outcomes.push(runner.enqueue({ chatId: CHAT, kind: 'edit', key: 'card:a', payload: `frame ${n}` }));
      await vi.advanceTimersByTimeAsync(10);
      expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.at(-1)?.text).toBe('frame 999');
    for (let n = 1; n < sent.length; n++) expect(sent[n]!.at - sent[n - 1]!.at).toBeGreaterThanOrEqual(1000);
    const statuses = (await Promise.all(outcomes)).map((o) => o.status);
    expect(statuses.filter((s) => s === 'sent')).toHaveLength(sent.length);
    expect(statuses.filter((s) => s === 'superseded')).toHaveLength(1000 - sent.length);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves a reply with the value the send returned, alerts before edits', async () => {
    const order: string[] = [];
    const runner = new OutboxRunner<string, string>({
      clock,
      send: async (item) => {
        order.push(item.payload);
        return `id:${item.payload}`;
      },
    });
    void runner.enqueue({ chatId: CHAT, kind: 'edit', key: 'c', payload: 'edit' });
    const edit2 = runner.enqueue({ chatId: CHAT, kind: 'edit', key: 'd', payload: 'edit2' });
    const alert = runner.enqueue({ chatId: CHAT, kind: 'alert', payload: 'alert' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(order).toEqual(['edit', 'alert', 'edit2']);
    expect(await alert).toEqual({ status: 'sent', value: 'id:alert' });
    expect(await edit2).toEqual({ status: 'sent', value: 'id:edit2' });
  });

  it('a 429 delays the chat by retry_after and sends the item exactly once more', async () => {
    const attempts: number[] = [];
    const runner = new OutboxRunner<string, string>({
      clock,
      send: async (item: Queued<string>) => {
        attempts.push(Date.now());
        if (attempts.length === 1) throw tooMany(5);
        return item.payload;
      },
    });
    const outcome = runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'hello' });
    await vi.advanceTimersByTimeAsync(4999);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1_000_000, 1_005_000]);
    expect(await outcome).toEqual({ status: 'sent', value: 'hello' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toHaveLength(2);
  });

  it('tells who watches about each retry (429 or transient) and the age of the oldest waiting item', async () => {
    const retries: string[] = [];
    // The first send answers 429, the second fails on the network, every later one goes through.
    const failures: Error[] = [tooMany(2), new HttpError('down', new Error('ECONNRESET'))];
    const runner = new OutboxRunner<string, string>({
      clock,
      onRetry: (why) => retries.push(why),
      send: async (item) => {
        const error = failures.shift();
        if (error !== undefined) throw error;
        return item.payload;
      },
    });
    expect(runner.oldestPendingAt).toBeNull();
    const first = runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'a' });
    await vi.advanceTimersByTimeAsync(0);
    void runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'b' });
    // 'a' is back in line after its 429, queued first: the oldest.
    expect(runner.oldestPendingAt).toBe(1_000_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await first).toEqual({ status: 'sent', value: 'a' });
    expect(retries).toEqual(['rate_limited', 'transient']);
    expect(runner.oldestPendingAt).toBeNull();
  });

  it('retries network errors with backoff, then fails with a redacted error', async () => {
    const canary = '4242:canary-SECRET';
    const unsent: string[] = [];
    const runner = new OutboxRunner<string, string>({
      clock,
      policy: new OutboxPolicy<string>({ maxAttempts: 3 }),
      redactor: new Redactor([canary]),
      onUnsent: (s) => unsent.push(s.status),
      send: async () => {
        throw new HttpError("Network request for 'sendMessage' failed!", new Error(`request to http://x/bot${canary}/sendMessage failed`));
      },
    });
    const outcome = runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'x' });
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await outcome;
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.error.code).toBe('TELEGRAM_FAILED');
    expect(`${result.reason} ${result.error.message}`).not.toContain('canary-SECRET');
    expect(result.reason).toContain('sendMessage failed');
    expect(unsent).toEqual(['failed']);
    expect(runner.stats.retried).toBe(2);
  });

  it('does not retry a bad request', async () => {
    let calls = 0;
    const runner = new OutboxRunner<string, string>({
      clock,
      send: async () => {
        calls++;
        throw new GrammyError('x', { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, 'sendMessage', {});
      },
    });
    const outcome = await runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'x' });
    expect(outcome.status).toBe('failed');
    expect(calls).toBe(1);
  });

  it('flush waits for in-flight and pending items', async () => {
    const sent: string[] = [];
    const runner = new OutboxRunner<string, void>({
      clock,
      send: async (item) => {
        await new Promise((r) => setTimeout(r, 200));
        sent.push(item.payload);
      },
    });
    void runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'a' });
    void runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'b' });
    const flushed = runner.flush(5000);
    await vi.advanceTimersByTimeAsync(1200);
    expect(await flushed).toEqual({ complete: true, dropped: 0, inFlight: 0 });
    expect(sent).toEqual(['a', 'b']);
  });

  it('flush reports what it could not send in time as dropped', async () => {
    const runner = new OutboxRunner<string, void>({ clock, send: async () => {} });
    const outcomes = ['a', 'b', 'c', 'd'].map((p) => runner.enqueue({ chatId: CHAT, kind: 'reply', payload: p }));
    const flushed = runner.flush(1500);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await flushed).toEqual({ complete: false, dropped: 2, inFlight: 0 });
    expect((await Promise.all(outcomes)).map((o) => o.status)).toEqual(['sent', 'sent', 'dropped', 'dropped']);
  });

  it('stop drops pending items, refuses new ones and leaves no timer', async () => {
    const runner = new OutboxRunner<string, void>({ clock, send: async () => {} });
    const first = runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'a' });
    const second = runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'b' });
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    runner.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect((await first).status).toBe('sent');
    expect(await second).toEqual({ status: 'dropped', reason: 'outbox stopped' });
    expect(await runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'c' })).toEqual({ status: 'dropped', reason: 'outbox stopped' });
  });

  it('replies merged into a queued one resolve with its outcome, and only it is sent', async () => {
    const sent: string[] = [];
    const policy = new OutboxPolicy<string>({}, (into, next) => `${into}\n${next}`);
    const runner = new OutboxRunner<string, string>({
      clock,
      policy,
      send: async (item) => {
        sent.push(item.payload);
        return `id:${item.payload}`;
      },
    });
    const outcomes = ['a', 'b', 'c', 'd'].map((p) => runner.enqueue({ chatId: CHAT, kind: 'reply', mergeKey: 'here', payload: p }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual(['a', 'b\nc\nd']);
    expect(await Promise.all(outcomes)).toEqual([
      { status: 'sent', value: 'id:a' },
      { status: 'sent', value: 'id:b\nc\nd' },
      { status: 'sent', value: 'id:b\nc\nd' },
      { status: 'sent', value: 'id:b\nc\nd' },
    ]);
    expect(runner.stats).toMatchObject({ sent: 2, merged: 2 });
  });

  it('a merged reply refused with a 400 splits: the reply Telegram takes alone is sent, only the other one fails', async () => {
    const sent: string[] = [];
    const policy = new OutboxPolicy<string>({}, (into, next) => `${into}\n${next}`);
    const runner = new OutboxRunner<string, string>({
      clock,
      policy,
      send: async (item) => {
        if (item.payload.includes('bad')) {
          throw new GrammyError('x', { ok: false, error_code: 400, description: "Bad Request: can't parse entities" }, 'sendMessage', {});
        }
        sent.push(item.payload);
        return `id:${item.payload}`;
      },
    });
    const outcomes = ['a', 'bad', 'c'].map((p) => runner.enqueue({ chatId: CHAT, kind: 'reply', mergeKey: 'here', payload: p }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual(['a', 'c']);
    const [a, bad, c] = await Promise.all(outcomes);
    expect(a).toEqual({ status: 'sent', value: 'id:a' });
    expect(bad?.status).toBe('failed');
    expect(c).toEqual({ status: 'sent', value: 'id:c' });
    expect(runner.stats).toMatchObject({ sent: 2, failed: 1, merged: 0 });
  });

  it('a send that returns UNCHANGED resolves as unchanged and frees the chat for the next item at once', async () => {
    const sent: Array<{ at: number; payload: string }> = [];
    const runner = new OutboxRunner<string, number>({
      clock,
      send: async (item) => {
        if (item.payload === 'same') return UNCHANGED;
        sent.push({ at: Date.now(), payload: item.payload });
        return 1;
      },
    });
    const unchanged = runner.enqueue({ chatId: CHAT, kind: 'edit', key: 'card:a', payload: 'same' });
    await vi.advanceTimersByTimeAsync(0);
    expect(await unchanged).toEqual({ status: 'unchanged' });
    void runner.enqueue({ chatId: CHAT, kind: 'reply', payload: 'next' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ at: 1_000_000, payload: 'next' }]);
    expect(runner.stats).toMatchObject({ unchanged: 1, sent: 1 });
  });
});
