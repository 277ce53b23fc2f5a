import { describe, expect, it } from 'vitest';
import { MessageIndex, type RoutableMessage, routeMessage } from '../../src/core/routing.js';

const CHAT = -100;
const index = new MessageIndex();
index.add(CHAT, 50, 's1');
index.add(7, 60, 's2');
const lookups = {
  sessionForTopic: (chatId: number, threadId: number) => (chatId === CHAT && threadId === 10 ? 's3' : undefined),
  sessionForMessage: (chatId: number, messageId: number) => index.get(chatId, messageId),
};
const msg = (patch: Partial<RoutableMessage>): RoutableMessage => ({
  chatId: CHAT, threadId: undefined, isTopicMessage: false, replyToMessageId: undefined, ...patch,
});

describe('routeMessage', () => {
  it.each([
    ['plain text in a chat', msg({}), null],
    ['reply to a card', msg({ replyToMessageId: 50 }), { sessionId: 's1', via: 'reply' }],
    ['reply to a card in a private chat', msg({ chatId: 7, replyToMessageId: 60 }), { sessionId: 's2', via: 'reply' }],
    ['same message id, other chat', msg({ chatId: 8, replyToMessageId: 60 }), null],
    ['reply to an unknown message', msg({ replyToMessageId: 999 }), null],
    ['text in a session topic', msg({ threadId: 10, isTopicMessage: true, replyToMessageId: 10 }), { sessionId: 's3', via: 'topic' }],
    ['reply in a topic to another session\'s card', msg({ threadId: 10, isTopicMessage: true, replyToMessageId: 50 }), { sessionId: 's1', via: 'reply' }],
    ['text in an unbound topic', msg({ threadId: 11, isTopicMessage: true, replyToMessageId: 11 }), null],
    ['thread id without is_topic_message (a reply thread)', msg({ threadId: 10 }), null],
  ])('%s', (_name, message, expected) => {
    expect(routeMessage(message, lookups)).toEqual(expected);
  });
});

describe('MessageIndex', () => {
  it('is bounded, forgets sessions, and round-trips through JSON', () => {
    const small = new MessageIndex(3);
    for (let i = 1; i <= 5; i++) small.add(1, i, `s${i % 2}`);
    expect(small.get(1, 1)).toBeUndefined();
    expect(small.get(1, 2)).toBeUndefined();
    expect(small.get(1, 5)).toBe('s1');
    small.forgetSession('s1');
    expect(small.toJSON().entries).toEqual([[1, 4, 's0']]);
    const again = MessageIndex.fromJSON(small.toJSON(), 3);
    expect(again.get(1, 4)).toBe('s0');
    expect(MessageIndex.fromJSON(undefined).toJSON()).toEqual({ v: 1, entries: [] });
  });
});
