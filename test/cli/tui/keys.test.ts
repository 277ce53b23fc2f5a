import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { keyToAction } from '../../../src/cli/tui/keys.js';

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};
const type = (mode: Parameters<typeof keyToAction>[0], input: string, key: Partial<Key> = {}) => keyToAction(mode, input, { ...none, ...key })?.type ?? null;

describe('keyToAction', () => {
  it('maps every binding of the table', () => {
    expect(type('normal', 'q')).toBe('quit');
    expect(type('normal', '', { escape: true })).toBe('quit');
    expect(type('normal', 'c', { ctrl: true })).toBe('quit');
    expect(type('normal', '', { upArrow: true })).toBe('selectUp');
    expect(type('normal', '', { downArrow: true })).toBe('selectDown');
    expect(type('normal', 'r')).toBe('refresh');
    expect(type('normal', '\r', { return: true })).toBe('attach');
    expect(type('normal', 'k')).toBe('askKill');
    expect(type('normal', 'm')).toBe('toggleMute');
    expect(type('normal', '/')).toBe('startFilter');
    expect(type('normal', '?')).toBe('help');
  });

  it('ignores everything else, including modified letters', () => {
    expect(type('normal', 'x')).toBeNull();
    expect(type('normal', 'c')).toBeNull();
    expect(type('normal', 'q', { meta: true })).toBeNull();
    expect(type('normal', 'k', { ctrl: true })).toBeNull();
  });

  it('kills only on y once asked; any other key cancels; Ctrl-C still quits', () => {
    expect(type('confirmKill', 'y')).toBe('confirmKill');
    expect(type('confirmKill', 'n')).toBe('back');
    expect(type('confirmKill', 'k')).toBe('back');
    expect(type('confirmKill', '', { return: true })).toBe('back');
    expect(type('confirmKill', 'c', { ctrl: true })).toBe('quit');
  });

  it('types a filter: letters (q and k too) are text, Enter keeps it, Esc clears it, control bytes are dropped', () => {
    expect(keyToAction('filter', 'q', none)).toEqual({ type: 'filterType', text: 'q' });
    expect(type('filter', 'k')).toBe('filterType');
    expect(type('filter', '', { backspace: true })).toBe('filterErase');
    expect(type('filter', '\r', { return: true })).toBe('filterDone');
    expect(type('filter', '', { escape: true })).toBe('filterClear');
    expect(type('filter', '\u001b[2J')).toBeNull();
  });

  it('closes the help with any key', () => {
    expect(type('help', 'x')).toBe('back');
    expect(type('help', 'q')).toBe('back');
  });
});
