// Secrets must never reach a log line, an error message or Telegram. The daemon builds one Redactor from the settings
// (daemon/compose.ts) and every way out of the process goes through it: the Bot API (messages, cards, alerts,
// captions, documents), the daemon and audit logs, error messages, IPC answers to the CLI.
//
// Two layers. Always on: the literal secrets (.env values, the bot token, also URL-encoded as they appear in request
// URLs) and anything shaped like a bot token. Unless POCKET_REDACT=off: the secret shapes of secret-shapes.ts.

import { markerOf, SECRET_SHAPES, type SecretShape } from './secret-shapes.js';

const BOT_TOKEN_SHAPE = /(?<![0-9])\d{3,20}(?::|%3[Aa])[A-Za-z0-9_-]{30,}/g;
export const REDACTED = '[REDACTED]';

export interface RedactorOptions {
  /** The secret shapes (POCKET_REDACT); default on. The literal secrets and bot tokens are redacted regardless. */
  shapes?: boolean;
}

/** The rules made ready once: the anchored ones each with its test, the others as one regex. */
interface CompiledShapes {
  anchored: { mayMatch: (text: string) => boolean; pattern: RegExp; replace: Replacer }[];
  byLine: { anchors: readonly string[]; pattern: RegExp; replace: Replacer }[];
  atLineStarts: { finder: RegExp; first: RegExp; pattern: RegExp; replace: Replacer }[];
  combined: { pattern: RegExp; replace: Replacer } | null;
}
type Replacer = (match: string, ...args: unknown[]) => string;

export class Redactor {
  private readonly secrets: string[];
  private readonly shapesOn: boolean;
  private readonly shapes: CompiledShapes;

  constructor(secrets: Iterable<string> = [], options: RedactorOptions = {}) {
    const literal = [...new Set(secrets)].filter((s) => s.length >= 6);
    // Longest first, so a secret that contains another is replaced whole; URL-encoded too (request URLs in errors).
    this.secrets = [...new Set([...literal, ...literal.map(encodeURIComponent)])].sort((a, b) => b.length - a.length);
    this.shapesOn = options.shapes ?? true;
    this.shapes = compile(this.shapesOn ? SECRET_SHAPES : []);
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
    for (const shape of this.shapes.anchored) {
      if (shape.mayMatch(out)) out = out.replace(shape.pattern, shape.replace);
    }
    for (const shape of this.shapes.atLineStarts) out = replaceAtLineStarts(out, shape);
    for (const shape of this.shapes.byLine) out = replaceOnLines(out, shape);
    const { combined } = this.shapes;
    return combined === null ? out : out.replace(combined.pattern, combined.replace);
  }

  /** Error message, stack and the whole cause chain, as one redacted string. */
  error(error: unknown): string {
    return this.text(describeError(error));
  }

  /**
   * Lines of output redacted together, as one text: a key block spread over them is seen whole (one line of it alone
   * is not recognisable, see secret-shapes.ts). A block that is redacted leaves one line in place of its lines.
   */
  lines(lines: readonly string[]): string[] {
    const joined = lines.join('\n');
    const out = this.text(joined);
    return out === joined ? [...lines] : out.split('\n');
  }

  /** Deep copy of plain data with every string redacted (for structured log fields, IPC answers); see lines(). */
  value(input: unknown, depth = 0): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input instanceof Error) return this.error(input);
    if (depth > 6 || input === null || typeof input !== 'object') return input;
    if (Array.isArray(input)) return isLines(input) ? this.lines(input) : input.map((item) => this.value(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) out[key] = this.value(item, depth + 1);
    return out;
  }
}

