import { describe, expect, it } from 'vitest';
import { UpdateLedger, updateDate } from '../../src/core/update-guard.js';

const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const opts = { staleSeconds: 300 };

describe('UpdateLedger.decide', () => {
  it('executes a fresh, unseen update', () => {
    expect(new UpdateLedger(opts).decide(10, NOW_S - 5, NOW_MS)).toBe('execute');
  });

  it('says stale past staleSeconds, not at the boundary', () => {
    const ledger = new UpdateLedger(opts);
    expect(ledger.decide(10, NOW_S - 300, NOW_MS)).toBe('execute');
    expect(ledger.decide(10, NOW_S - 301, NOW_MS)).toBe('stale');
  });

  it('never calls a dateless update (callback query) stale', () => {
    expect(new UpdateLedger(opts).decide(10, null, NOW_MS + 10 ** 9)).toBe('execute');
  });

  it('executes a date from the future (clock skew) rather than refusing it', () => {
    expect(new UpdateLedger(opts).decide(10, NOW_S + 60, NOW_MS)).toBe('execute');
  });

  it('says duplicate once marked, and duplicate wins over stale', () => {
    const ledger = new UpdateLedger(opts);
    ledger.markExecuted(10);
    expect(ledger.decide(10, NOW_S, NOW_MS)).toBe('duplicate');
    expect(ledger.decide(10, NOW_S - 10_000, NOW_MS)).toBe('duplicate');
    expect(ledger.decide(11, NOW_S, NOW_MS)).toBe('execute');
  });

  it('treats ids below a confirmed offset as duplicates and forgets them', () => {
    const ledger = new UpdateLedger(opts);
    for (const id of [5, 6, 7]) ledger.markExecuted(id);
    ledger.confirm(7);
    expect(ledger.decide(3, NOW_S, NOW_MS)).toBe('duplicate');
    expect(ledger.decide(7, NOW_S, NOW_MS)).toBe('duplicate');
    expect(ledger.toJSON()).toEqual({ v: 1, floor: 7, recent: [7] });
    expect(ledger.nextOffset).toBe(8);
  });

  it('stays bounded and never re-executes an evicted id', () => {
    const ledger = new UpdateLedger({ staleSeconds: 300, capacity: 3 });
    for (let id = 1; id <= 10; id++) ledger.markExecuted(id);
    expect(ledger.toJSON().recent).toEqual([8, 9, 10]);
    for (let id = 1; id <= 10; id++) expect(ledger.decide(id, NOW_S, NOW_MS)).toBe('duplicate');
    expect(ledger.decide(11, NOW_S, NOW_MS)).toBe('execute');
  });

  it('keeps recent ids sorted when marked out of order', () => {
    const ledger = new UpdateLedger({ staleSeconds: 300, capacity: 2 });
    ledger.markExecuted(5);
    ledger.markExecuted(3);
    ledger.markExecuted(4);
    expect(ledger.toJSON()).toEqual({ v: 1, floor: 4, recent: [4, 5] });
  });
});

describe('UpdateLedger persistence (write-ahead across kill -9)', () => {
  it('a batch re-delivered after a crash runs each update at most once', () => {
    const executed: number[] = [];
    let disk: unknown = null;
    const batch = [100, 101, 102, 103];

    // First daemon: handles 100 and 101, crashes after persisting 102 but before running it.
    const first = UpdateLedger.fromJSON(disk, opts).ledger;
    for (const id of batch) {
      if (first.decide(id, NOW_S, NOW_MS) !== 'execute') continue;
      first.markExecuted(id);
      disk = JSON.parse(JSON.stringify(first.toJSON()));
      if (id === 102) break; // kill -9 here
      executed.push(id);
    }

    // Second daemon: Telegram delivers the whole unconfirmed batch again.
    const { ledger: second, problem } = UpdateLedger.fromJSON(disk, opts);
    expect(problem).toBeNull();
    for (const id of batch) {
      if (second.decide(id, NOW_S, NOW_MS) !== 'execute') continue;
      second.markExecuted(id);
      disk = second.toJSON();
      executed.push(id);
    }
    expect(executed).toEqual([100, 101, 103]);
  });

  it('round-trips through JSON', () => {
    const ledger = new UpdateLedger(opts);
    ledger.confirm(50);
    ledger.markExecuted(51);
    ledger.markExecuted(53);
    const copy = UpdateLedger.fromJSON(JSON.parse(JSON.stringify(ledger)), opts).ledger;
    expect(copy.toJSON()).toEqual({ v: 1, floor: 50, recent: [51, 53] });
    expect(copy.decide(52, NOW_S, NOW_MS)).toBe('execute');
    expect(copy.decide(53, NOW_S, NOW_MS)).toBe('duplicate');
    expect(copy.decide(49, NOW_S, NOW_MS)).toBe('duplicate');
  });

  it.each([null, 'x', { v: 2, floor: 0, recent: [] }, { v: 1, floor: 'a', recent: [] }, { v: 1, floor: 0, recent: [1.5] }])(
    'reports a malformed file (%j) and starts empty',
    (value) => {
      const { ledger, problem } = UpdateLedger.fromJSON(value, opts);
      expect(problem).toMatch(/starting empty/);
      expect(ledger.toJSON()).toEqual({ v: 1, floor: 0, recent: [] });
    },
  );
});

describe('updateDate', () => {
  it('uses the message date, and none for callback queries', () => {
    expect(updateDate({ message: { date: 42 } })).toBe(42);
    expect(updateDate({ edited_message: { date: 43 } })).toBe(43);
    expect(updateDate({ callback_query: { id: 'q' } })).toBeNull();
    expect(updateDate({})).toBeNull();
  });
});
