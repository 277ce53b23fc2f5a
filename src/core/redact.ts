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
  /**
   * A text longer than this many characters is redacted in windows of about this size, cut at line ends where no
   * rule can see across (windowCut). Default WINDOW_CHARS; tests make it small to put cuts everywhere.
   */
  windowChars?: number;
}

/**
 * Texts are redacted in windows of about 32 K characters: every new string of more than 128 kB (64 K characters of
 * two bytes: any character above U+00FF makes the whole string two bytes a character) is a large object to V8, in
 * memory of its own: building one of 262 kB cost 1.6 ms here, 66 page faults (one per 4 kB page), where one of
 * 120 kB cost 0.12 ms. A 128 KB pane read holding one secret paid that for each stage that changed it (literal
 * secret, key block, one-line passes): 54 ms a MB against 5.5 for a read without one (bench/redact,
 * docs/performance.md). In windows, only the result is built at that size, once; lines() builds none.
 */
export const WINDOW_CHARS = 32 * 1024;

/** The rules made ready once: the multi-line ones each with its test, the one-line ones in passes behind their hints. */
interface CompiledShapes {
  anchored: { anchors: string; mayMatch: (text: string) => boolean; pattern: RegExp; replace: Replacer }[];
  atLineStarts: LineStartRule[];
  passes: HintedPass[];
  /** The one scan of a text (HintScan): every place where a hint, an anchor or a bot token's separator starts. */
  scan: RegExp | null;
  anchors: ReadonlySet<string>;
}
/** A rule tried at the starts of the lines its lineBody and probe accept. */
interface LineStartRule {
  body: LineBody;
  probe: RegExp;
  pattern: RegExp;
  replace: Replacer;
}
/** SecretShape.lineBody made ready: its characters as a table of the ASCII codes. */
interface LineBody {
  lengths: readonly number[];
  /** The shortest of `lengths`: a shorter line holds no body. */
  shortest: number;
  chars: Uint8Array;
  notWithin: NonNullable<NonNullable<SecretShape['lineBody']>['notWithin']> | null;
}
/**
 * A pass of one-line rules: their hints as one regex, sticky (tried at the scan's places) and global (a line a pass
 * before changed is scanned again), and the rules as one sticky regex that first skips up to `hintAt` characters
 * (lazily: the leftmost match wins, as in a plain scan).
 */
interface HintedPass {
  hint: RegExp;
  hintHere: RegExp;
  near: RegExp;
  replace: Replacer;
  hintAt: number;
}
type Replacer = (match: string, ...args: unknown[]) => string;

/** Where a bot token may be: its separator and the first 30 characters after it (the digits before are checked there). */
const BOT_TOKEN_SEPARATOR = '(?::|%3[Aa])[A-Za-z0-9_-]{30}';
const BOT_TOKEN_HERE = new RegExp(BOT_TOKEN_SEPARATOR, 'y');
const BOT_TOKEN_FROM_DIGITS = new RegExp(BOT_TOKEN_SHAPE.source.replace('(?<![0-9])', ''), 'y');

/**
 * The places where the scan of a text stopped, in order, each once, and what it saw: one pass of one regex over the
 * text (the hints of every one-line rule, the anchors of the multi-line ones, the bot token's separator as
 * alternatives), in place of one scan per rule group. V8's regex engine has no multi-pattern search; an alternation
 * of ~25 short literals runs at ~400-450 MB/s here (2.2-2.5 ms a MB), the same as a JS loop over charCodeAt, and
 * indexOf (memchr) per literal costs ~0.2-0.4 ms a MB each, so more than a dozen of them cost more than the one
 * regex. Adding the anchors and the bot token's separator to the alternation cost nothing measurable (2.1-2.2 ms/MB
 * with them), where they cost 0.35 and 0.9 ms/MB as scans of their own.
 */
class HintScan {
  /** Where a hint starts, in order; `count` of them are the current text's. */
  positions = new Int32Array(256);
  count = 0;
  botToken = false;
  anchor = false;

  constructor(private readonly scan: RegExp, private readonly anchors: ReadonlySet<string>) {}