function compile(shapes: readonly SecretShape[]): CompiledShapes {
  const anchored = shapes.filter((shape) => shape.anchors !== undefined).map((shape) => {
    const anchors = shape.anchors!;
    const mayMatch = (text: string) => anchors.some((anchor) => text.includes(anchor));
    const flags = shape.pattern.flags.includes('g') ? shape.pattern.flags : `${shape.pattern.flags}g`;
    const groups = groupCount(shape.pattern.source);
    const marker = markerOf(shape.id);
    return { mayMatch, pattern: new RegExp(shape.pattern.source, flags), replace: keepAndMark(0, groups, marker) };
  });
  const byLine = shapes.filter((shape) => shape.lineAnchors !== undefined).map((shape) => ({
    anchors: shape.lineAnchors!,
    pattern: new RegExp(shape.pattern.source, 'gm'),
    replace: keepAndMark(0, groupCount(shape.pattern.source), markerOf(shape.id)),
  }));
  const atLineStarts = shapes.filter((shape) => shape.lineStarts !== undefined).map((shape) => ({
    // A newline then the probe: the scan looks for newlines (fast), and tries the probe only there.
    finder: new RegExp(`\\n(?=${shape.lineStarts!.source})`, 'g'),
    first: new RegExp(`^(?=${shape.lineStarts!.source})`),
    pattern: new RegExp(shape.pattern.source, 'my'),
    replace: keepAndMark(0, groupCount(shape.pattern.source), markerOf(shape.id)),
  }));
  const rest = shapes.filter((shape) => shape.anchors === undefined && shape.lineAnchors === undefined && shape.lineStarts === undefined);
  if (rest.length === 0) return { anchored, byLine, atLineStarts, combined: null };
  // Each rule in a group of its own: the first group that took part says which rule matched; its own groups follow.
  const rules: { at: number; groups: number; marker: string }[] = [];
  let at = 0;
  for (const shape of rest) {
    const groups = groupCount(shape.pattern.source);
    rules.push({ at, groups, marker: markerOf(shape.id) });
    at += 1 + groups;
  }
  const pattern = new RegExp(rest.map((shape) => `(${shape.pattern.source})`).join('|'), 'gm');
  const replace: Replacer = (match, ...args) => {
    for (const rule of rules) {
      if (typeof args[rule.at] === 'string') return keepAndMark(rule.at + 1, rule.groups, rule.marker)(match, ...args);
    }
    return match;
  };
  return { anchored, byLine, atLineStarts, combined: { pattern, replace } };
}

/**
 * A rule tried only at the line starts its probe accepts (sticky, so the regex runs nowhere else): the key-body rule,
 * whose ^ with the m flag made the regex engine stop at every character of the text.
 */
function replaceAtLineStarts(text: string, shape: CompiledShapes['atLineStarts'][number]): string {
  const { finder, first, pattern, replace } = shape;
  const parts: string[] = [];
  let done = 0;
  const tryAt = (start: number): void => {
    pattern.lastIndex = start;
    const m = pattern.exec(text);
    if (m === null) return;
    parts.push(text.slice(done, start), replace(m[0], ...m.slice(1)));
    done = start + m[0].length;
  };
  if (first.test(text)) tryAt(0);
  finder.lastIndex = done;
  for (let m = finder.exec(text); m !== null; m = finder.exec(text)) {
    if (m.index + 1 >= done) tryAt(m.index + 1);
    if (finder.lastIndex < done) finder.lastIndex = done;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(done));
  return parts.join('');
}

/**
 * A line-bound rule applied to the lines that hold one of its anchors (found with indexOf: native scans, where the
 * rule's own regex would try its words at every letter; a lower-cased copy to search once was slower still, as
 * toLowerCase leaves its fast path on any non-ASCII text). Same result as the regex on the whole text, as no match
 * crosses a line end.
 */
function replaceOnLines(text: string, shape: CompiledShapes['byLine'][number]): string {
  const starts: number[] = [];
  for (const anchor of shape.anchors) {
    for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + anchor.length)) starts.push(at);
  }
  if (starts.length === 0) return text;
  starts.sort((a, b) => a - b);
  // Parts joined once at the end: a string built with += is a rope that the next regex pass must flatten first.
  const parts: string[] = [];
  let done = 0;
  let seen = -1;
  for (const at of starts) {
    if (at <= seen) continue; // on a line already handled
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const lineEnd = newline === -1 ? text.length : newline;
    seen = lineEnd;
    const line = text.slice(lineStart, lineEnd);
    const replaced = line.replace(shape.pattern, shape.replace);
    if (replaced === line) continue;
    parts.push(text.slice(done, lineStart), replaced);
    done = lineEnd;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(done));
  return parts.join('');
}

/** The replacement: what the first of `count` groups from `first` that took part matched, then the marker. */
function keepAndMark(first: number, count: number, marker: string): Replacer {
  return (_match, ...args) => {
    for (let i = first; i < first + count; i++) {
      if (typeof args[i] === 'string') return `${args[i] as string}${marker}`;
    }
    return marker;
  };
}

function groupCount(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

/** Two or more strings, none holding a newline: lines of output (an IPC output event, a session's last lines). */
function isLines(input: unknown[]): input is string[] {
  return input.length > 1 && input.every((item) => typeof item === 'string' && !item.includes('\n'));
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
