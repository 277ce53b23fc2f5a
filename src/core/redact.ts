// Secrets must never reach a log line, an error message or Telegram. The redactor knows the literal secrets
// (from .env) and the shapes that are secret whoever owns them (bot tokens inside Bot API URLs).

const BOT_TOKEN_SHAPE = /(?<![0-9])\d{3,20}:[A-Za-z0-9_-]{30,}/g;
export const REDACTED = '[REDACTED]';

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string> = []) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets)].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  }

  withSecrets(more: Iterable<string>): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out.replace(BOT_TOKEN_SHAPE, REDACTED);
  }

  /** Error message, stack and the whole cause chain, as one redacted string. */
  error(error: unknown): string {
    return this.text(describeError(error));
  }

  /** Deep copy of plain data with every string redacted (for structured log fields). */
  value(input: unknown, depth = 0): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input instanceof Error) return this.error(input);
    if (depth > 6 || input === null || typeof input !== 'object') return input;
    if (Array.isArray(input)) return input.map((item) => this.value(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) out[key] = this.value(item, depth + 1);
    return out;
  }
}

function describeError(error: unknown, seen = new Set<unknown>()): string {
  if (!(error instanceof Error)) return String(error);
  if (seen.has(error)) return '[circular cause]';
  seen.add(error);
  const head = error.stack ?? `${error.name}: ${error.message}`;
  // Some libraries put the interesting text only in the message, not the stack.
  const text = head.includes(error.message) ? head : `${error.message}\n${head}`;
  return error.cause === undefined ? text : `${text}\nCaused by: ${describeError(error.cause, seen)}`;
}
