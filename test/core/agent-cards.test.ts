import { describe, expect, it } from 'vitest';
import { renderAgentCard, requestText, resultFooter, settledLine, stepLine } from '../../src/core/agent-cards.js';
import type { AgentStep } from '../../src/core/agents.js';
import type { SessionView } from '../../src/core/sessions.js';

const ids = { refresh: 'r', cancel: 'c', kill: 'k' };

function agentView(patch: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1', name: 'claude', alias: null, kind: 'claude', paneId: '', command: 'claude', adopted: false, createdAt: '2026-11-30T00:00:00Z',
    topicId: null, muted: false, exitCode: null, exitedAt: null, state: 'running', lastActivityAt: null, prompt: null,
    agent: { cwd: '/home/u/app', agentSessionId: 'abc', fork: false },
    agentLive: { turn: { status: 'running', steps: [], textTail: '', usage: null, reason: null }, queued: 0 },
    ...patch,
  };
}

describe('agent cards', () => {
  it('keeps a long turn\'s newest steps within the card budget and says how many earlier ones are left out', () => {
    const steps: AgentStep[] = Array.from({ length: 40 }, (_, i) => ({ kind: 'command', id: `c${i}`, command: `${'x'.repeat(150)} ${i}`, status: 'done', exitCode: 0 }));
    const card = renderAgentCard(agentView({ agentLive: { turn: { status: 'running', steps, textTail: 'writing the answer', usage: null, reason: null }, queued: 2 } }), ids);
    expect(card.text.length).toBeLessThan(3300);
    expect(card.text).toMatch(/\(\d+ earlier steps\)/);
    expect(card.text).toMatch(/✓ \$ x+… \(exit 0\)\n✎ writing the answer/);
    expect(card.text).toContain('2 messages queued');
    expect(card.text).toContain('✎ writing the answer');
    expect(card.buttons.flat().map((b) => b.text)).toEqual(['Refresh', 'Cancel turn', 'Kill']);
  });

  it('an idle session has no Cancel; a failed turn says why', () => {
    const card = renderAgentCard(agentView({ state: 'idle', agentLive: { turn: { status: 'failed', steps: [], textTail: '', usage: null, reason: 'the model API is down (502)' }, queued: 0 } }), ids);
    expect(card.text).toContain('last turn: failed — the model API is down (502)');
    expect(card.buttons.flat().map((b) => b.text)).toEqual(['Refresh', 'Kill']);
  });

  it('shows steps on one line each: exit codes, file changes, to-dos', () => {
    expect(stepLine({ kind: 'command', id: '1', command: 'npm test\n--watch', status: 'failed', exitCode: 1 })).toBe('✗ $ npm test ⏎ --watch (exit 1)');
    expect(stepLine({ kind: 'file', id: '2', path: 'src/a.ts', change: 'add', status: 'done' })).toBe('✓ + src/a.ts');
    expect(stepLine({ kind: 'todo', id: '3', items: [{ text: 'a', done: true }, { text: 'b', done: false }] })).toBe('☐ to-do 1/2\n  [x] a\n  [ ] b');
  });

  it('a request shows the tool and its input, each part cut to fit one message', () => {
    const text = requestText('claude claude', { type: 'approval', tool: 'Edit', command: null, path: 'src/a.ts', diff: `${'+line\n'.repeat(1000)}`, reason: null });
    expect(text).toMatch(/^🔐 claude claude asks to use Edit:\nfile: src\/a\.ts\n\n\+line/);
    expect(text.length).toBeLessThan(1700);
    expect(text.endsWith('…')).toBe(true);
  });

  it('says who settled a request, or that nobody did; footers carry files, tokens and cost', () => {
    expect(settledLine({ by: '@owner', answer: 'Denied' })).toBe('→ Denied (by @owner)');
    expect(settledLine({ timedOutAfterMs: 600_000 })).toBe('→ not answered in 10 min: refused');
    expect(resultFooter({ outcome: 'completed', text: '', usage: { inputTokens: 5, outputTokens: 7, costUsd: null }, changedFiles: ['a', 'b'], diff: null }))
      .toBe('— 2 files changed · tokens: 5 in / 7 out');
  });
});
