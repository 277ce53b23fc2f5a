// Secrets must never reach a log line, an error message or Telegram. The daemon builds one Redactor from the settings
// (daemon/compose.ts) and every way out of the process goes through it: the Bot API (messages, cards, alerts,
// captions, documents), the daemon and audit logs, error messages, IPC answers to the CLI.
//
// Two layers. Always on: the literal secrets (.env values, the bot token, also URL-encoded as they appear in request
// URLs) and anything shaped like a bot token. Unless POCKET_REDACT=off: the secret shapes of secret-shapes.ts.

import { markerOf, SECRET_SHAPES, type SecretShape } from './secret-shapes.js';

const BOT_TOKEN_SHAPE = /(?<![0-9])\d{3,20}(?::|%3A)[A-Za-z0-9_-]{30,}/gi;
export const REDACTED = '[REDACTED]';

export interface RedactorOptions {
  /** The secret shapes (POCKET_REDACT); default on. The literal secrets and bot tokens are redacted regardless. */
  shapes?: boolean;
}

/** A rule made ready once: its anchor test and its replacement. */
interface CompiledShape {
  mayMatch: (text: string) => boolean;
  pattern: RegExp;
  replace: (match: string, ...groups: unknown[]) => string;
}

export class Redactor {
  private readonly secrets: string[];
  private readonly shapesOn: boolean;
  private readonly shapes: readonly CompiledShape[];

  constructor(secrets: Iterable<string> = [], options: RedactorOptions = {}) {
    const literal = [...new Set(secrets)].filter((s) => s.length >= 6);
    // Longest first, so a secret that contains another is replaced whole; URL-encoded too (request URLs in errors).
    this.secrets = [...new Set([...literal, ...literal.map(encodeURIComponent)])].sort((a, b) => b.length - a.length);
    this.shapesOn = options.shapes ?? true;
    this.shapes = this.shapesOn ? SECRET_SHAPES.map(compile) : [];
  }

  withSecrets(more: Iterable<string>): Redactor {
    return new Redactor([...this.secrets, ...more], { shapes: this.shapesOn });
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    out = out.replace(BOT_TOKEN_SHAPE, REDACTED);
    for (const shape of this.shapes) {
      if (shape.mayMatch(out)) out = out.replace(shape.pattern, shape.replace);
    }
    return out;
  }

  /** Error message, stack and the whole cause chain, as one redacted string. */
  error(error: unknown): string {
    return this.text(describeError(error));
  }

  /** Deep copy of plain data with every string redacted (for structured log fields, IPC answers). */
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

function compile(shape: SecretShape): CompiledShape {
  const marker = markerOf(shape.id);
  const { anchors } = shape;
  let mayMatch: (text: string) => boolean;
  if (anchors instanceof RegExp) {
    mayMatch = (text) => anchors.test(text);
  } else if (shape.anchorsIgnoreCase === true) {
    const anyCase = new RegExp(anchors.map(escapeRegExp).join('|'), 'i');
    mayMatch = (text) => anyCase.test(text);
  } else {
    mayMatch = (text) => anchors.some((anchor) => text.includes(anchor));
  }
  const groups = new RegExp(`${shape.pattern.source}|`).exec('')!.length - 1;
  return {
    mayMatch,
    pattern: shape.pattern,
    // replace() passes the captures first, then the offset: the kept prefix is whichever capture took part.
    replace: (_match, ...args) => {
      for (let i = 0; i < groups; i++) {
        if (typeof args[i] === 'string') return `${args[i] as string}${marker}`;
      }
      return marker;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
