import { describe, expect, it } from 'vitest';
import { activityOfAudit, RecentCount, RecentList, sessionDetail, troubleOf } from '../../src/core/cockpit.js';
import type { SessionView } from '../../src/core/sessions.js';

describe('core/cockpit', () => {
  it('counts events over a sliding window', () => {
    const count = new RecentCount(1000);
    count.add(0);
    count.add(500);
    count.add(900);
    expect(count.count(900)).toBe(3);
    expect(count.count(1000)).toBe(2);
    expect(count.count(1900)).toBe(0);
  });

  it('keeps the last N of a list', () => {
    const list = new RecentList<number>(2);
    for (const n of [1, 2, 3]) list.add(n);
    expect(list.list()).toEqual([2, 3]);
  });

  it('names the trouble people search for', () => {
    expect(['unauthorized', 'conflict', 'network', 'server', 'retry_after', 'bad_request'].map(troubleOf))
      .toEqual(['unauthorized', 'conflict', 'network', 'server', 'rate_limited', 'other']);
  });

  it('turns audit lines into what the bot did, without the user\'s text', () => {
    expect(activityOfAudit({ action: 'update', outcome: 'rejected', userId: 6, reason: 'not_authorized' }))
      .toEqual({ kind: 'update_refused', detail: 'refused update from user 6: not_authorized' });
    expect(activityOfAudit({ action: 'send', outcome: 'ok', userName: '@alice' })).toEqual({ kind: 'input_typed', detail: 'send by @alice' });
    expect(activityOfAudit({ action: 'kill', outcome: 'failed', userName: 'bob', origin: 'local', reason: 'gone' }))
      .toEqual({ kind: 'action', detail: 'kill by local bob (failed: gone)' });
  });

  it('details a waiting session with the answers offered, none for a password, no question when not waiting', () => {
    const view = {
      id: 's1', name: 'b', kind: 'tmux', command: 'make', createdAt: 'c', exitedAt: null, exitCode: null, topicId: 3, muted: true,
      state: 'waiting', prompt: { ruleId: 'r', question: 'Go? [y/N]', answers: [{ label: 'Yes', input: { text: 'y' } }], secret: false },
    } as unknown as SessionView;
    expect(sessionDetail(view)).toMatchObject({ muted: true, topicId: 3, question: { text: 'Go? [y/N]', answers: ['Yes'], secret: false }, screen: null });
    expect(sessionDetail({ ...view, prompt: { ...view.prompt!, secret: true } }).question).toEqual({ text: 'Go? [y/N]', answers: [], secret: true });
    expect(sessionDetail({ ...view, state: 'running' }).question).toBeNull();
  });
});
