import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { planEnvUpdate } from '../../src/core/env-text.js';

const TOKEN = '123456:AAbbCCddEEffGGhhIIjjKKllMMnn';

describe('planEnvUpdate', () => {
  it('writes a new file with the values in order', () => {
    const plan = planEnvUpdate('', { TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: '42' });
    expect(plan.text).toBe(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=42\n`);
    expect(plan.changes.map((c) => c.kind)).toEqual(['added', 'added']);
    expect(parseEnv(plan.text)).toEqual({ TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: '42' });
  });

  it('keeps comments, blank lines, unknown keys and their order; rewrites a known key in place', () => {
    const existing = [
      '# my pocket settings',
      'POCKET_SHELL=on',
      '',
      'export AUTHORIZED_USER_IDS="7" # me',
      'SOMETHING_ELSE=keep me',
      'AUTHORIZED_USER_IDS=8',
    ].join('\n');
    const plan = planEnvUpdate(existing, { AUTHORIZED_USER_IDS: '7,42', TELEGRAM_BOT_TOKEN: TOKEN });
    expect(plan.text).toBe(
      ['# my pocket settings', 'POCKET_SHELL=on', '', 'AUTHORIZED_USER_IDS=7,42', 'SOMETHING_ELSE=keep me', `TELEGRAM_BOT_TOKEN=${TOKEN}`, ''].join('\n'),
    );
    expect(plan.changes).toEqual([
      { key: 'AUTHORIZED_USER_IDS', kind: 'replaced', before: '7', after: '7,42' },
      { key: 'TELEGRAM_BOT_TOKEN', kind: 'added', after: TOKEN },
    ]);
  });

  it('leaves a line alone when the value is the same, quoted or not', () => {
    const existing = "TELEGRAM_CHAT_ID='-100123'\n";
    const plan = planEnvUpdate(existing, { TELEGRAM_CHAT_ID: '-100123' });
    expect(plan.text).toBe(existing);
    expect(plan.changes[0]!.kind).toBe('unchanged');
  });

  it('quotes a value that is not a plain token or id so dotenv reads it back whole', () => {
    const plan = planEnvUpdate('', { TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/with space#x' });
    expect(parseEnv(plan.text).TELEGRAM_API_ROOT).toBe('http://127.0.0.1:8081/with space#x');
  });

  it('refuses a value with a line break instead of writing a second key', () => {
    expect(() => planEnvUpdate('', { AUTHORIZED_USER_IDS: '1\nPOCKET_SHELL=on' })).toThrow(/span lines/);
  });
});
