import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../src/core/redact.js';
import { createFileLogger, formatLogLine } from '../src/log.js';
import { tempDir } from './helpers/temp-dir.js';

const SECRET = '555555:SECRETsecretSECRETsecretSECRET12';

describe('file logger', () => {
  it('redacts secrets in fields, error messages, stacks and causes', () => {
    const file = join(tempDir('pocket-log-'), 'pocket.log');
    const log = createFileLogger({ file, redactor: new Redactor([SECRET, 'hunter2hunter2']) });
    const inner = new Error(`fetch failed for https://api.telegram.org/bot${SECRET}/getUpdates`);
    const outer = new Error('Network request failed', { cause: inner });
    log.error('bot.poll_failed', { error: outer, url: `https://x/bot${SECRET}/getMe`, nested: { pw: 'hunter2hunter2' } });
    log.info('plain', { text: `token ${SECRET}` });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('hunter2hunter2');
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('Caused by');
    const first = JSON.parse(text.split('\n')[0]!);
    expect(first).toMatchObject({ level: 'error', event: 'bot.poll_failed' });
  });

  it('redacts the secret shapes in fields and messages, unless built without them (POCKET_REDACT=off)', () => {
    const dir = tempDir('pocket-log-');
    const on = join(dir, 'on.log');
    const off = join(dir, 'off.log');
    const line = { typed: 'export AWS_KEY=AKIAQCANARY7EXAMPLE2', text: `pw ${SECRET}` };
    createFileLogger({ file: on, redactor: new Redactor([SECRET]) }).info('input.sent', line);
    createFileLogger({ file: off, redactor: new Redactor([SECRET], { shapes: false }) }).info('input.sent', line);
    expect(readFileSync(on, 'utf8')).toContain('AKIA[redacted:aws-access-key-id]');
    expect(readFileSync(off, 'utf8')).toContain('AKIAQCANARY7EXAMPLE2');
    for (const file of [on, off]) expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
  });

  it('a field named t, level or event does not overwrite the line\'s own: it is kept beside them', () => {
    const file = join(tempDir('pocket-log-'), 'pocket.log');
    createFileLogger({ file, redactor: new Redactor() }).info('session.hook', { event: 'PermissionRequest', level: 3, t: 'x' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      level: 'info',
      event: 'session.hook',
      eventField: 'PermissionRequest',
      levelField: 3,
      tField: 'x',
    });
  });

  it('redacts any bot-token-shaped string, even one it was not told about', () => {
    expect(new Redactor().text('GET /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe')).toBe('GET /bot[REDACTED]/getMe');
  });

  it('rotates by size and keeps a bounded number of files', () => {
    const dir = tempDir('pocket-log-');
    const file = join(dir, 'pocket.log');
    const log = createFileLogger({ file, redactor: new Redactor(), maxBytes: 2000, keep: 2 });
    for (let i = 0; i < 200; i++) log.info('line', { i, pad: 'x'.repeat(50) });
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(readFileSync(f).length).toBeLessThanOrEqual(2000);
    expect(readFileSync(file, 'utf8')).toContain('"i":199');
  });

  it('formats stored lines for people', () => {
    expect(formatLogLine('{"t":"T","level":"warn","event":"x.y","a":1,"b":"two words"}')).toBe('T WARN  x.y a=1 b="two words"');
    expect(formatLogLine('not json')).toBe('not json');
  });
});
