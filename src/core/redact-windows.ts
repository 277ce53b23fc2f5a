// Long texts are redacted in windows, cut at line ends where no rule can see across: where a cut may be (windowCut),
// where a window ends (windowEnd, over text or lines), and the one rule that can still span a cut (replaceAnchored).

import type { AnchoredRule } from './redact-rules.js';

/**
 * Texts are redacted in windows of about 32 K characters: every new string of more than 128 kB (64 K characters of
 * two bytes: any character above U+00FF makes the whole string two bytes a character) is a large object to V8, in
 * memory of its own: building one of 262 kB cost 1.6 ms here, 66 page faults (one per 4 kB page), where one of
 * 120 kB cost 0.12 ms. A 128 KB pane read holding one secret paid that for each stage that changed it (literal
 * secret, key block, one-line passes): 54 ms a MB against 5.5 for a read without one (bench/redact,
 * docs/performance.md). In windows, only the result is built at that size, once; lines() builds none.
 */
export const WINDOW_CHARS = 32 * 1024;

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
export function linesWindowEnd(lines: readonly string[], first: number, size: number): number {
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
export function replaceAnchored(text: string, rule: AnchoredRule, cutBefore: boolean, cutAfter: boolean): string | null {
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
