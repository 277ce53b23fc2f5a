// A Codex backend over test/fixtures/agents/fake-codex.mjs in a temp HOME and folder, and a recorder of what a turn
// tells its handlers. One cleanup per test: the backend (and so the fake app-server) is closed before the folders
// are removed, so no late write of the fake lands in a removed folder.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { CodexBackend, type CodexBackendOptions } from '../../../src/agents/codex/codex-backend.js';
import type { AgentAnswer, AgentEvent, AgentRequest, AgentTurnContext, AgentTurnHandlers } from '../../../src/core/agents.js';

export const FAKE_CODEX = fileURLToPath(new URL('../../fixtures/agents/fake-codex.mjs', import.meta.url));

export interface FakeRig {
  backend: CodexBackend;
  home: string;
  cwd: string;
  env: Record<string, string>;
  context(overrides?: Partial<AgentTurnContext>): AgentTurnContext;
  /** Every JSON-RPC message the fake received, in order. */
  received(): { pid?: number; id?: number; method?: string; params?: Record<string, unknown>; result?: unknown }[];
  /** Another backend over the same HOME: what a daemon restart sees. */
  restart(): CodexBackend;
}

export function fakeRig(options: Partial<CodexBackendOptions> = {}): FakeRig {
  const root = mkdtempSync(join(tmpdir(), 'pocket-codex-'));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  const log = join(root, 'rpc.jsonl');
  const env = { PATH: process.env.PATH ?? '', HOME: home, FAKE_CODEX_LOG: log };
  const backends: CodexBackend[] = [];
  const make = (): CodexBackend => {
    const backend = new CodexBackend({ executable: FAKE_CODEX, env, ...options });
    backends.push(backend);
    return backend;
  };
  onTestFinished(async () => {
    await Promise.all(backends.map((backend) => backend.close()));
    rmSync(root, { recursive: true, force: true });
  });
  return {
    backend: make(),
    home,
    cwd,
    env,
    context: (overrides = {}) => ({ cwd, agentSessionId: null, fork: false, env, ...overrides }),
    received: () => {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    },
    restart: make,
  };
}

export interface Recorder {
  handlers: AgentTurnHandlers;
  events: AgentEvent[];
  requests: AgentRequest[];
  /** Resolves with the first event that matches. */
  waitFor(match: (event: AgentEvent) => boolean): Promise<AgentEvent>;
}

export function recorder(answer: (request: AgentRequest) => AgentAnswer | Promise<AgentAnswer> = () => ({ type: 'timeout' })): Recorder {
  const events: AgentEvent[] = [];
  const requests: AgentRequest[] = [];
  const waiters: { match: (event: AgentEvent) => boolean; resolve: (event: AgentEvent) => void }[] = [];
  return {
    events,
    requests,
    handlers: {
      onEvent(event) {
        events.push(event);
        for (const waiter of waiters.filter((w) => w.match(event))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      },
      async onRequest(request) {
        requests.push(request);
        return answer(request);
      },
    },
    waitFor(match) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

export const never = (): AbortSignal => new AbortController().signal;
