// One audit line (logs/audit.log, written by src/bot/audit.ts) for people: when, who, what, which session, the
// outcome and why. Lines from before userName and session existed read the same with those parts left out; a line
// that is not JSON is printed as it is. Control characters are shown escaped: the text came from Telegram users.

export function formatAuditLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return visible(line);
  }
  if (entry === null || typeof entry !== 'object') return visible(line);
  const { t, action, outcome, userId, userName, chatId, sessionId, session, updateId, reason, detail, origin, ...rest } = entry;
  const who = origin === 'local'
    ? `local user ${typeof userName === 'string' ? userName : '?'}`
    : userId === null || userId === undefined ? 'nobody (no sender)' : `user ${String(userId)}${typeof userName === 'string' ? ` ${userName}` : ''}`;
  const where = sessionId === undefined || sessionId === null ? '' : ` session ${typeof session === 'string' ? `${session} (${String(sessionId)})` : String(sessionId)}`;
  const why = typeof reason === 'string' ? `: ${reason}` : '';
  const what = typeof detail === 'string' ? ` ${JSON.stringify(detail)}` : '';
  const extras = Object.entries({ chatId, updateId, ...rest })
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return visible(`${String(t)} ${who} ${String(action)}${where}${what} -> ${String(outcome)}${why}${extras === '' ? '' : `  [${extras}]`}`);
}

function visible(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
