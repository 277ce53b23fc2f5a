// A terminal screen as plain data: what /screen shows, whoever drew it (a tmux pane's headless terminal, a mirrored
// Terminal.app tab fed into the same terminal). Pure: the terminal adapter reads the cells, the screen adapter draws
// them into a PNG, and what lies between (redaction, the text fallback, photo or document) is decided here.

/** A colour as the terminal holds it: the theme's default, one of the 256 palette entries, or 24-bit RGB. */
export type CellColor = { kind: 'default' } | { kind: 'palette'; index: number } | { kind: 'rgb'; rgb: number };

export interface ScreenCell {
  /** What the cell shows: one grapheme, '' for an empty cell and for the right half of a wide character. */
  text: string;
  /** Columns taken: 1, 2 for a wide character (CJK, most emoji), 0 for the right half of one. */
  width: 0 | 1 | 2;
  fg: CellColor;
  bg: CellColor;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  dim: boolean;
}

export interface ScreenRow {
  cells: ScreenCell[];
  /** This row continues the row above (the line was longer than the screen is wide). */
  wrapped: boolean;
}

/**
 * The visible rows. No cursor: full-screen programs (coding agents, editors) hide the terminal's and draw their own,
 * and xterm's public API does not say whether it is hidden, so a drawn cursor would often sit in the wrong place.
 */
export interface ScreenSnapshot {
  cols: number;
  rows: ScreenRow[];
}

/** What the screen adapter makes of a snapshot. */
export interface ScreenImage {
  png: Uint8Array;
  width: number;
  height: number;
}

/** The port the bot draws with: loaded on first use; a renderer that cannot load rejects with the reason. */
export type ScreenImageRenderer = (screen: ScreenSnapshot) => Promise<ScreenImage>;

export const DEFAULT_FG = 0xd0d0d0;
export const DEFAULT_BG = 0x1e1e1e;

/** xterm's 16 ANSI colours (its default theme), so an image looks like the terminal most people have seen. */
const ANSI16 = [
  0x2e3436, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
  0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
];

/** The standard 256-colour palette: 16 ANSI, a 6x6x6 cube (levels 0, 95, 135, ...), 24 greys from 8 to 238. */
export const PALETTE_256: readonly number[] = (() => {
  const out = [...ANSI16];
  const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
  for (let r = 0; r < 6; r++) for (let g = 0; g < 6; g++) for (let b = 0; b < 6; b++) out.push((level(r) << 16) | (level(g) << 8) | level(b));
  for (let i = 0; i < 24; i++) {
    const v = 8 + i * 10;
    out.push((v << 16) | (v << 8) | v);
  }
  return out;
})();

/**
 * The foreground and background a cell is drawn with, as 0xRRGGBB. Bold brightens the 8 basic colours (what xterm
 * and most terminals do), inverse swaps, dim halves the foreground's distance to the background.
 */
export function cellColors(cell: ScreenCell): { fg: number; bg: number } {
  let fg = resolve(cell.fg, DEFAULT_FG, cell.bold);
  let bg = resolve(cell.bg, DEFAULT_BG, false);
  if (cell.inverse) [fg, bg] = [bg, fg];
  if (cell.dim) fg = mix(fg, bg);
  return { fg, bg };
}

function resolve(color: CellColor, fallback: number, bold: boolean): number {
  if (color.kind === 'rgb') return color.rgb & 0xffffff;
  if (color.kind === 'palette') {
    const index = bold && color.index < 8 ? color.index + 8 : color.index;
    return PALETTE_256[index] ?? fallback;
  }
  return fallback;
}

function mix(a: number, b: number): number {
  const channel = (shift: number) => ((((a >> shift) & 0xff) + ((b >> shift) & 0xff)) >> 1) << shift;
  return channel(16) | channel(8) | channel(0);
}

/** A row's text as a person reads it (wide characters once), right-trimmed. */
export function rowText(row: ScreenRow): string {
  let text = '';
  for (const cell of row.cells) if (cell.width !== 0) text += cell.text === '' ? ' ' : cell.text;
  return text.trimEnd();
}

