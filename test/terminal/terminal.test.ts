import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TerminalRenderer } from '../../src/terminal/terminal.js';

const RAW = join(import.meta.dirname, '../fixtures/raw');

interface RawExpect {
  cols: number;
  rows: number;
  screen?: string[];
  lines?: string[];
  newLines?: string[];
  alternateScreen?: boolean;
}

const fixtures = readdirSync(RAW)
  .filter((f) => f.endsWith('.raw'))
  .map((f) => f.slice(0, -'.raw'.length));

describe('raw fixtures through the terminal', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(8));

  for (const name of fixtures) {
    it(name, () => {
      const raw = readFileSync(join(RAW, `${name}.raw`));
      const want = JSON.parse(readFileSync(join(RAW, `${name}.expect.json`), 'utf8')) as RawExpect;
      const term = new TerminalRenderer({ cols: want.cols, rows: want.rows });
      term.write(new Uint8Array(raw));
      if (want.screen) expect(term.screen()).toEqual(want.screen);
      if (want.lines) expect(term.lines(100)).toEqual(want.lines);
      if (want.newLines) expect(term.takeNewLines()).toEqual(want.newLines);
      expect(term.alternateScreen).toBe(want.alternateScreen ?? false);
    });

    it(`${name}, fed one byte at a time`, () => {
      const raw = readFileSync(join(RAW, `${name}.raw`));
      const want = JSON.parse(readFileSync(join(RAW, `${name}.expect.json`), 'utf8')) as RawExpect;
      const term = new TerminalRenderer({ cols: want.cols, rows: want.rows });
      for (const byte of raw) term.write(Uint8Array.of(byte));
      if (want.screen) expect(term.screen()).toEqual(want.screen);
      if (want.lines) expect(term.lines(100)).toEqual(want.lines);
    });
  }
});

describe('parsing in the caller turn', () => {
  // xterm's public write() parses in a setTimeout (a 1 ms hop per pane event); the renderer uses its core's writeSync.
  // Fails when an xterm upgrade drops it (the renderer refuses to start then).
  it('has the text on screen as soon as write() returns', () => {
    const term = new TerminalRenderer({ cols: 20, rows: 5 });
    term.write('one\r\ntwo\r\n');
    expect(term.takeNewLines()).toEqual(['one', 'two']);
    expect(term.screen()[1]).toBe('two');
    term.dispose();
  });

  // Programs and tmux give an emoji like 🚀 (U+1F680) two columns (Unicode 11); xterm's default Unicode 6 gave it one,
  // so what followed it on the line sat a column to the left of where the pane showed it.
  it('counts emoji two columns wide, as tmux does', () => {
    const term = new TerminalRenderer({ cols: 20, rows: 3 });
    term.write('a🚀b\r\n');
    const row = term.snapshot().rows[0]!.cells;
    expect(row[1]).toMatchObject({ text: '🚀', width: 2 });
    expect(row[3]?.text).toBe('b');
    term.dispose();
  });
});
