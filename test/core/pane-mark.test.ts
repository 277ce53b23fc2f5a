import { describe, expect, it } from 'vitest';
import { decodePaneMark, encodePaneMark, judgePane, markMatches, paneMarkOf, reconcileWithPanes, recordFromMark } from '../../src/core/pane-mark.js';
import type { PaneInfo } from '../../src/core/ports.js';
import { SessionRegistry } from '../../src/core/session-registry.js';
import type { SessionRecord } from '../../src/core/sessions.js';

const record: SessionRecord & { nonce: string } = {
  id: 's7',
  nonce: 'n0nce',
  name: 'build',
  alias: 'b',
  kind: 'tmux',
  paneId: '%3',
  command: 'make "all"; echo \'done\'',
  adopted: false,
  createdAt: '2026-11-30T18:00:00.000Z',
  topicId: 42,
  muted: true,
  exitCode: null,
  exitedAt: null,
};

describe('pane marks', () => {
  it('round-trip a session through the text tmux stores, and rebuild the record on the pane it now has', () => {
    const text = encodePaneMark(paneMarkOf(record, '/home/u/.pocket'));
    expect(text).not.toMatch(/[\x00-\x1f]/);
    const mark = decodePaneMark(text);
    expect(mark).toMatchObject({ home: '/home/u/.pocket', id: 's7', name: 'build', alias: 'b', topicId: 42, muted: true });
    expect(recordFromMark(mark!, '%9')).toEqual({ ...record, paneId: '%9' });
  });

  it('match only the same home, id and nonce', () => {
    const mark = paneMarkOf(record, '/h');
    expect(markMatches(mark, record, '/h')).toBe(true);
    expect(markMatches(mark, { ...record, nonce: 'other' }, '/h')).toBe(false);
    expect(markMatches(mark, { ...record, id: 's8' }, '/h')).toBe(false);
    expect(markMatches(mark, record, '/other-home')).toBe(false);
    expect(markMatches(mark, { id: 's7' }, '/h')).toBe(false);
    expect(markMatches(null, record, '/h')).toBe(false);
  });

  it('read anything else as no mark, never throwing', () => {
    const good = paneMarkOf(record, '/h');
    for (const text of [null, '', 'garbage', '{', '[]', 'null', '42', JSON.stringify({ ...good, v: 2 }),
      JSON.stringify({ ...good, kind: 'shell' }), JSON.stringify({ ...good, topicId: 1.5 }),
      JSON.stringify({ ...good, alias: 3 }), JSON.stringify({ ...good, nonce: undefined })]) {
      expect(decodePaneMark(text)).toBeNull();
    }
  });
});

function pane(paneId: string, over: Partial<PaneInfo> = {}): PaneInfo {
  return {
    paneId, sessionName: 'x', windowIndex: 0, paneIndex: 0, target: 'x:0.0', command: 'sh', startCommand: '', cwd: '/',
    width: 80, height: 24, pid: 1, dead: false, exitCode: null, piped: true, alternateScreen: false, mark: null, ...over,
  };
}

describe('judgePane (at start)', () => {
  const home = '/h';
  const marked = (r: typeof record) => encodePaneMark(paneMarkOf(r, home));
  it('keeps a pane that carries the session\'s mark, reports it dead with its code', () => {
    expect(judgePane(record, pane('%3', { mark: marked(record) }), home)).toEqual({ kind: 'ours' });
    expect(judgePane(record, pane('%3', { mark: marked(record), dead: true, exitCode: 3 }), home)).toEqual({ kind: 'dead', exitCode: 3 });
  });
  it('calls a missing pane, an unmarked one and one marked for another session or home gone, saying why', () => {
    expect(judgePane(record, undefined, home)).toMatchObject({ kind: 'gone', why: expect.stringContaining('no longer exists') });
    expect(judgePane(record, pane('%3'), home)).toMatchObject({ kind: 'gone', why: expect.stringContaining('runs something else') });
    expect(judgePane(record, pane('%3', { mark: marked({ ...record, nonce: 'x' }) }), home).kind).toBe('gone');
    expect(judgePane(record, pane('%3', { mark: encodePaneMark(paneMarkOf(record, '/other')) }), home).kind).toBe('gone');
  });
  it('takes a session saved before marks by its still-piped, unmarked pane only', () => {
    const legacy = { id: 's7', paneId: '%3' };
    expect(judgePane(legacy, pane('%3', { piped: true }), home).kind).toBe('ours');
    expect(judgePane(legacy, pane('%3', { piped: false }), home).kind).toBe('gone');
    expect(judgePane(legacy, pane('%3', { mark: marked(record) }), home).kind).toBe('gone');
  });
});

describe('reconcileWithPanes', () => {
  it('rebuilds lost sessions from this home\'s marks, judges every running one, and lists every id in use', () => {
    const registry = new SessionRegistry({ nextId: 1, sessions: [] });
    const other = { ...record, id: 's2', nonce: 'o', name: 'web', alias: null, paneId: '%5' };
    const found = reconcileWithPanes(registry, [
      pane('%3', { mark: encodePaneMark(paneMarkOf(record, '/h')) }),
      pane('%5', { mark: encodePaneMark(paneMarkOf(other, '/another-home')) }),
      pane('%6'),
    ], '/h');
    expect(found.rebuilt.map((r) => [r.id, r.name, r.alias, r.topicId, r.muted])).toEqual([['s7', 'build', 'b', 42, true]]);
    expect(found.markedIds).toEqual(['s7']);
    expect(found.verdicts.map((v) => [v.record.id, v.verdict.kind])).toEqual([['s7', 'ours']]);
    registry.skipPast(found.markedIds);
    expect(registry.reserveId()).toBe('s8');
  });

  it('a rebuilt session yields a name or alias taken meanwhile', () => {
    const registry = new SessionRegistry({ nextId: 20, sessions: [{ ...record, id: 's9', nonce: 'z', name: 'build', alias: 'b', paneId: '%9' }] });
    const found = reconcileWithPanes(registry, [pane('%3', { mark: encodePaneMark(paneMarkOf(record, '/h')) })], '/h');
    expect(found.rebuilt[0]).toMatchObject({ id: 's7', alias: null });
    expect(found.rebuilt[0]!.name).not.toBe('build');
  });
});
