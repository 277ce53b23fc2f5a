import { describe, expect, it } from 'vitest';
import type { TgUpdate } from '../../src/core/auth.js';
import { laneOf } from '../../src/core/update-lanes.js';

const chat = { id: 1, type: 'private' };
const message = (text: string): TgUpdate => ({ update_id: 1, message: { message_id: 1, date: 0, chat, from: { id: 1 }, text } });

describe('laneOf', () => {
  it.each(['/sessions', '/help', '/start', '/logs', '/sessions@pocket_bot', '/help extra words', '/sessions\nmore'])(
    '%j changes nothing and names no session: free',
    (text) => expect(laneOf(message(text))).toEqual({ kind: 'free' }),
  );

  it.each([
    ['/new a', 'a'],
    ['/new b1 sleep 100000', 'b1'],
    ['/new@pocket_bot  web-2\nnpm start', 'web-2'],
  ])('%j touches only the session it creates: parallel, keyed by %j', (text, key) => {
    expect(laneOf(message(text))).toEqual({ kind: 'parallel', key });
  });

  it.each(['/new', '/new bad.name', `/new ${'x'.repeat(33)}`, '/send a hi', '/tail a', '/summary a', '/kill a', '/alias a b', '/mute', '/keys a Enter', 'plain text', '',
    ' /sessions', '/sessionsx', '/Sessions', 'see /sessions'])('%j keeps its place: ordered', (text) => {
    expect(laneOf(message(text))).toEqual({ kind: 'ordered' });
  });

  it('buttons, edits and messages without text keep their place', () => {
    const ordered = { kind: 'ordered' };
    expect(laneOf({ update_id: 1, callback_query: { id: 'q', from: { id: 1 }, data: '/sessions' } })).toEqual(ordered);
    expect(laneOf({ update_id: 1, edited_message: { message_id: 1, date: 0, chat, text: '/new a' } })).toEqual(ordered);
    expect(laneOf({ update_id: 1, message: { message_id: 1, date: 0, chat, caption: '/sessions' } })).toEqual(ordered);
  });
});
