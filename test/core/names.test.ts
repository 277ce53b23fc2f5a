import { describe, expect, it } from 'vitest';
import { freeNameFrom, isValidName } from '../../src/core/names.js';

describe('freeNameFrom', () => {
  it('keeps a raw name that is valid and free', () => {
    expect(freeNameFrom('work-1-0', () => false)).toBe('work-1-0');
  });

  it('replaces characters tmux would format-expand or that names do not allow', () => {
    expect(freeNameFrom('my #(rm) sess:1.0', () => false)).toBe('my___rm__sess_1_0');
  });

  it('falls back to "pane" for an empty raw name', () => {
    expect(freeNameFrom('', () => false)).toBe('pane');
  });

  it('counts up from -2 past the names already taken', () => {
    const taken = new Set(['work-1-0', 'work-1-0-2', 'work-1-0-3']);
    expect(freeNameFrom('work-1-0', (name) => taken.has(name))).toBe('work-1-0-4');
  });

  it('shortens a long base rather than grow past 32 characters when the suffix gets long', () => {
    // Everything up to -999 is taken: the first free suffix has four digits.
    const name = freeNameFrom('x'.repeat(40), (candidate) => !/-\d{4}$/.test(candidate));
    expect(name).toBe(`${'x'.repeat(27)}-1000`);
    expect(isValidName(name)).toBe(true);
  });
});

describe('names', () => {
  it("start with a letter or digit: a flag-looking name is refused, an adopted pane's name made valid", () => {
    for (const name of ['-t', '--help', '_x', '-']) expect(isValidName(name)).toBe(false);
    for (const name of ['t', '0', 'a-b_c', 'x'.repeat(32)]) expect(isValidName(name)).toBe(true);
    expect(freeNameFrom('--evil:0.1', () => false)).toBe('evil_0_1');
    expect(freeNameFrom('___', () => false)).toBe('pane');
  });
});
