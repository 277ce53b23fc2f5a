import { describe, expect, it } from 'vitest';
import { type OutboxItem, OutboxPolicy, type Queued, type SendResult, type Settlement } from '../../src/core/outbox.js';
import { RateLimiter } from '../../src/emulator/rate-limit.js';

type Sent = { at: number; chatId: number; kind: string; payload: string };

const PRIVATE = 111;
const GROUP = -100123;

const edit = (chatId: number, key: string, payload: string): OutboxItem<string> => ({ chatId, kind: 'edit', key, payload });
const reply = (chatId: number, payload: string): OutboxItem<string> => ({ chatId, kind: 'reply', payload });
const alert = (chatId: number, payload: string): OutboxItem<string> => ({ chatId, kind: 'alert', payload });

/**
 * Drives a policy on a fake clock: `arrivals` are enqueued at their times; every send "completes" instantly with
 * the result `respond` gives. Jumps from event to event, never sleeps.
 */
function simulate(
  policy: OutboxPolicy<string>,
  arrivals: Array<{ at: number; item: OutboxItem<string> }>,
  respond: (item: Queued<string>, now: number) => SendResult = () => ({ kind: 'ok' }),
): { sent: Sent[]; settled: Settlement<string>[]; end: number } {
  const sent: Sent[] = [];
  const settled: Settlement<string>[] = [];
  let now = 0;
  let i = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    while (i < arrivals.length && arrivals[i]!.at <= now) settled.push(...policy.enqueue(arrivals[i++]!.item, now).settled);
    let step = policy.next(now);
    while (step !== null && 'item' in step) {
      sent.push({ at: now, chatId: step.item.chatId, kind: step.item.kind, payload: step.item.payload });
      const done = policy.onResult(step.item, respond(step.item, now), now);
      if (done !== null) settled.push(done);
      step = policy.next(now);
    }
    const nextArrival = arrivals[i]?.at;
    if (step === null && nextArrival === undefined) return { sent, settled, end: now };
    now = Math.min(step?.waitUntil ?? Number.POSITIVE_INFINITY, nextArrival ?? Number.POSITIVE_INFINITY);
  }
  throw new Error('simulation did not settle');
}

function flood(chatId: number, count: number, overMs: number) {
  return Array.from({ length: count }, (_, n) => ({ at: Math.floor((n * overMs) / count), item: edit(chatId, 'card:build', `frame ${n}`) }));
}

