// The one scan of a text for the places where a rule may match (HintScan), and the stages that try rules only there:
// the bot tokens, and the one-line rules on the lines the scan stopped at.

import { type HintedPass, REDACTED } from './redact-rules.js';

export const BOT_TOKEN_SHAPE = /(?<![0-9])\d{3,20}(?::|%3[Aa])[A-Za-z0-9_-]{30,}/g;
/** Where a bot token may be: its separator and the first 30 characters after it (the digits before are checked there). */
export const BOT_TOKEN_SEPARATOR = '(?::|%3[Aa])[A-Za-z0-9_-]{30}';
const BOT_TOKEN_HERE = new RegExp(BOT_TOKEN_SEPARATOR, 'y');
const BOT_TOKEN_FROM_DIGITS = new RegExp(BOT_TOKEN_SHAPE.source.replace('(?<![0-9])', ''), 'y');

/**
 * The places where the scan of a text stopped, in order, each once, and what it saw: one pass of one regex over the
 * text (the hints of every one-line rule, the anchors of the multi-line ones, the bot token's separator as
 * alternatives), in place of one scan per rule group. V8's regex engine has no multi-pattern search; an alternation
 * of ~25 short literals runs at ~400-450 MB/s here (2.2-2.5 ms a MB), the same as a JS loop over charCodeAt, and
 * indexOf (memchr) per literal costs ~0.2-0.4 ms a MB each, so more than a dozen of them cost more than the one
 * regex. Adding the anchors and the bot token's separator to the alternation cost nothing measurable (2.1-2.2 ms/MB
 * with them), where they cost 0.35 and 0.9 ms/MB as scans of their own. The literal secrets (.env values) may lead
 * the alternation too (Redactor): then the scan says whether the text holds one, in place of a scan of their own
 * (bench/redact's stream: 1.0 ms a MB alone, +0.4-0.7 in the alternation); the scan stops at the first, as the
 * secrets' replacement makes its places stale.
 */
export class HintScan {
  /** Where a hint starts, in order; `count` of them are the current text's. */
  positions = new Int32Array(256);
  count = 0;
  botToken = false;
  anchor = false;
  /** Whether a literal secret starts at the last place (the scan stopped there): set only by a scan that has them. */
  secret = false;

  /** `secrets`: the literal secrets, first in `scan`'s alternation (where one starts, the match is the secret). */
  constructor(
    private readonly scan: RegExp,
    private readonly anchors: ReadonlySet<string>,
    private readonly secrets: ReadonlySet<string> = new Set(),
  ) {}

  /** Every start, overlapping hints too (`keyJ` holds `key` and `yJ`): a pass's hints are the starts where its own hint matches. */
  run(text: string): void {
    const { scan } = this;
    this.count = 0;
    this.botToken = false;
    this.anchor = false;
    this.secret = false;
    const hasSecrets = this.secrets.size > 0;
    scan.lastIndex = 0;
    for (let m = scan.exec(text); m !== null; m = scan.exec(text)) {
      const at = m.index;
      if (this.count === this.positions.length) {
        const grown = new Int32Array(this.positions.length * 2);
        grown.set(this.positions);
        this.positions = grown;
      }
      this.positions[this.count++] = at;
      const code = text.charCodeAt(at);
      if (code === 0x3a || code === 0x25) {
        BOT_TOKEN_HERE.lastIndex = at;
        if (BOT_TOKEN_HERE.test(text)) this.botToken = true;
      }
      if (this.anchors.has(m[0])) this.anchor = true;
      if (hasSecrets && this.secrets.has(m[0])) {
        this.secret = true;
        return;
      }
      scan.lastIndex = at + 1;
    }
  }
}

/**
 * BOT_TOKEN_SHAPE's matches, tried only where the scan saw a separator with 30 token characters after it: the same
 * as the global regex. A match is its separator's run of digits (3 to 20, none before: the look back), the separator
 * and the token characters after it; no match holds a separator but its own, and none starts inside the one before.
 */
