// Long texts are redacted in windows cut at line ends (core/redact.ts, windowEnd and windowCut): the result must be
// the whole text's, wherever the cuts fall. Small windows put a cut after nearly every line, and the texts put every
// multi-line shape (key blocks, their rests, body runs, certificates) and every one-line secret across them.
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, WINDOW_CHARS, windowEnd } from '../../src/core/redact.js';
import { CANARY_SHAPES, opensshKey, pemKey } from '../fixtures/canaries.js';

const SECRETS = ['hunter2hunter2', 'p@ss word/1'];
const whole = new Redactor(SECRETS, { windowChars: Number.POSITIVE_INFINITY });
const redactors = new Map<number, Redactor>();
const windowed = (windowChars: number): Redactor => {
  const known = redactors.get(windowChars);
  if (known !== undefined) return known;
  const redactor = new Redactor(SECRETS, { windowChars });
  redactors.set(windowChars, redactor);
  return redactor;
};

/** Where the windows of a text start, as the Redactor cuts it. */
function cutsOf(text: string, size: number): number[] {
  const cuts: number[] = [];
  for (let start = 0; start < text.length; ) {
    start = windowEnd(text, start, size);
    if (start < text.length) cuts.push(start);
  }
  return cuts;
}

/** Deterministic choices (xorshift32), so a failure names a seed that reproduces it. */
function random(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const pem = pemKey();
const ssh = opensshKey();
const certBody = pemKey(99).split('\n').slice(1, -1);
const cert = ['-----BEGIN CERTIFICATE-----', ...certBody, '-----END CERTIFICATE-----'].join('\n');
const encrypted = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'Proc-Type: 4,ENCRYPTED',
  'DEK-Info: AES-128-CBC,5A2E0F8B7C6D4E3F2A1B0C9D8E7F6A5B',
  '',
  ...pemKey(31).split('\n').slice(1),
].join('\n');

/** Lines and blocks whose redaction depends on the lines around them, or which hold a secret. */
const PIECES = [
  pem,
  ssh,
  cert,
  encrypted,
  `${cert}\n${pem}`,
  pem.split('\n').slice(0, 9).join('\n'), // BEGIN without its END
  pem.split('\n').slice(12).join('\n'), // the rest of a block: END without its BEGIN
  pem.split('\n').slice(3, 11).join('\n'), // body lines alone
  `  ${ssh.split('\n').slice(2, 6).join('  \n  ')}  `, // body lines with blanks around
  pem.split('\n').slice(3, 9).join('\r\n'),
  cert.split('\n').slice(0, 6).join('\n'),
  cert.split('\n').slice(8).join('\n'),
  JSON.stringify({ private_key: pem }),
  ...CANARY_SHAPES.filter((c) => !c.text.includes('\n')).map((c) => c.text),
  '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  'GET /bot123456789%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe',
  'hunter2hunter2',
  'p%40ss%20word%2F1',
  'password',
  'key',
  'x token',
  'api_key:',
  `✓ ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0 é`,
  `😀 DB_PASSWORD=hunter2 😀`,
  'token: abc123def\u2028next',
  '-----END RSA PRIVATE KEY-----',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----BEGIN PUBLIC KEY-----',
  '--------------------',
];

/** Ordinary lines, some of them the kind windowCut refuses to cut after (empty, base64, ending in dashes). */
const FILLER = [
  'plain output line',
  '$ ls -l /tmp',
  '',
  '\r',
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  certBody[4]!,
  'Zm9vYmFy',
  '==== done ====-----',
  'x -----BEGIN RSA PRIVATE KEY-----',
  '-----END CERTIFICATE-----',
  '✓ 12 tests passed',
  '  indented  ',
];

function randomText(seed: number, lines: number): string {
  const pick = random(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(pick(4) === 0 ? PIECES[pick(PIECES.length)]! : FILLER[pick(FILLER.length)]!);
  }
  return out.join(pick(5) === 0 ? '\r\n' : '\n');
}

