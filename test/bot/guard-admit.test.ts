// The guard admits a getUpdates batch with one ledger write (Guard.admit), then acts on each update as decided there.
// Before, each update cost its own fsync'd write, in turn: 151 of them held the /sessions of a burst behind them.
import type { Context } from 'grammy';
import { expect, it } from 'vitest';
import { createGuard } from '../../src/bot/guard.js';
import type { TgUpdate } from '../../src/core/auth.js';
import type { Store } from '../../src/core/ports.js';
import type { UpdateLedgerJSON } from '../../src/core/update-guard.js';
import { silentLogger } from '../../src/log.js';

const OWNER = 7;
const NOW_S = 1_700_000_000;

function rig(options: { failWrites?: boolean } = {}) {
  const written: UpdateLedgerJSON[] = [];
  let value: UpdateLedgerJSON = { v: 1, floor: 0, recent: [] };
  const ledger: Store<UpdateLedgerJSON> = {
    path: '/nonexistent/updates.json',
    read: () => value,
    write: async (next: UpdateLedgerJSON) => {
      if (options.failWrites) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      written.push(next);
      value = next;
    },
    writeSoon: () => {},
    flush: async () => {},
    close: async () => {},
  } as unknown as Store<UpdateLedgerJSON>;
  const ran: number[] = [];
  const notRun: number[] = [];
  const guard = createGuard({
    allowedUserIds: [OWNER], botUsername: () => 'pocket_bot', staleSeconds: 300, ledger, audit: { record: () => {} },
    log: silentLogger, now: () => NOW_S * 1000, onStale: () => {}, onNotRun: (ctx) => notRun.push(ctx.update.update_id),
  });
  const update = (id: number, from = OWNER): TgUpdate => ({
    update_id: id, message: { message_id: id, date: NOW_S, chat: { id: from, type: 'private' }, from: { id: from }, text: '/help' },
  });
  const handle = async (u: TgUpdate) => {
    const ctx = { update: u, from: u.message?.from, chat: u.message?.chat } as unknown as Context;
    await guard.middleware(ctx, async () => {
      ran.push(u.update_id);
    });
  };
  return { guard, written, ran, notRun, update, handle };
}

it('admits a batch with one ledger write; each update then runs once, with no write of its own', async () => {
  const r = rig();
  const batch = [r.update(10), r.update(11), r.update(12, 666), r.update(13)];
  await r.guard.admit(batch);
  expect(r.written).toEqual([{ v: 1, floor: 0, recent: [10, 11, 13] }]); // the stranger's update is not recorded
  for (const u of batch) await r.handle(u);
  expect(r.ran).toEqual([10, 11, 13]);
  expect(r.written).toHaveLength(1);
  // Delivered again (a restart before the offset was confirmed): duplicates, not run again.
  await r.guard.admit(batch);
  for (const u of batch) await r.handle(u);
  expect(r.ran).toEqual([10, 11, 13]);
  expect(r.written).toHaveLength(1);
});

it('a batch whose ledger write failed is answered "not run" update by update, and not run later either', async () => {
  const r = rig({ failWrites: true });
  const batch = [r.update(20), r.update(21)];
  await r.guard.admit(batch);
  for (const u of batch) await r.handle(u);
  expect(r.ran).toEqual([]);
  expect(r.notRun).toEqual([20, 21]);
  for (const u of batch) await r.handle(u);
  expect(r.notRun).toEqual([20, 21]);
});
