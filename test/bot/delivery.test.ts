// Delivery's part of the outbox rules: which replies merge and how, and edits that would change nothing not sent.
import { describe, expect, it } from 'vitest';
import { Delivery, mergeReplies, type Payload } from '../../src/bot/delivery.js';
import { Redactor } from '../../src/core/redact.js';
import type { Messenger } from '../../src/bot/messenger.js';
import type { Topics } from '../../src/bot/topics.js';
import { MessageIndex } from '../../src/core/routing.js';
import type { Logger } from '../../src/core/ports.js';

const CHAT = 111;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

type Call = { op: 'send' | 'edit'; text: string; replyTo?: number | undefined };

/** A Delivery over a recording messenger; pacing off, so every send goes at once unless another is in flight. */
function rig() {
  const calls: Call[] = [];
  let nextId = 100;
  let release: (() => void) | null = null;
  let hold = false;
  const messenger = {
    async sendText(_chat: number, text: string, options: { replyTo?: number } = {}) {
      if (hold) await new Promise<void>((resolve) => { release = resolve; });
      calls.push({ op: 'send', text, replyTo: options.replyTo });
      return [nextId++];
    },
    async editText(_chat: number, _id: number, text: string) {
      calls.push({ op: 'edit', text });
    },
  } as unknown as Messenger;
  const index = new MessageIndex();
  const delivery = new Delivery(messenger, { pinChatMessage: async () => true }, {} as Topics, index, quiet, {
    limits: { privateIntervalMs: 0, groupIntervalMs: 0, globalIntervalMs: 0 }, redactor: new Redactor(),
  });
  return {
    calls,
    delivery,
    index,
    /** Holds the next send in flight until released, so what follows queues behind it. */
    holdNext() {
      hold = true;
    },
    release() {
      hold = false;
      release?.();
    },
  };
}

const text = (t: string, extra: Partial<Extract<Payload, { op: 'text' }>> = {}): Payload => ({
  op: 'text', place: { chatId: CHAT }, text: t, params: {}, ...extra,
});

describe('mergeReplies', () => {
  it('joins two replies line by line, keeping the first one\'s reply-to', () => {
    expect(mergeReplies(text('Started a: x.', { params: { replyTo: 7 } }), text('Started b: y.', { params: { replyTo: 8 } }))).toEqual(
      text('Started a: x.\nStarted b: y.', { params: { replyTo: 7 } }),
    );
  });

  it('refuses what would not fit in one message, and anything that is not a plain text reply', () => {
    expect(mergeReplies(text('x'.repeat(3000)), text('y'.repeat(1200)))).toBeNull();
    expect(mergeReplies(text('a'), { op: 'document', place: { chatId: CHAT }, filename: 'f', bytes: new Uint8Array(1), caption: '' })).toBeNull();
  });

  it('keeps the session a message belongs to only when both replies belong to it', () => {
    const same = mergeReplies(text('a', { place: { chatId: CHAT, sessionId: 's1' } }), text('b', { place: { chatId: CHAT, sessionId: 's1' } }));
    expect(same).toMatchObject({ place: { sessionId: 's1' } });
    const mixed = mergeReplies(text('a', { place: { chatId: CHAT, sessionId: 's1' } }), text('b', { place: { chatId: CHAT, sessionId: 's2' } }));
    expect(mixed).not.toBeNull();
    expect(mixed).not.toHaveProperty('place.sessionId');
  });
});

describe('Delivery', () => {
  it('replies queued behind one in flight go out as one message; each caller gets its id', async () => {
    const r = rig();
    r.holdNext();
    const first = r.delivery.text({ chatId: CHAT }, 'first', { replyTo: 1 });
    const rest = ['second', 'third'].map((t, i) => r.delivery.text({ chatId: CHAT }, t, { replyTo: 2 + i }));
    // Buttons belong to one message: never merged.
    const withButtons = r.delivery.text({ chatId: CHAT }, 'choose', { buttons: [[{ text: 'Yes', data: 'y' }]] });
    const after = r.delivery.text({ chatId: CHAT }, 'fourth');
    r.release();
    expect(await first).toEqual([100]);
    expect(await Promise.all(rest)).toEqual([[101], [101]]);
    expect(await withButtons).toEqual([102]);
    expect(await after).toEqual([103]);
    expect(r.calls).toEqual([
      { op: 'send', text: 'first', replyTo: 1 },
      { op: 'send', text: 'second\nthird', replyTo: 2 },
      { op: 'send', text: 'choose', replyTo: undefined },
      { op: 'send', text: 'fourth', replyTo: undefined },
    ]);
  });

  it('does not send an edit that leaves a posted card or an edited message as it was', async () => {
    const r = rig();
    const content = { text: 'card v1', pre: true, buttons: [[{ text: 'Refresh', data: 'r1' }]] };
    const posted = await r.delivery.post({ chatId: CHAT, sessionId: 's1' }, 'card:s1', () => content);
    expect(posted).toEqual({ status: 'sent', value: 100 });
    expect(r.index.get(CHAT, 100)).toBe('s1');
    expect(await r.delivery.editLazily(CHAT, 'card:s1', 100, () => content)).toEqual({ status: 'unchanged' });
    const buttonsChanged = { ...content, buttons: [[{ text: 'Refresh', data: 'r2' }]] };
    expect(await r.delivery.editLazily(CHAT, 'card:s1', 100, () => buttonsChanged)).toMatchObject({ status: 'sent' });
    expect(await r.delivery.edit(CHAT, 'card:s1', 100, 'card v1', true, [[{ text: 'Refresh', data: 'r2' }]])).toEqual({ status: 'unchanged' });
    expect(await r.delivery.edit(CHAT, 'card:s1', 100, 'card v2', true, [[{ text: 'Refresh', data: 'r2' }]])).toMatchObject({ status: 'sent' });
    expect(r.calls.map((c) => [c.op, c.text])).toEqual([
      ['send', 'card v1'],
      ['edit', 'card v1'],
      ['edit', 'card v2'],
    ]);
    expect(r.delivery.runner.stats).toMatchObject({ unchanged: 2, sent: 3 });
  });

  it('posts nothing, and looks up no topic, for a card whose render says it is no longer wanted', async () => {
    const r = rig();
    expect(await r.delivery.post({ chatId: CHAT, topicOf: 's9', sessionId: 's9' }, 'card:s9', () => null)).toEqual({ status: 'unchanged' });
    expect(r.calls).toEqual([]);
  });
});
