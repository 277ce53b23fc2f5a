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
 * still has its shape). Where the redacted line differs, the cells from the first to the last changed character
 * are overwritten, in place, with the redacted text (cut or padded with blanks to the same number of cells): the
 * layout of a full-screen program stays where it was, and no cell of a secret survives.
 */
export function redactScreen(screen: ScreenSnapshot, redact: (text: string) => string): ScreenSnapshot {
  // Copy on write: only the rows of a line that changed are copied (measured on a busy 200x50 screen: copying
  // every cell cost ~10 ms a /screen, the redactor itself well under 1 ms).
  const rows = [...screen.rows];
  for (let start = 0; start < rows.length; ) {
    let end = start + 1;
    while (end < rows.length && rows[end]!.wrapped) end++;
    const line = rows.slice(start, end);
    const redacted = redactLine(line, redact);
    if (redacted !== null) rows.splice(start, end - start, ...redacted);
    start = end;
  }
  return { ...screen, rows };
}

/** The rows of one logical line with the redacted text in their cells, or null when redaction changed nothing. */
function redactLine(line: readonly ScreenRow[], redact: (text: string) => string): ScreenRow[] | null {
  const cells = line.flatMap((row) => row.cells);
  // Characters of the line and the cell each starts at; wide characters once, their right half is no character.
  const chars: string[] = [];
  const at: number[] = [];
  cells.forEach((cell, i) => {
    if (cell.width === 0) return;
    chars.push(cell.text === '' ? ' ' : cell.text);
    at.push(i);
  });
  const before = chars.join('');
  const after = redact(before);
  if (after === before) return null;
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
