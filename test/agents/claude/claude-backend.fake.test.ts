// The Claude backend driving the REAL @anthropic-ai/claude-agent-sdk (from the agents cache) against a fake
// Claude Code executable that speaks the SDK's stream-json control protocol (test/fixtures/agents/fake-claude.mjs).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClaudeBackend } from '../../../src/agents/claude/claude-backend.js';
import type {
  AgentAnswer,
  AgentEvent,
  AgentInput,
  AgentRequest,
  AgentStep,
  AgentTurnContext,
  AgentTurnResult,
} from '../../../src/core/agents.js';
import { announceSkip, claudeSdkMissing, claudeSdkSearchPaths } from '../../helpers/claude-sdk.js';
import { tempDir } from '../../helpers/temp-dir.js';

const FAKE = fileURLToPath(new URL('../../fixtures/agents/fake-claude.mjs', import.meta.url));
announceSkip('claude-backend.fake.test.ts', claudeSdkMissing);

type Step = Record<string, unknown>;

interface Run {
  result: AgentTurnResult;
  events: AgentEvent[];
  requests: AgentRequest[];
  /** What the fake CLI received and wrote down, one entry per line of its log. */
  log: Record<string, unknown>[];
  cwd: string;
}

interface Rig {
  cwd: string;
  home: string;
  backend: ReturnType<typeof createClaudeBackend>;
  turn(
    steps: Step[],
    options?: {
      failBeforeInit?: string;
      requestBeforeInit?: Step;
      context?: Partial<AgentTurnContext>;
      input?: Partial<AgentInput>;
      answer?: (request: AgentRequest) => AgentAnswer | Promise<AgentAnswer>;
      signal?: AbortSignal;
      onEvent?: (event: AgentEvent) => void;
    },
  ): Promise<Run>;
}

function rig(): Rig {
  const root = tempDir('pocket-claude-fake-');
  const cwd = join(root, 'project');
  const home = join(root, 'home');
  for (const dir of [cwd, home]) mkdirSync(dir, { recursive: true });
  const backend = createClaudeBackend({ claudePath: FAKE, sdkSearchPaths: claudeSdkSearchPaths, storeEnv: { HOME: home } });
  let turns = 0;
  return {
    cwd,
    home,
    backend,
    async turn(steps, options = {}) {
      const n = ++turns;
      const script = join(root, `script-${n}.json`);
      const logFile = join(root, `log-${n}.jsonl`);
      writeFileSync(script, JSON.stringify({ steps, failBeforeInit: options.failBeforeInit, requestBeforeInit: options.requestBeforeInit }));
      writeFileSync(logFile, '');
      const events: AgentEvent[] = [];
      const requests: AgentRequest[] = [];
      const context: AgentTurnContext = {
        cwd,
        agentSessionId: null,
        fork: false,
        env: { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: root, FAKE_CLAUDE_SCRIPT: script, FAKE_CLAUDE_LOG: logFile },
        ...options.context,
      };
      const result = await backend.runTurn(
        context,
        { text: `turn ${n}`, images: [], ...options.input },
        {
          onEvent: (event) => {
            events.push(event);
            options.onEvent?.(event);
          },
          onRequest: async (request) => {
            requests.push(request);
            return options.answer ? options.answer(request) : { type: 'approval', decision: 'allow' };
          },
        },
        options.signal ?? new AbortController().signal,
      );
      const log = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { result, events, requests, log, cwd };
    },
  };
}

const steps = (run: Run): AgentStep[] => run.events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
const text = (run: Run): string => run.events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
const sessions = (run: Run): string[] => run.events.flatMap((e) => (e.type === 'session' ? [e.agentSessionId] : []));
const argv = (run: Run): string[] => (run.log.find((entry) => entry.argv)?.argv as string[]) ?? [];
const permissionAnswers = (run: Run) =>
  run.log.flatMap((entry) => (entry.permissionAnswer ? [entry.permissionAnswer as Record<string, unknown>] : []));

