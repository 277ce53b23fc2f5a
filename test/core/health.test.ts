import { describe, expect, it } from 'vitest';
import { describeWriteError, Health } from '../../src/core/health.js';

describe('Health', () => {
  it('keeps one problem per key, its first time, and tells on every change only', () => {
    let t = Date.parse('2026-11-30T10:00:00Z');
    let changes = 0;
    const health = new Health({ now: () => t, onChange: () => changes++ });
    expect(health.set('state:updates.json', 'cannot write .state/updates.json: no space left on device')).toBe(true);
    t += 5000;
    expect(health.set('state:updates.json', 'cannot write .state/updates.json: no space left on device')).toBe(false);
    expect(health.set('state:updates.json', 'cannot write .state/updates.json: read-only file system')).toBe(true);
    expect(health.list()).toEqual([{ key: 'state:updates.json', message: 'cannot write .state/updates.json: read-only file system', since: '2026-11-30T10:00:00.000Z' }]);
    expect(changes).toBe(2);
    expect(health.clear('state:updates.json')).toBe(true);
    expect(health.clear('state:updates.json')).toBe(false);
    expect(health.list()).toEqual([]);
    expect(changes).toBe(3);
  });

  it('says write errors in words', () => {
    expect(describeWriteError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('no space left on device');
    expect(describeWriteError(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe('read-only file system');
    expect(describeWriteError(Object.assign(new Error('x'), { code: 'EWHATEVER' }))).toBe('EWHATEVER');
    expect(describeWriteError(new Error('boom'))).toBe('boom');
  });
});
