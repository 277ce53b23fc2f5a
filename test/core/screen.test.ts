// core/screen.ts: colours as the terminal holds them, redaction of cells, the text fallback, photo or document.
import { describe, expect, it } from 'vitest';
import {
  cellColors, DEFAULT_BG, DEFAULT_FG, imageDeliveryOf, PALETTE_256, redactScreen, rowText, type ScreenCell, type ScreenRow,
  type ScreenSnapshot, screenText,
} from '../../src/core/screen.js';
import { Redactor } from '../../src/core/redact.js';
import { pemKey } from '../fixtures/canaries.js';

const plain = (text: string, patch: Partial<ScreenCell> = {}): ScreenCell => ({
  text, width: 1, fg: { kind: 'default' }, bg: { kind: 'default' }, bold: false, italic: false, underline: false, inverse: false, dim: false, ...patch,
});

/** A row of `cols` cells from text; characters in `wide` take two cells. */
function row(text: string, cols: number, options: { wrapped?: boolean; style?: Partial<ScreenCell> } = {}): ScreenRow {
  const cells: ScreenCell[] = [];
  for (const char of text) {
    if (/[\u4e00-\u9fff]/u.test(char)) cells.push(plain(char, { width: 2, ...options.style }), plain('', { width: 0 }));
    else cells.push(plain(char, options.style));
  }
  while (cells.length < cols) cells.push(plain(''));
  return { cells: cells.slice(0, cols), wrapped: options.wrapped ?? false };
}

describe('cellColors', () => {
  it('resolves default, 16, 256 and RGB colours; bold brightens the basic eight; inverse swaps; dim halves', () => {
    expect(cellColors(plain('a'))).toEqual({ fg: DEFAULT_FG, bg: DEFAULT_BG });
    expect(cellColors(plain('a', { fg: { kind: 'palette', index: 1 } })).fg).toBe(0xcd0000);
    expect(cellColors(plain('a', { fg: { kind: 'palette', index: 1 }, bold: true })).fg).toBe(0xff0000);
    expect(cellColors(plain('a', { fg: { kind: 'palette', index: 196 }, bold: true })).fg).toBe(0xff0000);
    expect(PALETTE_256[16]).toBe(0x000000);
    expect(PALETTE_256[21]).toBe(0x0000ff);
    expect(PALETTE_256[232]).toBe(0x080808);
    expect(PALETTE_256[255]).toBe(0xeeeeee);
    expect(cellColors(plain('a', { bg: { kind: 'rgb', rgb: 0x123456 } })).bg).toBe(0x123456);
    expect(cellColors(plain('a', { inverse: true }))).toEqual({ fg: DEFAULT_BG, bg: DEFAULT_FG });
    expect(cellColors(plain('a', { dim: true, fg: { kind: 'rgb', rgb: 0xffffff }, bg: { kind: 'rgb', rgb: 0x000000 } })).fg).toBe(0x7f7f7f);
  });
});

describe('redactScreen', () => {
  const secret = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
  const redactor = new Redactor([]);
  const redact = (text: string) => redactor.text(text);

  it('overwrites the secret\'s cells in place: the row keeps its width, the text around it and its colours', () => {
    const screen: ScreenSnapshot = { cols: 80, rows: [row(`token ${secret} | next`, 80, { style: { fg: { kind: 'palette', index: 3 } } })] };
    const out = redactScreen(screen, redact);
    const text = rowText(out.rows[0]!);
    expect(redact(secret)).not.toBe(secret);
    expect(text).not.toContain('0123456789');
    expect(text.startsWith(`token ${redact(secret)}`)).toBe(true);
    expect(text.endsWith(' | next')).toBe(true);
    // ' | next' is where it was: the layout of a full-screen program does not move.
    expect(text.indexOf(' | next')).toBe(`token ${secret}`.length);
    expect(out.rows[0]!.cells).toHaveLength(80);
    expect(out.rows[0]!.cells[7]!.fg).toEqual({ kind: 'palette', index: 3 });
    // The input is untouched.
    expect(rowText(screen.rows[0]!)).toContain(secret);
  });

  it('joins a wrapped row to the row above, so a token cut by the screen\'s edge is still found', () => {
    const line = `export GITHUB_TOKEN=${secret}`;
    const screen: ScreenSnapshot = { cols: 30, rows: [row(line.slice(0, 30), 30), row(line.slice(30), 30, { wrapped: true }), row('$ ', 30)] };
    const out = screenText(redactScreen(screen, redact)).join('\n');
    expect(out).not.toMatch(/0123456789|klmnop|wxyzAB/);
    expect(out.replace('\n', '')).toContain(redact(line).slice('export '.length));
    expect(out.split('\n')[2]).toBe('$');
  });

  it('counts cells, not characters: a wide character before the secret keeps the columns right', () => {
    const screen: ScreenSnapshot = { cols: 80, rows: [row(`中文 ${secret} end`, 80)] };
    const out = redactScreen(screen, redact);
    const text = rowText(out.rows[0]!);
    expect(text).toBe(`中文 ${redact(secret)}${' '.repeat(secret.length - redact(secret).length)} end`);
    expect(out.rows[0]!.cells[0]!.width).toBe(2);
  });

  it('redacts the lines together, as a message does: a key block printed on the screen leaves none of its body', () => {
    const block = pemKey().split('\n');
    const screen: ScreenSnapshot = { cols: 80, rows: [row('$ cat id_rsa', 80), ...block.map((l) => row(l, 80)), row('$ ls', 80)] };
    // One body line alone is let through (secret-shapes.ts), so redacting line by line drew every one of them.
    expect(redactor.lines(block)).not.toContain(block[5]);
    const out = redactScreen(screen, redact);
    const text = screenText(out).join('\n');
    for (const line of block.slice(1, -1)) expect(text).not.toContain(line.slice(0, 20));
    expect(text).toContain('[redacted:private-key]');
    // The layout stays: as many rows, as wide; the lines around the block as they were.
    expect(out.rows).toHaveLength(screen.rows.length);
    expect(out.rows.every((r) => r.cells.length === 80)).toBe(true);
    expect(rowText(out.rows[0]!)).toBe('$ cat id_rsa');
    expect(rowText(out.rows.at(-1)!)).toBe('$ ls');
  });

  it('leaves a screen without secrets as it was', () => {
    const screen: ScreenSnapshot = { cols: 10, rows: [row('hello', 10)] };
    expect(redactScreen(screen, redact)).toEqual(screen);
  });
});

describe('screenText and imageDeliveryOf', () => {
  it('the text fallback drops trailing blank rows and right-trims', () => {
    expect(screenText({ cols: 10, rows: [row('a  b', 10), row('中', 10), row('', 10)] })).toEqual(['a  b', '中']);
  });

  it('a photo while Telegram keeps it at its drawn size, else a document', () => {
    expect(imageDeliveryOf({ width: 1280, height: 768 })).toBe('photo');
    expect(imageDeliveryOf({ width: 960, height: 1280 })).toBe('photo');
    expect(imageDeliveryOf({ width: 1600, height: 800 })).toBe('document');
    expect(imageDeliveryOf({ width: 1280, height: 40 })).toBe('document');
  });
});
