// The audit log (logs/audit.log): one JSON line for every action taken on behalf of a Telegram user, every update
// that was refused, and every action taken from the `pocket status` cockpit (origin local, the OS user named).
// Rejections are recorded here only: the stranger hears nothing. Redacted like the daemon log, and user text is
// clipped, because hostile text must not grow the file without bound.
// A line says who (userId, userName), what (action, detail), which session (sessionId, session: its name then), the
// outcome and why (reason). Lines written before userName and session existed are still read by `pocket logs
// --audit` (src/cli/audit-format.ts): every field but t, action and outcome is optional.
import type { Context } from 'grammy';
import type { Redactor } from '../core/redact.js';
import type { Logger } from '../core/ports.js';

export interface AuditEntry {
  /** What was attempted: a command name, `text`, `button:<action>`, or `update` for refusals. */
  action: string;
  outcome: 'ok' | 'rejected' | 'failed' | 'stale' | 'duplicate';
  userId?: number | null;
  /** The sender's @username, or their first name when they have none; the id is what authorizes, this is for people. */
  userName?: string | null;
  chatId?: number | null;
  sessionId?: string | null;
  /** The session's name when the line was written (filled in from sessionId). */
  session?: string;
  updateId?: number;
  reason?: string;
  /** The user's text or the key sent, clipped. */
  detail?: string;
  /** `local`: done at this machine (the `pocket status` cockpit, over IPC) by the OS user in userName; absent: Telegram. */
  origin?: 'local';
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

const DETAIL_MAX = 300;

/** Who sent an update, as audit fields. */
export function whoOf(ctx: Context): Pick<AuditEntry, 'userId' | 'userName' | 'chatId' | 'updateId'> {
  const from = ctx.from;
  const name = typeof from?.username === 'string' ? `@${from.username}` : typeof from?.first_name === 'string' ? from.first_name : null;
  return { userId: from?.id ?? null, userName: name === null ? null : clipDetail(name, NAME_MAX), chatId: ctx.chat?.id ?? null, updateId: ctx.update.update_id };
}

const NAME_MAX = 64;

export function fileAuditLog(
  /** Writes one line to logs/audit.log synchronously (the daemon passes a rotating one: src/log.ts). */
  append: (line: string) => void,
  redactor: Redactor,
  log: Logger,
  now: () => number = Date.now,
  sessionName: (sessionId: string) => string | undefined = () => undefined,
): AuditLog {
  let failed = false;
  return {
    record(entry) {
      // Each field redacted as the text it is, before the detail is clipped (a token cut in half has no shape left)
      // and before JSON escapes its quotes (`"password": "x"` is `\"password\": \"x\"` in the line).
      const fields = redactor.value(entry) as AuditEntry;
      const detail = fields.detail === undefined ? undefined : clipDetail(fields.detail);
      const session = fields.session ?? (fields.sessionId ? sessionName(fields.sessionId) : undefined);
      const line = JSON.stringify({
        t: new Date(now()).toISOString(),
        ...fields,
        ...(session === undefined ? {} : { session }),
        ...(detail === undefined ? {} : { detail }),
      });
      try {
        // Synchronous: an action recorded just before a crash must be on disk.
        append(`${redactor.text(line)}\n`);
        failed = false;
      } catch (error) {
        // One log line per outage, not one per update.
        if (!failed) log.error('audit.write_failed', { error });
        failed = true;
      }
    },
  };
}

function clipDetail(text: string, max = DETAIL_MAX): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}… (${chars.length} chars)`;
}
