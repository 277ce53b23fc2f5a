// The audit log (logs/audit.log): one JSON line for every action taken on behalf of a Telegram user and every
// update that was refused. Rejections are recorded here only: the stranger hears nothing. Redacted like the daemon
// log, and user text is clipped, because hostile text must not grow the file without bound.
import { appendFileSync } from 'node:fs';
import type { Redactor } from '../core/redact.js';
import type { Logger } from '../core/ports.js';

export interface AuditEntry {
  /** What was attempted: a command name, `text`, `button:<action>`, or `update` for refusals. */
  action: string;
  outcome: 'ok' | 'rejected' | 'failed' | 'stale' | 'duplicate';
  userId?: number | null;
  chatId?: number | null;
  sessionId?: string | null;
  updateId?: number;
  reason?: string;
  /** The user's text or the key sent, clipped. */
  detail?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

const DETAIL_MAX = 300;

export function fileAuditLog(file: string, redactor: Redactor, log: Logger, now: () => number = Date.now): AuditLog {
  let failed = false;
  return {
    record(entry) {
      // Each field redacted as the text it is, before the detail is clipped (a token cut in half has no shape left)
      // and before JSON escapes its quotes (`"password": "x"` is `\"password\": \"x\"` in the line).
      const fields = redactor.value(entry) as AuditEntry;
      const detail = fields.detail === undefined ? undefined : clipDetail(fields.detail);
      const line = JSON.stringify({ t: new Date(now()).toISOString(), ...fields, ...(detail === undefined ? {} : { detail }) });
      try {
        // Synchronous: an action recorded just before a crash must be on disk.
        appendFileSync(file, `${redactor.text(line)}\n`, { mode: 0o600 });
        failed = false;
      } catch (error) {
        // One log line per outage, not one per update.
        if (!failed) log.error('audit.write_failed', { file, error });
        failed = true;
      }
    },
  };
}

function clipDetail(text: string): string {
  const chars = [...text];
  return chars.length <= DETAIL_MAX ? text : `${chars.slice(0, DETAIL_MAX).join('')}… (${chars.length} chars)`;
}
