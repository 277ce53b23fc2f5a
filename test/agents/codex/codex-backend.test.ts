// The Codex backend against a fake `codex app-server` (test/fixtures/agents/fake-codex.mjs) that speaks the real
// JSON-RPC shapes: what a turn streams, how it continues, how approvals and questions travel, and how every way a
// turn can go wrong ends as one result.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodexBackend } from '../../../src/agents/codex/codex-backend.js';
import { STOPPED_AFTER_REFUSAL } from '../../../src/agents/codex/turn.js';
import type { AgentAnswer, AgentEvent, AgentStep, AgentTurnResult } from '../../../src/core/agents.js';
import { fakeRig, never, recorder } from './rig.js';

const steps = (events: AgentEvent[]): AgentStep[] => events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
const textOf = (result: AgentTurnResult): string => (result.outcome === 'completed' ? result.text : `<${result.outcome}>`);
const allow: AgentAnswer = { type: 'approval', decision: 'allow' };
const deny: AgentAnswer = { type: 'approval', decision: 'deny' };
const allowSession: AgentAnswer = { type: 'approval', decision: 'allow-session' };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Codex backend: a turn', () => {
  it('announces the thread at once, streams steps and text, and ends with the answer, usage and diff', async () => {
    const rig = fakeRig();
    const seen = recorder();
    const result = await rig.backend.runTurn(rig.context(), { text: 'steps please', images: [] }, seen.handlers, never());

    expect(seen.events[0]).toEqual({ type: 'session', agentSessionId: 'thread-1' });
    expect(steps(seen.events)).toEqual([
      { kind: 'reasoning', id: 'r1', headline: 'Looking at the tests' },
      { kind: 'todo', id: 'plan:turn-thread-1-1', items: [{ text: 'Read the tests', done: true }, { text: 'Fix the bug', done: false }] },
      { kind: 'command', id: 'c1', command: "npm test -- --grep 'it works'", status: 'running', exitCode: null },
      { kind: 'command', id: 'c1', command: "npm test -- --grep 'it works'", status: 'failed', exitCode: 1 },
      { kind: 'file', id: `f1:${join(rig.cwd, 'src/fix.ts')}`, path: 'src/fix.ts', change: 'update', status: 'running' },
      { kind: 'file', id: `f1:${join(rig.cwd, 'src/fix.ts')}`, path: 'src/fix.ts', change: 'update', status: 'done' },
      { kind: 'tool', id: 'm1', name: 'docs.search', summary: '{"query":"vitest"}', status: 'running' },
      { kind: 'tool', id: 'm1', name: 'docs.search', summary: '{"query":"vitest"}', status: 'done' },
    ]);
    expect(seen.events.filter((e) => e.type === 'text')).toEqual([
      { type: 'text', delta: 'Fixed ' },
      { type: 'text', delta: 'the bug.' },
    ]);
    expect(result).toEqual({
      outcome: 'completed',
      text: 'Fixed the bug.',
      // Two reports in the turn: 100+50 in, 20+10 out, on top of the thread's earlier 1000 / 200.
      usage: { inputTokens: 150, outputTokens: 30, costUsd: null },
      changedFiles: ['src/fix.ts'],
      diff: expect.stringContaining('+++ b/src/fix.ts\n@@ -1 +1 @@\n-bug\n+fix'),
    });
  });

  it('starts the thread in the folder with an approval policy that asks and the configured sandbox', async () => {
    const rig = fakeRig({ sandbox: 'read-only' });
    await rig.backend.runTurn(rig.context(), { text: 'hello', images: [] }, recorder().handlers, never());
    const start = rig.received().find((m) => m.method === 'thread/start');
    expect(start?.params).toEqual({ cwd: rig.cwd, approvalPolicy: 'on-request', sandbox: 'read-only' });
    // initialize, then the `initialized` notification, before anything else.
    expect(rig.received().slice(1, 3).map((m) => m.method)).toEqual(['initialize', 'initialized']);
  });

  it('sends the text and each image as a localImage input', async () => {
    const rig = fakeRig();
    const image = join(rig.home, 'photo.jpg');
    writeFileSync(image, 'jpeg');
    const result = await rig.backend.runTurn(
      rig.context(),
      { text: 'inputs what is this?', images: [{ path: image, mimeType: 'image/jpeg' }] },
      recorder().handlers,
      never(),
    );
    expect(JSON.parse(textOf(result).replace(/^inputs: /, ''))).toEqual([
      { type: 'text', text: 'inputs what is this?', text_elements: [] },
      { type: 'localImage', path: image },
    ]);
  });

  it("gives codex only the turn's env: never pocket's bot token", async () => {
    const rig = fakeRig();
    const before = process.env.TELEGRAM_BOT_TOKEN;
    process.env.TELEGRAM_BOT_TOKEN = '123456:pocket-secret-token';
    try {
      const result = await rig.backend.runTurn(rig.context(), { text: 'env', images: [] }, recorder().handlers, never());
      const keys = textOf(result).replace(/^env: /, '').split(',');
      expect(keys).toEqual(['FAKE_CODEX_LOG', 'HOME', 'PATH']);
    } finally {
      if (before === undefined) delete process.env.TELEGRAM_BOT_TOKEN;
      else process.env.TELEGRAM_BOT_TOKEN = before;
    }
  });
});

