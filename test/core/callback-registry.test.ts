import { describe, expect, it } from 'vitest';
import { CallbackRegistry } from '../../src/core/callback-registry.js';

function counter() {
  let n = 0;
  return () => `id${++n}`;
}

describe('CallbackRegistry', () => {
  it('gives a card button the same id on every render and pushes its expiry out', () => {
    const registry = new CallbackRegistry(counter());
    const a = registry.stable('s1', { type: 'refresh' }, 0, 1000);
    expect(registry.stable('s1', { type: 'refresh' }, 900, 1000)).toBe(a);
    expect(registry.stable('s1', { type: 'keys', keys: ['C-c'] }, 900, 1000)).not.toBe(a);
    expect(registry.stable('s2', { type: 'refresh' }, 900, 1000)).not.toBe(a);
    expect(registry.peek(a, 1800)).toMatchObject({ ok: true, entry: { sessionId: 's1', action: { type: 'refresh' } } });
    expect(registry.use(a, 1800).ok).toBe(true);
    expect(registry.peek(a, 1900)).toEqual({ ok: false, reason: 'expired' });
    expect(registry.peek('nope', 0)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('one-shot groups: using one answer consumes all of them', () => {
    const registry = new CallbackRegistry(counter());
    const [yes, no] = registry.oneShot('s1', [{ type: 'kill-confirm' }, { type: 'kill-cancel' }], 0);
    expect(registry.use(yes!, 1)).toMatchObject({ ok: true, entry: { action: { type: 'kill-confirm' } } });
    expect(registry.use(yes!, 2)).toEqual({ ok: false, reason: 'unknown' });
    expect(registry.use(no!, 2)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('keeps ids within 64 bytes, is bounded, forgets a removed session, and round-trips', () => {
    const registry = new CallbackRegistry(counter(), 3);
    const ids = registry.oneShot('s1', [{ type: 'answer', ruleId: 'r', label: 'y', input: { text: 'y' } }, { type: 'kill' }], 0);
    registry.stable('s2', { type: 'tail' }, 0);
    registry.stable('s2', { type: 'refresh' }, 0);
    expect(registry.size).toBe(3);
    expect(registry.peek(ids[0]!, 1).ok).toBe(false);
    registry.forgetSession('s2');
    expect(registry.size).toBe(1);
    const restored = CallbackRegistry.fromJSON(registry.toJSON(), counter(), 1);
    expect(restored.peek(ids[1]!, 1)).toMatchObject({ ok: true, entry: { action: { type: 'kill' } } });
    expect(() => new CallbackRegistry(() => 'x'.repeat(65)).stable('s', { type: 'tail' }, 0)).toThrow(/1-64 bytes/);
    const pruned = CallbackRegistry.fromJSON(registry.toJSON(), counter(), Number.MAX_SAFE_INTEGER);
    expect(pruned.size).toBe(0);
  });
});
