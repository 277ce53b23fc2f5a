// Secrets must never reach a log line, an error message or Telegram. The daemon builds one Redactor from the settings
// (daemon/compose.ts) and every way out of the process goes through it: the Bot API (messages, cards, alerts,
// captions, documents), the daemon and audit logs, error messages, IPC answers to the CLI.
//
// Two layers. Always on: the literal secrets (.env values, the bot token, also URL-encoded as they appear in request
// URLs) and anything shaped like a bot token. Unless POCKET_REDACT=off: the secret shapes of secret-shapes.ts.

import { compile, type CompiledShapes, escapeRegExp, REDACTED } from './redact-rules.js';
import { linesMayHoldBody, replaceAtLineStarts } from './redact-line-starts.js';
import { BOT_TOKEN_SHAPE, HintScan, replaceBotTokens, replaceOnHintedLines } from './redact-scan.js';
import { linesWindowEnd, replaceAnchored, WINDOW_CHARS, windowEnd } from './redact-windows.js';
import { SECRET_SHAPES } from './secret-shapes.js';

export { REDACTED } from './redact-rules.js';
export { WINDOW_CHARS, windowEnd } from './redact-windows.js';

export interface RedactorOptions {
  /** The secret shapes (POCKET_REDACT); default on. The literal secrets and bot tokens are redacted regardless. */
  shapes?: boolean;
  /**
   * A text longer than this many characters is redacted in windows of about this size, cut at line ends where no
   * rule can see across (windowCut). Default WINDOW_CHARS; tests make it small to put cuts everywhere.
   */
  windowChars?: number;
}

/** The lines a window was joined from: lines[first..end). */
interface WindowLines {
  all: readonly string[];
  first: number;
  end: number;
}

export class Redactor {
  private readonly secrets: string[];
  private readonly shapesOn: boolean;
  private readonly shapes: CompiledShapes;
  private readonly hints: HintScan | null;
  /** The first scan of a window: the literal secrets, then the hints (`hints` when there are no secrets). */
  private readonly secretsAndHints: HintScan | null;
  /** Any of the literal secrets: with the shapes off (no hint scan), one scan says whether the per-secret passes have anything to do. */
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
    const { scan, anchors } = this.shapes;
    this.hints = scan === null ? null : new HintScan(scan, anchors);
    // Longest first, before every hint: where a secret starts, the scan's match is the longest secret there.
    this.secretsAndHints = scan === null || this.secrets.length === 0
      ? this.hints
      : new HintScan(new RegExp(`${this.anySecret!.source}|${scan.source}`, 'g'), anchors, new Set(this.secrets));
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
   * Every stage over one text (a window of a longer one: `cutBefore` and `cutAfter` say whether it was cut there;
   * `lines`, the lines it was joined from, with an empty one after them when it ends at a cut). Null when an anchored rule's match touches a cut.
   */
  private window(input: string, cutBefore: boolean, cutAfter: boolean, lines: WindowLines | null = null): string | null {
    let out = input;
    let hints = this.secretsAndHints;
    if (hints === null) {
      // One regex of all the secrets finds none in most text, where one includes() per secret costs a scan each
      // (6 scans: 754 MB/s; the one regex: 1164 MB/s). The passes keep their longest-first order when it finds one.
      if (this.anySecret?.test(out)) out = this.replaceSecrets(out);
      return out.replace(BOT_TOKEN_SHAPE, REDACTED);
    }
    // One scan of the text says whether it holds a literal secret and where every later stage has something to try. A
    // stage that changes the text makes the places stale: the next stage that needs them scans again (only text with
    // a secret in it pays that), without the secrets: they were replaced once, as they always were.
    hints.run(out);
    if (hints.secret) {
      out = this.replaceSecrets(out);
      hints = this.hints!;
      hints.run(out);
    }
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
    for (const rule of this.shapes.atLineStarts) {
      // Lines whose join is the window as it came, none of which may hold a body: the walk would change nothing.
      if (lines !== null && out === input && !linesMayHoldBody(lines.all, lines.first, lines.end, rule)) continue;
      out = changed(replaceAtLineStarts(out, rule));
    }
    if (!stale) return replaceOnHintedLines(out, this.shapes.passes, hints);
    this.hints!.run(out);
    return replaceOnHintedLines(out, this.shapes.passes, this.hints!);
  }

  /** Every literal secret in the text replaced, longest first (one that contains another is replaced whole). */
  private replaceSecrets(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
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
      // A window that ends at a cut ends with the newline after its last line, as in text(); but a line of a window's
      // size or more is its window as it is: adding the newline copied it, and the copy of a line of more than 64 K
      // characters is a large object (see WINDOW_CHARS): bench/redact's minified JavaScript, 1.6 ms a read for it.
      // Without the newline, a key block that ends at the line's end touches the cut (replaceAnchored) and the lines
      // are redacted whole: the same result, slower, for a block in a line of 32 K characters.
      const withNewline = cutAfter && end - first > 1;
      let window: string;
      if (end - first === 1) window = lines[first]!;
      else {
        const parts = lines.slice(first, end);
        if (withNewline) parts.push('');
        window = parts.join('\n');
      }
      const redacted = this.window(window, first > 0, cutAfter, { all: lines, first, end });
      if (redacted === null || (withNewline && !redacted.endsWith('\n'))) return null;
      if (redacted !== window) {
        out ??= lines.slice(0, first);
        const redactedLines = redacted.split('\n');
        if (withNewline) redactedLines.pop();
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
