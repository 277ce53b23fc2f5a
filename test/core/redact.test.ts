// The redactor: the literal secrets and bot tokens always, and one test per secret shape of core/secret-shapes.ts
// (each shape's example must be redacted, and the text around it must stay).
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/core/redact.js';
import { SECRET_SHAPES } from '../../src/core/secret-shapes.js';
import { CANARY_SHAPES, opensshKey, pemKey } from '../fixtures/canaries.js';

const redactor = new Redactor();
const r = (text: string): string => redactor.text(text);

describe('literal secrets', () => {
  it('replaces .env values, longest first, also URL-encoded, whatever their shape', () => {
    const env = new Redactor(['hunter2hunter2', 'hunter2hunter2-and-more', 'p@ss word/1']);
    expect(env.text('a hunter2hunter2-and-more b hunter2hunter2 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(env.text('GET /x?p=p%40ss%20word%2F1')).toBe(`GET /x?p=${REDACTED}`);
  });

  it('replaces bot tokens, also in request URLs, even with the shapes off', () => {
    const off = new Redactor(['hunter2hunter2'], { shapes: false });
    expect(off.text('GET /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe')).toBe(`GET /bot${REDACTED}/getMe`);
    expect(off.text('GET /bot123456789%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe')).toBe(`GET /bot${REDACTED}/getMe`);
    expect(off.text('pw hunter2hunter2')).toBe(`pw ${REDACTED}`);
  });

  it('POCKET_REDACT=off (shapes: false) lets the shapes through, only them', () => {
    const off = new Redactor([], { shapes: false });
    for (const canary of CANARY_SHAPES) expect(off.text(canary.text)).toBe(canary.text);
  });
});

describe('secret shapes', () => {
  it('every rule has at least one canary, and every canary names an existing rule', () => {
    const ruleIds = new Set(SECRET_SHAPES.map((s) => s.id));
    const canaryIds = new Set(CANARY_SHAPES.map((c) => c.id));
    expect([...ruleIds].filter((id) => !canaryIds.has(id))).toEqual([]);
    expect([...canaryIds].filter((id) => !ruleIds.has(id))).toEqual([]);
  });

  for (const canary of CANARY_SHAPES) {
    it(`${canary.id}: ${canary.name}`, () => {
      const out = r(`before\n${canary.text}\nafter`);
      expect(out).toContain(`[redacted:${canary.id}]`);
      for (const part of canary.secretParts) expect(out).not.toContain(part);
      expect(out.startsWith('before\n')).toBe(true);
      expect(out.endsWith('\nafter')).toBe(true);
      // Redacting twice changes nothing: the logger redacts, and /logs redacts the log again.
      expect(r(out)).toBe(out);
    });
  }

  it('keeps the prefix that says what was there', () => {
    expect(r('ghp_aaaaBBBBccccDDDDeeeeFFFFgggg0123456789')).toBe('ghp_[redacted:github-token]');
    expect(r('export DB_PASSWORD=hunter2')).toBe('export DB_PASSWORD=[redacted:secret-assignment]');
    expect(r('postgres://app:s3cr3t@db:5432/x')).toBe('postgres://app:[redacted:url-credentials]@db:5432/x');
  });
});

describe('private key blocks', () => {
  const pem = pemKey();
  const ssh = opensshKey();
  const bodyOf = (block: string): string[] => block.split('\n').slice(1, -1);

  it('redacts a whole block, and the lines around it stay', () => {
    for (const block of [pem, ssh]) {
      const out = r(`$ cat key\n${block}\n$ echo done\ndone`);
      expect(out).toBe('$ cat key\n[redacted:private-key]\n$ echo done\ndone');
    }
  });

  it('redacts a block whose END has not been printed yet (to the end of the text)', () => {
    const lines = pem.split('\n');
    const out = r(`$ cat key\n${lines.slice(0, 10).join('\n')}`);
    expect(out).toBe('$ cat key\n[redacted:private-key]');
  });

  it('redacts a window that starts inside a block (its BEGIN scrolled out)', () => {
    const lines = pem.split('\n');
    const out = r(`${lines.slice(12).join('\n')}\n$ echo done`);
    expect(out).toBe('[redacted:private-key]\n$ echo done');
  });

  it('redacts the body lines of a window that has neither BEGIN nor END', () => {
    for (const block of [pem, ssh]) {
      const body = bodyOf(block).slice(2, 9);
      const out = r(body.join('\n'));
      for (const line of body) expect(out).not.toContain(line);
    }
  });

  it('redacts a block printed in pieces: every window of 2 to 6 lines', () => {
    for (const block of [pem, ssh]) {
      const lines = `$ cat key\n${block}\n$ echo done`.split('\n');
      for (let size = 2; size <= 6; size++) {
        for (let start = 0; start < lines.length; start++) {
          const out = r(lines.slice(start, start + size).join('\n'));
          for (const line of bodyOf(block)) expect(out).not.toContain(line);
        }
      }
      // One body line alone is let through (SECURITY.md, Redaction: limits): a line of 64 base64 characters is
      // all it is, and certificates are made of those.
      expect(r(bodyOf(block)[3]!)).toBe(bodyOf(block)[3]);
    }
  });

  it('redacts lines of output together (an IPC output event, plain data with lines in it)', () => {
    const lines = ['$ cat key', ...pem.split('\n').slice(5, 12), '$ echo done'];
    expect(redactor.lines(lines)).toEqual(['$ cat key', '[redacted:private-key]', '$ echo done']);
    expect(redactor.value({ event: 'output', lines: pem.split('\n').slice(3, 9) })).toEqual({ event: 'output', lines: ['[redacted:private-key]'] });
    expect(redactor.lines(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('redacts a block inside one line (JSON with \\n escapes)', () => {
    const json = JSON.stringify({ private_key: pem });
    const out = r(json);
    for (const line of bodyOf(pem)) expect(out).not.toContain(line);
  });

  it('leaves hex digests and 76-column base64 alone', () => {
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const wrapped = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9';
    expect(r(sha256)).toBe(sha256);
    expect(r(wrapped)).toBe(wrapped);
  });
});

describe('public blocks', () => {
  it('leaves certificates and public keys alone, also a window that starts or ends inside one', () => {
    const body = pemKey(99).split('\n').slice(1, -1);
    const cert = ['-----BEGIN CERTIFICATE-----', ...body, '-----END CERTIFICATE-----'];
    expect(r(cert.join('\n'))).toBe(cert.join('\n'));
    expect(r(cert.slice(0, 8).join('\n'))).toBe(cert.slice(0, 8).join('\n'));
    expect(r(cert.slice(8).join('\n'))).toBe(cert.slice(8).join('\n'));
  });

  it('still redacts a private key printed next to a certificate', () => {
    const body = pemKey(99).split('\n').slice(1, -1);
    const cert = ['-----BEGIN CERTIFICATE-----', ...body, '-----END CERTIFICATE-----'].join('\n');
    const out = r(`${cert}\n${pemKey()}\n${cert}`);
    expect(out).toBe(`${cert}\n[redacted:private-key]\n${cert}`);
  });

  it('redacts 64-column base64 seen without a BEGIN or END (the known false positive: `openssl base64`)', () => {
    const lines = pemKey(5).split('\n').slice(1, 6);
    expect(r(lines.join('\n'))).toBe('[redacted:private-key]');
  });
});

describe('the fast paths find what the rules themselves find', () => {
  const oneLine = SECRET_SHAPES.filter((shape) => shape.hint !== undefined);

  it('every one-line rule has a hint, inside each match of its canaries, at most hintAt after the match start', () => {
    expect(SECRET_SHAPES.filter((s) => s.anchors === undefined && s.lineStarts === undefined && s.hint === undefined)).toEqual([]);
    for (const shape of oneLine) {
      const canaries = CANARY_SHAPES.filter((c) => c.id === shape.id);
      for (const canary of canaries) {
        for (const m of canary.text.matchAll(new RegExp(shape.pattern.source, 'gm'))) {
          const hintAt = new RegExp(shape.hint!.source).exec(m[0])?.index;
          expect(hintAt, `${shape.id}: ${m[0]}`).toBeDefined();
          expect(hintAt!, `${shape.id}: ${m[0]}`).toBeLessThanOrEqual(shape.hintAt!);
        }
      }
    }
  });

  // The reference: the rules in the Redactor's order, each over the whole text (the one-line rules without ownPass
  // as one alternation), replacing the match but its first group that took part by the marker.
  const mark = (marker: string) => (_match: string, ...args: unknown[]) => {
    const kept = args.find((a, i) => i < args.length - 2 && typeof a === 'string');
    return `${(kept as string | undefined) ?? ''}${marker}`;
  };
  const reference = (text: string): string => {
    let out = new Redactor([], { shapes: false }).text(text);
    const ordered = [
      ...SECRET_SHAPES.filter((s) => s.anchors !== undefined),
      ...SECRET_SHAPES.filter((s) => s.lineStarts !== undefined),
      ...oneLine.filter((s) => s.ownPass),
    ];
    for (const shape of ordered) {
      const flags = shape.anchors !== undefined ? `${shape.pattern.flags.replace('g', '')}g` : 'gm';
      out = out.replace(new RegExp(shape.pattern.source, flags), mark(`[redacted:${shape.id}]`));
    }
    const together = oneLine.filter((s) => !s.ownPass);
    const combined = new RegExp(together.map((s) => `(${s.pattern.source})`).join('|'), 'gm');
    return out.replace(combined, (match, ...args) => {
      let at = 0;
      for (const shape of together) {
        const groups = new RegExp(`${shape.pattern.source}|`).exec('')!.length - 1;
        if (typeof args[at] === 'string') {
          const kept = args.slice(at + 1, at + 1 + groups).find((a) => typeof a === 'string');
          return `${(kept as string | undefined) ?? ''}[redacted:${shape.id}]`;
        }
        at += 1 + groups;
      }
      return match;
    });
  };

  it('same output as each rule regex run over the whole text, on the canaries and certificate and key windows', () => {
    const body = pemKey(99).split('\n').slice(1, -1);
    const cert = ['-----BEGIN CERTIFICATE-----', ...body, '-----END CERTIFICATE-----'].join('\n');
    const minified = `x=1;${'var key=a.token||b;'.repeat(50)}${CANARY_SHAPES.map((c) => c.text.replace(/\n/g, ' ')).join(';')}`;
    const text = [cert, pemKey(), cert, opensshKey(), ...CANARY_SHAPES.map((c) => c.text), minified, ...body.slice(3, 9)].join('\n');
    const lines = text.split('\n');
    for (const size of [1, 2, 5, 40]) {
      for (let start = 0; start < lines.length; start += size) {
        const window = lines.slice(start, start + size).join('\n');
        expect(r(window), window.slice(0, 200)).toBe(reference(window));
      }
    }
    expect(r(text)).toBe(reference(text));
  });

  it('same output on runs of body lines ending at an END line near and far (the key-body rule\'s look ahead)', () => {
    // Runs of 100-140 lines around the look ahead's 120, lines that break the run (blanks, a \r, prose, BEGIN lines),
    // and END lines of public and private blocks; windows that start anywhere in them.
    const body = [...pemKey(99).split('\n').slice(1, -2), ...opensshKey().split('\n').slice(1, -2)].filter((l) => l.length >= 64);
    let state = 7;
    const next = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    for (let round = 0; round < 12; round++) {
      const lines: string[] = [];
      while (lines.length < 400) {
        const run = next(4) === 0 ? 100 + next(41) : 1 + next(6);
        for (let i = 0; i < run; i++) lines.push(body[next(body.length)]!);
        lines.push(['AbC=', '  ', 'ok\r', 'prose line', '-----END CERTIFICATE-----', '-----END RSA PRIVATE KEY-----',
          `  ${body[0]!}`, `${body[1]!}\r`, '-----BEGIN CERTIFICATE-----', '-----END PUBLIC KEY-----'][next(10)]!);
      }
      for (let start = 0; start < lines.length; start += 1 + next(60)) {
        const window = lines.slice(start, start + 1 + next(260)).join('\n');
        expect(r(window), `round ${round}, start ${start}`).toBe(reference(window));
      }
    }
  });

  it('same output where one scan of all the hints could go wrong: hints inside others, at either end, many, unicode', () => {
    const ghp = 'ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0';
    const bot = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
    const cases = [
      // A hint starting inside another's: the URL hint `://user:` ends on the bot token's separator.
      `https://${bot}@example.com/x`,
      `key=${ghp}`,
      `AKIAAKIAQCANARY7EXAMPLE2 sk-sk-proj-CANARYproj_1234567890-abcdefghijklmnopqrstuvwxyzABCDEF`,
      // Hints at the very start and the very end of the text, some without what should follow them.
      ghp,
      `x ${ghp}`,
      'password',
      'x token',
      'AKIA',
      'ghp_',
      'sk-',
      'eyJ',
      'x://',
      'PRIVATE KEY',
      `password=${ghp}`,
      // A hint ending its line, a secret starting the next within the rules' reach (hintAt) of it.
      'yJ\nxoxb-1234567890-CANARYslackBot42xyz x',
      `key\n${ghp}\nsk-\nAKIAQCANARY7EXAMPLE2`,
      // More hints than the scan's first table holds (256), the secret after them.
      `${'key token cret '.repeat(300)}${ghp}`,
      // Unicode around secrets (the text is then two bytes a character), and the other line ends of the m flag.
      `✓ ${ghp} ✓`,
      `😀${ghp}😀 😀AKIAQCANARY7EXAMPLE2`,
      `é password=hunter2 é`,
      `${ghp}\r\nAKIAQCANARY7EXAMPLE2\u2028token: abc123def\u2029x`,
    ];
    for (const text of cases) expect(r(text), text).toBe(reference(text));
    const all = cases.join('\n');
    expect(r(all)).toBe(reference(all));
  });

  it('same output for bot tokens, found from their separator: 2, 3, 20 and 21 digits, URL-encoded, two in a row', () => {
    const tail = (n: number, c = 'A') => c.repeat(n);
    const cases = [
      `12:${tail(35)}`,
      `123:${tail(35)}`,
      `x${'1'.repeat(20)}:${tail(35)}`,
      `x${'1'.repeat(21)}:${tail(35)}`,
      `123%3a${tail(35)}`,
      `x99999%3A${tail(29, 'B')}`,
      `123:${tail(30)}456:${tail(30, 'B')}`,
      `123:${tail(31)}-4567:${tail(30, 'B')} 890:${tail(30, 'C')}`,
      `GET /bot123456789%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe`,
      `a123:${tail(40)}`,
    ];
    for (const text of cases) expect(r(text), text).toBe(reference(text));
  });

  it('same output when an earlier stage changed the text (the later ones look again)', () => {
    const ghp = 'ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0';
    const bot = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
    const cases = [
      // The assignment pass changes a line; the pass after it finds the token after the new text.
      `DB_PASSWORD=hunter2 ${ghp}\npassword: x9y8z7w6 ${ghp} AKIAQCANARY7EXAMPLE2`,
      `https://password=abc@host ${ghp}`,
      // The bot token goes first; then a key block and the one-line rules.
      `${bot}\n${pemKey()}\n${ghp}`,
      `${bot} ${ghp}\n${pemKey(4).split('\n').slice(3, 9).join('\n')}\napi_key: ${ghp}`,
    ];
    for (const text of cases) expect(r(text), text).toBe(reference(text));
    const env = new Redactor(['hunter2hunter2']);
    expect(env.text(`hunter2hunter2 ${ghp} token=hunter2hunter2`)).toBe(`${REDACTED} ghp_[redacted:github-token] token=${REDACTED}`);
  });

  it('text cut at line ends comes out as the whole would: the tail hands whole lines, and no one-line secret spans them', () => {
    const oneLineCanaries = CANARY_SHAPES.filter((c) => !c.text.includes('\n')).map((c) => c.text);
    const lines = [...oneLineCanaries, 'plain output', '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', ...oneLineCanaries.map((c) => `✓ ${c} é`)];
    const whole = r(lines.join('\n'));
    for (let cut = 1; cut < lines.length; cut++) {
      expect(`${r(lines.slice(0, cut).join('\n'))}\n${r(lines.slice(cut).join('\n'))}`).toBe(whole);
    }
    for (const canary of CANARY_SHAPES) for (const part of canary.secretParts) expect(whole).not.toContain(part);
  });
});
