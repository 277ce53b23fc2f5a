// False positives: ordinary output of this machine (test/fixtures/redact-corpus/generate.sh says what and how) must
// come through the secret shapes almost unchanged: fewer than 0.1% of its lines, and the failure lists them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { CANARY_SHAPES } from '../fixtures/canaries.js';

const CORPUS = join(import.meta.dirname, '../fixtures/redact-corpus');

function corpusLines(): { file: string; line: string }[] {
  const out: { file: string; line: string }[] = [];
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).sort()) {
    for (const line of readFileSync(join(CORPUS, file), 'utf8').split('\n')) out.push({ file, line });
  }
  return out;
}

describe('the false-positive corpus', () => {
  const lines = corpusLines();

  it('holds at least 20,000 lines of ordinary output', () => {
    expect(lines.length).toBeGreaterThanOrEqual(20_000);
  });

  it('fewer than 0.1% of its lines are changed by the secret shapes, line by line and as whole files', () => {
    const redactor = new Redactor();
    const changed = lines.filter(({ line }) => redactor.text(line) !== line).map(({ file, line }) => `${file}: ${line.slice(0, 160)}`);
    expect(changed.length / lines.length, `changed lines:\n${changed.join('\n')}`).toBeLessThan(0.001);
    // Whole files too: the multi-line rules (key blocks) only see lines together.
    let changedInFiles = 0;
    for (const file of new Set(lines.map((l) => l.file))) {
      const own = lines.filter((l) => l.file === file).map((l) => l.line);
      const after = redactor.text(own.join('\n')).split('\n');
      changedInFiles += own.filter((line, i) => after[i] !== line).length;
      expect(after.length, `${file} lost lines`).toBe(own.length);
    }
    expect(changedInFiles / lines.length).toBeLessThan(0.001);
  });

  it('finds every canary put in the middle of it, and changes nothing else', () => {
    const redactor = new Redactor();
    const text = lines.map((l) => l.line);
    const middle = Math.floor(text.length / 2);
    const withCanaries = [...text.slice(0, middle), ...CANARY_SHAPES.map((c) => c.text), ...text.slice(middle)].join('\n');
    const out = redactor.text(withCanaries);
    for (const canary of CANARY_SHAPES) for (const part of canary.secretParts) expect(out).not.toContain(part);
    const before = redactor.text(text.slice(0, middle).join('\n'));
    expect(out.startsWith(before)).toBe(true);
  });
});
