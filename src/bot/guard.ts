// The first middleware every update meets: who sent it (core/auth), then whether it is stale or already handled
// (core/update-guard). Strangers get silence and an audit line. The ledger is persisted BEFORE the update runs
// (write-ahead, see core/update-guard.ts), so an update_id runs at most once even across kill -9. Admission is in
// arrival order; what runs after it may be scheduled (update-scheduler.ts): an update admitted and still queued when
// the daemon is killed is not run after the restart either (at most once; the person sends it again).
import type { Context, MiddlewareFn } from 'grammy';
import { z } from 'zod';
import { authorizeUpdate, commandName, type TgUpdate } from '../core/auth.js';
import { describeWriteError } from '../core/health.js';
import type { Logger, Store } from '../core/ports.js';
import { UpdateLedger, type UpdateLedgerJSON, updateDate } from '../core/update-guard.js';
import { type AuditEntry, type AuditLog, whoOf } from './audit.js';

export const ledgerSchema = z.object({ v: z.literal(1), floor: z.number().int(), recent: z.array(z.number().int()) });

export interface GuardOptions {
  /** Everyone the bot answers at all (operators and viewers); what each may do is permissions.ts's. */
  allowedUserIds: readonly number[];
  botUsername: () => string;
  staleSeconds: number;
  /** .state/updates.json */
  ledger: Store<UpdateLedgerJSON>;
  audit: AuditLog;
  log: Logger;
  now: () => number;
  /** Tells an authorized user that their old message was not run. */
  onStale: (ctx: Context, ageS: number) => void;
  /** Tells an authorized user that their message was not run because its record could not be written (why). */
  onNotRun: (ctx: Context, why: string) => void;
  /**
   * Takes the rest of an admitted update's handling (`run`) and returns at once, so the next update is admitted while
   * this one waits or runs (update-scheduler.ts). Without it the middleware runs the rest itself and waits for it.
   */
  schedule?: (update: TgUpdate, run: () => Promise<void>) => void;
}

export interface Guard {
  middleware: MiddlewareFn<Context>;
  /** Where polling should start: one past everything handled before. */
  nextOffset(): number;
  /** getUpdates was called with this offset: Telegram forgot everything below it. */
  confirm(offset: number): void;
  /**
   * Admits a batch of updates ahead of the middleware, with one ledger write for all of them: a write per update was
   * one fsync'd file write each, in turn, while the commands admitted before competed for the disk and the thread
   * pool. The middleware then acts on the decision made here (or says "not run" when this write failed).
   */
  admit(updates: readonly TgUpdate[]): Promise<void>;
}

export function createGuard(options: GuardOptions): Guard {
  const allowed = new Set(options.allowedUserIds);
  const loaded = UpdateLedger.fromJSON(options.ledger.read(), { staleSeconds: options.staleSeconds });
  if (loaded.problem !== null) options.log.warn('bot.ledger.problem', { problem: loaded.problem });
  const ledger = loaded.ledger;
  // Resolves once this snapshot is on disk (the store lands writes in order), rejects when it could not be written.
  const persist = (): Promise<void> => options.ledger.write(ledger.toJSON());
  /** Decisions admit() made and persisted (or failed to: `failed` holds why), until the middleware sees the update. */
  const admitted = new Map<number, { decision: 'execute' | 'stale'; failed: unknown }>();

  const middleware: MiddlewareFn<Context> = async (ctx, next) => {
    const update = ctx.update as unknown as TgUpdate;
    const auth = authorizeUpdate(update, allowed, options.botUsername());
    const who = senderOf(ctx);
    if (!auth.ok) {
      options.audit.record({ action: 'update', outcome: 'rejected', reason: auth.reason, updateId: update.update_id, ...who, detail: kindOf(update) });
      return;
    }
    const ahead = admitted.get(update.update_id);
    admitted.delete(update.update_id);
    const decision = ahead?.decision ?? ledger.decide(update.update_id, updateDate(ctx.update), options.now());
    if (decision === 'duplicate') {
      options.audit.record({ action: 'update', outcome: 'duplicate', updateId: update.update_id, ...who });
      return;
    }
    ledger.markExecuted(update.update_id);
    try {
      if (ahead === undefined) await persist();
      else if (ahead.failed !== undefined) throw ahead.failed;
    } catch (error) {
      // Without the record on disk a crash could run it twice: better not to run it at all, and say so. It stays
      // marked as handled in memory, so a redelivery does not run it later behind the person's back.
      options.log.error('bot.ledger.write_failed', { error });
      options.audit.record({ action: 'update', outcome: 'failed', reason: 'ledger not persisted', updateId: update.update_id, ...who });
      options.onNotRun(ctx, describeWriteError(error));
      return;
    }
    if (decision === 'stale') {
      const ageS = Math.round(options.now() / 1000 - (updateDate(ctx.update) ?? 0));
      options.audit.record({ action: 'update', outcome: 'stale', reason: `${ageS}s old`, updateId: update.update_id, ...who });
      options.onStale(ctx, ageS);
      return;
    }
    if (options.schedule === undefined) await next();
    else options.schedule(update, next);
  };

  const admit = async (updates: readonly TgUpdate[]): Promise<void> => {
    const batch: number[] = [];
    for (const update of updates) {
      // What the middleware refuses without a record (a stranger, a duplicate) is left for it to refuse.
      if (!authorizeUpdate(update, allowed, options.botUsername()).ok) continue;
      const decision = ledger.decide(update.update_id, updateDate(update as Parameters<typeof updateDate>[0]), options.now());
      if (decision === 'duplicate') continue;
      ledger.markExecuted(update.update_id);
      admitted.set(update.update_id, { decision, failed: undefined });
      batch.push(update.update_id);
    }
    if (batch.length === 0) return;
    try {
      await persist();
    } catch (error) {
      for (const id of batch) admitted.set(id, { decision: admitted.get(id)?.decision ?? 'execute', failed: error });
    }
  };

  return {
    middleware,
    admit,
    nextOffset: () => ledger.nextOffset,
    confirm: (offset) => {
      const before = ledger.toJSON().floor;
      ledger.confirm(offset);
      if (ledger.toJSON().floor !== before) void persist().catch(() => {});
    },
  };
}

function senderOf(ctx: Context): Pick<AuditEntry, 'userId' | 'userName' | 'chatId'> {
  const { userId, userName, chatId } = whoOf(ctx);
  return { userId, userName, chatId };
}

/** The update's kind, and the command it carried if any (`message /kill`): what a refused sender tried. */
function kindOf(update: TgUpdate): string {
  const kind = Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
  const message = update.message ?? update.edited_message ?? update.channel_post ?? update.edited_channel_post;
  const command = commandName(message?.text ?? message?.caption ?? '');
  return command === null ? kind : `${kind} /${command}`;
}
