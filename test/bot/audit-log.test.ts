import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileAuditLog } from '../../src/bot/audit.js';
import { Redactor } from '../../src/core/redact.js';
import { rotatingAppender, silentLogger } from '../../src/log.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the audit log on disk', () => {
  it('rotates by size like the daemon log: bounded files, whole lines, the newest action in audit.log', () => {
    const file = join(tempDir('pocket-audit-'), 'audit.log');
    const audit = fileAuditLog(rotatingAppender(file, { maxBytes: 2000, keep: 2 }), new Redactor(), silentLogger);
    for (let n = 1; n <= 100; n++) audit.record({ action: 'send', outcome: 'ok', userId: 5001, detail: `echo ${n}` });
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) {
      expect(statSync(f).size).toBeLessThanOrEqual(2000);
      expect(statSync(f).mode & 0o777).toBe(0o600);
      for (const line of readFileSync(f, 'utf8').trimEnd().split('\n')) expect(JSON.parse(line)).toMatchObject({ action: 'send' });
    }
    const current = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(current.at(-1)!)).toMatchObject({ detail: 'echo 100' });
  });

  it('a write that fails is reported once, and the next one that works clears it', () => {
    const errors: string[] = [];
    const log = { ...silentLogger, error: (event: string) => errors.push(event) };
    let broken = true;
    const lines: string[] = [];
    const audit = fileAuditLog((line) => {
      if (broken) throw new Error('ENOSPC: no space left on device');
      lines.push(line);
    }, new Redactor(), log);
    audit.record({ action: 'send', outcome: 'ok' });
    audit.record({ action: 'send', outcome: 'ok' });
    expect(errors).toEqual(['audit.write_failed']);
    broken = false;
    audit.record({ action: 'kill', outcome: 'ok' });
    expect(lines).toHaveLength(1);
  });
});
