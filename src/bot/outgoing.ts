// The last gate before Telegram: a grammY transformer on every Api the bot holds redacts every string of every
// request (message text, captions, button labels, forum topic names, callback answers), whichever code path made it.
// Delivery already cleans what it sends, as plain text before it is escaped to HTML; this catches whatever goes
// around it (a callback answer, a topic named after a session) and anything added later. A payload's files
// (InputFile) pass untouched: the only documents pocket sends are cleaned by Delivery as text.
import type { Api } from 'grammy';
import type { Redactor } from '../core/redact.js';

export function redactRequests(api: Api, redactor: Redactor): void {
  api.config.use((previous, method, payload, signal) => previous(method, redactPayload(payload, redactor) as typeof payload, signal));
}

function redactPayload(value: unknown, redactor: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redactor.text(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactPayload(item, redactor, depth + 1));
  // Plain objects only: an InputFile (or a stream inside one) is not data to rewrite.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactPayload(item, redactor, depth + 1);
  return out;
}
