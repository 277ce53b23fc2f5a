// The Codex backend with the real `codex app-server` (from the agents cache, never from the repo's dependencies)
// against a loopback stand-in for the model API: a turn, a resume whose model request carries the earlier prompts
// (in the same app-server and in a new one, as after a daemon restart; a fork while another process holds it), a command approval allowed that creates a
// file and one denied that does not, the same for a file change in the read-only sandbox, and threads (also one `codex exec` wrote) found by listRecent / lastExchange.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodexBackend } from '../../../src/agents/codex/codex-backend.js';
import type { AgentTurnContext, AgentTurnResult } from '../../../src/core/agents.js';
import { never, recorder } from './rig.js';
import { localProviderConfig, promptsOf, type ResponsesStandIn, startResponsesStandIn } from './responses-stand-in.js';

// Where scripts/install-agents.sh (and .ci/run) put the real agents: POCKET_AGENTS_CACHE, else the user's cache.
const CACHE = process.env.POCKET_AGENTS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pocket-agents');
const CODEX = join(CACHE, 'node_modules/.bin/codex');
const present = existsSync(CODEX);
if (!present) {
  console.warn(`real-codex tests skipped: no codex at ${CODEX} (run scripts/install-agents.sh or set POCKET_AGENTS_CACHE)`);
}

// A cold app-server takes ~2.3 s to initialize here, a turn ~0.5-1 s; on a loaded 2-core machine, several times that.
const REAL_TIMEOUT_MS = 90_000;

