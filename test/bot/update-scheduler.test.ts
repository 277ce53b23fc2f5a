import { expect, it } from 'vitest';
import { UpdateScheduler } from '../../src/bot/update-scheduler.js';
import type { UpdateLane } from '../../src/core/update-lanes.js';

/** A task that records its start and finishes when the test says so. */
function held(log: string[], name: string): { task: () => Promise<void>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    finish,
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const ORDERED: UpdateLane = { kind: 'ordered' };
const FREE: UpdateLane = { kind: 'free' };
const parallel = (key: string): UpdateLane => ({ kind: 'parallel', key });

it('runs ordered tasks one at a time in order, free ones at once, and drains only when all are done', async () => {
  const errors: unknown[] = [];
  const scheduler = new UpdateScheduler((error) => errors.push(error));
  const log: string[] = [];
  const a = held(log, 'a');
  const b = held(log, 'b');
  const free = held(log, 'free');
  scheduler.submit(ORDERED, a.task);
  scheduler.submit(ORDERED, b.task);
  scheduler.submit(FREE, free.task);
  await turn();
  expect([...log].sort()).toEqual(['start a', 'start free']);
  expect(scheduler.orderedPending).toBe(2);

  let drained = false;
  const draining = scheduler.drain().then(() => {
    drained = true;
  });
  free.finish();
  a.finish();
  await turn();
  expect(log.slice(2)).toEqual(['end free', 'end a', 'start b']);
  expect(drained).toBe(false);
  b.finish();
  await draining;
  expect(scheduler.orderedPending).toBe(0);
  expect(errors).toEqual([]);
});

it('parallel tasks of different keys run side by side up to the limit; a key, and an ordered task, wait for the earlier ones', async () => {
  const scheduler = new UpdateScheduler(() => {}, { parallel: 2 });
  const log: string[] = [];
  const first = held(log, 'first');
  const x1 = held(log, 'x1');
  const y = held(log, 'y');
  const x2 = held(log, 'x2');
  const z = held(log, 'z');
  const after = held(log, 'after');
  scheduler.submit(ORDERED, first.task);
  scheduler.submit(parallel('x'), x1.task);
  scheduler.submit(parallel('y'), y.task);
  scheduler.submit(parallel('x'), x2.task);
  scheduler.submit(parallel('z'), z.task);
  scheduler.submit(ORDERED, after.task);
  await turn();
  expect(log).toEqual(['start first']); // parallel waits for the ordered task before it
  first.finish();
  await turn();
  expect(log.slice(2)).toEqual(['start x1', 'start y']); // two slots; x2 waits for x1, z for a slot
  y.finish();
  await turn();
  expect(log.slice(4)).toEqual(['end y', 'start z']);
  x1.finish();
  await turn();
  expect(log.slice(6)).toEqual(['end x1', 'start x2']);
  expect(scheduler.orderedPending).toBe(3);
  z.finish();
  await turn();
  expect(log).not.toContain('start after'); // ordered waits for every parallel task before it
  x2.finish();
  await turn();
  expect(log.slice(-1)).toEqual(['start after']);
  after.finish();
  await scheduler.drain();
  expect(scheduler.orderedPending).toBe(0);
});

it('a failed task is reported and the ones behind it still run', async () => {
  const errors: unknown[] = [];
  const scheduler = new UpdateScheduler((error) => errors.push(error));
  const ran: string[] = [];
  scheduler.submit(ORDERED, async () => {
    throw new Error('boom');
  });
  scheduler.submit(parallel('a'), async () => {
    throw new Error('bang');
  });
  scheduler.submit(parallel('a'), async () => {
    ran.push('a again');
  });
  scheduler.submit(ORDERED, async () => {
    ran.push('next');
  });
  await scheduler.drain();
  expect(ran).toEqual(['a again', 'next']);
  expect(errors).toEqual([new Error('boom'), new Error('bang')]);
  expect(scheduler.orderedPending).toBe(0);
});
