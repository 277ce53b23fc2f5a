// One sentence a person can act on for each way a Claude turn fails: no credentials, the model API unreachable or
// failing, an error result of another kind, the CLI crashing or not starting. The CLI's own words are kept in
// the sentence (shortened), since they name the cause more exactly than any mapping could.
import type { FinishedTurn } from './turn-events.js';

const MAX_DETAIL = 240;

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line;
}

// Measured with Claude Code 2.1.197: no key and no login gives "Not logged in · Please run /login"; a closed port
// gives "API Error: Connection refused — …"; an API error status gives "API Error: 529 …" (after its retries).
const CREDENTIALS = /not logged in|\/login|invalid api key|authentication|unauthori[sz]ed|\b401\b|\b403\b|credit balance/i;
const API_DOWN = /api error|overloaded|connection|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|timed? ?out|\b5\d\d\b/i;

/** The reason for a turn that ended with an error result. */
export function describeErrorResult(finished: FinishedTurn): string {
  const detail = shorten(finished.text || finished.errors.join('; ') || 'no reason given');
  if (CREDENTIALS.test(detail)) {
    return `Claude has no working credentials (${detail}): log in with \`claude\` on this machine or set ANTHROPIC_API_KEY for pocket.`;
  }
  if (/no conversation found/i.test(detail)) return `Claude Code cannot continue this conversation (${detail}): start a new one.`;
  if (API_DOWN.test(detail)) return `The Claude API could not answer (${detail}); try again later.`;
  return `Claude Code ended the turn with an error: ${detail}`;
}

/** The reason for a turn whose CLI could not start, crashed, or ended without a result. */
export function describeCrash(error: unknown, stderrTail: string[]): string {
  const lastLine = stderrTail.at(-1);
  const detail = [error instanceof Error ? error.message : error ? String(error) : '', lastLine ?? '']
    .filter((part) => part.trim() !== '')
    .map(shorten)
    .join(' — ');
  if (!detail) return 'Claude Code ended the turn without an answer.';
  return `Claude Code stopped before the turn ended: ${detail}`;
}