/** The screen as text, trailing blank rows dropped: the fallback when no image can be drawn. */
export function screenText(screen: ScreenSnapshot): string[] {
  const lines = screen.rows.map(rowText);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The screen with its text passed through `redact` first, so an image never shows what a text message would not.
 * Redaction works on logical lines (a wrapped row joined to the row above, so a token broken by the screen's edge
 * still has its shape), all of them together as one text, as a message's lines are: a key block printed on the
 * screen is seen whole, where each of its body lines alone is let through (secret-shapes.ts). Where a line's
 * redacted text differs, the cells from the first to the last changed character are overwritten, in place, with it
 * (cut or padded with blanks to the same number of cells); the lines of a block that became one marker get the
 * marker on the first and blanks on the others: the layout of a full-screen program stays where it was, and no cell
 * of a secret survives.
 */
export function redactScreen(screen: ScreenSnapshot, redact: (text: string) => string): ScreenSnapshot {
  // Copy on write: only the rows of a line that changed are copied (measured on a busy 200x50 screen: copying
  // every cell cost ~10 ms a /screen, the redactor itself well under 1 ms).
  const rows = [...screen.rows];
  const spans: Array<[number, number]> = [];
  for (let start = 0; start < rows.length; ) {
    let end = start + 1;
    while (end < rows.length && rows[end]!.wrapped) end++;
    spans.push([start, end]);
    start = end;
  }
  const before = spans.map(([start, end]) => lineChars(rows.slice(start, end)).chars.join(''));
  const whole = before.join('\n');
  const redactedWhole = redact(whole);
  if (redactedWhole === whole) return { ...screen, rows };
  const after = alignLines(before, redactedWhole.split('\n'));
  spans.forEach(([start, end], i) => {
    if (after[i] === before[i]) return;
    const redacted = redactLine(rows.slice(start, end), after[i]!);
    if (redacted !== null) rows.splice(start, end - start, ...redacted);
  });
  return { ...screen, rows };
}

/**
 * The redacted text of each line of `before`, given the redacted lines of their join. Lines left alone are matched
 * (longest common subsequence); between two matches, as many changed lines as before map one to one, and fewer (a
 * block redacted into one marker) go on the first line of the run, the rest becoming blank. A matched line is text a
 * message would show as well, so whatever the matching, no line the redactor changed is drawn as it was.
 */
function alignLines(before: readonly string[], after: readonly string[]): string[] {
  const n = before.length;
  const m = after.length;
  // common[i][j]: the longest common subsequence of before[i..] and after[j..]; a screen has tens of lines.
  const common = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: string[] = new Array<string>(n).fill('');
  let i = 0;
  let j = 0;
  let gapFrom = 0;
  let gapAfterFrom = 0;
  const closeGap = (beforeEnd: number, afterEnd: number): void => {
    const lines = beforeEnd - gapFrom;
    const replaced = after.slice(gapAfterFrom, afterEnd);
    if (lines === 0) return;
    if (replaced.length !== lines) out[gapFrom] = replaced.join(' ');
    else for (let k = 0; k < lines; k++) out[gapFrom + k] = replaced[k]!;
  };
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      closeGap(i, j);
      out[i] = before[i]!;
      i++;
      j++;
      gapFrom = i;
      gapAfterFrom = j;
    } else if (common[i + 1]![j]! >= common[i]![j + 1]!) i++;
    else j++;
  }
  closeGap(n, m);
  return out;
}

/** The characters of a line and the cell each starts at; wide characters once, their right half is no character. */
function lineChars(line: readonly ScreenRow[]): { cells: ScreenCell[]; chars: string[]; at: number[] } {
  const cells = line.flatMap((row) => row.cells);
  const chars: string[] = [];
  const at: number[] = [];
  cells.forEach((cell, i) => {
    if (cell.width === 0) return;
    chars.push(cell.text === '' ? ' ' : cell.text);
    at.push(i);
  });
  return { cells, chars, at };
}

/** The rows of one logical line with `after`, its redacted text, in their cells; null when nothing changed. */
function redactLine(line: readonly ScreenRow[], after: string): ScreenRow[] | null {
  const { cells, chars, at } = lineChars(line);
  const next = [...after];
  let prefix = 0;
  while (prefix < chars.length && prefix < next.length && chars[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < chars.length - prefix && suffix < next.length - prefix &&
    chars[chars.length - 1 - suffix] === next[next.length - 1 - suffix]
  ) suffix++;
  const firstCell = at[prefix] ?? cells.length;
  const endCell = suffix === 0 ? cells.length : at[chars.length - suffix]!;
  const replacement = next.slice(prefix, next.length - suffix);
  if (firstCell >= endCell) return null;
  const style = cells[firstCell]!;
  for (let i = firstCell, k = 0; i < endCell; i++, k++) {
    const text = replacement[k] ?? '';
    // One narrow character per cell: a wide one would spill over the next cell.
    cells[i] = { ...style, text: isWide(text) ? '?' : text, width: 1 };
  }
  const out: ScreenRow[] = [];
  let offset = 0;
  for (const row of line) {
    out.push({ wrapped: row.wrapped, cells: cells.slice(offset, offset + row.cells.length) });
    offset += row.cells.length;
  }
  return out;
}

/** The usual two-column blocks (Hangul, CJK, full-width forms, emoji); the redactor's marker itself is ASCII. */
const WIDE_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1f300, 0x1faff], [0x20000, 0x3fffd],
];

function isWide(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return WIDE_BLOCKS.some(([from, to]) => code >= from && code <= to);
}

/** Telegram keeps a photo at most 1280 px on its long side (the largest PhotoSize a bot gets back) and as a JPEG. */
export const PHOTO_MAX_SIDE = 1280;
/** Telegram refuses a photo whose sides differ more than this (sendPhoto: "ratio of width and height at most 20"). */
export const PHOTO_MAX_RATIO = 20;

/**
 * How an image goes: as a photo when Telegram shows it at the size it was drawn, as a document (the PNG byte for
 * byte) when Telegram would scale it down: a pixel font scaled by 0.8 and then JPEG-compressed is a blur.
 */
export function imageDeliveryOf(image: Pick<ScreenImage, 'width' | 'height'>): 'photo' | 'document' {
  const long = Math.max(image.width, image.height);
  const short = Math.max(1, Math.min(image.width, image.height));
  return long <= PHOTO_MAX_SIDE && long / short <= PHOTO_MAX_RATIO ? 'photo' : 'document';
}
