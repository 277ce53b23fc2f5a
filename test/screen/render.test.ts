// The screen renderer: a headless terminal fed real escape sequences, its cells drawn with Unifont, the PNG decoded
// by an independent decoder (pngjs) and its pixels checked where the cells must be.
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { cellColors, DEFAULT_BG, DEFAULT_FG, PALETTE_256, type ScreenSnapshot } from '../../src/core/screen.js';
import { renderScreenPng } from '../../src/screen/index.js';
import { encodeIndexedPng, encodePng } from '../../src/screen/png.js';
import { CELL_HEIGHT, CELL_WIDTH, renderScreen, scaleFor } from '../../src/screen/render.js';
import { type Glyph, loadUnifont, parseUnifont } from '../../src/screen/unifont.js';
import { TerminalRenderer } from '../../src/terminal/terminal.js';

const terminals: TerminalRenderer[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.dispose();
});

function screenOf(cols: number, rows: number, bytes: string): ScreenSnapshot {
  const term = new TerminalRenderer({ cols, rows });
  terminals.push(term);
  term.write(bytes);
  return term.snapshot();
}

function decode(png: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(png));
}

/** The pixel at (x, y) as 0xRRGGBB. */
function pixel(image: PNG, x: number, y: number): number {
  const at = (y * image.width + x) * 4;
  return (image.data[at]! << 16) | (image.data[at + 1]! << 8) | image.data[at + 2]!;
}

/** Every colour inside one cell's box (scale s), as a set. */
function colorsInCell(image: PNG, col: number, row: number, scale: number, cells = 1): Set<number> {
  const out = new Set<number>();
  for (let y = row * CELL_HEIGHT * scale; y < (row + 1) * CELL_HEIGHT * scale; y++) {
    for (let x = col * CELL_WIDTH * scale; x < (col + cells) * CELL_WIDTH * scale; x++) out.add(pixel(image, x, y));
  }
  return out;
}

/** How many pixels of `color` one cell's box holds. */
function inkIn(image: PNG, col: number, row: number, scale: number, color: number, cells = 1): number {
  let n = 0;
  for (let y = row * CELL_HEIGHT * scale; y < (row + 1) * CELL_HEIGHT * scale; y++) {
    for (let x = col * CELL_WIDTH * scale; x < (col + cells) * CELL_WIDTH * scale; x++) if (pixel(image, x, y) === color) n++;
  }
  return n;
}