describe('where a long text is cut', () => {
  it('after lines holding a character no key body line has, never after base64, blank or BEGIN lines (END lines: yes)', () => {
    const lines = ['ok, line', 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9', 'next: 1', '', 'x', '  ', 'a b', '-----BEGIN CERTIFICATE-----', 'y;', '=== -----BEGIN X-----\r', '-----END CERTIFICATE-----', 'z.'];
    const text = `${lines.join('\n')}\n`;
    const endOf = (line: number) => lines.slice(0, line + 1).join('\n').length + 1;
    // One-character windows: a cut after every line that may end a window.
    expect(cutsOf(text, 1)).toEqual([endOf(0), endOf(2), endOf(8), endOf(10), endOf(11)].filter((cut) => cut < text.length));
    // A text that starts with an empty line: its first line ends at 0 (the walk back once looped there).
    expect(cutsOf('\nx: 1\ny: 2\n', 1)).toEqual([6]);
  });

  it('cuts a 128 K read into windows of about WINDOW_CHARS, at the first line after that which may end one', () => {
    const text = `${'a line of ordinary output, 40 chars ✓\n'.repeat(3500)}`;
    const cuts = cutsOf(text, WINDOW_CHARS);
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    for (const [i, cut] of cuts.entries()) {
      expect(cut - (cuts[i - 1] ?? 0)).toBeGreaterThanOrEqual(WINDOW_CHARS);
      expect(cut - (cuts[i - 1] ?? 0)).toBeLessThanOrEqual(WINDOW_CHARS + 40);
      expect(text[cut - 1]).toBe('\n');
    }
    // Through base64 (no line of it may end a window) to the first line after it that may.
    const base64 = `${'QUJDRA'.repeat(11).slice(0, 64)}\n`.repeat(1000);
    expect(cutsOf(`x.\n${base64}y.\n${base64}`, WINDOW_CHARS)).toEqual([3 + base64.length + 3]);
  });

  it('refuses a bad window size', () => {
    expect(() => new Redactor([], { windowChars: 0 })).toThrow(/windowChars/);
    expect(() => new Redactor([], { windowChars: Number.NaN })).toThrow(/windowChars/);
  });
});

describe('windows give the whole text\'s result', () => {
  it('every multi-line shape and secret with a cut after each of its lines (and before it, and after it)', () => {
    for (const piece of PIECES) {
      const pieceLines = piece.split('\n').length;
      for (let before = 0; before <= pieceLines + 2; before++) {
        const text = [...FILLER.slice(0, 2), ...Array.from({ length: before }, (_, i) => `line ${i}: x`), piece, 'after: y', 'tail: z'].join('\n');
        const expected = whole.text(text);
        // Windows of 1 cut after every line that may end one; the others leave one or two cuts at shifting places.
        for (const size of [1, 7, 19, 40, 97]) expect(windowed(size).text(text), `${size}: ${text.slice(0, 300)}`).toBe(expected);
      }
    }
  });

  it('random texts of key blocks, their pieces, certificates, secrets and filler, in windows of every size', () => {
    let texts = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomText(seed, 5 + (seed % 60));
      const expected = whole.text(text);
      for (const size of [1, 2, 5 + (seed % 13), 30 + (seed % 70), 150 + seed]) {
        expect(windowed(size).text(text), `seed ${seed}, windowChars ${size}`).toBe(expected);
        texts++;
      }
    }
    expect(texts).toBe(1500);
  });

  it('a key block printed right across a cut is redacted whole: the text is done again as one', () => {
    // The encrypted block's header lines may end a window: its BEGIN and END land in different windows.
    const text = `first: a\n${encrypted}\nlast: b`;
    const cuts = cutsOf(text, 40);
    const begin = text.indexOf('-----BEGIN');
    const end = text.indexOf('-----END');
    expect(cuts.some((cut) => cut > begin && cut < end)).toBe(true);
    expect(windowed(40).text(text)).toBe('first: a\n[redacted:private-key]\nlast: b');
    expect(windowed(40).text(text)).toBe(whole.text(text));
  });

  it('a long read with a secret in each window, also next to characters above U+00FF, comes out as the whole', () => {
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) lines.push(i % 500 === 0 ? `✓ ${CANARY_SHAPES[(i / 500) % CANARY_SHAPES.length]!.text} é` : `line ${i}: ordinary ✓ output`);
    lines.splice(1234, 0, ...pem.split('\n'));
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(2 * WINDOW_CHARS);
    const out = new Redactor(SECRETS).text(text);
    expect(out).toBe(whole.text(text));
    expect(out).toContain('[redacted:private-key]');
    for (const canary of CANARY_SHAPES) for (const part of canary.secretParts) expect(out).not.toContain(part);
    const plain = lines.filter((line) => line.startsWith('line ')).join('\n');
    expect(new Redactor(SECRETS).text(plain)).toBe(plain);
  });

  it('lines (an output event) in windows: the lines of the whole join\'s result, the same lines when none changed', () => {
    let arrays = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const lines = randomText(seed, 5 + (seed % 60)).split('\n');
      // A line holding newlines itself (plain data can): its last line is the one a cut comes after.
      if (seed % 7 === 0) lines.splice(seed % lines.length, 0, `x: 1\n${pem.split('\n').slice(2, 5).join('\n')}`);
      const expected = whole.lines(lines);
      for (const size of [1, 3 + (seed % 11), 40 + seed]) {
        expect(windowed(size).lines(lines), `seed ${seed}, windowChars ${size}`).toEqual(expected);
        arrays++;
      }
    }
    expect(arrays).toBe(600);
    const plain = Array.from({ length: 5000 }, (_, i) => `line ${i}: ordinary ✓ output`);
    expect(new Redactor(SECRETS).lines(plain)).toEqual(plain);
    const withKey = [...plain.slice(0, 2000), ...pem.split('\n'), ...plain.slice(2000)];
    expect(new Redactor(SECRETS).lines(withKey)).toEqual([...plain.slice(0, 2000), '[redacted:private-key]', ...plain.slice(2000)]);
    expect(windowed(1).lines([])).toEqual([]);
  });

  it('a line of a window\'s size or more is its window as it is, and a key block reaching its end still sees the cut', () => {
    // The line is the window without the newline after it (no copy): a block from its BEGIN runs to the window's end
    // there, and only the cut after it says that the block goes on in the lines after (the whole join's result).
    const begin = 'log: -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEAq8';
    const lines = [begin, 'ordinary line one', 'ordinary line two', 'x'.repeat(60), 'after: 1'];
    const expected = whole.lines(lines);
    expect(expected).toEqual(['log: [redacted:private-key]']);
    for (const size of [1, 20, begin.length, begin.length + 1]) expect(windowed(size).lines(lines), `windowChars ${size}`).toEqual(expected);
    const long = ['y'.repeat(70), `${'z'.repeat(50)} ${CANARY_SHAPES[2]!.text}`, 'tail'];
    expect(windowed(40).lines(long)).toEqual(whole.lines(long));
  });

  it('a literal secret holding a newline turns the windows off (it could span a cut)', () => {
    const multi = new Redactor(['first-half\nsecond-half'], { windowChars: 1 });
    expect(multi.text('a: 1\nfirst-half\nsecond-half\nb: 2')).toBe(`a: 1\n${REDACTED}\nb: 2`);
  });
});
