// The rules tried at the starts of the lines that may hold their body (the key-body rule: the base64 lines of a key
// block whose BEGIN line is not in the text).

import type { LineBody, LineStartRule } from './redact-rules.js';

/**
 * A rule tried only at the line starts its probe accepts (sticky, so the regex runs nowhere else): the key-body rule,
 * whose ^ with the m flag made the regex engine stop at every character of the text. The lines are found with
 * indexOf (native, 3 GB/s here; a regex looking for a newline followed by the probe ran at 530 MB/s), and the probe
 * runs only on lines that may hold a body line (SecretShape.lineBody): as long as the shortest body at least, then
 * mayHoldBody. (Reading one character in 64 instead, as every run of 64 body characters holds one, cost more: letters
 * and digits are three quarters of ordinary output, and the runs around them had to be read: 2.0-2.2 ms a MB against
 * 1.2-1.3 for this walk, bench/redact's stream in 128 KB reads.)
 */
export function replaceAtLineStarts(text: string, { body, probe, pattern, replace }: LineStartRule): string {
  const { notWithin, notBefore, shortest } = body;
  const parts: string[] = [];
  let done = 0;
  let ahead = 0; // no match starts before this (notBefore): the start of the line with the marker
  let marker = notWithin === null ? -1 : text.indexOf(notWithin.marker);
  let sinceMarked = -1; // lines since a `notWithin.line`, all `notWithin.body` lines since; -1: none such
  for (let start = 0; ;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const blocked = notWithin !== null && sinceMarked >= 0 && sinceMarked <= notWithin.lines;
    const candidate = !blocked && start >= done && start >= ahead && end - start >= shortest && mayHoldBody(text, start, end, body);
    if (candidate && notBefore !== null) ahead = markedLineAhead(text, end, notBefore);
    if (candidate && start >= ahead) {
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

/**
 * Where the line starting with notBefore's marker starts, when it comes after the line ending at `end` with at most
 * `lines` lines between, each matching its body; 0 when none does. A match of the rule starting at that line (or at
 * any line up to the marked one) ends a line on at least, and its look ahead then sees the marked line.
 */
function markedLineAhead(text: string, end: number, { marker, body, lines }: NonNullable<LineBody['notBefore']>): number {
  let start = end + 1;
  for (let between = 0; start <= text.length && between <= lines; between++) {
    if (text.startsWith(marker, start)) return start;
    const newline = text.indexOf('\n', start);
    if (newline === -1 || !body.test(text.slice(start, newline))) return 0;
    start = newline + 1;
  }
  return 0;
}

/**
 * Whether a line of lines[first..end) (a line of them may hold newlines itself) may hold a body line of the rule: when
 * none does, replaceAtLineStarts changes nothing in their join. Their lengths are known, so most lines cost a compare
 * where the walk costs an indexOf and its loop (bench/redact's reads as lines: 0.9-1.2 ms a MB for the walk).
 */
export function linesMayHoldBody(lines: readonly string[], first: number, end: number, { body }: LineStartRule): boolean {
  for (let i = first; i < end; i++) {
    const line = lines[i]!;
    if (line.length < body.shortest) continue;
    for (let start = 0; ;) {
      const newline = line.indexOf('\n', start);
      const lineEnd = newline === -1 ? line.length : newline;
      if (lineEnd - start >= body.shortest && mayHoldBody(line, start, lineEnd, body)) return true;
      if (newline === -1) break;
      start = newline + 1;
    }
  }
  return false;
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