describe.skipIf(!present)('Codex backend with the real codex app-server', () => {
  let model: ResponsesStandIn;
  let root: string;
  let cwd: string;
  let env: Record<string, string>;
  const backends: CodexBackend[] = [];
  const newBackend = (): CodexBackend => {
    const backend = new CodexBackend({ executable: CODEX, env, sandbox: 'workspace-write' });
    backends.push(backend);
    return backend;
  };
  const context = (agentSessionId: string | null = null): AgentTurnContext => ({ cwd, agentSessionId, fork: false, env });
  const text = (result: AgentTurnResult): string => {
    if (result.outcome !== 'completed') throw new Error(`the turn ended ${JSON.stringify(result)}`);
    return result.text;
  };

  beforeAll(async () => {
    model = await startResponsesStandIn();
    root = mkdtempSync(join(tmpdir(), 'pocket-real-codex-'));
    const home = join(root, 'home');
    cwd = join(root, 'project');
    const tmp = join(root, 'tmp');
    for (const dir of [home, cwd, tmp, join(home, '.codex')]) mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(home, '.codex/config.toml'),
      localProviderConfig(model.port),
    );
    // Only what codex needs: its key variable, PATH, HOME; its temp files stay in the test's folder.
    env = { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: tmp, LOCAL_KEY: 'stand-in-key' };
  });

  afterAll(async () => {
    await Promise.all(backends.map((backend) => backend.close()));
    await model?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(
    'runs a turn, resumes it with its history in the same app-server and in a new one, and lists it',
    async () => {
      const backend = newBackend();
      const first = recorder();
      const one = await backend.runTurn(context(), { text: 'remember the word apple', images: [] }, first.handlers, never());
      expect(text(one)).toBe('Heard: remember the word apple; earlier: ');
      const session = first.events[0];
      if (session?.type !== 'session') throw new Error(`the first event was ${JSON.stringify(session)}`);
      expect(first.events.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.delta : '')).join('')).toBe(
        'Heard: remember the word apple; earlier: ',
      );
      expect(one).toMatchObject({ usage: { inputTokens: 10, outputTokens: 5, costUsd: null } });

      const two = await backend.runTurn(context(session.agentSessionId), { text: 'which word?', images: [] }, recorder().handlers, never());
      expect(text(two)).toBe('Heard: which word?; earlier: remember the word apple');

      // A daemon restart ends the old app-server first: a thread loaded in a live codex process cannot be resumed.
      await backend.close();
      const restarted = newBackend();
      const three = await restarted.runTurn(context(session.agentSessionId), { text: 'and now?', images: [] }, recorder().handlers, never());
      expect(text(three)).toBe('Heard: and now?; earlier: remember the word apple | which word?');
      expect(promptsOf(model.requests.at(-1)!)).toEqual(['remember the word apple', 'which word?', 'and now?']);

      const recent = await restarted.listRecent(cwd, 5);
      expect(recent[0]).toMatchObject({ kind: 'codex', agentSessionId: session.agentSessionId, cwd, firstPrompt: 'remember the word apple' });
      expect(await restarted.lastExchange(session.agentSessionId)).toEqual({
        prompt: 'and now?',
        answer: 'Heard: and now?; earlier: remember the word apple | which word?',
      });

      // Another codex process (a terminal at the desk, say) still has the thread open: resume is refused, a fork works.
      const desk = newBackend();
      const busy = await desk.runTurn(context(session.agentSessionId), { text: 'from the phone', images: [] }, recorder().handlers, never());
      expect(busy).toEqual({
        outcome: 'failed',
        reason: `Codex thread ${session.agentSessionId} is open in another Codex process (a terminal at the desk?): continue it as a fork, or close it there first.`,
      });
      const forked = recorder();
      const fork = await desk.runTurn({ ...context(session.agentSessionId), fork: true }, { text: 'from the phone', images: [] }, forked.handlers, never());
      expect(text(fork)).toBe('Heard: from the phone; earlier: remember the word apple | which word? | and now?');
      expect(forked.events[0]).toMatchObject({ type: 'session' });
      expect(forked.events[0]).not.toEqual({ type: 'session', agentSessionId: session.agentSessionId });
    },
    REAL_TIMEOUT_MS,
  );

  it(
    'finds a thread `codex exec` started in a terminal, with its first prompt and last exchange, and says where codex is',
    async () => {
      // Asynchronously: the model stand-in answers from this same process. stdin closed: exec reads more prompt from it.
      await new Promise<void>((resolve, reject) => {
        const child = execFile(CODEX, ['exec', '--skip-git-repo-check', '-C', cwd, 'started at the desk'], { env, timeout: 60_000 }, (error) =>
          error ? reject(error) : resolve(),
        );
        child.stdin?.end();
      });
      const backend = newBackend();
      const recent = await backend.listRecent(cwd, 10);
      const desk = recent.find((thread) => thread.firstPrompt === 'started at the desk');
      expect(desk).toMatchObject({ kind: 'codex', cwd });
      expect(Math.abs(desk!.updatedAt - Date.now())).toBeLessThan(120_000);
      expect(await backend.lastExchange(desk!.agentSessionId)).toEqual({
        prompt: 'started at the desk',
        answer: expect.stringMatching(/^Heard: started at the desk; earlier: /),
      });
      expect(await backend.availability()).toEqual({ ok: true, executable: CODEX, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    },
    REAL_TIMEOUT_MS,
  );

  it(
    'in the read-only sandbox, asks before writing a file with its path and content, and writes it only when allowed',
    async () => {
      const backend = new CodexBackend({ executable: CODEX, env, sandbox: 'read-only' });
      backends.push(backend);
      const allowed = recorder(() => ({ type: 'approval', decision: 'allow' }));
      const wrote = await backend.runTurn(context(), { text: 'write: notes.md', images: [] }, allowed.handlers, never());
      expect(allowed.requests).toEqual([
        {
          type: 'approval',
          tool: 'file change',
          command: null,
          path: 'notes.md',
          diff: '--- /dev/null\n+++ b/notes.md\n+written by the stand-in model',
          reason: null,
        },
      ]);
      expect(wrote).toMatchObject({ outcome: 'completed', changedFiles: ['notes.md'], diff: expect.stringContaining('+written by the stand-in model') });
      expect(existsSync(join(cwd, 'notes.md'))).toBe(true);

      const denied = recorder(() => ({ type: 'approval', decision: 'deny' }));
      const refused = await backend.runTurn(context(), { text: 'write: refused.md', images: [] }, denied.handlers, never());
      expect(denied.requests).toHaveLength(1);
      expect(refused).toMatchObject({ outcome: 'completed', changedFiles: [] });
      expect(existsSync(join(cwd, 'refused.md'))).toBe(false);
    },
    REAL_TIMEOUT_MS,
  );

  it(
    'runs a command it asks about once allowed, and not when denied',
    async () => {
      const backend = newBackend();
      const approve = (decision: 'allow' | 'deny') => recorder(() => ({ type: 'approval', decision }));

      const allowed = approve('allow');
      const ran = await backend.runTurn(context(), { text: 'escalate: touch allowed.txt', images: [] }, allowed.handlers, never());
      expect(allowed.requests).toEqual([
        { type: 'approval', tool: 'command', command: 'touch allowed.txt', path: null, diff: null, reason: 'The test asks to run this.' },
      ]);
      expect(text(ran)).toMatch(/^Tool result: .*exited with code 0/);
      expect(existsSync(join(cwd, 'allowed.txt'))).toBe(true);
      expect(allowed.events).toContainEqual({
        type: 'step',
        step: expect.objectContaining({ kind: 'command', command: 'touch allowed.txt', status: 'done', exitCode: 0 }),
      });

      const denied = approve('deny');
      const refused = await backend.runTurn(context(), { text: 'escalate: touch denied.txt', images: [] }, denied.handlers, never());
      expect(denied.requests).toHaveLength(1);
      expect(text(refused)).toMatch(/^Tool result: .*rejected by user/);
      expect(existsSync(join(cwd, 'denied.txt'))).toBe(false);
    },
    REAL_TIMEOUT_MS,
  );
});