export function replaceBotTokens(text: string, hints: HintScan): string {
  const parts: string[] = [];
  let done = 0;
  for (let i = 0; i < hints.count; i++) {
    const at = hints.positions[i]!;
    const code = text.charCodeAt(at);
    if (at < done || (code !== 0x3a && code !== 0x25)) continue;
    let start = at;
    while (start > 0 && at - start <= 20 && isDigit(text.charCodeAt(start - 1))) start--;
    // 3 to 20 digits, the run whole (more than 20: no start in it has a non-digit before it), not inside a match.
    if (at - start < 3 || at - start > 20 || start < done) continue;
    BOT_TOKEN_FROM_DIGITS.lastIndex = start;
    const m = BOT_TOKEN_FROM_DIGITS.exec(text);
    if (m === null) continue;
    parts.push(text.slice(done, start), REDACTED);
    done = start + m[0].length;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(done));
  return parts.join('');
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/**
 * The one-line passes, in order, on the lines where the scan stopped, and nowhere else: the same result as each pass
 * over the whole text (no match crosses a line end, and a line without a pass's hint holds no match of it). A pass
 * tries its rules only at the scan's places where its own hint matches (nearHints), on the text as it came, until a
 * pass changes the line: the passes after it look for their hints again in the changed line (replaceNearHints). The
 * text is built once, at the end: every new string of more than 128 kB (64 K characters of two bytes) is a large
 * object to V8, and building one cost 13-16 ms a MB against 0.15 below that size (a 128 KB read: ~1.7 ms a build).
 */
export function replaceOnHintedLines(text: string, passes: readonly HintedPass[], hints: HintScan): string {
  // Parts joined once at the end: a string built with += is a rope that the next regex pass must flatten first.
  const parts: string[] = [];
  let done = 0;
  const { positions, count } = hints;
  for (let first = 0; first < count; ) {
    const newline = text.indexOf('\n', positions[first]!);
    const lineEnd = newline === -1 ? text.length : newline;
    let last = first;
    while (last < count && positions[last]! < lineEnd) last++;
    const lineStart = text.lastIndexOf('\n', positions[first]!) + 1;
    let line: string | null = null; // the line once a pass changed it
    for (const pass of passes) {
      line = line === null ? nearHints(text, lineStart, lineEnd, pass, positions, first, last) : replaceNearHints(line, pass);
    }
    if (line !== null) {
      parts.push(text.slice(done, lineStart), line);
      done = lineEnd;
    }
    first = last;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(done));
  return parts.join('');
}

/**
 * A pass at the scan's places from `first` to `last` (the line's) where its own hint matches: the text as it came.
 * The line as changed, or null.
 */
function nearHints(text: string, lineStart: number, lineEnd: number, pass: HintedPass, positions: Int32Array, first: number, last: number): string | null {
  const { hintHere } = pass;
  let i = first;
  return replaceNear(text, lineStart, lineEnd, pass, (from) => {
    for (; i < last; i++) {
      const at = positions[i]!;
      if (at < from) continue;
      hintHere.lastIndex = at;
      if (hintHere.test(text)) {
        i++;
        return at;
      }
    }
    return -1;
  });
}

/** A pass on a line of its own, its hints found by the pass's own scan (the line was changed by a pass before). */
function replaceNearHints(line: string, pass: HintedPass): string {
  const { hint } = pass;
  return replaceNear(line, 0, line.length, pass, (from) => {
    hint.lastIndex = from;
    return hint.exec(line)?.index ?? -1;
  }) ?? line;
}

/**
 * A pass of one-line rules over the line from `lineStart` to `lineEnd`, tried only near its hints (`nextHint(from)`:
 * where the first at or after `from` starts, -1 when none): the same matches as the rules' regex run over the line
 * (String.replace with the g flag), so a long line (minified code: 180 kB in one) is not read whole by them. Why it
 * is the same: every match holds a hint starting at most `hintAt` characters after its start, so from `from` on, no
 * match starts before the first hint found minus `hintAt`; the sticky regex tries every start from there up to the
 * hint (and a little beyond), leftmost first; if none matches there, none starts before the hint's next character
 * either. The line as changed, or null.
 */
function replaceNear(text: string, lineStart: number, lineEnd: number, { near, replace, hintAt }: HintedPass, nextHint: (from: number) => number): string | null {
  const parts: string[] = [];
  let done = lineStart;
  let from = lineStart;
  for (let at = nextHint(from); at !== -1; at = nextHint(from)) {
    near.lastIndex = Math.max(from, at - hintAt);
    const m = near.exec(text);
    // A start past the line's end is the next line's (the skip crossed the newline): none in this line from here.
    if (m === null || m.index + m[1]!.length >= lineEnd) {
      from = at + 1;
      continue;
    }
    const skipped = m[1]!.length;
    const start = m.index + skipped;
    const match = m[0].slice(skipped);
    parts.push(text.slice(done, start), replace(match, ...m.slice(2)));
    done = start + match.length;
    from = done;
  }
  if (parts.length === 0) return null;
  parts.push(text.slice(done, lineEnd));
  return parts.join('');
}