describe('OutboxPolicy rate budget and coalescing', () => {
  it('a flood of 10,000 card edits in 60 s: <= 60 sends in a private chat, the last frame delivered', () => {
    const policy = new OutboxPolicy<string>();
    const { sent } = simulate(policy, flood(PRIVATE, 10_000, 60_000));
    const inMinute = sent.filter((s) => s.at < 60_000);
    expect(inMinute.length).toBeLessThanOrEqual(60);
    expect(inMinute.length).toBeGreaterThanOrEqual(55);
    expect(sent.at(-1)?.payload).toBe('frame 9999');
    for (let n = 1; n < sent.length; n++) expect(sent[n]!.at - sent[n - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(policy.stats.superseded + policy.stats.sent).toBe(10_000);
  });

  it('the same flood in a group: <= 20 sends per minute, last frame delivered', () => {
    const policy = new OutboxPolicy<string>();
    const { sent } = simulate(policy, flood(GROUP, 10_000, 60_000));
    expect(sent.filter((s) => s.at < 60_000).length).toBeLessThanOrEqual(20);
    for (let n = 0; n + 20 < sent.length; n++) expect(sent[n + 20]!.at - sent[n]!.at).toBeGreaterThanOrEqual(60_000);
    expect(sent.at(-1)?.payload).toBe('frame 9999');
  });

  it('keeps separate cards apart: each key ends on its own last content', () => {
    const arrivals = [];
    for (let n = 0; n < 300; n++) {
      arrivals.push({ at: n * 10, item: edit(PRIVATE, 'card:a', `a${n}`) }, { at: n * 10, item: edit(PRIVATE, 'card:b', `b${n}`) });
    }
    const { sent } = simulate(new OutboxPolicy<string>(), arrivals);
    expect(sent.filter((s) => s.payload.startsWith('a')).at(-1)?.payload).toBe('a299');
    expect(sent.filter((s) => s.payload.startsWith('b')).at(-1)?.payload).toBe('b299');
  });

  it('stays under the global budget across many chats', () => {
    const arrivals = Array.from({ length: 200 }, (_, n) => ({ at: 0, item: reply(1000 + n, `r${n}`) }));
    const { sent } = simulate(new OutboxPolicy<string>(), arrivals);
    expect(sent).toHaveLength(200);
    for (let n = 0; n + 25 < sent.length; n++) expect(sent[n + 25]!.at - sent[n]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('charges an item by its cost', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue({ ...reply(PRIVATE, 'three chunks'), cost: 3 }, 0);
    policy.enqueue(reply(PRIVATE, 'next'), 0);
    const first = policy.next(0);
    if (first === null || !('item' in first)) throw new Error('expected an item');
    policy.onResult(first.item, { kind: 'ok' }, 0);
    expect(policy.next(0)).toEqual({ waitUntil: 3000 });
  });
});

describe('OutboxPolicy priorities', () => {
  it('alerts and replies overtake pending card edits, replies stay in order', () => {
    const arrivals = [
      ...Array.from({ length: 5 }, (_, n) => ({ at: 0, item: edit(PRIVATE, `card:${n}`, `edit${n}`) })),
      { at: 10, item: reply(PRIVATE, 'reply1') },
      { at: 10, item: alert(PRIVATE, 'alert1') },
      { at: 10, item: reply(PRIVATE, 'reply2') },
    ];
    const { sent } = simulate(new OutboxPolicy<string>(), arrivals);
    expect(sent.map((s) => s.payload)).toEqual(['edit0', 'reply1', 'alert1', 'reply2', 'edit1', 'edit2', 'edit3', 'edit4']);
  });

  it('when several chats are ready, the one with urgent work goes first', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(edit(PRIVATE, 'card', 'e'), 0);
    policy.enqueue(alert(222, 'a'), 0);
    const step = policy.next(0);
    expect(step !== null && 'item' in step && step.item.payload).toBe('a');
  });

  it('sends one item at a time per chat', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(reply(PRIVATE, 'one'), 0);
    policy.enqueue(reply(PRIVATE, 'two'), 0);
    expect(policy.next(0)).toMatchObject({ item: { payload: 'one' } });
    expect(policy.next(5000)).toBeNull(); // 'one' still in flight
    expect(policy.inFlightCount).toBe(1);
  });
});

describe('OutboxPolicy: an alert takes the chat\'s next slot early', () => {
  it('a question goes out at once after the card edit it caused; the next edit waits one interval more', () => {
    const arrivals = [
      { at: 0, item: edit(PRIVATE, 'card:s1', 'card shows the dialog') },
      { at: 200, item: alert(PRIVATE, 'waits for input') },
      { at: 300, item: edit(PRIVATE, 'card:s1', 'card later') },
    ];
    const { sent } = simulate(new OutboxPolicy<string>(), arrivals);
    expect(sent.map((s) => [s.payload, s.at])).toEqual([
      ['card shows the dialog', 0],
      ['waits for input', 200],
      ['card later', 2000],
    ]);
  });

  it('in a group too: the alert at once, the card edit three seconds later than it would have gone', () => {
    const arrivals = [
      { at: 0, item: edit(GROUP, 'card:s1', 'e1') },
      { at: 50, item: edit(GROUP, 'card:s1', 'e2') },
      { at: 100, item: alert(GROUP, 'a') },
    ];
    const { sent } = simulate(new OutboxPolicy<string>(), arrivals);
    expect(sent.map((s) => [s.payload, s.at])).toEqual([['e1', 0], ['a', 100], ['e2', 6000]]);
  });

  it('only once until the slots caught up: a second alert waits for its slot, replies never go early', () => {
    const arrivals = [
      { at: 0, item: edit(PRIVATE, 'card:s1', 'e') },
      { at: 10, item: alert(PRIVATE, 'a1') },
      { at: 20, item: alert(PRIVATE, 'a2') },
      { at: 3000, item: reply(PRIVATE, 'r') },
    ];
    const { sent } = simulate(new OutboxPolicy<string>(), arrivals);
    expect(sent.map((s) => [s.payload, s.at])).toEqual([['e', 0], ['a1', 40], ['a2', 2000], ['r', 3000]]);
  });

  it('keeps the global spacing and never goes early while a retry_after runs', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(edit(PRIVATE, 'card:s1', 'e'), 0);
    const first = policy.next(0);
    if (first === null || !('item' in first)) throw new Error('expected an item');
    policy.onResult(first.item, { kind: 'ok' }, 5);
    policy.enqueue(alert(PRIVATE, 'a'), 10);
    expect(policy.next(10)).toEqual({ waitUntil: 40 });
    const early = policy.next(40);
    if (early === null || !('item' in early)) throw new Error('expected the alert');
    expect(policy.onResult(early.item, { kind: 'retry_after', seconds: 5 }, 50)).toBeNull();
    expect(policy.next(60)).toEqual({ waitUntil: 5050 });
  });

  it('a busy chat with alerts among its edits is never refused by a flood control with a burst of 3 (20/min in groups)', () => {
    // Seeded, so a failure repeats: 3 minutes of card edits every 0-400 ms and an alert every 0-4 s, in both kinds of
    // chat, sent to the emulator's approximation of Telegram's limits.
    let seed = 15;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const chatId of [PRIVATE, GROUP]) {
      const arrivals: Array<{ at: number; item: OutboxItem<string> }> = [];
      for (let at = 0; at < 180_000; at += Math.floor(random() * 400)) arrivals.push({ at, item: edit(chatId, `card:s${Math.floor(random() * 3)}`, `e${at}`) });
      for (let at = 0; at < 180_000; at += Math.floor(random() * 4000)) arrivals.push({ at, item: alert(chatId, `a${at}`) });
      arrivals.sort((a, b) => a.at - b.at);
      const telegram = new RateLimiter();
      const { sent } = simulate(new OutboxPolicy<string>(), arrivals, (item, now) => {
        const taken = telegram.take(item.chatId, now);
        return taken.ok ? { kind: 'ok' } : { kind: 'retry_after', seconds: taken.retryAfter };
      });
      expect(telegram.refusals()).toBe(0);
      const alerts = sent.filter((s) => s.kind === 'alert');
      expect(alerts).toHaveLength(arrivals.filter((a) => a.item.kind === 'alert').length);
      // Early sends happened (the test would be vacuous otherwise), and on average the chat's pace held.
      const interval = chatId < 0 ? 3000 : 1000;
      expect(sent.some((s, n) => n > 0 && s.at - sent[n - 1]!.at < interval)).toBe(true);
      const minute = sent.filter((s) => s.at >= 60_000 && s.at < 120_000).length;
      expect(minute).toBeLessThanOrEqual(60_000 / interval);
    }
  });
});