  /** Every start, overlapping hints too (`keyJ` holds `key` and `yJ`): a pass's hints are the starts where its own hint matches. */
  run(text: string): void {
    const { scan } = this;
    this.count = 0;
    this.botToken = false;
    this.anchor = false;
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
      scan.lastIndex = at + 1;
    }
  }
}

export class Redactor {
  private readonly secrets: string[];
  private readonly shapesOn: boolean;
  private readonly shapes: CompiledShapes;
  private readonly hints: HintScan | null;
  /** Any of the literal secrets: one scan says whether the per-secret passes have anything to do. */
  private readonly anySecret: RegExp | null;
  /** WINDOW_CHARS, or none when a literal secret holds a newline (it could span a cut). */
  private readonly windowChars: number;

  constructor(secrets: Iterable<string> = [], options: RedactorOptions = {}) {
    const literal = [...new Set(secrets)].filter((s) => s.length >= 6);
    // Longest first, so a secret that contains another is replaced whole; URL-encoded too (request URLs in errors).
    this.secrets = [...new Set([...literal, ...literal.map(encodeURIComponent)])].sort((a, b) => b.length - a.length);
    this.anySecret = this.secrets.length === 0 ? null : new RegExp(this.secrets.map(escapeRegExp).join('|'));
    this.shapesOn = options.shapes ?? true;
    this.shapes = compile(this.shapesOn ? SECRET_SHAPES : []);
    this.hints = this.shapes.scan === null ? null : new HintScan(this.shapes.scan, this.shapes.anchors);
    const windowChars = options.windowChars ?? WINDOW_CHARS;
    if (!(windowChars >= 1)) throw new Error(`windowChars must be 1 or more, not ${windowChars}`);
    this.windowChars = this.secrets.some((secret) => secret.includes('\n')) ? Number.POSITIVE_INFINITY : windowChars;
  }

  withSecrets(more: Iterable<string>): Redactor {
    return new Redactor([...this.secrets, ...more], { shapes: this.shapesOn, windowChars: this.windowChars });
  }

  /**
   * The text with every secret replaced; the input itself when there was none. A text longer than windowChars is
   * redacted window by window (windowCut says where a cut is safe), and the result built once from the windows.
   */
  text(input: string): string {
    if (input.length <= this.windowChars) return this.window(input, false, false)!;
    return this.windowed(input) ?? this.window(input, false, false)!;
  }

  /**
   * The windows' results, or null when a key block touches a cut (the one case windowCut leaves to this check: see
   * replaceAnchored) and the text must be redacted whole.
   */
  private windowed(input: string): string | null {
    const parts: string[] = [];
    let changed = false;
    for (let start = 0; start < input.length; ) {
      const end = windowEnd(input, start, this.windowChars);
      const window = input.slice(start, end);
      const out = this.window(window, start > 0, end < input.length);
      if (out === null) return null;
      if (out !== window) changed = true;
      parts.push(out);
      start = end;
    }
    return changed ? parts.join('') : input;
  }

  /**
   * Every stage over one text (a window of a longer one: `cutBefore` and `cutAfter` say whether it was cut there).
   * Null when an anchored rule's match touches a cut.
   */
  private window(input: string, cutBefore: boolean, cutAfter: boolean): string | null {
    let out = input;
    // One regex of all the secrets finds none in most text, where one includes() per secret costs a scan each
    // (6 scans: 754 MB/s; the one regex: 1164 MB/s). The passes keep their longest-first order when it finds one.
    if (this.anySecret?.test(out)) {
      for (const secret of this.secrets) {
        if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      }
    }
    const hints = this.hints;
    if (hints === null) return out.replace(BOT_TOKEN_SHAPE, REDACTED);
    // One scan of the text says where every later stage has something to try. A stage that changes the text makes
    // the places stale: the next stage that needs them scans again (only text with a secret in it pays that).
    hints.run(out);
    let stale = false;
    const changed = (next: string): string => {
      if (next !== out) stale = true;
      return next;
    };
    if (hints.botToken) out = changed(replaceBotTokens(out, hints));
    let absent = ''; // the anchors of the last rule found absent, the text unchanged since: the next rule with them is too
    for (const shape of this.shapes.anchored) {
      if (!stale && !hints.anchor) break;
      if (shape.anchors === absent) continue;
      if (shape.mayMatch(out)) {
        const next = replaceAnchored(out, shape, cutBefore, cutAfter);
        if (next === null) return null;
        out = changed(next);
        absent = '';
      } else absent = shape.anchors;
    }
    for (const rule of this.shapes.atLineStarts) out = changed(replaceAtLineStarts(out, rule));
    if (stale) hints.run(out);
    return replaceOnHintedLines(out, this.shapes.passes, hints);
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
    return this.linesInWindows(lines) ?? this.linesWhole(lines);
  }

