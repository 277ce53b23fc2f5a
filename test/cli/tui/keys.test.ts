import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { keyToAction } from '../../../src/cli/tui/keys.js';

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

describe('keyToAction', () => {
  it('maps every binding', () => {
    expect(keyToAction('q', none)).toBe('quit');
    expect(keyToAction('', { ...none, escape: true })).toBe('quit');
    expect(keyToAction('c', { ...none, ctrl: true })).toBe('quit');
    expect(keyToAction('', { ...none, upArrow: true })).toBe('selectUp');
    expect(keyToAction('', { ...none, downArrow: true })).toBe('selectDown');
    expect(keyToAction('r', none)).toBe('refresh');
  });

  it('ignores everything else, including modified letters', () => {
    expect(keyToAction('x', none)).toBeNull();
    expect(keyToAction('c', none)).toBeNull();
    expect(keyToAction('q', { ...none, meta: true })).toBeNull();
    expect(keyToAction('r', { ...none, ctrl: true })).toBeNull();
  });
});
