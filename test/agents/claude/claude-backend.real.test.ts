// The Claude backend with the REAL SDK and the REAL Claude Code binary bundled with it (both from the agents cache),
// against the loopback stand-in for the Anthropic Messages API (scripts/capture-agent-screens/model-server.js): no
// network, no account. What the stand-in "model" does is in the prompt: `run: CMD` asks for a Bash call,
// `write: PATH` for a Write, `ask: QUESTION` for AskUserQuestion; anything else gets "Nothing to do.".
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, type RequestBody, startModelServer } from '../../../scripts/capture-agent-screens/model-server.js';
import { createClaudeBackend } from '../../../src/agents/claude/claude-backend.js';
import type { AgentAnswer, AgentEvent, AgentImage, AgentRequest, AgentStep, AgentTurnResult } from '../../../src/core/agents.js';
import { announceSkip, bundledClaude, claudeSdkMissing, claudeSdkSearchPaths } from '../../helpers/claude-sdk.js';
import { tempDir } from '../../helpers/temp-dir.js';

const missing = claudeSdkMissing ?? (bundledClaude ? null : 'the cached SDK has no Claude Code binary for this platform');
announceSkip('claude-backend.real.test.ts', missing);

/** A real turn starts the ~200 MB binary and makes 2-4 model calls: 1.5-3 s each here, more under load. */
const TURN_TIMEOUT = 90_000;