  private linesWhole(lines: readonly string[]): string[] {
    const joined = lines.join('\n');
    const out = this.text(joined);
    return out === joined ? [...lines] : out.split('\n');
  }

  /**
   * lines() as text() over their join cut after the lines windowCut accepts, without joining them all: the daemon
   * hands a 128 KB pane read as one output event of lines, and their join was a large string (see WINDOW_CHARS).
   * Null when a key block touches a cut.
   */
  private linesInWindows(lines: readonly string[]): string[] | null {
    let out: string[] | null = null; // made once a window changed: until then, the lines are the input's
    for (let first = 0; first < lines.length; ) {
      const end = linesWindowEnd(lines, first, this.windowChars);
      const cutAfter = end < lines.length;
      const parts = lines.slice(first, end);
      // A window that ends at a cut ends with the newline after its last line, as in text().
      if (cutAfter) parts.push('');
      const window = parts.join('\n');
      const redacted = this.window(window, first > 0, cutAfter);
      if (redacted === null || (cutAfter && !redacted.endsWith('\n'))) return null;
      if (redacted !== window) {
        out ??= lines.slice(0, first);
        const redactedLines = redacted.split('\n');
        if (cutAfter) redactedLines.pop();
        for (const line of redactedLines) out.push(line);
      } else if (out !== null) for (let i = first; i < end; i++) out.push(lines[i]!);
      first = end;
    }
    return out ?? lines.slice();
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
    return { anchors: anchors.join('\n'), mayMatch, pattern: new RegExp(shape.pattern.source, flags), replace: keepAndMark(0, groups, marker) };
  });
  const atLineStarts = shapes.filter((shape) => shape.lineStarts !== undefined).map((shape): LineStartRule => {
    const lineBody = shape.lineBody;
    if (lineBody === undefined || lineBody.lengths.length === 0) {
      throw new Error(`secret shape ${shape.id}: a rule tried at line starts needs its lineBody`);
    }
    return {
      body: {
        lengths: lineBody.lengths,
        shortest: Math.min(...lineBody.lengths),
        chars: Uint8Array.from({ length: 128 }, (_, code) => (lineBody.chars.test(String.fromCharCode(code)) ? 1 : 0)),
        notWithin: lineBody.notWithin ?? null,
      },
      probe: new RegExp(shape.lineStarts!.source, 'y'),
      pattern: new RegExp(shape.pattern.source, 'my'),
      replace: keepAndMark(0, groupCount(shape.pattern.source), markerOf(shape.id)),
    };
  });
  const oneLine = shapes.filter((shape) => shape.anchors === undefined && shape.lineStarts === undefined);
  for (const shape of oneLine) {
    if (shape.hint === undefined || shape.hint.flags !== '' || shape.hintAt === undefined) {
      throw new Error(`secret shape ${shape.id}: a rule within one line needs a hint (without flags) and its hintAt`);
    }
  }
  if (shapes.length === 0) return { anchored, atLineStarts, passes: [], scan: null, anchors: new Set() };
  // The anchors first: where one starts, the scan's match is the anchor itself (HintScan tells them by their text).
  const anchors = new Set(shapes.flatMap((shape) => shape.anchors ?? []));
  const alternatives = [...[...anchors].map(escapeRegExp), BOT_TOKEN_SEPARATOR, ...new Set(oneLine.map((shape) => shape.hint!.source))];
  return { anchored, atLineStarts, passes: compileOneLine(oneLine), scan: new RegExp(alternatives.join('|'), 'g'), anchors };
}

