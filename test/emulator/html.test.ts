import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/emulator/errors.js';
import { parseHtml } from '../../src/emulator/html.js';

function failure(html: string): string {
  try {
    parseHtml(html);
  } catch (error) {
    if (error instanceof ApiError) return error.description;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(html)} to be refused`);
}

describe('parseHtml', () => {
  it('turns tags into entities over the plain text, offsets in UTF-16 units', () => {
    expect(parseHtml('😀 <b>bold <i>both</i></b> <code>x</code>')).toEqual({
      text: '😀 bold both x',
      entities: [
        { type: 'bold', offset: 3, length: 9 },
        { type: 'italic', offset: 8, length: 4 },
        { type: 'code', offset: 13, length: 1 },
      ],
    });
  });

  it('supports links, spoilers, blockquotes, custom emoji and pre with a language', () => {
    const { text, entities } = parseHtml(
      '<a href="https://x.y/?a=1&amp;b=2">l</a><span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>' +
        '<blockquote expandable>q</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>' +
        '<pre><code class="language-ts">let a</code></pre><s>d</s><u>u</u>',
    );
    expect(text).toBe('lstq👍let adu');
    expect(entities).toEqual([
      { type: 'text_link', offset: 0, length: 1, url: 'https://x.y/?a=1&b=2' },
      { type: 'spoiler', offset: 1, length: 1 },
      { type: 'spoiler', offset: 2, length: 1 },
      { type: 'expandable_blockquote', offset: 3, length: 1 },
      { type: 'custom_emoji', offset: 4, length: 2, custom_emoji_id: '5368324170671202286' },
      { type: 'pre', offset: 6, length: 5, language: 'ts' },
      { type: 'strikethrough', offset: 11, length: 1 },
      { type: 'underline', offset: 12, length: 1 },
    ]);
  });

  it('decodes the four named entities and numeric ones', () => {
    expect(parseHtml('&lt;a&gt; &amp; &quot; &#65;&#x1F600;').text).toBe('<a> & " A😀');
  });

  it("refuses what Telegram refuses, with its wording", () => {
    expect(failure('<foo>x</foo>')).toBe('Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0');
    expect(failure('<b>open')).toBe('Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
    expect(failure('<b><i>x</b></i>')).toMatch(/Unmatched end tag at byte offset 7, expected "<\/i>", found "<\/b>"/);
    expect(failure('a < b')).toMatch(/Unsupported start tag "" at byte offset 2/);
    expect(failure('x</b>')).toMatch(/Unexpected end tag at byte offset 1/);
    expect(failure('é <b')).toMatch(/Unclosed start tag at byte offset 3/);
    expect(failure('Tom & Jerry')).toMatch(/^Bad Request: can't parse entities: .*'&'/);
    expect(failure('&nbsp;')).toMatch(/can't parse entities/);
    expect(failure('<span>x</span>')).toMatch(/tg-spoiler/);
  });

  it('lets a bare > through', () => {
    expect(parseHtml('a > b').text).toBe('a > b');
  });
});
