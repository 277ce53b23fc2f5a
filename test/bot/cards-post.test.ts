// A card's first post through the outbox: what happens when it does not go out.
import { expect, it } from 'vitest';
import { Cards } from '../../src/bot/cards.js';
import type { Delivery, EditContent } from '../../src/bot/delivery.js';
import type { Outcome } from '../../src/bot/outbox-runner.js';
import { CallbackRegistry } from '../../src/core/callback-registry.js';
import type { Logger } from '../../src/core/ports.js';
import { FakeSessions } from '../fakes/sessions.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

it('a post the stopping outbox drops is not posted again in a loop, even when the session changed meanwhile', async () => {
  const sessions = new FakeSessions();
  const posts: Array<() => EditContent | null> = [];
  let settle: (outcome: Outcome<number | null>) => void = () => {};
  const delivery = {
    post: (_place: unknown, _key: string, render: () => EditContent | null) => {
      posts.push(render);
      // The first post waits in the queue; any later one would be answered at once, as a stopped outbox does, and
      // a fourth never: a loop stops there instead of starving the test.
      if (posts.length === 1) return new Promise<Outcome<number | null>>((resolve) => { settle = resolve; });
      if (posts.length > 3) return new Promise<Outcome<number | null>>(() => {});
      return Promise.resolve({ status: 'dropped', reason: 'outbox stopped' });
    },
  } as unknown as Delivery;
  let n = 0;
  const cards = new Cards(111, sessions, delivery, new CallbackRegistry(() => `id${n++}`), quiet, Date.now, () => {});
  const view = sessions.add('job');
  sessions.subscribe((event) => cards.handle(event));
  sessions.emit({ type: 'created', session: view });
  await new Promise((resolve) => setImmediate(resolve));
  expect(posts).toHaveLength(1);
  sessions.print(view.id, 'a line while the card waits'); // marks it dirty
  settle({ status: 'dropped', reason: 'outbox stopped' });
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(posts).toHaveLength(1);
  expect(cards.messageOf(view.id)).toBeNull();
});
