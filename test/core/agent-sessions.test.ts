import { describe, expect, it } from 'vitest';
import {
  agentSessionName, agentSessionState, applyStep, cancelTurn, emptyQueue, finishTurn, isRecentlyChanged, MAX_STEPS,
  requestClosed, requestOpened, submitInput,
} from '../../src/core/agent-sessions.js';
import type { AgentStep } from '../../src/core/agents.js';

const input = (text: string) => ({ text, images: [] });

describe('the agent turn queue', () => {
  it('starts the first input, queues the next ones with how many are ahead, and runs them in order', () => {
    let q = emptyQueue();
    expect(agentSessionState(q)).toBe('idle');
    const first = submitInput(q, input('a'));
    expect(first).toMatchObject({ start: { text: 'a' }, ahead: 0 });
    q = first.queue;
    expect(agentSessionState(q)).toBe('running');
    const second = submitInput(q, input('b'));
    expect(second).toMatchObject({ start: null, ahead: 1 });
    const third = submitInput(second.queue, input('c'));
    expect(third.ahead).toBe(2);
    const afterA = finishTurn(third.queue);
    expect(afterA.next?.text).toBe('b');
    expect(agentSessionState(afterA.queue)).toBe('running');
    const afterB = finishTurn(afterA.queue);
    expect(afterB.next?.text).toBe('c');
    const afterC = finishTurn(afterB.queue);
    expect(afterC.next).toBeNull();
    expect(agentSessionState(afterC.queue)).toBe('idle');
  });

  it('is waiting while a request waits for the person, running again once it is answered', () => {
    const q = submitInput(emptyQueue(), input('a')).queue;
    const asking = requestOpened(q);
    expect(agentSessionState(asking)).toBe('waiting');
    expect(agentSessionState(requestClosed(asking))).toBe('running');
  });

  it('cancel drops what was queued and says whether a turn ran', () => {
    let q = submitInput(emptyQueue(), input('a')).queue;
    q = submitInput(q, input('b')).queue;
    const cancelled = cancelTurn(q);
    expect(cancelled).toMatchObject({ dropped: 1, wasRunning: true });
    expect(finishTurn(cancelled.queue).next).toBeNull();
    expect(cancelTurn(emptyQueue())).toMatchObject({ dropped: 0, wasRunning: false });
  });
});

describe('agent steps on the card', () => {
  it('updates a step in place by id and keeps only the newest MAX_STEPS', () => {
    const running: AgentStep = { kind: 'command', id: 'c1', command: 'npm test', status: 'running', exitCode: null };
    let steps = applyStep([], running);
    steps = applyStep(steps, { kind: 'reasoning', id: 'r1', headline: 'Reading the tests' });
    steps = applyStep(steps, { ...running, status: 'done', exitCode: 0 });
    expect(steps).toEqual([{ ...running, status: 'done', exitCode: 0 }, { kind: 'reasoning', id: 'r1', headline: 'Reading the tests' }]);
    for (let i = 0; i < MAX_STEPS + 5; i++) steps = applyStep(steps, { kind: 'reasoning', id: `x${i}`, headline: `${i}` });
    expect(steps).toHaveLength(MAX_STEPS);
    expect(steps.at(-1)).toMatchObject({ id: `x${MAX_STEPS + 4}` });
  });
});

describe('agent session names and resumes', () => {
  it('names sessions after their kind, numbered when taken', () => {
    expect(agentSessionName('claude', () => false)).toBe('claude');
    const taken = new Set(['codex', 'codex-2']);
    expect(agentSessionName('codex', (n) => taken.has(n))).toBe('codex-3');
  });

  it('calls a transcript changed in the last 5 minutes recently changed', () => {
    const now = 10 * 60_000;
    expect(isRecentlyChanged(now - 4 * 60_000, now)).toBe(true);
    expect(isRecentlyChanged(now - 6 * 60_000, now)).toBe(false);
  });
});