describe('OutboxPolicy 429 handling', () => {
  it('a retry_after delays the chat and retries without loss or duplication', () => {
    let first = true;
    const { sent, settled } = simulate(
      new OutboxPolicy<string>(),
      [
        { at: 0, item: reply(PRIVATE, 'r1') },
        { at: 0, item: reply(PRIVATE, 'r2') },
        { at: 0, item: reply(222, 'other chat') },
      ],
      (item) => {
        if (item.payload === 'r1' && first) {
          first = false;
          return { kind: 'retry_after', seconds: 7 };
        }
        return { kind: 'ok' };
      },
    );
    expect(sent.map((s) => [s.payload, s.at])).toEqual([['r1', 0], ['other chat', 40], ['r1', 7000], ['r2', 8000]]);
    expect(settled.filter((s) => s.status === 'sent').map((s) => s.item.payload).sort()).toEqual(['other chat', 'r1', 'r2']);
  });

  it('a rate-limited edit is dropped in favour of a newer edit of the same card', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(edit(PRIVATE, 'card', 'old'), 0);
    const step = policy.next(0);
    if (step === null || !('item' in step)) throw new Error('expected an item');
    policy.enqueue(edit(PRIVATE, 'card', 'new'), 100);
    expect(policy.onResult(step.item, { kind: 'retry_after', seconds: 3 }, 200)).toMatchObject({ status: 'superseded' });
    expect(policy.next(200)).toEqual({ waitUntil: 3200 });
    expect(policy.next(3200)).toMatchObject({ item: { payload: 'new' } });
  });

  it('a rate-limited edit without a newer one goes back to the front of the line', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(edit(PRIVATE, 'card:a', 'a'), 0);
    policy.enqueue(edit(PRIVATE, 'card:b', 'b'), 0);
    const step = policy.next(0);
    if (step === null || !('item' in step)) throw new Error('expected an item');
    expect(policy.onResult(step.item, { kind: 'retry_after', seconds: 1 }, 0)).toBeNull();
    expect(policy.next(1000)).toMatchObject({ item: { payload: 'a', attempts: 2 } });
  });

  it('gives up as failed after maxAttempts', () => {
    const { settled, sent } = simulate(new OutboxPolicy<string>({ maxAttempts: 3 }), [{ at: 0, item: reply(PRIVATE, 'x') }], () => ({
      kind: 'retry_after',
      seconds: 1,
    }));
    expect(sent).toHaveLength(3);
    expect(settled).toEqual([expect.objectContaining({ status: 'failed' })]);
  });
});

