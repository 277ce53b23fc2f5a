import { describe, expect, it } from 'vitest';
import { LiveSession, slicesByLines } from '../../src/daemon/sessions/live-session.js';

const enc = new TextEncoder();

describe('slicesByLines', () => {
  it('cuts after every n-th newline and bounds bytes, losing nothing', () => {
    const text = Array.from({ length: 1234 }, (_, i) => `line ${i}`).join('\n');
    const slices = [...slicesByLines(enc.encode(text), 100)];
    expect(slices.length).toBe(13);
    expect(Buffer.concat(slices).toString()).toBe(text);
    const long = enc.encode('x'.repeat(200_000));
    expect([...slicesByLines(long, 100, 64 * 1024)].map((s) => s.length)).toEqual([65536, 65536, 65536, 3392]);
  });
});

describe('LiveSession', () => {
  it('reports every line of a read far larger than the terminal history', async () => {
    const seen: string[] = [];
    const live = new LiveSession({
      cols: 80,
      rows: 24,
      idleMs: 10_000,
      clock: { now: () => 0 },
      events: { output: (lines) => seen.push(...lines), state: () => {}, alert: () => {} },
    });
    const total = 30_000;
    const bytes = enc.encode(Array.from({ length: total }, (_, i) => `n-${i + 1}\r\n`).join(''));
    live.feed(bytes);
    live.dispose();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `n-${i + 1}`));
  });
});
