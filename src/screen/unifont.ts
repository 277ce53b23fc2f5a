// Glyphs of GNU Unifont (as UnifontEX, from the npm package @fontsource/unifontex, OFL-1.1) as 16-pixel-high bitmaps.
// Unifont is a bitmap font: every BMP character, plus CJK and monochrome emoji of the upper planes, drawn on an 8x16
// (16x16 for wide characters) pixel grid. The package ships it as a WOFF whose TrueType outlines trace those pixels
// (1024 units per em, one pixel = 64 units, ascent 896 = 14 pixels above the baseline, descent 2 pixels), so reading
// the outlines back at one sample per pixel gives the original bitmap exactly: no rasterizer, no native code.
// Only what that needs is read: the WOFF table directory (zlib per table), head, hhea, hmtx, maxp, cmap format 12,
// loca, and simple glyf outlines.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';

export const GLYPH_HEIGHT = 16;
const UNITS_PER_PIXEL = 64;
const ASCENT_UNITS = 896;

/** One glyph: `width` 8 or 16 pixels, `bits` GLYPH_HEIGHT rows of `width` bytes, 1 where the pixel is ink. */
export interface Glyph {
  width: number;
  bits: Uint8Array;
}

export interface GlyphSource {
  /** The glyph of a code point; the font's replacement box (a hex box) when it has none. */
  glyph(codePoint: number): Glyph;
}

const FONT_FILE = '@fontsource/unifontex/files/unifontex-latin-400-normal.woff';

/** Reads the font that comes with the package; rejects with a sentence that says what is missing or wrong. */
export async function loadUnifont(): Promise<GlyphSource> {
  let path: string;
  try {
    path = createRequire(import.meta.url).resolve(FONT_FILE);
  } catch {
    throw new Error('the font package @fontsource/unifontex is not installed');
  }
  return parseUnifont(await readFile(path));
}

export function parseUnifont(woff: Uint8Array): GlyphSource {
  const { head, maxp, hhea, hmtx, loca, glyf, cmap } = woffTables(Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength));
  if (head.readUInt16BE(18) !== UNITS_PER_PIXEL * GLYPH_HEIGHT) throw new Error('the font is not Unifont (units per em)');
  const longLoca = head.readInt16BE(50) === 1;
  const numGlyphs = maxp.readUInt16BE(4);
  const numHMetrics = hhea.readUInt16BE(34);
  const lookup = cmapLookup(cmap);

  const offset = (gid: number): number => (longLoca ? loca.readUInt32BE(gid * 4) : loca.readUInt16BE(gid * 2) * 2);
  const advance = (gid: number): number => hmtx.readUInt16BE(Math.min(gid, numHMetrics - 1) * 4);
  const cache = new Map<number, Glyph>();
  const byId = (gid: number): Glyph => {
    const width = advance(gid) >= 1024 ? 16 : 8;
    const start = offset(gid);
    const end = offset(gid + 1);
    return { width, bits: end > start ? rasterize(contoursOf(glyf, start), width) : new Uint8Array(width * GLYPH_HEIGHT) };
  };
  const notdef = byId(0);
  return {
    glyph(codePoint) {
      let glyph = cache.get(codePoint);
      if (glyph === undefined) {
        const gid = lookup(codePoint);
        glyph = gid === 0 || gid >= numGlyphs ? notdef : byId(gid);
        cache.set(codePoint, glyph);
      }
      return glyph;
    },
  };
}

const TABLES = ['head', 'maxp', 'hhea', 'hmtx', 'loca', 'glyf', 'cmap'] as const;

/**
 * The tables the glyphs need, each its own buffer: the daemon keeps them for as long as it runs, and a view into the
 * file (or a table it does not need, such as the 0.7 MB of glyph names) would keep all of that too.
 */
function woffTables(woff: Buffer): Record<(typeof TABLES)[number], Buffer> {
  if (woff.length < 44 || woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('the font file is not a WOFF');
  const count = woff.readUInt16BE(12);
  const found = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const entry = 44 + i * 20;
    const tag = woff.toString('latin1', entry, entry + 4);
    if (!(TABLES as readonly string[]).includes(tag)) continue;
    const at = woff.readUInt32BE(entry + 4);
    const compressed = woff.readUInt32BE(entry + 8);
    const original = woff.readUInt32BE(entry + 12);
    const data = woff.subarray(at, at + compressed);
    found.set(tag, compressed < original ? inflateSync(data) : Buffer.from(data));
  }
  const need = (tag: (typeof TABLES)[number]): Buffer => {
    const table = found.get(tag);
    if (table === undefined) throw new Error(`the font has no ${tag} table`);
    return table;
  };
  return { head: need('head'), maxp: need('maxp'), hhea: need('hhea'), hmtx: need('hmtx'), loca: need('loca'), glyf: need('glyf'), cmap: need('cmap') };
}

