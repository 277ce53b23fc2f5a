// Telegram takes at most 4096 characters a message. Split plain text first, then escape each chunk (docs/facts.md):
// the escaped length (plus a <pre> wrapper when asked) is what must fit. (&amp; is the longest escape: 5.)

export const TELEGRAM_TEXT_LIMIT = 4096;
const PRE_OPEN = '<pre>';
const PRE_CLOSE = '</pre>';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapedLength(s: string): number {
  let n = s.length;
  for (const c of s) if (c === '&') n += 4;
  else if (c === '<' || c === '>') n += 3;
  return n;
}

export interface SplitOptions {
  limit?: number;
  /** Leave room for the <pre></pre> wrapper around each escaped chunk. */
  pre?: boolean;
}

let segmenter: Intl.Segmenter | undefined;

/** Graphemes, so an emoji with modifiers or a letter with combining marks stays whole. */
function graphemes(s: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (part) => part.segment);
}

/**
 * Splits plain text into chunks whose escaped length fits, cutting at line ends where possible (the newline at a
 * cut is dropped) and otherwise between graphemes; never inside a surrogate pair.
 */
export function splitForTelegram(text: string, options: SplitOptions = {}): string[] {
  const limit = options.limit ?? TELEGRAM_TEXT_LIMIT;
  const budget = limit - (options.pre ? PRE_OPEN.length + PRE_CLOSE.length : 0);
  if (budget < 5) throw new RangeError(`limit ${limit} leaves no room for text`);
  if (text === '') return [];

  const chunks: string[] = [];
  let current = '';
  let cost = 0;
  let open = false;
  const flush = (): void => {
    if (open) chunks.push(current);
    current = '';
    cost = 0;
    open = false;
  };
  for (const line of text.split('\n')) {
    const lineCost = escapedLength(line);
    if (open && cost + 1 + lineCost <= budget) {
      current += `\n${line}`;
      cost += 1 + lineCost;
      continue;
    }
    flush();
    if (lineCost <= budget) {
      current = line;
      cost = lineCost;
      open = true;
      continue;
    }
    for (const piece of pieces(line, budget)) {
      const pieceCost = escapedLength(piece);
      if (open && cost + pieceCost > budget) flush();
      current += piece;
      cost += pieceCost;
      open = true;
    }
  }
  flush();
  return chunks;
}

/** Graphemes of a long line; a grapheme too big for any chunk on its own falls back to code points. */
function pieces(line: string, budget: number): string[] {
  return graphemes(line).flatMap((g) => (escapedLength(g) > budget ? Array.from(g) : [g]));
}