describe('OutboxPolicy bounded memory', () => {
  it('drops the oldest slot items first and counts them; urgent items do not take their room', () => {
    const policy = new OutboxPolicy<string>({ maxPendingPerChat: 3 });
    const settled: Settlement<string>[] = [];
    settled.push(...policy.enqueue(reply(PRIVATE, 'r'), 0).settled);
    for (const k of ['a', 'b', 'c', 'd']) settled.push(...policy.enqueue(edit(PRIVATE, k, k), 0).settled);
    expect(settled.map((s) => [s.status, s.item.payload])).toEqual([['dropped', 'a']]);
    expect(policy.stats).toMatchObject({ dropped: 1 });
    expect(policy.pendingCount).toBe(4);
  });

  it('never drops a reply or an alert for want of room: 500 of them with room for 2 are all sent', () => {
    const policy = new OutboxPolicy<string>({ maxPendingPerChat: 2 });
    const arrivals = Array.from({ length: 500 }, (_, n) => ({ at: n, item: n % 2 === 0 ? reply(PRIVATE, `r${n}`) : alert(PRIVATE, `a${n}`) }));
    const { sent, settled } = simulate(policy, arrivals);
    expect(sent.map((s) => s.payload)).toEqual(arrivals.map((a) => a.item.payload));
    expect(settled.every((s) => s.status === 'sent')).toBe(true);
    expect(policy.stats.dropped).toBe(0);
  });

  it('drain settles every pending item and forgets it', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(reply(PRIVATE, 'r'), 0);
    policy.enqueue(edit(GROUP, 'k', 'e'), 0);
    expect(policy.drain('shutdown').map((s) => [s.status, s.item.payload])).toEqual([
      ['dropped', 'r'],
      ['dropped', 'e'],
    ]);
    expect(policy.pendingCount).toBe(0);
    expect(policy.next(0)).toBeNull();
  });
});