function compileOneLine(shapes: readonly SecretShape[]): HintedPass[] {
  const pass = (group: readonly SecretShape[], source: string, replace: Replacer): HintedPass => {
    const hintAt = Math.max(...group.map((shape) => shape.hintAt!));
    return {
      hint: new RegExp(group.map((shape) => shape.hint!.source).join('|'), 'g'),
      hintHere: new RegExp(group.map((shape) => shape.hint!.source).join('|'), 'y'),
      near: new RegExp(`([\\s\\S]{0,${hintAt}}?)(?:${source})`, 'my'),
      replace,
      hintAt,
    };
  };
  const passes = shapes.filter((shape) => shape.ownPass).map((shape) =>
    pass([shape], shape.pattern.source, keepAndMark(0, groupCount(shape.pattern.source), markerOf(shape.id))));
  const together = shapes.filter((shape) => !shape.ownPass);
  if (together.length > 0) {
    // Each rule in a group of its own: the first group that took part says which rule matched; its own groups follow.
    const rules: { at: number; groups: number; marker: string }[] = [];
    let at = 0;
    for (const shape of together) {
      const groups = groupCount(shape.pattern.source);
      rules.push({ at, groups, marker: markerOf(shape.id) });
      at += 1 + groups;
    }
    const replace: Replacer = (match, ...args) => {
      for (const rule of rules) {
        if (typeof args[rule.at] === 'string') return keepAndMark(rule.at + 1, rule.groups, rule.marker)(match, ...args);
      }
      return match;
    };
    passes.push(pass(together, together.map((shape) => `(${shape.pattern.source})`).join('|'), replace));
  }
  return passes;
}

type AnchoredRule = CompiledShapes['anchored'][number];

/** A character that is neither base64 nor a blank (nor a line end): a line with one may end a window (windowCut). */
const NOT_BASE64_OR_BLANK = /[^A-Za-z0-9+/= \t\r\n]/g;

/**
 * Where the window that starts at `start` ends: after the first line that windowCut accepts, from the one holding the
 * window's last character (`start + size - 1`) on; at the text's end if none does. The regex skips the lines of
 * base64 and hex listings natively (a walk back through them in JS, character by character, cost 0.7 ms a MB of
 * bench/redact's stream).
 */
export function windowEnd(text: string, start: number, size: number): number {
  if (start + size >= text.length) return text.length;
  NOT_BASE64_OR_BLANK.lastIndex = start + size - 1;
  for (let m = NOT_BASE64_OR_BLANK.exec(text); m !== null; m = NOT_BASE64_OR_BLANK.exec(text)) {
    const newline = text.indexOf('\n', m.index);
    if (newline === -1) break;
    if (windowCut(text, startOfLine(text, newline), newline)) return newline + 1;
    NOT_BASE64_OR_BLANK.lastIndex = newline + 1;
  }
  return text.length;
}

/** windowEnd over lines to be joined with newlines: the index after the window's last line. */
function linesWindowEnd(lines: readonly string[], first: number, size: number): number {
  let at = first;
  for (let length = lines[at]!.length + 1; length < size && at + 1 < lines.length; ) length += lines[++at]!.length + 1;
  for (; at < lines.length - 1; at++) if (mayCutAfterLine(lines[at]!)) return at + 1;
  return lines.length;
}

/** windowCut for one of the lines: its last line, should it hold newlines itself. */
function mayCutAfterLine(line: string): boolean {
  return windowCut(line, line.lastIndexOf('\n') + 1, line.length);
}

/** Where the line ending at `newline` starts (lastIndexOf reads a negative position as 0: the first line's own). */
function startOfLine(text: string, newline: number): number {
  return newline === 0 ? 0 : text.lastIndexOf('\n', newline - 1) + 1;
}

/**
 * Whether the text may be cut after the line from `start` to `end` (its newline), each side redacted alone, with the
 * same result as the whole. Every stage but two finds its matches within one line (the literal secrets too: a secret
 * holding a newline turns the windows off), and a line end is a line end to them on either side of a cut (`\b`, `^`,
 * `$`, the bot token's digits counted back). The two:
 * - The key-body rule: its matches are runs of lines of base64 characters and blanks (and a \r), and it looks back
 *   from its first line, and ahead from its last, over lines of base64 characters to a BEGIN line, an END line. The
 *   line before a cut must hold a character of neither kind: then no match holds it, and no look-around goes through
 *   it (nor notWithin's tracking: after such a line it is reset on either side); and it must not end with a BEGIN
 *   line (BEGIN_LINE), which the look back would stop at (an END line may end a window: a certificate bundle is
 *   made of nothing else). The stages before may have changed that line (a secret, a key block replaced by a
 *   marker): what they put in holds a `[` and ends with a `]`, and the line's end is still its end.
 * - The key-block rules (anchored): a block runs from BEGIN to its END or the text's end, and the rest of a block
 *   runs from the text's start; the line ends give no hold. A block that spans a cut shows in the window before it as
 *   a match that reaches the window's end, and a rest in the window after it as a match from the window's start:
 *   replaceAnchored says so, and the text is redacted whole (a key block printed right across a cut; rare).
 */