describe.skipIf(missing !== null)('Claude backend with the real Claude Code, offline', () => {
  let server: ModelServer;
  const requests: RequestBody[] = [];
  beforeAll(async () => {
    server = await startModelServer({ onRequest: (_method, path, body) => path === '/v1/messages' && requests.push(body) });
  });
  afterAll(() => server?.close());

  function setup() {
    const root = tempDir('pocket-claude-real-');
    const home = join(root, 'home');
    const cwd = join(root, 'demo-app');
    mkdirSync(home);
    mkdirSync(cwd);
    // A fresh HOME, as a new user's: through the SDK Claude Code needs no finished onboarding (the TUI does).
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TMPDIR: root,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${server.port}`,
      ANTHROPIC_API_KEY: 'sk-ant-test-offline',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    const backend = createClaudeBackend({ sdkSearchPaths: claudeSdkSearchPaths, storeEnv: { HOME: home } });
    async function turn(
      text: string,
      options: {
        agentSessionId?: string;
        fork?: boolean;
        images?: AgentImage[];
        answer?: (request: AgentRequest) => AgentAnswer;
      } = {},
    ): Promise<{ result: AgentTurnResult; events: AgentEvent[]; asked: AgentRequest[] }> {
      const events: AgentEvent[] = [];
      const asked: AgentRequest[] = [];
      const result = await backend.runTurn(
        { cwd, agentSessionId: options.agentSessionId ?? null, fork: options.fork ?? false, env },
        { text, images: options.images ?? [] },
        {
          onEvent: (event) => events.push(event),
          onRequest: async (request) => {
            asked.push(request);
            return options.answer?.(request) ?? { type: 'approval', decision: 'allow' };
          },
        },
        new AbortController().signal,
      );
      return { result, events, asked };
    }
    return { cwd, home, backend, turn };
  }

  const sessionsOf = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'session' ? [e.agentSessionId] : []));
  const stepsOf = (events: AgentEvent[]): AgentStep[] => events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
  const userTexts = (body: RequestBody): string =>
    JSON.stringify((body.messages as { role: string }[]).filter((message) => message.role === 'user'));

  it(
    'runs a turn, resumes it with the earlier history sent to the model, forks it, and finds it in its store',
    async () => {
      const { cwd, backend, turn } = setup();
      const first = await turn('hello from the phone, first prompt');
      expect(first.result).toMatchObject({ outcome: 'completed', text: 'Nothing to do.', changedFiles: [], diff: null });
      expect(first.result.outcome === 'completed' && first.result.usage).toMatchObject({ outputTokens: 5 });
      // Streamed as deltas (includePartialMessages) and not repeated when the complete message follows.
      expect(first.events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('')).toBe('Nothing to do.');
      const [id] = sessionsOf(first.events);
      expect(sessionsOf(first.events)).toEqual([id]);

      requests.length = 0;
      const second = await turn('and a second prompt', { agentSessionId: id });
      expect(second.result).toMatchObject({ outcome: 'completed', text: 'Nothing to do.' });
      expect(sessionsOf(second.events)).toEqual([id]);
      // One model call each, the same tokens: the same cost. The CLI's total_cost_usd would be twice the first here,
      // since a resumed session starts from the total its transcript saved.
      const cost = (run: { result: AgentTurnResult }) => (run.result.outcome === 'completed' ? run.result.usage?.costUsd : undefined);
      expect(cost(first)).toBeGreaterThan(0);
      expect(cost(second)).toBe(cost(first));
      // The model saw the first exchange again: the conversation continued.
      const sent = requests.find((body) => userTexts(body).includes('and a second prompt'));
      expect(sent && userTexts(sent)).toContain('hello from the phone, first prompt');

      // The fork also carries a photo: the CLI passes it to the model as an image block.
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      );
      writeFileSync(join(cwd, 'photo.png'), png);
      requests.length = 0;
      const forked = await turn('a fork', { agentSessionId: id, fork: true, images: [{ path: join(cwd, 'photo.png'), mimeType: 'image/png' }] });
      expect(forked.result.outcome).toBe('completed');
      const withPhoto = requests.find((body) => userTexts(body).includes('a fork'));
      expect(withPhoto && userTexts(withPhoto)).toContain(`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"${png.toString('base64')}"}}`);
      // The id chosen for the copy is the one the CLI used (no second 'session' event from its init).
      expect(sessionsOf(forked.events)).toHaveLength(1);
      expect(sessionsOf(forked.events)[0]).not.toBe(id);

      const recent = await backend.listRecent(cwd, 10);
      expect(recent.map((s) => s.agentSessionId).sort()).toEqual([id, sessionsOf(forked.events)[0]].sort());
      expect(recent.find((s) => s.agentSessionId === id)).toMatchObject({
        kind: 'claude',
        cwd,
        firstPrompt: 'hello from the phone, first prompt',
      });
      expect(await backend.lastExchange(id as string)).toEqual({ prompt: 'and a second prompt', answer: 'Nothing to do.' });
    },
    TURN_TIMEOUT,
  );

  it('reports the Claude Code binary bundled with the SDK and its version', async () => {
    const { backend } = setup();
    const started = performance.now();
    expect(await backend.availability()).toEqual({ ok: true, executable: bundledClaude, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    console.info(`[measure] Claude availability() with the bundled binary: ${Math.round(performance.now() - started)} ms`);
  });

  it(
    'a Bash command allowed from onRequest runs and creates its file; a denied one does not',
    async () => {
      const { cwd, turn } = setup();
      const allowed = await turn('run: touch made-by-claude.txt');
      expect(allowed.asked).toEqual([expect.objectContaining({ type: 'approval', tool: 'Bash', command: 'touch made-by-claude.txt' })]);
      expect(existsSync(join(cwd, 'made-by-claude.txt'))).toBe(true);
      expect(stepsOf(allowed.events)).toContainEqual(expect.objectContaining({ kind: 'command', command: 'touch made-by-claude.txt', status: 'done', exitCode: 0 }));
      expect(allowed.result).toMatchObject({ outcome: 'completed', text: expect.stringMatching(/^The tool ran/) });

      const denied = await turn('run: touch denied.txt', { answer: () => ({ type: 'approval', decision: 'deny' }) });
      expect(denied.asked).toHaveLength(1);
      expect(existsSync(join(cwd, 'denied.txt'))).toBe(false);
      expect(stepsOf(denied.events)).toContainEqual(expect.objectContaining({ kind: 'command', command: 'touch denied.txt', status: 'declined' }));
      expect(denied.result).toMatchObject({ outcome: 'completed', text: expect.stringMatching(/^The tool was refused/) });
    },
    TURN_TIMEOUT,
  );

  it(
    'a Write shows its diff preview and ends in the diff of the turn; AskUserQuestion gets its answer through',
    async () => {
      const { cwd, turn } = setup();
      const wrote = await turn(`write: ${join(cwd, 'notes.md')}`);
      expect(wrote.asked).toEqual([
        expect.objectContaining({ tool: 'Write', path: 'notes.md', diff: expect.stringContaining('+written by the stand-in model') }),
      ]);
      expect(readFileSync(join(cwd, 'notes.md'), 'utf8')).toBe('written by the stand-in model\n');
      expect(wrote.result).toMatchObject({
        outcome: 'completed',
        changedFiles: ['notes.md'],
        diff: '--- /dev/null\n+++ b/notes.md\n@@ -0,0 +1,1 @@\n+written by the stand-in model\n',
      });

      const asked = await turn('ask: Which test runner should we use?', {
        answer: () => ({ type: 'question', answers: ['Jest'] }),
      });
      expect(asked.asked).toEqual([
        expect.objectContaining({
          type: 'question',
          questions: [expect.objectContaining({ question: 'Which test runner should we use?', header: 'Runner' })],
        }),
      ]);
      // The stand-in quotes the tool result: the CLI took the answer.
      expect(asked.result).toMatchObject({ outcome: 'completed', text: expect.stringContaining('Jest') });
    },
    TURN_TIMEOUT,
  );
});
