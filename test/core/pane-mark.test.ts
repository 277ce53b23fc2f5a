import { describe, expect, it } from 'vitest';
import { decodePaneMark, encodePaneMark, markMatches, paneMarkOf, recordFromMark } from '../../src/core/pane-mark.js';
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