/** Joins two strings on a line when the result stays within `limit` characters (the test's "one message"). */
const joinUpTo = (limit: number) => (into: string, next: string): string | null => (into.length + 1 + next.length <= limit ? `${into}\n${next}` : null);
const joinLines = joinUpTo(100);
const answer = (chatId: number, payload: string, mergeKey = 'here'): OutboxItem<string> => ({ chatId, kind: 'reply', mergeKey, payload });
const cardPost = (chatId: number, key: string, payload: string): OutboxItem<string> => ({ chatId, kind: 'card', key, payload });

describe('OutboxPolicy bursts: replies merge, cards hold one slot each', () => {
  it('150 /new in a burst then /sessions: every confirmation sent in a few merged messages, /sessions answered at once, cards after', () => {
    // The daemon handles a /new every 40 ms: its card is queued, then its confirmation; /sessions comes last.
    const arrivals: Array<{ at: number; item: OutboxItem<string> }> = [];
    for (let n = 1; n <= 150; n++) {
      arrivals.push({ at: n * 40, item: cardPost(PRIVATE, `card:s${n}`, `card s${n}`) }, { at: n * 40, item: answer(PRIVATE, `ok s${n}`) });
    }
    arrivals.push({ at: 151 * 40, item: { chatId: PRIVATE, kind: 'reply', payload: 'Sessions: all 150' } });
    // 4096 characters hold ~150 "Started bN: sleep 100000." lines; 500 here holds ~70 of these shorter ones.
    const policy = new OutboxPolicy<string>({}, joinUpTo(500));
    const { sent, settled } = simulate(policy, arrivals);

    const confirmations = sent.filter((s) => s.payload.startsWith('ok '));
    expect(confirmations.flatMap((s) => s.payload.split('\n'))).toEqual(Array.from({ length: 150 }, (_, n) => `ok s${n + 1}`));
    expect(confirmations.length).toBeLessThanOrEqual(20);
    const sessions = sent.find((s) => s.payload === 'Sessions: all 150');
    expect(sessions!.at - 151 * 40).toBeLessThanOrEqual(1000);
    // Every card, each once, all after the last answer to a person.
    const cards = sent.filter((s) => s.kind === 'card');
    expect(cards.map((s) => s.payload).sort()).toEqual(Array.from({ length: 150 }, (_, n) => `card s${n + 1}`).sort());
    expect(Math.min(...cards.map((c) => c.at))).toBeGreaterThan(sessions!.at);
    // Within budget: a send a second in the private chat; nothing dropped, every merge counted.
    for (let n = 1; n < sent.length; n++) expect(sent[n]!.at - sent[n - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(policy.stats).toMatchObject({ dropped: 0, failed: 0, merged: 150 - confirmations.length });
    expect(settled.filter((s) => s.status === 'merged')).toHaveLength(150 - confirmations.length);
  });

  it('merges only into the reply waiting at the tail, with the same mergeKey, when the merge function agrees', () => {
    const policy = new OutboxPolicy<string>({}, joinLines);
    const arrivals = [
      { at: 0, item: answer(PRIVATE, 'first') }, // goes at once
      { at: 1, item: answer(PRIVATE, 'a') },
      { at: 2, item: answer(PRIVATE, 'b') }, // joins a
      { at: 3, item: alert(PRIVATE, 'alert') },
      { at: 4, item: answer(PRIVATE, 'c') }, // not over the alert: order stays as queued
      { at: 5, item: answer(PRIVATE, 'other thread', 'there') },
      { at: 6, item: answer(PRIVATE, 'x'.repeat(99)) }, // too long to join 'other thread'... and another key
      { at: 7, item: answer(PRIVATE, 'y'.repeat(99)) }, // would not fit with the 99 x's
      { at: 8, item: answer(222, 'd') }, // another chat
    ];
    const { sent } = simulate(policy, arrivals);
    expect(sent.filter((s) => s.chatId === PRIVATE).map((s) => s.payload)).toEqual([
      'first', 'a\nb', 'alert', 'c', 'other thread', 'x'.repeat(99), 'y'.repeat(99),
    ]);
    expect(policy.stats.merged).toBe(1);
  });

  it('a merged reply refused for good splits back into its replies, each tried alone and never merged again', () => {
    const policy = new OutboxPolicy<string>({}, joinLines);
    policy.enqueue(answer(PRIVATE, 'busy'), 0);
    const busy = policy.next(0);
    if (busy === null || !('item' in busy)) throw new Error('expected an item');
    policy.enqueue(answer(PRIVATE, 'tail 1'), 10);
    policy.enqueue(answer(PRIVATE, 'tail 2'), 20); // joins tail 1
    policy.onResult(busy.item, { kind: 'ok' }, 30);
    const merged = policy.next(1000);
    if (merged === null || !('item' in merged)) throw new Error('expected the merged reply');
    expect(merged.item.payload).toBe('tail 1\ntail 2');
    expect(policy.onResult(merged.item, { kind: 'failed', reason: 'bad_request' }, 1010)).toBeNull();
    expect(policy.stats).toMatchObject({ merged: 0, failed: 0 });
    // A reply queued after the split does not join either part: they are no longer mergeable.
    policy.enqueue(answer(PRIVATE, 'later'), 1020);
    const sent: string[] = [];
    for (let now = 2000; policy.pendingCount > 0; now += 1000) {
      const step = policy.next(now);
      if (step === null || !('item' in step)) throw new Error('expected an item');
      sent.push(step.item.payload);
      const settled = policy.onResult(step.item, step.item.payload === 'tail 1' ? { kind: 'failed', reason: 'bad_request' } : { kind: 'ok' }, now);
      expect(settled?.status).toBe(step.item.payload === 'tail 1' ? 'failed' : 'sent');
    }
    expect(sent).toEqual(['tail 1', 'tail 2', 'later']);
    expect(policy.stats).toMatchObject({ failed: 1, merged: 0 });
  });

  it('a card\'s newer state replaces its queued post in place; other cards keep their turn', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(reply(PRIVATE, 'busy'), 0);
    policy.next(0);
    policy.enqueue(cardPost(PRIVATE, 'card:s1', 's1 v1'), 1);
    policy.enqueue(cardPost(PRIVATE, 'card:s2', 's2 v1'), 2);
    const { settled } = policy.enqueue(cardPost(PRIVATE, 'card:s1', 's1 v2'), 3);
    expect(settled).toEqual([expect.objectContaining({ status: 'superseded', item: expect.objectContaining({ payload: 's1 v1' }) })]);
    expect(policy.pendingCount).toBe(2);
  });

  it('a send that found nothing to change is counted and gives its slot back', () => {
    const policy = new OutboxPolicy<string>();
    policy.enqueue(edit(PRIVATE, 'card:s1', 'same as shown'), 0);
    policy.enqueue(reply(PRIVATE, 'next'), 0);
    const first = policy.next(0);
    if (first === null || !('item' in first)) throw new Error('expected an item');
    expect(first.item.payload).toBe('next');
    policy.onResult(first.item, { kind: 'ok' }, 0);
    const second = policy.next(1000);
    if (second === null || !('item' in second)) throw new Error('expected an item');
    expect(policy.onResult(second.item, { kind: 'unchanged' }, 1000)).toMatchObject({ status: 'unchanged' });
    policy.enqueue(reply(PRIVATE, 'after'), 1001);
    // Not at 2000: the unchanged edit cost nothing, so the chat's slot is free again.
    expect(policy.next(1001)).toMatchObject({ item: { payload: 'after' } });
    expect(policy.stats).toMatchObject({ unchanged: 1, sent: 1 });
  });
});
