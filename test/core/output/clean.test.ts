import { describe, expect, it } from 'vitest';
import { applyOverwrites, cleanText, stripAnsi } from '../../../src/core/output/clean.js';

describe('cleanText', () => {
  it('removes SGR, cursor and mode sequences', () => {
    expect(stripAnsi('\x1b[1;31mred\x1b[0m \x1b[?25lhidden\x1b[?25h \x1b(Bx\x1b=')).toBe('red hidden x');
  });

  it('removes OSC 8 links, OSC 52 clipboard writes and titles, keeping link text', () => {
    expect(stripAnsi('\x1b]8;;https://a.b\x07text\x1b]8;;\x07')).toBe('text');
    expect(stripAnsi('a\x1b]52;c;c2VjcmV0\x1b\\b\x1b]0;title\x07c')).toBe('abc');
  });

  it('drops a sequence cut off at the end, and stray control bytes', () => {
    expect(stripAnsi('ok\x1b[3')).toBe('ok');
    expect(stripAnsi('ok\x1b]52;c;AAAA')).toBe('ok');
    expect(stripAnsi('a\x07b\x00c')).toBe('abc');
  });

  it('applies carriage returns and backspaces per line', () => {
    expect(applyOverwrites('50%\r100%')).toBe('100%');
    expect(applyOverwrites('long text\rshort')).toBe('shorttext');
    expect(applyOverwrites('ab\b\bXY')).toBe('XY');
    expect(cleanText('⠋ a\r⠙ b\r✔ done\r\nnext  \r\n')).toBe('✔ done\nnext\n');
  });

  it('leaves plain text alone', () => {
    expect(cleanText('plain\ttext\nüñí 😀')).toBe('plain\ttext\nüñí 😀');
  });
});
