// A unified diff (the `diff -u` / `git diff` format) of two versions of one text file, for the diff preview of an
// approval and the diff document of a finished turn. Lines are matched by a longest common subsequence after the
// common head and tail are cut off, which keeps the usual edit (a few lines changed in a big file) cheap; when the
// changed middle is still too big for the table (MAX_CELLS, 4 M cells ≈ 16 MB), the middle is shown as removed then
// added: a correct diff, only a longer one.

const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

// A last line without a newline ends with this mark, so that it differs from the same line with one (as in diff -u).
const NO_NEWLINE = '\u0000';

function linesOf(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else lines.push(`${lines.pop()}${NO_NEWLINE}`);
  return lines;
}

interface Op {
  kind: ' ' | '-' | '+';
  /** Index of the line in the old text (for ' ' and '-') or the new text (for '+'). */
  oldIndex: number;
  newIndex: number;
}

function middleOps(a: string[], b: string[], start: number, endA: number, endB: number): Op[] {
  const n = endA - start;
  const m = endB - start;
  const ops: Op[] = [];
  if (n * m > MAX_CELLS) {
    for (let i = 0; i < n; i++) ops.push({ kind: '-', oldIndex: start + i, newIndex: start });
    for (let j = 0; j < m; j++) ops.push({ kind: '+', oldIndex: endA, newIndex: start + j });
    return ops;
  }
  // lcs[i][j]: length of the longest common subsequence of a[start+i..endA) and b[start+j..endB).
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[start + i] === b[start + j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      ops.push({ kind: ' ', oldIndex: start + i++, newIndex: start + j++ });
    } else if (i < n && (j === m || ((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))) {
      // Removals before additions, as diff -u prints a changed line.
      ops.push({ kind: '-', oldIndex: start + i++, newIndex: start + j });
    } else {
      ops.push({ kind: '+', oldIndex: start + i, newIndex: start + j++ });
    }
  }
  return ops;
}

function diffOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: ' ', oldIndex: k, newIndex: k });
  ops.push(...middleOps(a, b, head, a.length - tail, b.length - tail));
  for (let k = tail; k > 0; k--) ops.push({ kind: ' ', oldIndex: a.length - k, newIndex: b.length - k });
  return ops;
}

/**
 * The unified diff turning `before` into `after` (null: the file does not exist), with `path` in its headers;
 * '' when they are the same.
 */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  if (before === after) return '';
  const a = linesOf(before);
  const b = linesOf(after);
  const ops = diffOps(a, b);
  const out = [`--- ${before === null ? '/dev/null' : `a/${path}`}`, `+++ ${after === null ? '/dev/null' : `b/${path}`}`];
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  let at = 0;
  while (at < changed.length) {
    // A hunk: changes closer than 2 * CONTEXT lines share one.
    const first = changed[at] as number;
    let last = first;
    while (at + 1 < changed.length && (changed[at + 1] as number) - last <= 2 * CONTEXT) last = changed[++at] as number;
    at++;
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    const hunk = ops.slice(from, to + 1);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    const firstOp = hunk[0] as Op;
    const oldStart = oldCount === 0 ? firstOp.oldIndex : firstOp.oldIndex + 1;
    const newStart = newCount === 0 ? firstOp.newIndex : firstOp.newIndex + 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of hunk) {
      const line = (op.kind === '+' ? b[op.newIndex] : a[op.oldIndex]) as string;
      if (line.endsWith(NO_NEWLINE)) out.push(`${op.kind}${line.slice(0, -1)}`, '\\ No newline at end of file');
      else out.push(`${op.kind}${line}`);
    }
  }
  return `${out.join('\n')}\n`;
}