describe('Codex backend: continuing a thread', () => {
  it('resumes the same thread, also from a new backend after a restart, and forks into a copy', async () => {
    const rig = fakeRig();
    const first = recorder();
    await rig.backend.runTurn(rig.context(), { text: 'first prompt', images: [] }, first.handlers, never());
    const again = recorder();
    const second = await rig.backend.runTurn(rig.context({ agentSessionId: 'thread-1' }), { text: 'history', images: [] }, again.handlers, never());
    expect(again.events[0]).toEqual({ type: 'session', agentSessionId: 'thread-1' });
    expect(textOf(second)).toBe('history: first prompt');
    expect(rig.received().find((m) => m.method === 'thread/resume')?.params).toMatchObject({ threadId: 'thread-1', cwd: rig.cwd });

    const restarted = rig.restart();
    const third = await restarted.runTurn(rig.context({ agentSessionId: 'thread-1' }), { text: 'history', images: [] }, recorder().handlers, never());
    expect(textOf(third)).toBe('history: first prompt | history');

    const forked = recorder();
    const fork = await restarted.runTurn(rig.context({ agentSessionId: 'thread-1', fork: true }), { text: 'history', images: [] }, forked.handlers, never());
    expect(forked.events[0]).toEqual({ type: 'session', agentSessionId: 'thread-2' });
    expect(textOf(fork)).toBe('history: first prompt | history | history');
  });

  it('fails with the thread id and codex’s reason when the thread is unknown', async () => {
    const rig = fakeRig();
    const result = await rig.backend.runTurn(rig.context({ agentSessionId: 'thread-404' }), { text: 'hi', images: [] }, recorder().handlers, never());
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'Codex could not continue thread thread-404: thread/resume: no rollout found for thread id thread-404',
    });
  });
});