function windowCut(text: string, start: number, end: number): boolean {
  let outside = false;
  for (let at = start; at < end && !outside; at++) outside = !isBase64OrBlank(text.charCodeAt(at));
  if (!outside) return false;
  const last = text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
  return !(last - start >= 5 && text.startsWith('-----', last - 5) && BEGIN_LINE.test(text.slice(start, end)));
}

/** A line the key-body rule's look back stops at (its pattern's and notWithin's BEGIN line). */
const BEGIN_LINE = /-----BEGIN [A-Z0-9 ]+-----\r?$/;

/** A character of a base64 line of a key block, or around one: A-Z a-z 0-9 + / =, blanks, a \r. */
function isBase64OrBlank(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)
    || code === 0x2b || code === 0x2f || code === 0x3d || code === 0x20 || code === 0x09 || code === 0x0d;
}

/**
 * An anchored rule over a window; null when one of its matches starts at a cut before the window or ends at a cut
 * after it: the match could be another over the whole text (a block whose END is past the cut, the rest of a block
 * from the text's start). When none does, the matches are the whole text's: each block lies within a window.
 */
function replaceAnchored(text: string, rule: AnchoredRule, cutBefore: boolean, cutAfter: boolean): string | null {
  if (!cutBefore && !cutAfter) return text.replace(rule.pattern, rule.replace);
  let touches = false;
  const out = text.replace(rule.pattern, (match: string, ...args: unknown[]) => {
    // The arguments after the groups: the offset, then the whole text (the patterns have no named groups).
    const offset = args[args.length - 2] as number;
    if ((cutBefore && offset === 0) || (cutAfter && offset + match.length === text.length)) touches = true;
    return rule.replace(match, ...args);
  });
  return touches ? null : out;
}

/**
 * BOT_TOKEN_SHAPE's matches, tried only where the scan saw a separator with 30 token characters after it: the same
 * as the global regex. A match is its separator's run of digits (3 to 20, none before: the look back), the separator
 * and the token characters after it; no match holds a separator but its own, and none starts inside the one before.
 */
