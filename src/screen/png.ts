// A PNG encoder: signature, IHDR, PLTE for palette images, one IDAT (zlib from node:zlib), IEND. Every row uses
// filter 0 (none): a terminal screen is runs of one colour that deflate compresses well without filtering, and the
// filters would cost another pass over every pixel. Deflate is most of the cost (bench/screen.js).
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `rgb` holds width*height pixels, 3 bytes each, row by row from the top. */
export function encodePng(width: number, height: number, rgb: Uint8Array, level = 6): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error(`encodePng: ${rgb.length} bytes for ${width}x${height} RGB`);
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header(width, height, 2)), chunk('IDAT', deflateSync(raw, { level })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Pixels given as indices into `palette` (0xRRGGBB): an 8-bit palette PNG when there are at most 256 colours (one
 * byte a pixel: deflate gets a third of the RGB bytes), else RGB.
 */
export function encodeIndexedPng(width: number, height: number, pixels: Uint16Array, palette: readonly number[], level = 6): Uint8Array {
  if (pixels.length !== width * height) throw new Error(`encodeIndexedPng: ${pixels.length} pixels for ${width}x${height}`);
  if (palette.length > 256) {
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0, at = 0; i < pixels.length; i++) {
      const color = palette[pixels[i]!]!;
      rgb[at++] = (color >> 16) & 0xff;
      rgb[at++] = (color >> 8) & 0xff;
      rgb[at++] = color & 0xff;
    }
    return encodePng(width, height, rgb, level);
  }
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    // Uint16 -> Uint8 per row: set() converts each element, indices are < 256 here.
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((color, i) => {
    plte[i * 3] = (color >> 16) & 0xff;
    plte[i * 3 + 1] = (color >> 8) & 0xff;
    plte[i * 3 + 2] = color & 0xff;
  });
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header(width, height, 3)),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function header(width: number, height: number, colorType: 2 | 3): Buffer {
  const out = Buffer.alloc(13);
  out.writeUInt32BE(width, 0);
  out.writeUInt32BE(height, 4);
  out[8] = 8; // bits per channel (RGB) or per index (palette)
  out[9] = colorType;
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
