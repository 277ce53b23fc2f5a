import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PocketError } from '../../src/core/errors.js';
import { resolveHome } from '../../src/state/paths.js';

describe('resolveHome', () => {
  it('takes --home, else POCKET_HOME, else ~/.pocket', () => {
    expect(resolveHome('/srv/pocket', { POCKET_HOME: '/other' })).toBe('/srv/pocket');
    expect(resolveHome(undefined, { POCKET_HOME: '/other' })).toBe('/other');
    expect(resolveHome(undefined, {})).toBe(join(homedir(), '.pocket'));
  });

  it('refuses an empty --home (an unset variable in a script) instead of acting on ~/.pocket', () => {
    for (const empty of ['', '  ']) {
      let error: unknown;
      try {
        resolveHome(empty, { POCKET_HOME: '/other' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PocketError);
      expect(error).toMatchObject({ code: 'USAGE', message: '--home expects a folder, got an empty value; nothing was done.' });
    }
  });
});