/** The glyph is drawn at the cell in the default colours, each font pixel a scale x scale block. */
function expectGlyph(image: PNG, col: number, row: number, scale: number, glyph: Glyph): void {
  const wrong: string[] = [];
  for (let gy = 0; gy < 16; gy++) {
    for (let gx = 0; gx < glyph.width; gx++) {
      const want = glyph.bits[gy * glyph.width + gx] === 1 ? DEFAULT_FG : DEFAULT_BG;
      const x = col * CELL_WIDTH * scale + gx * scale;
      const y = row * CELL_HEIGHT * scale + gy * scale;
      if (pixel(image, x, y) !== want || pixel(image, x + scale - 1, y + scale - 1) !== want) wrong.push(`${gx},${gy}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(glyph.bits.some((b) => b === 1)).toBe(true);
}

describe('screen -> PNG', () => {
  it('draws colours (16, 256, truecolor), bold, inverse, underline, CJK and emoji where their cells are', async () => {
    const screen = screenOf(80, 24, [
      '\x1b[31mR\x1b[0m',                       // (0,0) red on default
      '\x1b[1;31mB\x1b[0m',                     // (1,0) bold red: bright red, a wider stroke
      '\x1b[48;5;21m \x1b[0m',                  // (2,0) palette 21 background
      '\x1b[38;2;10;200;30;48;2;250;240;5mT\x1b[0m', // (3,0) truecolor on truecolor
      '\x1b[7mI\x1b[0m',                        // (4,0) inverse: default bg on default fg
      '\x1b[4mU\x1b[0m',                        // (5,0) underlined
      '\r\n中文 😀 end',                        // row 1: CJK (cols 0-1, 2-3), emoji (5-6)
    ].join(''));
    const image = await renderScreenPng(screen);
    const scale = scaleFor(80, 24);
    expect(scale).toBe(2);
    expect([image.width, image.height]).toEqual([80 * 8 * 2, 24 * 16 * 2]);
    const png = decode(image.png);
    expect([png.width, png.height]).toEqual([1280, 768]);

    expect(colorsInCell(png, 0, 0, scale)).toEqual(new Set([DEFAULT_BG, PALETTE_256[1]]));
    expect(colorsInCell(png, 1, 0, scale)).toEqual(new Set([DEFAULT_BG, PALETTE_256[9]]));
    expect(colorsInCell(png, 2, 0, scale)).toEqual(new Set([PALETTE_256[21]]));
    expect(colorsInCell(png, 3, 0, scale)).toEqual(new Set([0xfaf005, 0x0ac81e]));
    expect(colorsInCell(png, 4, 0, scale)).toEqual(new Set([DEFAULT_FG, DEFAULT_BG]));
    expect(pixel(png, 4 * 16, 0)).toBe(DEFAULT_FG); // inverse: the cell's ground is the foreground colour
    // Underline: the whole bottom pixel row of the cell is ink.
    for (let x = 5 * 16; x < 6 * 16; x++) expect(pixel(png, x, 16 * 2 - 1)).toBe(DEFAULT_FG);
    expect(pixel(png, 6 * 16, 16 * 2 - 1)).toBe(DEFAULT_BG);

    // 中 is one 16-pixel glyph over its two cells, pixel for pixel the font's; 😀 too (a monochrome Unifont glyph).
    const font = await loadUnifont();
    expect(screen.rows[1]!.cells.slice(0, 2).map((c) => c.width)).toEqual([2, 0]);
    expectGlyph(png, 0, 1, scale, font.glyph(0x4e2d));
    expectGlyph(png, 5, 1, scale, font.glyph(0x1f600));
    const missing = font.glyph(0x10fffd);
    for (const wide of [0x4e2d, 0x6587, 0x1f600]) {
      expect(font.glyph(wide).width).toBe(16);
      expect(Buffer.from(font.glyph(wide).bits).equals(Buffer.from(missing.bits))).toBe(false);
    }
  });

  it('bold has more ink than the same letter plain; a space has none', async () => {
    const screen = screenOf(20, 2, 'H\x1b[1mH\x1b[0m ');
    const scale = 1;
    const png = decode(renderScreen(screen, await loadUnifont(), { scale }).png);
    const plain = inkIn(png, 0, 0, scale, DEFAULT_FG);
    const bold = inkIn(png, 1, 0, scale, cellColors(screen.rows[0]!.cells[1]!).fg);
    expect(plain).toBeGreaterThan(10);
    expect(bold).toBeGreaterThan(plain);
    expect(colorsInCell(png, 2, 0, scale)).toEqual(new Set([DEFAULT_BG]));
  });

  it('reads Unifont glyphs exactly: the full block is every pixel, the box-drawing line one row', async () => {
    const font = await loadUnifont();
    const block = font.glyph(0x2588);
    expect(block.width).toBe(8);
    expect([...block.bits].every((b) => b === 1)).toBe(true);
    const line = font.glyph(0x2500);
    const inkRows = [...Array(16).keys()].filter((y) => line.bits.subarray(y * 8, y * 8 + 8).some((b) => b === 1));
    expect(inkRows).toEqual([7]); // Unifont U+2500: 00000000000000FF0000000000000000
    expect([...line.bits.subarray(7 * 8, 8 * 8)]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('a font file that is not Unifont\'s WOFF is refused with a reason (what the text fallback then says)', () => {
    expect(() => parseUnifont(Buffer.from('not a font at all, not even 44 bytes long......'))).toThrow('the font file is not a WOFF');
  });

  it('sizes for a phone: 2x up to 80 columns, 1x beyond; wide screens are as wide as their columns', () => {
    expect(scaleFor(80, 24)).toBe(2);
    expect(scaleFor(80, 50)).toBe(1);
    expect(scaleFor(120, 40)).toBe(1);
    expect(scaleFor(200, 50)).toBe(1);
  });

  it('encodes any RGB that pngjs decodes back byte for byte', () => {
    const rgb = new Uint8Array(5 * 3 * 3).map((_, i) => (i * 37) & 0xff);
    const png = decode(encodePng(5, 3, rgb));
    expect([png.width, png.height]).toEqual([5, 3]);
    for (let i = 0; i < 15; i++) expect([...png.data.subarray(i * 4, i * 4 + 3)]).toEqual([...rgb.subarray(i * 3, i * 3 + 3)]);
    expect(() => encodePng(5, 3, new Uint8Array(10))).toThrow(/10 bytes for 5x3/);
  });

  it('encodes palette pixels as a palette PNG up to 256 colours, as RGB beyond, both decoding to the same colours', () => {
    for (const colours of [3, 256, 300]) {
      const palette = Array.from({ length: colours }, (_, i) => (i * 0x010203 + 0x0a0000) & 0xffffff);
      const pixels = new Uint16Array(20 * 20).map((_, i) => i % colours);
      const bytes = Buffer.from(encodeIndexedPng(20, 20, pixels, palette));
      expect(bytes[25]).toBe(colours <= 256 ? 3 : 2); // IHDR colour type: palette, or RGB
      const png = decode(bytes);
      for (const i of [0, 1, 2, 255, 299, 399]) expect(pixel(png, i % 20, Math.floor(i / 20))).toBe(palette[pixels[i]!]);
    }
  });
});
