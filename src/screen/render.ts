// A screen snapshot drawn as a PNG with Unifont's bitmap glyphs: backgrounds first, then each cell's glyph in its
// colours, bold as a second stroke one pixel to the right (how terminals embolden bitmap fonts), italic as the top
// half shifted one pixel right, underline as the cell's last pixel row.
import { cellColors, DEFAULT_BG, type ScreenCell, type ScreenImage, type ScreenSnapshot } from '../core/screen.js';
import { encodePng } from './png.js';
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
  const rowCount = Math.max(1, screen.rows.length);
  const cols = Math.max(1, screen.cols);
  const scale = options.scale ?? scaleFor(cols, rowCount);
  const width = cols * CELL_WIDTH * scale;
  const height = rowCount * CELL_HEIGHT * scale;
  const canvas = new Canvas(width, height);
  canvas.fill(0, 0, width, height, DEFAULT_BG);
  screen.rows.forEach((row, y) => {
    row.cells.forEach((cell, x) => {
      if (cell.width === 0 || x >= cols) return;
      const { bg } = cellColors(cell);
      const cells = Math.min(cell.width, cols - x);
      if (bg !== DEFAULT_BG) canvas.fill(x * CELL_WIDTH * scale, y * CELL_HEIGHT * scale, cells * CELL_WIDTH * scale, CELL_HEIGHT * scale, bg);
    });
  });
  screen.rows.forEach((row, y) => {
    row.cells.forEach((cell, x) => {
      if (cell.width === 0 || x >= cols) return;
      drawCell(canvas, font, cell, x * CELL_WIDTH * scale, y * CELL_HEIGHT * scale, scale);
    });
  });
  return { png: encodePng(width, height, canvas.rgb, options.level), width, height };
}

function drawCell(canvas: Canvas, font: GlyphSource, cell: ScreenCell, left: number, top: number, scale: number): void {
  const { fg } = cellColors(cell);
  const cellWidth = Math.max(1, cell.width) * CELL_WIDTH;
  if (cell.underline) canvas.fill(left, top + (CELL_HEIGHT - 1) * scale, cellWidth * scale, scale, fg);
  const codePoint = cell.text.codePointAt(0);
  if (codePoint === undefined || codePoint === 0x20) return;
  const glyph = font.glyph(codePoint);
  const strokes = cell.bold ? 2 : 1;
  for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
    const slant = cell.italic && gy < GLYPH_HEIGHT / 2 ? 1 : 0;
    for (let gx = 0; gx < glyph.width; gx++) {
      if (glyph.bits[gy * glyph.width + gx] === 0) continue;
      for (let stroke = 0; stroke < strokes; stroke++) {
        const px = gx + slant + stroke;
        // A glyph wider than its cell (an emoji the terminal counts as one column) may reach into the next cell,
        // as in a terminal, but never past the image.
        canvas.fill(left + px * scale, top + gy * scale, scale, scale, fg);
      }
    }
  }
}

class Canvas {
  readonly rgb: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Uint8Array(width * height * 3);
  }

  fill(x: number, y: number, w: number, h: number, color: number): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + w);
    const y1 = Math.min(this.height, y + h);
    if (x1 <= x0) return;
    const r = (color >> 16) & 0xff;
    const g = (color >> 8) & 0xff;
    const b = color & 0xff;
    const rgb = this.rgb;
    for (let row = Math.max(0, y); row < y1; row++) {
      let at = (row * this.width + x0) * 3;
      for (let col = x0; col < x1; col++) {
        rgb[at++] = r;
        rgb[at++] = g;
        rgb[at++] = b;
      }
    }
  }
}