describe('Codex backend: approvals and questions', () => {
  it('asks about a command with the command itself and the reason, and runs it on allow', async () => {
    const rig = fakeRig();
    const seen = recorder(() => allow);
    const result = await rig.backend.runTurn(rig.context(), { text: 'command-approval', images: [] }, seen.handlers, never());
    expect(seen.requests).toEqual([
      { type: 'approval', tool: 'command', command: 'touch approved.txt', path: null, diff: null, reason: 'It needs to write outside the sandbox.' },
    ]);
    expect(textOf(result)).toBe('ran it (accept)');
    expect(steps(seen.events).at(-1)).toMatchObject({ kind: 'command', status: 'done', exitCode: 0 });
  });

  it('answers allow-session with acceptForSession, deny and a timeout with decline', async () => {
    const rig = fakeRig();
    const turn = (answer: AgentAnswer) =>
      rig.backend.runTurn(rig.context(), { text: 'command-approval', images: [] }, recorder(() => answer).handlers, never());
    expect(textOf(await turn(allowSession))).toBe('ran it (acceptForSession)');
    const denied = recorder(() => deny);
    expect(textOf(await rig.backend.runTurn(rig.context(), { text: 'command-approval', images: [] }, denied.handlers, never()))).toBe(
      'did not run it ("decline")',
    );
    expect(steps(denied.events).at(-1)).toMatchObject({ kind: 'command', status: 'declined' });
    expect(textOf(await turn({ type: 'timeout' }))).toBe('did not run it ("decline")');
  });

  it('declines when the handler fails: a broken chat cannot approve anything', async () => {
    const rig = fakeRig();
    const result = await rig.backend.runTurn(
      rig.context(),
      { text: 'command-approval', images: [] },
      { onEvent: () => {}, onRequest: () => Promise.reject(new Error('telegram is down')) },
      never(),
    );
    expect(textOf(result)).toBe('did not run it ("decline")');
  });

  it('asks about a file change with its paths and a diff preview; allow applies it, deny and timeout do not', async () => {
    const rig = fakeRig();
    const seen = recorder(() => allow);
    const applied = await rig.backend.runTurn(rig.context(), { text: 'file-approval', images: [] }, seen.handlers, never());
    expect(seen.requests).toEqual([
      {
        type: 'approval',
        tool: 'file change',
        command: null,
        path: 'src/app.ts, notes.md',
        diff: '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1 @@\n-old\n+new\n\n--- /dev/null\n+++ b/notes.md\n+hello',
        reason: null,
      },
    ]);
    expect(applied).toMatchObject({ outcome: 'completed', text: 'applied (accept)', changedFiles: ['src/app.ts', 'notes.md'] });

    const refused = recorder(() => deny);
    const declined = await rig.backend.runTurn(rig.context(), { text: 'file-approval', images: [] }, refused.handlers, never());
    expect(declined).toMatchObject({ outcome: 'completed', text: 'not applied (decline)', changedFiles: [] });
    expect(steps(refused.events).filter((s) => s.kind === 'file' && s.status === 'declined')).toHaveLength(2);
    const timedOut = await rig.backend.runTurn(rig.context(), { text: 'file-approval', images: [] }, recorder().handlers, never());
    expect(textOf(timedOut)).toBe('not applied (decline)');
  });

  it('interrupts a turn that stays silent after a refusal and ends it as completed, saying so', async () => {
    const rig = fakeRig({ declineStallMs: 300 });
    const result = await rig.backend.runTurn(rig.context(), { text: 'stall-after-decline', images: [] }, recorder(() => deny).handlers, never());
    expect(result).toMatchObject({ outcome: 'completed', text: STOPPED_AFTER_REFUSAL });
    expect(rig.received().find((m) => m.method === 'turn/interrupt')?.params).toEqual({ threadId: 'thread-1', turnId: 'turn-thread-1-1' });
  });

  it('does not take a long quiet command that follows a refusal for a stall', async () => {
    const rig = fakeRig({ declineStallMs: 100 });
    // The fake's next command runs 500 ms without a word: five times the stall time.
    const result = await rig.backend.runTurn(rig.context(), { text: 'slow-after-decline 500', images: [] }, recorder(() => deny).handlers, never());
    expect(textOf(result)).toBe('went on after the refusal');
    expect(rig.received().filter((m) => m.method === 'turn/interrupt')).toEqual([]);
  });

  it('turns a user-input request into questions with their options, and sends the answers by question id', async () => {
    const rig = fakeRig();
    const seen = recorder(() => ({ type: 'question', answers: ['Jest', 'Ada'] }));
    const result = await rig.backend.runTurn(rig.context(), { text: 'ask', images: [] }, seen.handlers, never());
    expect(seen.requests).toEqual([
      {
        type: 'question',
        questions: [
          {
            header: 'Runner',
            question: 'Which test runner?',
            options: [
              { label: 'Vitest', description: 'Fast' },
              { label: 'Jest', description: 'Widely used' },
            ],
            multiSelect: false,
          },
          { header: 'Name', question: 'What name?', options: [], multiSelect: false },
        ],
      },
    ]);
    expect(textOf(result)).toBe('answers: {"answers":{"runner":{"answers":["Jest"]},"name":{"answers":["Ada"]}}}');
    const unanswered = await rig.backend.runTurn(rig.context(), { text: 'ask', images: [] }, recorder().handlers, never());
    expect(textOf(unanswered)).toBe('answers: {"answers":{}}');
  });
});

