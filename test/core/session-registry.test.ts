import { describe, expect, it } from 'vitest';
import { SessionRegistry, newSessionRecord } from '../../src/core/session-registry.js';

const start = { paneId: '%1', command: 'sh', adopted: false, createdAt: '2026-01-01T00:00:00.000Z', nonce: 'n' };

describe('SessionRegistry', () => {
  it('builds a fresh record with nothing bound, muted or exited', () => {
    expect(newSessionRecord({ id: 's1', name: 'a', ...start })).toEqual({
      id: 's1',
      name: 'a',
      alias: null,
      kind: 'tmux',
      paneId: '%1',
      command: 'sh',
      adopted: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      nonce: 'n',
      topicId: null,
      muted: false,
      exitCode: null,
      exitedAt: null,
    });
  });

  it('picks a free name that avoids both names and aliases', () => {
    const registry = new SessionRegistry();
    registry.add(newSessionRecord({ id: registry.reserveId(), name: 'work-0-0', ...start }));
    const second = registry.add(newSessionRecord({ id: registry.reserveId(), name: 'other', ...start, paneId: '%2' }));
    registry.update(second.id, { alias: 'work-0-0-2' });
    expect(registry.freeNameFrom('work-0-0')).toBe('work-0-0-3');
    expect(registry.freeNameFrom('fresh')).toBe('fresh');
  });

  it('never reuses an id, even one reserved for a session that was not created', () => {
    const registry = new SessionRegistry();
    const burned = registry.reserveId();
    const used = registry.add(newSessionRecord({ id: registry.reserveId(), name: 'a', ...start })).id;
    registry.remove(used);
    expect([burned, used, registry.reserveId()]).toEqual(['s1', 's2', 's3']);
    expect(new SessionRegistry(registry.toJSON()).reserveId()).toBe('s4');
  });
});
