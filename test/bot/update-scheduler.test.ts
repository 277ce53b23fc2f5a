import { expect, it } from 'vitest';
import { UpdateScheduler } from '../../src/bot/update-scheduler.js';

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

it('runs ordered tasks one at a time in order, free ones at once, and drains only when all are done', async () => {
  const errors: unknown[] = [];
  const scheduler = new UpdateScheduler((error) => errors.push(error));
  const log: string[] = [];
  const a = held(log, 'a');
  const b = held(log, 'b');
  const free = held(log, 'free');
  scheduler.submit('ordered', a.task);
  scheduler.submit('ordered', b.task);
  scheduler.submit('free', free.task);
  await turn();
  expect(log).toEqual(['start a', 'start free']);
  expect(scheduler.orderedPending).toBe(2);

  let drained = false;
  const draining = scheduler.drain().then(() => {
    drained = true;
  });
  free.finish();
  a.finish();
  await turn();
  expect(log).toEqual(['start a', 'start free', 'end free', 'end a', 'start b']);
  expect(drained).toBe(false);
  b.finish();
  await draining;
  expect(scheduler.orderedPending).toBe(0);
  expect(errors).toEqual([]);
});

it('a failed task is reported and the ones behind it still run', async () => {
  const errors: unknown[] = [];
  const scheduler = new UpdateScheduler((error) => errors.push(error));
  const ran: string[] = [];
  scheduler.submit('ordered', async () => {
    throw new Error('boom');
  });
  scheduler.submit('ordered', async () => {
    ran.push('next');
  });
  await scheduler.drain();
  expect(ran).toEqual(['next']);
  expect(errors).toEqual([new Error('boom')]);
  expect(scheduler.orderedPending).toBe(0);
});