function replaceBotTokens(text: string, hints: HintScan): string {
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
 * A rule tried only at the line starts its probe accepts (sticky, so the regex runs nowhere else): the key-body rule,
 * whose ^ with the m flag made the regex engine stop at every character of the text. The lines are found with
 * indexOf (native, 3 GB/s here; a regex looking for a newline followed by the probe ran at 530 MB/s), and the probe
 * runs only on lines that may hold a body line (SecretShape.lineBody): as long as the shortest body at least, then
 * mayHoldBody. (Reading one character in 64 instead, as every run of 64 body characters holds one, cost more: letters
 * and digits are three quarters of ordinary output, and the runs around them had to be read: 2.0-2.2 ms a MB against
 * 1.2-1.3 for this walk, bench/redact's stream in 128 KB reads.)
 */
function replaceAtLineStarts(text: string, { body, probe, pattern, replace }: LineStartRule): string {
  const { notWithin, shortest } = body;
  const parts: string[] = [];
  let done = 0;
  let marker = notWithin === null ? -1 : text.indexOf(notWithin.marker);
  let sinceMarked = -1; // lines since a `notWithin.line`, all `notWithin.body` lines since; -1: none such
  for (let start = 0; ;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const blocked = notWithin !== null && sinceMarked >= 0 && sinceMarked <= notWithin.lines;
    if (!blocked && start >= done && end - start >= shortest && mayHoldBody(text, start, end, body)) {
      probe.lastIndex = start;
      pattern.lastIndex = start;
      const m = probe.test(text) ? pattern.exec(text) : null;
      if (m !== null) {
        parts.push(text.slice(done, start), replace(m[0], ...m.slice(1)));
        done = start + m[0].length;
      }
    }
    if (notWithin !== null) {
      if (marker !== -1 && marker < end) {
        if (notWithin.line.test(text.slice(start, end))) sinceMarked = 0;
        else if (sinceMarked >= 0) sinceMarked = -1; // not a body line either: it holds the marker
        marker = text.indexOf(notWithin.marker, end);
      } else if (sinceMarked >= 0) sinceMarked = notWithin.body.test(text.slice(start, end)) ? sinceMarked + 1 : -1;
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(done));
  return parts.join('');
}

/** Whether the line from start to end starts with: blanks, `length` body characters, blanks, the line's end. */
function mayHoldBody(text: string, start: number, end: number, { lengths, chars }: LineBody): boolean {
  let from = start;
  while (from < end && isBlank(text.charCodeAt(from))) from++;
  for (const length of lengths) {
    const after = from + length;
    let rest = after;
    while (rest < end && isBlank(text.charCodeAt(rest))) rest++;
    if (rest > end || (rest < end && !isLineBreak(text.charCodeAt(rest)))) continue;
    let at = from;
    while (at < after && (chars[text.charCodeAt(at)] ?? 0) === 1) at++;
    if (at === after) return true;
  }
  return false;
}

const isBlank = (code: number): boolean => code === 0x20 || code === 0x09;
/** What ends a line for ^ and $ with the m flag, besides the newline. */
const isLineBreak = (code: number): boolean => code === 0x0d || code === 0x2028 || code === 0x2029;

/**
 * The one-line passes, in order, on the lines where the scan stopped, and nowhere else: the same result as each pass
 * over the whole text (no match crosses a line end, and a line without a pass's hint holds no match of it). A pass
 * tries its rules only at the scan's places where its own hint matches (nearHints), on the text as it came, until a
 * pass changes the line: the passes after it look for their hints again in the changed line (replaceNearHints). The
 * text is built once, at the end: every new string of more than 128 kB (64 K characters of two bytes) is a large
 * object to V8, and building one cost 13-16 ms a MB against 0.15 below that size (a 128 KB read: ~1.7 ms a build).
 */
function replaceOnHintedLines(text: string, passes: readonly HintedPass[], hints: HintScan): string {
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
 * A pass of one-line rules over a line of the text, tried only at the places from `first` to `last` where its own
 * hint matches: the same matches as the rules' regex run over the line (String.replace with the g flag), so a long
 * line (minified code: 180 kB in one) is not read whole by them. Why it is the same: every match holds a hint
 * starting at most `hintAt` characters after its start, so from `from` on, no match starts before the first hint
 * found minus `hintAt`; the sticky regex tries every start from there up to the hint (and a little beyond), leftmost
 * first; if none matches there, none starts before the hint's next character either. The line as changed, or null.
 */
function nearHints(text: string, lineStart: number, lineEnd: number, pass: HintedPass, positions: Int32Array, first: number, last: number): string | null {
  const { hintHere, near, replace, hintAt } = pass;
  const parts: string[] = [];
  let done = lineStart;
  let from = lineStart;
  for (let i = first; i < last; i++) {
    const at = positions[i]!;
    if (at < from) continue;
    hintHere.lastIndex = at;
    if (!hintHere.test(text)) continue;
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

/** nearHints on a line of its own, its hints found by the pass's own scan (the line was changed by a pass before). */
function replaceNearHints(line: string, { hint, near, replace, hintAt }: HintedPass): string {
  const parts: string[] = [];
  let done = 0;
  let from = 0;
  for (;;) {
    hint.lastIndex = from;
    const found = hint.exec(line);
    if (found === null) break;
    near.lastIndex = Math.max(from, found.index - hintAt);
    const m = near.exec(line);
    if (m === null) {
      from = found.index + 1;
      continue;
    }
    const skipped = m[1]!.length;
    const start = m.index + skipped;
    const match = m[0].slice(skipped);
    parts.push(line.slice(done, start), replace(match, ...m.slice(2)));
    done = start + match.length;
    from = done;
  }
  if (parts.length === 0) return line;
  parts.push(line.slice(done));
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

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
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