describe('Codex backend: cancel and failures', () => {
  it('interrupts the running turn on abort, ends it as cancelled, and the next turn runs', async () => {
    const rig = fakeRig();
    const seen = recorder();
    const abort = new AbortController();
    const running = rig.backend.runTurn(rig.context(), { text: 'slow', images: [] }, seen.handlers, abort.signal);
    await seen.waitFor((e) => e.type === 'text');
    abort.abort();
    expect(await running).toEqual({ outcome: 'cancelled' });
    expect(rig.received().find((m) => m.method === 'turn/interrupt')?.params).toEqual({ threadId: 'thread-1', turnId: 'turn-thread-1-1' });
    const next = await rig.backend.runTurn(rig.context({ agentSessionId: 'thread-1' }), { text: 'hello', images: [] }, recorder().handlers, never());
    expect(textOf(next)).toBe('echo: hello');
  });

  it('ends a cancelled turn codex does not confirm after the grace time, and ignores the late confirmation later', async () => {
    const rig = fakeRig({ interruptGraceMs: 100 });
    const abort = new AbortController();
    const seen = recorder();
    const running = rig.backend.runTurn(rig.context(), { text: 'slow-unconfirmed', images: [] }, seen.handlers, abort.signal);
    await seen.waitFor((e) => e.type === 'session');
    // The interrupt goes out once turn/start has answered; then nothing confirms it.
    abort.abort();
    expect(await running).toEqual({ outcome: 'cancelled' });
    const next = await rig.backend.runTurn(rig.context({ agentSessionId: 'thread-1' }), { text: 'hello', images: [] }, recorder().handlers, never());
    expect(textOf(next)).toBe('echo: hello');
  });

  it('runs turns of two threads at once on one app-server, each seeing only its own thread', async () => {
    const rig = fakeRig();
    const slow = recorder();
    const abort = new AbortController();
    const running = rig.backend.runTurn(rig.context(), { text: 'slow', images: [] }, slow.handlers, abort.signal);
    await slow.waitFor((e) => e.type === 'text');
    const quick = recorder();
    const other = await rig.backend.runTurn(rig.context(), { text: 'hello', images: [] }, quick.handlers, never());
    expect(textOf(other)).toBe('echo: hello');
    expect(quick.events[0]).toEqual({ type: 'session', agentSessionId: 'thread-2' });
    expect(slow.events).toEqual([
      { type: 'session', agentSessionId: 'thread-1' },
      { type: 'text', delta: 'Working on it' },
    ]);
    abort.abort();
    expect(await running).toEqual({ outcome: 'cancelled' });
  });

  it('is cancelled without starting anything when the signal has already aborted', async () => {
    const rig = fakeRig();
    const abort = new AbortController();
    abort.abort();
    expect(await rig.backend.runTurn(rig.context(), { text: 'hello', images: [] }, recorder().handlers, abort.signal)).toEqual({
      outcome: 'cancelled',
    });
    expect(rig.received().filter((m) => m.method === 'turn/start')).toEqual([]);
  });

  it('fails a turn whose app-server crashes with its exit status and last words, and starts a new one next time', async () => {
    const rig = fakeRig();
    const crashed = await rig.backend.runTurn(rig.context(), { text: 'crash', images: [] }, recorder().handlers, never());
    expect(crashed.outcome).toBe('failed');
    expect(crashed.outcome === 'failed' && crashed.reason).toMatch(
      /^Codex stopped in the middle of the turn: .*fake-codex\.mjs exited \(exit code 3\): thread panicked: the fake crashed on purpose\.$/,
    );
    const next = await rig.backend.runTurn(rig.context({ agentSessionId: 'thread-1' }), { text: 'hello', images: [] }, recorder().handlers, never());
    expect(textOf(next)).toBe('echo: hello');
    expect(rig.received().filter((m) => m.pid !== undefined)).toHaveLength(2);
  });

  it("fails with the model API's error, not the retries before it", async () => {
    const rig = fakeRig();
    const result = await rig.backend.runTurn(rig.context(), { text: 'error', images: [] }, recorder().handlers, never());
    expect(result).toEqual({ outcome: 'failed', reason: 'Codex could not get an answer from the model API: unexpected status 502 Bad Gateway.' });
    const refused = await rig.backend.runTurn(rig.context(), { text: 'unauthorized', images: [] }, recorder().handlers, never());
    expect(refused.outcome === 'failed' && refused.reason).toMatch(/^The model API refused Codex's credentials: .*codex login/);
  });

  it('fails with the install command when the executable is missing', async () => {
    const rig = fakeRig({ executable: '/nonexistent/codex' });
    const result = await rig.backend.runTurn(rig.context(), { text: 'hello', images: [] }, recorder().handlers, never());
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'Codex is not installed (/nonexistent/codex was not found): install it with `npm install -g @openai/codex`.',
    });
  });
});