describe.skipIf(claudeSdkMissing !== null)('Claude backend through the real SDK, fake CLI', () => {
  it('streams a turn: session first, reasoning, text deltas, command and tool steps, to-dos, usage and cost', async () => {
    const { turn } = rig();
    const run = await turn([
      { thinking: '**Planning the change**\nFirst I look at the files.' },
      { text: 'Looking around.' },
      { tool: 'Bash', input: { command: 'ls -la', description: 'List files' }, output: 'a b' },
      { tool: 'Bash', input: { command: 'false' }, exitCode: 2 },
      { tool: 'TodoWrite', ask: false, input: { todos: [{ content: 'Read', status: 'completed' }, { content: 'Fix', status: 'pending' }] } },
      { tool: 'Read', ask: false, input: { file_path: '/etc/hostname' } },
      { text: 'All done.' },
    ]);
    expect(run.events[0]).toEqual({ type: 'session', agentSessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // The id pocket chose is the one the CLI was told to use and reported back.
    expect(argv(run)).toContain(`--session-id=${sessions(run)[0]}`);
    expect(new Set(sessions(run)).size).toBe(1);
    expect(text(run)).toBe('Looking around.\n\nAll done.');
    // Streamed in pieces, not only as the complete message.
    expect(run.events.filter((e) => e.type === 'text' && e.delta !== '\n\n').length).toBe(4);
    const shown = steps(run);
    expect(shown).toContainEqual({ kind: 'reasoning', id: 'reasoning-1', headline: 'Planning the change' });
    expect(shown).toContainEqual({ kind: 'command', id: 'toolu_fake_1', command: 'ls -la', status: 'running', exitCode: null });
    expect(shown).toContainEqual({ kind: 'command', id: 'toolu_fake_1', command: 'ls -la', status: 'done', exitCode: 0 });
    expect(shown).toContainEqual({ kind: 'command', id: 'toolu_fake_2', command: 'false', status: 'failed', exitCode: 2 });
    expect(shown).toContainEqual({ kind: 'todo', id: 'todo', items: [{ text: 'Read', done: true }, { text: 'Fix', done: false }] });
    expect(shown).toContainEqual({ kind: 'tool', id: 'toolu_fake_4', name: 'Read', summary: '/etc/hostname', status: 'done' });
    expect(run.requests).toEqual([
      { type: 'approval', tool: 'Bash', command: 'ls -la', path: null, diff: null, reason: 'List files' },
      { type: 'approval', tool: 'Bash', command: 'false', path: null, diff: null, reason: null },
    ]);
    expect(run.result).toEqual({
      outcome: 'completed',
      text: 'All done.',
      // This turn's share (model_usage_since_last_result), not the session's running total_cost_usd (0.5).
      usage: { inputTokens: 150, outputTokens: 40, costUsd: 0.0125 },
      changedFiles: [],
      diff: null,
    });
    expect(argv(run)).toContain('--permission-mode=default');
  });

  it('resumes a session by its id, and forks it under a new id when asked', async () => {
    const { turn } = rig();
    const first = await turn([{ text: 'one' }]);
    const id = sessions(first)[0] as string;
    const resumed = await turn([{ text: 'two' }], { context: { agentSessionId: id } });
    expect(argv(resumed)).toContain(`--resume=${id}`);
    expect(argv(resumed).some((arg) => arg.startsWith('--session-id'))).toBe(false);
    expect(sessions(resumed)).toEqual([id]);
    expect(resumed.result).toMatchObject({ outcome: 'completed', text: 'two' });

    const forked = await turn([{ text: 'three' }], { context: { agentSessionId: id, fork: true } });
    expect(argv(forked)).toEqual(expect.arrayContaining([`--resume=${id}`, '--fork-session']));
    const forkId = sessions(forked)[0] as string;
    expect(forkId).not.toBe(id);
    expect(argv(forked)).toContain(`--session-id=${forkId}`);
  });

  it('allows a Write with its input sent back as updatedInput, shows a diff preview, and reports the change', async () => {
    const { turn, cwd } = rig();
    writeFileSync(join(cwd, 'old.txt'), 'one\nbefore\nthree\n');
    writeFileSync(join(cwd, 'allowed.txt'), 'old\n');
    const run = await turn([
      { tool: 'Write', input: { file_path: join(cwd, 'notes.txt'), content: 'hello\n' } },
      { tool: 'Edit', input: { file_path: join(cwd, 'old.txt'), old_string: 'before', new_string: 'after' } },
      // Allowed by the user's rules: no canUseTool, only the PreToolUse hook sees the file before it changes.
      { tool: 'Write', ask: false, input: { file_path: join(cwd, 'allowed.txt'), content: 'new\n' } },
      { text: 'Wrote it.' },
    ]);
    expect(run.requests).toHaveLength(2);
    expect(run.requests[0]).toEqual({
      type: 'approval',
      tool: 'Write',
      command: null,
      path: 'notes.txt',
      diff: '--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,1 @@\n+hello\n',
      reason: null,
    });
    expect(run.requests[1]).toMatchObject({ tool: 'Edit', path: 'old.txt', diff: expect.stringContaining('-before\n+after\n') });
    // The CLI got an allow it accepts: the input as it was, in updatedInput.
    expect(permissionAnswers(run)[0]).toEqual({
      behavior: 'allow',
      updatedInput: { file_path: join(cwd, 'notes.txt'), content: 'hello\n' },
      toolUseID: 'toolu_fake_1',
    });
    expect(readFileSync(join(cwd, 'notes.txt'), 'utf8')).toBe('hello\n');
    expect(steps(run)).toContainEqual({ kind: 'file', id: 'toolu_fake_1', path: 'notes.txt', change: 'add', status: 'done' });
    expect(steps(run)).toContainEqual({ kind: 'file', id: 'toolu_fake_2', path: 'old.txt', change: 'update', status: 'done' });
    expect(run.result).toEqual({
      outcome: 'completed',
      text: 'Wrote it.',
      usage: expect.any(Object),
      changedFiles: ['notes.txt', 'old.txt', 'allowed.txt'],
      diff:
        '--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,1 @@\n+hello\n' +
        '--- a/old.txt\n+++ b/old.txt\n@@ -1,3 +1,3 @@\n one\n-before\n+after\n three\n' +
        '--- a/allowed.txt\n+++ b/allowed.txt\n@@ -1,1 +1,1 @@\n-old\n+new\n',
    });
  });

  it('a Deny refuses the command with the reason, and the step says declined', async () => {
    const { turn, cwd } = rig();
    const run = await turn(
      [{ tool: 'Bash', input: { command: 'touch made.txt' } }, { text: 'It was refused.' }],
      { answer: () => ({ type: 'approval', decision: 'deny', reason: 'not now' }) },
    );
    expect(permissionAnswers(run)).toEqual([{ behavior: 'deny', message: 'Denied from Telegram: not now', toolUseID: 'toolu_fake_1' }]);
    expect(steps(run)).toContainEqual({ kind: 'command', id: 'toolu_fake_1', command: 'touch made.txt', status: 'declined', exitCode: null });
    expect(run.result).toMatchObject({ outcome: 'completed', text: 'It was refused.' });
    expect(existsSync(join(cwd, 'made.txt'))).toBe(false);
  });

  it('a timeout answer is a refusal that tells the agent nobody answered', async () => {
    const { turn } = rig();
    const run = await turn([{ tool: 'Bash', input: { command: 'rm -rf build' } }, { text: 'ok' }], {
      answer: () => ({ type: 'timeout' }),
    });
    expect(permissionAnswers(run)).toEqual([
      { behavior: 'deny', message: expect.stringContaining('Nobody answered'), toolUseID: 'toolu_fake_1' },
    ]);
    expect(run.result.outcome).toBe('completed');
  });

  it('"Allow for this session" is not asked again for that tool, in this turn or the next', async () => {
    const { turn } = rig();
    const bash = (command: string) => ({ tool: 'Bash', input: { command } });
    const first = await turn([bash('npm test'), bash('npm run lint'), { text: 'ok' }], {
      answer: () => ({ type: 'approval', decision: 'allow-session' }),
    });
    expect(first.requests).toHaveLength(1);
    expect(permissionAnswers(first)[0]).toMatchObject({
      behavior: 'allow',
      updatedPermissions: [{ type: 'addRules', rules: [{ toolName: 'Bash' }], behavior: 'allow', destination: 'session' }],
    });
    expect(permissionAnswers(first)[1]).toMatchObject({ behavior: 'allow', updatedInput: { command: 'npm run lint' } });
    const next = await turn([bash('npm run build'), { tool: 'Write', input: { file_path: '/dev/null', content: '' } }, { text: 'ok' }], {
      context: { agentSessionId: sessions(first)[0] as string },
    });
    expect(next.requests.map((r) => (r.type === 'approval' ? r.tool : r.type))).toEqual(['Write']);
    // A fork of the conversation keeps what was allowed in it.
    const fork = await turn([bash('npm run e2e'), { text: 'ok' }], {
      context: { agentSessionId: sessions(first)[0] as string, fork: true },
    });
    expect(fork.requests).toEqual([]);
    expect(permissionAnswers(fork)[0]).toMatchObject({ behavior: 'allow', updatedInput: { command: 'npm run e2e' } });
  });

  it('AskUserQuestion becomes a question; the answers go back as the tool input the CLI expects', async () => {
    const { turn } = rig();
    const questions = [
      {
        question: 'Which test runner?',
        header: 'Runner',
        multiSelect: false,
        options: [
          { label: 'Vitest', description: 'Fast' },
          { label: 'Jest', description: 'Common' },
        ],
      },
    ];
    const run = await turn([{ tool: 'AskUserQuestion', input: { questions } }, { text: 'Jest it is.' }], {
      answer: () => ({ type: 'question', answers: ['Jest'] }),
    });
    expect(run.requests).toEqual([{ type: 'question', questions }]);
    expect(permissionAnswers(run)[0]).toMatchObject({
      behavior: 'allow',
      updatedInput: { questions, answers: { 'Which test runner?': 'Jest' } },
    });
    expect(run.result).toMatchObject({ outcome: 'completed', text: 'Jest it is.' });
  });

  it('cancels mid-turn: the CLI is stopped and the turn ends cancelled', async () => {
    const { turn } = rig();
    const controller = new AbortController();
    const run = await turn([{ text: 'Working on it.' }, { hang: true }], {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'text' && event.delta.includes('it.')) controller.abort();
      },
    });
    expect(run.result).toEqual({ outcome: 'cancelled' });
  });

  it('cancelling while a request waits for its answer ends the turn: the unanswered request does not hold it', async () => {
    const { turn } = rig();
    const controller = new AbortController();
    const run = await turn([{ tool: 'Bash', input: { command: 'make' } }, { text: 'never' }], {
      signal: controller.signal,
      answer: () => {
        controller.abort();
        return new Promise<AgentAnswer>(() => {});
      },
    });
    expect(run.result).toEqual({ outcome: 'cancelled' });
    expect(run.requests).toHaveLength(1);
  });

  it('a CLI that crashes mid-turn is a failed turn that says so', async () => {
    const { turn } = rig();
    const run = await turn([{ text: 'Starting.' }, { crash: 3 }]);
    expect(run.result.outcome).toBe('failed');
    const reason = run.result.outcome === 'failed' ? run.result.reason : '';
    expect(reason).toMatch(/^Claude Code stopped before the turn ended: .*code 3/);
    expect(reason).toContain('fake-claude: something broke inside');
  });

  it('an error result is a failed turn with the reason; missing credentials say how to fix them', async () => {
    const { turn } = rig();
    const outage = await turn([{ errorResult: 'API Error: 529 Overloaded' }]);
    expect(outage.result).toEqual({ outcome: 'failed', reason: 'The Claude API could not answer (API Error: 529 Overloaded); try again later.' });
    const noLogin = await turn([{ errorResult: 'Not logged in · Please run /login' }]);
    expect(noLogin.result).toEqual({
      outcome: 'failed',
      reason: expect.stringMatching(/^Claude has no working credentials \(Not logged in · Please run \/login\): .*ANTHROPIC_API_KEY/),
    });
  });

  it('announces the session before a request that comes ahead of the init message', async () => {
    const { turn } = rig();
    let eventsAtRequest = -1;
    const events: AgentEvent[] = [];
    const run = await turn([{ text: 'ok' }], {
      requestBeforeInit: { tool: 'Bash', input: { command: 'date' } },
      onEvent: (event) => events.push(event),
      answer: () => {
        eventsAtRequest = events.length;
        return { type: 'approval', decision: 'allow' };
      },
    });
    expect(run.requests).toHaveLength(1);
    expect(events.slice(0, eventsAtRequest).some((event) => event.type === 'session')).toBe(true);
    expect(run.result).toMatchObject({ outcome: 'completed' });
  });

  it('announces no session when the CLI fails before its init: a conversation it does not have', async () => {
    const { turn } = rig();
    const unknown = '11111111-2222-4333-8444-555555555555';
    const run = await turn([], {
      context: { agentSessionId: unknown },
      failBeforeInit: `No conversation found with session ID: ${unknown}`,
    });
    expect(sessions(run)).toEqual([]);
    expect(run.result).toEqual({
      outcome: 'failed',
      reason: `Claude Code cannot continue this conversation (No conversation found with session ID: ${unknown}): start a new one.`,
    });
    // A new conversation that fails the same way leaves no id behind either.
    const fresh = await turn([], { failBeforeInit: 'Invalid model name' });
    expect(sessions(fresh)).toEqual([]);
    expect(fresh.result).toEqual({ outcome: 'failed', reason: 'Claude Code ended the turn with an error: Invalid model name' });
  });

  it('sends an image as a base64 image block before the text', async () => {
    const { turn, cwd } = rig();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    writeFileSync(join(cwd, 'photo.png'), png);
    const run = await turn([{ text: 'A picture.' }], {
      input: { text: 'what is this?', images: [{ path: join(cwd, 'photo.png'), mimeType: 'image/png' }] },
    });
    const user = run.log.map((entry) => entry.stdin as Record<string, unknown> | undefined).find((m) => m?.type === 'user');
    expect((user?.message as { content: unknown } | undefined)?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } },
      { type: 'text', text: 'what is this?' },
    ]);
    const missing = await turn([{ text: 'x' }], { input: { images: [{ path: join(cwd, 'gone.png'), mimeType: 'image/png' }] } });
    expect(missing.result).toEqual({ outcome: 'failed', reason: expect.stringContaining('gone.png cannot be read (ENOENT)') });
  });

  it("gives the CLI only the turn's environment: never pocket's TELEGRAM_BOT_TOKEN", async () => {
    const { turn } = rig();
    const saved = process.env.TELEGRAM_BOT_TOKEN;
    process.env.TELEGRAM_BOT_TOKEN = '123456:secret-token-of-the-test-bot-abcdefgh';
    try {
      const run = await turn([{ text: 'ok' }]);
      const names = run.log.find((entry) => entry.envNames)?.envNames as string[];
      expect(names).not.toContain('TELEGRAM_BOT_TOKEN');
      expect(names).toEqual(expect.arrayContaining(['HOME', 'PATH', 'FAKE_CLAUDE_SCRIPT']));
    } finally {
      if (saved === undefined) delete process.env.TELEGRAM_BOT_TOKEN;
      else process.env.TELEGRAM_BOT_TOKEN = saved;
    }
  });

  it('reports itself available with the executable and its version', async () => {
    const { backend } = rig();
    expect(await backend.availability()).toEqual({ ok: true, executable: FAKE, version: '9.9.9' });
  });
});

describe('Claude backend without the SDK', () => {
  it('says it is unavailable with the install command, and a turn fails with it', async () => {
    const empty = tempDir('pocket-claude-nosdk-');
    const backend = createClaudeBackend({ sdkSearchPaths: [empty] });
    expect(await backend.availability()).toEqual({
      ok: false,
      reason: expect.stringContaining('not installed'),
      install: 'npm install -g @anthropic-ai/claude-agent-sdk',
    });
    const result = await backend.runTurn(
      { cwd: empty, agentSessionId: null, fork: false, env: {} },
      { text: 'hi', images: [] },
      { onEvent: () => {}, onRequest: async () => ({ type: 'timeout' }) },
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'failed', reason: expect.stringContaining('npm install -g @anthropic-ai/claude-agent-sdk') });
  });
});
