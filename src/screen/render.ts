// A screen snapshot drawn as a PNG with Unifont's bitmap glyphs: backgrounds first, then each cell's glyph in its
// colours, bold as a second stroke one pixel to the right (how terminals embolden bitmap fonts), italic as the top
// half shifted one pixel right, underline as the cell's last pixel row.
import { cellColors, DEFAULT_BG, type ScreenCell, type ScreenImage, type ScreenSnapshot } from '../core/screen.js';
import { encodeIndexedPng } from './png.js';
import { GLYPH_HEIGHT, type GlyphSource } from './unifont.js';

/** Unifont's narrow cell: 8x16 pixels; wide characters take two. */
export const CELL_WIDTH = 8;
export const CELL_HEIGHT = GLYPH_HEIGHT;

/**
 * Pixels per font pixel. Telegram shows a photo at most 1280 px on its long side; a phone shows that across its width.
 * Unifont is drawn at whole multiples only (a bitmap font scaled by 1.5 smears). 80x24 gets 2x: 1280x768, text as
 * large as on a desktop terminal held at arm's length. From 81 to 160 columns 1x: 648-1280 px, 8x16 glyphs, which
 * a phone shows at about 5-9 px per glyph width and a pinch enlarges sharply. Past 160 columns (or 80 rows) the image
 * is wider than Telegram keeps a photo, and goes as a document at full size (core/screen.ts, imageDeliveryOf).
 */
export function scaleFor(cols: number, rows: number): number {
  const fit = Math.min(1280 / (cols * CELL_WIDTH), 1280 / (rows * CELL_HEIGHT));
  return Math.max(1, Math.min(2, Math.floor(fit)));
}

export function renderScreen(screen: ScreenSnapshot, font: GlyphSource, options: { scale?: number; level?: number } = {}): ScreenImage {
  const { width, height, pixels, palette } = drawScreen(screen, font, options.scale);
  return { png: encodeIndexedPng(width, height, pixels, palette, options.level), width, height };
}

/**
 * The screen's pixels as indices into a palette of 0xRRGGBB colours: drawing without the encoding (bench/screen.js
 * times both). Indices, not RGB: a screen has few colours, so the PNG is usually palette-based, a third of the bytes
 * for deflate (which is most of the cost); 16 bits hold every colour a screen can have (two per cell).
 */
export function drawScreen(
  screen: ScreenSnapshot,
  font: GlyphSource,
  scaleOverride?: number,
): { width: number; height: number; pixels: Uint16Array; palette: number[] } {
  const rowCount = Math.max(1, screen.rows.length);
  const cols = Math.max(1, screen.cols);
  const scale = scaleOverride ?? scaleFor(cols, rowCount);
  const width = cols * CELL_WIDTH * scale;
  const height = rowCount * CELL_HEIGHT * scale;
  const canvas = new Canvas(width, height);
  canvas.fill(0, 0, width, height, canvas.color(DEFAULT_BG));
  screen.rows.forEach((row, y) => {
    row.cells.forEach((cell, x) => {
      if (cell.width === 0 || x >= cols) return;
      const { bg } = cellColors(cell);
      const cells = Math.min(cell.width, cols - x);
      if (bg !== DEFAULT_BG) canvas.fill(x * CELL_WIDTH * scale, y * CELL_HEIGHT * scale, cells * CELL_WIDTH * scale, CELL_HEIGHT * scale, canvas.color(bg));
    });
  });
  screen.rows.forEach((row, y) => {
    row.cells.forEach((cell, x) => {
      if (cell.width === 0 || x >= cols) return;
      drawCell(canvas, font, cell, x * CELL_WIDTH * scale, y * CELL_HEIGHT * scale, scale);
    });
  });
  return { width, height, pixels: canvas.pixels, palette: canvas.palette };
}

function drawCell(canvas: Canvas, font: GlyphSource, cell: ScreenCell, left: number, top: number, scale: number): void {
  const codePoint = cell.text.codePointAt(0);
  const ink = codePoint !== undefined && codePoint !== 0x20;
  if (!ink && !cell.underline) return;
  const fg = canvas.color(cellColors(cell).fg);
  const cellWidth = Math.max(1, cell.width) * CELL_WIDTH;
  if (cell.underline) canvas.fill(left, top + (CELL_HEIGHT - 1) * scale, cellWidth * scale, scale, fg);
  if (!ink) return;
  const glyph = font.glyph(codePoint);
  const strokes = cell.bold ? 2 : 1;
  const { pixels, width } = canvas;
  // Plain loops over the pixels, not a fill() call per font pixel: ~10,000 cells of ~40 ink pixels each (measured
  // in bench/screen.js: this loop was most of the drawing time).
  for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
    const slant = cell.italic && gy < GLYPH_HEIGHT / 2 ? 1 : 0;
    const bits = gy * glyph.width;
    for (let gx = 0; gx < glyph.width; gx++) {
      if (glyph.bits[bits + gx] === 0) continue;
      for (let stroke = 0; stroke < strokes; stroke++) {
        // A glyph wider than its cell (an emoji the terminal counts as one column) may reach into the next cell,
        // as in a terminal, but never past the image.
        const x0 = left + (gx + slant + stroke) * scale;
        if (x0 + scale > width) continue;
        for (let dy = 0; dy < scale; dy++) pixels.fill(fg, (top + gy * scale + dy) * width + x0, (top + gy * scale + dy) * width + x0 + scale);
      }
    }
  }
}

/** Pixels as palette indices; a colour gets its index on first use. */
class Canvas {
  readonly pixels: Uint16Array;
  readonly palette: number[] = [];
  readonly #indexOf = new Map<number, number>();

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint16Array(width * height);
  }

  color(rgb: number): number {
    let index = this.#indexOf.get(rgb);
    if (index === undefined) {
      index = this.palette.length;
      this.palette.push(rgb);
      this.#indexOf.set(rgb, index);
    }
    return index;
  }

  fill(x: number, y: number, w: number, h: number, index: number): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + w);
    const y1 = Math.min(this.height, y + h);
    for (let row = Math.max(0, y); row < y1; row++) this.pixels.fill(index, row * this.width + x0, row * this.width + x1);
  }
}
