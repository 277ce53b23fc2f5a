import xterm from '@xterm/headless';
import { describe, expect, it, vi } from 'vitest';
import { LineCursor } from '../../src/terminal/line-cursor.js';
import { incompleteUtf8Tail, TerminalRenderer } from '../../src/terminal/terminal.js';

const numbered = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}`);
const feed = (lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

describe('TerminalRenderer.takeNewLines', () => {
  it('reports a line once the cursor has left it, never the cursor line', () => {
    const t = new TerminalRenderer({ cols: 40, rows: 5 });
    t.write('first\r\nsecond');
    expect(t.takeNewLines()).toEqual(['first']);
    expect(t.takeNewLines()).toEqual([]);
    t.write(' half\r\n$ ');
    expect(t.takeNewLines()).toEqual(['second half']);
  });

  it('follows output far past the screen and the scrollback without gaps or repeats', () => {
    const t = new TerminalRenderer({ cols: 40, rows: 5, scrollback: 50 });
    const seen: string[] = [];
    for (let i = 0; i < 400; i += 20) {
      t.write(feed(numbered(i, i + 20)));
      seen.push(...t.takeNewLines());
    }
    expect(seen).toEqual(numbered(0, 400));
    expect(t.lostLines).toBe(0);
  });

  it('counts what left the scrollback before anyone looked', () => {
    const t = new TerminalRenderer({ cols: 40, rows: 5, scrollback: 50 });
    t.write(feed(numbered(0, 200)));
    const got = t.takeNewLines();
    expect(got.at(-1)).toBe('line 199');
    expect(got.length + t.lostLines).toBe(200);
  });

  it('counts rows lost to one enormous wrapped line', () => {
    const t = new TerminalRenderer({ cols: 10, rows: 5, scrollback: 50 });
    t.write('start\r\n');
    expect(t.takeNewLines()).toEqual(['start']);
    t.write(`${'y'.repeat(10_000)}\r\nend\r\n`);
    const got = t.takeNewLines();
    expect(got.at(-1)).toBe('end');
    expect(got).toHaveLength(2);
    expect(t.lostLines).toBeGreaterThan(900);
  });

  it('joins wrapped rows into one line', () => {
    const t = new TerminalRenderer({ cols: 10, rows: 5 });
    t.write('0123456789abcdef ghij\r\nnext\r\n');
    expect(t.takeNewLines()).toEqual(['0123456789abcdef ghij', 'next']);
    expect(t.lines(5)).toEqual(['0123456789abcdef ghij', 'next']);
  });

  it('reports lines written after `clear` even though they land on rows already reported', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 6 });
    t.write(feed(['a', 'b', 'c']));
    expect(t.takeNewLines()).toEqual(['a', 'b', 'c']);
    t.write(`\x1b[H\x1b[2J${feed(['x', 'y'])}`);
    expect(t.takeNewLines()).toEqual(['x', 'y']);
  });

  it('keeps its place when `clear` also wipes the scrollback (ED 3) or the terminal is reset (RIS)', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 4, scrollback: 100 });
    t.write(feed(numbered(0, 30)));
    expect(t.takeNewLines()).toEqual(numbered(0, 30));
    t.write(`\x1b[H\x1b[2J\x1b[3J${feed(['after clear'])}`);
    expect(t.takeNewLines()).toEqual(['after clear']);
    t.write(feed(numbered(30, 40)));
    t.write(`\x1bc${feed(['after reset', 'more'])}`);
    expect(t.takeNewLines()).toEqual([...numbered(30, 40), 'after reset', 'more']);
    expect(t.lostLines).toBe(0);
  });

  it('stays within its scrollback through a 5 MB flood and misses nothing when read as it goes', () => {
    const t = new TerminalRenderer({ cols: 100, rows: 30, scrollback: 500 });
    const encoder = new TextEncoder();
    let n = 0;
    let seen = 0;
    let wrong = 0;
    for (let bytes = 0; bytes < 5_000_000; ) {
      let chunk = '';
      for (let i = 0; i < 500; i++) chunk += `\x1b[32mrow ${n++}\x1b[0m ${'.'.repeat(70)}\r\n`;
      const data = encoder.encode(chunk);
      bytes += data.length;
      t.write(data);
      for (const line of t.takeNewLines()) if (line !== `row ${seen++} ${'.'.repeat(70)}`) wrong++;
    }
    expect([seen, wrong, t.lostLines]).toEqual([n, 0, 0]);
    expect(t.lines(10_000).length).toBeLessThanOrEqual(530);
  });

  it('reports lines that `clear` erased before anyone looked', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 6 });
    t.write(`${feed(['a', 'b'])}\x1b[H\x1b[2J${feed(['c'])}`);
    expect(t.takeNewLines()).toEqual(['a', 'b', 'c']);
  });

  it('reports a line the cursor jumped away from, but not rows it erased', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 6 });
    t.write(feed(['x', 'y', 'z']));
    t.takeNewLines();
    // log-update style: erase the block, write a shorter one.
    t.write(`\x1b[3A\x1b[2K\x1b[1B\x1b[2K\x1b[1B\x1b[2K\x1b[2Ashort\r\n`);
    expect(t.takeNewLines()).toEqual(['short']);
    t.write('status\x1b[H');
    expect(t.takeNewLines()).toEqual(['status']);
  });

  it('reports a redrawn multi-line progress block only where the text changed', () => {
    const t = new TerminalRenderer({ cols: 30, rows: 8 });
    t.write(feed(['layer1: waiting', 'layer2: waiting']));
    expect(t.takeNewLines()).toEqual(['layer1: waiting', 'layer2: waiting']);
    t.write(`\x1b[2A\x1b[2K${feed(['layer1: waiting'])}\x1b[2K${feed(['layer2: done'])}`);
    expect(t.takeNewLines()).toEqual(['layer2: done']);
  });

  it('reports nothing new while a full-screen program runs, and resumes after it', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 5 });
    t.write('$ vim\r\n');
    expect(t.takeNewLines()).toEqual(['$ vim']);
    t.write('\x1b[?1049h\x1b[Hediting\r\n~\r\n~\r\n');
    expect(t.alternateScreen).toBe(true);
    expect(t.takeNewLines()).toEqual([]);
    expect(t.screen().slice(0, 2)).toEqual(['editing', '~']);
    t.write('\x1b[?1049l$ ls\r\nfile\r\n');
    expect(t.alternateScreen).toBe(false);
    expect(t.takeNewLines()).toEqual(['$ ls', 'file']);
  });

  it('keeps lines completed before a resize and carries on after it', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 5 });
    t.write(feed(['one', 'two']));
    t.resize(10, 4);
    t.write(feed(['three']));
    expect(t.takeNewLines()).toEqual(['one', 'two', 'three']);
    expect([t.cols, t.rows]).toEqual([10, 4]);
  });

  it('counts only full-screen scrolls, not scrolls inside a region below the top', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 6, scrollback: 20 });
    t.write(feed(numbered(0, 30)));
    expect(t.takeNewLines()).toHaveLength(30 - t.lostLines);
    // A status region on rows 3-5 scrolls a lot; history and our place must not move.
    t.write(`\x1b[3;5r\x1b[5;1H${feed(numbered(100, 140))}\x1b[r\x1b[6;1H`);
    t.takeNewLines();
    t.write(feed(['after']));
    expect(t.takeNewLines()).toEqual(['after']);
  });
});

describe('TerminalRenderer.lines and screen', () => {
  it('drops trailing blank rows and returns the last n lines', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 10 });
    t.write(feed(numbered(0, 5)));
    expect(t.lines(2)).toEqual(['line 3', 'line 4']);
    expect(t.screen()).toHaveLength(10);
  });

  it('handles a UTF-8 character split across writes', () => {
    const t = new TerminalRenderer({ cols: 20, rows: 3 });
    const bytes = new TextEncoder().encode('é🚀\r\n');
    for (const b of bytes) t.write(Uint8Array.of(b));
    expect(t.lines(1)).toEqual(['é🚀']);
  });

  it('keeps every character whatever byte a read ends on (xterm alone drops "…" cut after E2 80)', () => {
    const text = 'a…b•c›d“e”fé🚀g';
    const bytes = Buffer.from(`${text}\r\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const t = new TerminalRenderer({ cols: 40, rows: 3 });
      // A reused buffer, as the pane tail lends it: the renderer must copy what it holds back.
      const lent = Buffer.from(bytes.subarray(0, cut));
      t.write(lent);
      lent.fill(0x58);
      t.write(bytes.subarray(cut));
      expect({ cut, lines: t.takeNewLines() }).toEqual({ cut, lines: [text] });
      t.dispose();
    }
  });

  it('finds the incomplete UTF-8 character at the end of a read', () => {
    const enc = (s: string) => Buffer.from(s);
    expect(incompleteUtf8Tail(enc('abc'))).toBe(0);
    expect(incompleteUtf8Tail(enc('a…'))).toBe(0);
    expect(incompleteUtf8Tail(enc('a…').subarray(0, 3))).toBe(2);
    expect(incompleteUtf8Tail(enc('a…').subarray(0, 2))).toBe(1);
    expect(incompleteUtf8Tail(enc('🚀').subarray(0, 3))).toBe(3);
    expect(incompleteUtf8Tail(enc('é').subarray(0, 1))).toBe(1);
    expect(incompleteUtf8Tail(Uint8Array.of(0x80, 0x80))).toBe(0);
    expect(incompleteUtf8Tail(new Uint8Array(0))).toBe(0);
  });
});

describe('LineCursor anchoring', () => {
  it('re-anchors about twice per scrollback of output, not on every scroll of a filling buffer', async () => {
    const term = new xterm.Terminal({ cols: 40, rows: 5, scrollback: 100, allowProposedApi: true, logLevel: 'off' });
    const markers = vi.spyOn(term, 'registerMarker');
    const cursor = new LineCursor(term, 100);
    const seen: string[] = [];
    // One line per write and per take, as a pane printing a line at a time delivers it.
    for (let i = 0; i < 1000; i++) {
      await new Promise<void>((resolve) => term.write(`line ${i}\r\n`, resolve));
      seen.push(...cursor.take());
    }
    expect(seen).toEqual(numbered(0, 1000));
    expect(cursor.lost).toBe(0);
    // The buffer fills after ~100 lines, then 900 lines of trimming: a new anchor every ~50 of them.
    expect(markers.mock.calls.length).toBeLessThanOrEqual(25);
    cursor.dispose();
    term.dispose();
  });
});