describe('Codex backend: availability, recent threads, close', () => {
  it('reports the executable and its version, or the install command', async () => {
    const rig = fakeRig();
    expect(await rig.backend.availability()).toEqual({ ok: true, executable: expect.stringMatching(/fake-codex\.mjs$/), version: '0.171.0-fake' });
    expect(await new CodexBackend({ executable: '/nonexistent/codex', env: rig.env }).availability()).toEqual({
      ok: false,
      reason: 'POCKET_CODEX_PATH=/nonexistent/codex is not an executable file',
      install: 'npm install -g @openai/codex',
    });
    expect(await new CodexBackend({ env: { ...rig.env, PATH: rig.home } }).availability()).toEqual({
      ok: false,
      reason: 'codex is not on PATH',
      install: 'npm install -g @openai/codex',
    });
  });

  it("lists the folder's threads newest first with their first prompt, and the last exchange of one", async () => {
    const rig = fakeRig();
    await rig.backend.runTurn(rig.context(), { text: 'older thread', images: [] }, recorder().handlers, never());
    await rig.backend.runTurn(rig.context(), { text: 'newer thread', images: [] }, recorder().handlers, never());
    await rig.backend.runTurn(rig.context({ agentSessionId: 'thread-2' }), { text: 'and a follow-up', images: [] }, recorder().handlers, never());
    await rig.backend.runTurn(rig.context({ cwd: rig.home }), { text: 'elsewhere', images: [] }, recorder().handlers, never());

    const recent = await rig.backend.listRecent(rig.cwd, 10);
    expect(recent.map(({ agentSessionId, firstPrompt, cwd, kind }) => ({ agentSessionId, firstPrompt, cwd, kind }))).toEqual([
      { kind: 'codex', agentSessionId: 'thread-2', firstPrompt: 'newer thread', cwd: rig.cwd },
      { kind: 'codex', agentSessionId: 'thread-1', firstPrompt: 'older thread', cwd: rig.cwd },
    ]);
    expect(Math.abs(recent[0]!.updatedAt - Date.now())).toBeLessThan(60_000);
    expect(await rig.backend.lastExchange('thread-2')).toEqual({ prompt: 'and a follow-up', answer: 'echo: and a follow-up' });
    expect(await rig.backend.lastExchange('thread-404')).toBeNull();
  });

  it('runs every turn on one app-server and ends it on close', async () => {
    const rig = fakeRig();
    await rig.backend.runTurn(rig.context(), { text: 'one', images: [] }, recorder().handlers, never());
    await rig.backend.runTurn(rig.context(), { text: 'two', images: [] }, recorder().handlers, never());
    const pids = rig.received().flatMap((m) => (typeof m.pid === 'number' ? [m.pid] : []));
    expect(pids).toHaveLength(1);
    expect(pidAlive(pids[0]!)).toBe(true);
    await rig.backend.close();
    expect(pidAlive(pids[0]!)).toBe(false);
  });
});
