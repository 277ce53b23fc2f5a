// What the bot did and how it is doing, for the `pocket status` cockpit: fed by the places that act (the audit log
// every command and refusal goes through, Delivery once Telegram took a message, the outbox on a retry), kept in
// memory only (the last ACTIVITY_KEPT entries, counts over the last hour), and pushed to subscribers as it happens.
import { type BotActivity, type BotActivityKind, activityOfAudit, RecentCount, RecentList } from '../core/cockpit.js';
import type { AuditEntry, AuditLog } from './audit.js';
import type { SentReport } from './delivery.js';

const HOUR_MS = 3_600_000;
/** Enough for the bot pane's tallest layout and a late subscriber's backlog. */
export const ACTIVITY_KEPT = 50;

export type TelemetryEvent = { type: 'activity'; entry: BotActivity } | { type: 'health' };

export class BotTelemetry {
  private readonly activity = new RecentList<BotActivity>(ACTIVITY_KEPT);
  private readonly rateLimited = new RecentCount(HOUR_MS);
  private readonly retried = new RecentCount(HOUR_MS);
  private readonly listeners = new Set<(event: TelemetryEvent) => void>();

  constructor(
    private readonly now: () => number = Date.now,
    /** A session's name from its id, for the lines; undefined when it is gone. */
    private readonly sessionName: (sessionId: string) => string | undefined = () => undefined,
  ) {}

  /** The audit log, teed: every line written is also an activity entry (who did what, what was refused). */
  auditing(audit: AuditLog): AuditLog {
    return {
      record: (entry: AuditEntry) => {
        audit.record(entry);
        // Duplicates are Telegram redelivering what already ran: not something the bot did.
        if (entry.outcome === 'duplicate') return;
        const { kind, detail } = activityOfAudit(entry);
        this.add(kind, detail, entry.session ?? (entry.sessionId ? this.sessionName(entry.sessionId) : undefined));
      },
    };
  }

  sent(report: SentReport): void {
    const session = report.sessionId === undefined ? undefined : this.sessionName(report.sessionId);
    this.add(report.what, report.what.replace('_', ' '), session);
  }

  retry(why: 'rate_limited' | 'transient'): void {
    const at = this.now();
    if (why === 'rate_limited') this.rateLimited.add(at);
    this.retried.add(at);
    this.changed();
  }

  /** Something of the health may have changed (the poller's connection, the outbox's queue). */
  changed(): void {
    for (const listener of this.listeners) listener({ type: 'health' });
  }

  counts(): { rateLimitedLastHour: number; retriedLastHour: number } {
    const now = this.now();
    return { rateLimitedLastHour: this.rateLimited.count(now), retriedLastHour: this.retried.count(now) };
  }

  recent(): BotActivity[] {
    return this.activity.list();
  }

  subscribe(listener: (event: TelemetryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private add(kind: BotActivityKind, detail: string, session: string | undefined): void {
    const entry: BotActivity = { at: this.now(), kind, detail, ...(session === undefined ? {} : { session }) };
    this.activity.add(entry);
    for (const listener of this.listeners) listener({ type: 'activity', entry });
  }
}
