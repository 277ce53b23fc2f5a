import { describe, expect, it } from 'vitest';
import { escapedLength, escapeHtml, splitForTelegram } from '../../../src/core/output/chunk.js';

// A small seeded generator keeps the property tests deterministic.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = ['a', 'b', ' ', '<', '>', '&', '\n', '\n', 'é', 'e\u0301', '😀', '👍🏽', '👨‍👩‍👧', '中', '𝕏', '"'];

function randomText(next: () => number, maxLen: number): string {
  const n = Math.floor(next() * maxLen);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

const brokenSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('escapeHtml', () => {
  it('escapes the three characters Telegram HTML needs', () => {
    expect(escapeHtml('a <b> & "c"')).toBe('a &lt;b&gt; &amp; "c"');
    expect(escapedLength('a <b> & "c"')).toBe(escapeHtml('a <b> & "c"').length);
  });
});

describe('splitForTelegram', () => {
  it('keeps short text whole and returns nothing for empty text', () => {
    expect(splitForTelegram('hello\nworld')).toEqual(['hello\nworld']);
    expect(splitForTelegram('')).toEqual([]);
  });

  it('cuts at line ends, dropping the newline at the cut', () => {
    expect(splitForTelegram('aaaa\nbbbb\ncccc', { limit: 9 })).toEqual(['aaaa\nbbbb', 'cccc']);
  });

  it('counts the escaped length, not the raw length', () => {
    // 4 raw characters, 20 escaped.
    expect(splitForTelegram('&&&&', { limit: 10 })).toEqual(['&&', '&&']);
  });

  it('leaves room for <pre></pre>', () => {
    const chunks = splitForTelegram('x'.repeat(100), { limit: 50, pre: true });
    for (const c of chunks) expect(`<pre>${escapeHtml(c)}</pre>`.length).toBeLessThanOrEqual(50);
    expect(chunks.join('')).toBe('x'.repeat(100));
  });

  it('splits between graphemes inside a long line', () => {
    const chunks = splitForTelegram('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', { limit: 16 });
    expect(chunks).toEqual(['👨‍👩‍👧👨‍👩‍👧', '👨‍👩‍👧']);
  });

  it('holds its properties over many random strings', () => {
    const next = rng(42);
    for (let i = 0; i < 1500; i++) {
      const text = randomText(next, 200);
      const limit = 5 + Math.floor(next() * 60);
      const pre = next() < 0.3 && limit >= 16;
      const chunks = splitForTelegram(text, { limit, pre });
      for (const c of chunks) {
        const sent = pre ? `<pre>${escapeHtml(c)}</pre>` : escapeHtml(c);
        expect(sent.length).toBeLessThanOrEqual(limit);
        expect(brokenSurrogate.test(c)).toBe(false);
      }
      // Nothing lost or reordered: only newlines at cuts disappear.
      expect(chunks.join('').replaceAll('\n', '')).toBe(text.replaceAll('\n', ''));
      const longest = Math.max(...text.split('\n').map(escapedLength));
      if (longest <= limit - (pre ? 11 : 0) && text !== '') expect(chunks.join('\n')).toBe(text);
    }
  });
});