/** Code point -> glyph id through the format 12 subtable (full Unicode), binary search over its groups. */
function cmapLookup(cmap: Buffer): (codePoint: number) => number {
  const count = cmap.readUInt16BE(2);
  let table = -1;
  for (let i = 0; i < count; i++) {
    const at = cmap.readUInt32BE(8 + i * 8);
    if (cmap.readUInt16BE(at) === 12) table = at;
  }
  if (table < 0) throw new Error('the font has no full-Unicode cmap');
  const groups = cmap.readUInt32BE(table + 12);
  return (codePoint) => {
    let low = 0;
    let high = groups - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = table + 16 + mid * 12;
      if (codePoint < cmap.readUInt32BE(at)) high = mid - 1;
      else if (codePoint > cmap.readUInt32BE(at + 4)) low = mid + 1;
      else return cmap.readUInt32BE(at + 8) + codePoint - cmap.readUInt32BE(at);
    }
    return 0;
  };
}

type Point = [number, number];

/** The contours of a simple glyph; a composite glyph (none in Unifont's pixel outlines) has none here. */
function contoursOf(glyf: Buffer, at: number): Point[][] {
  const contours = glyf.readInt16BE(at);
  if (contours <= 0) return [];
  const ends: number[] = [];
  for (let i = 0; i < contours; i++) ends.push(glyf.readUInt16BE(at + 10 + i * 2));
  const points = ends[ends.length - 1]! + 1;
  let p = at + 10 + contours * 2;
  p += 2 + glyf.readUInt16BE(p); // instructions
  const flags: number[] = [];
  while (flags.length < points) {
    const flag = glyf[p++]!;
    flags.push(flag);
    if (flag & 8) for (let repeat = glyf[p++]!; repeat > 0; repeat--) flags.push(flag);
  }
  const coordinates = (short: number, same: number): number[] => {
    const out: number[] = [];
    let value = 0;
    for (const flag of flags) {
      if (flag & short) value += flag & same ? glyf[p++]! : -glyf[p++]!;
      else if (!(flag & same)) {
        value += glyf.readInt16BE(p);
        p += 2;
      }
      out.push(value);
    }
    return out;
  };
  const xs = coordinates(2, 16);
  const ys = coordinates(4, 32);
  const out: Point[][] = [];
  let start = 0;
  for (const end of ends) {
    const contour: Point[] = [];
    for (let i = start; i <= end; i++) contour.push([xs[i]!, ys[i]!]);
    out.push(contour);
    start = end + 1;
  }
  return out;
}

/**
 * One sample per pixel centre with the nonzero rule. The outlines run along pixel edges, so a centre is never on an
 * edge and the answer is exact.
 */
function rasterize(contours: Point[][], width: number): Uint8Array {
  const bits = new Uint8Array(width * GLYPH_HEIGHT);
  for (let row = 0; row < GLYPH_HEIGHT; row++) {
    const y = ASCENT_UNITS - row * UNITS_PER_PIXEL - UNITS_PER_PIXEL / 2;
    const crossings: Array<{ x: number; dir: number }> = [];
    for (const contour of contours) {
      for (let i = 0; i < contour.length; i++) {
        const [x0, y0] = contour[i]!;
        const [x1, y1] = contour[(i + 1) % contour.length]!;
        if ((y0 <= y && y1 > y) || (y1 <= y && y0 > y)) {
          crossings.push({ x: x0 + ((y - y0) / (y1 - y0)) * (x1 - x0), dir: y1 > y0 ? 1 : -1 });
        }
      }
    }
    crossings.sort((a, b) => a.x - b.x);
    let winding = 0;
    for (let i = 0; i < crossings.length; i++) {
      const crossing = crossings[i]!;
      const next = crossings[i + 1];
      winding += crossing.dir;
      if (winding === 0 || next === undefined) continue;
      for (let col = 0; col < width; col++) {
        const x = col * UNITS_PER_PIXEL + UNITS_PER_PIXEL / 2;
        if (x > crossing.x && x < next.x) bits[row * width + col] = 1;
      }
    }
  }
  return bits;
}
