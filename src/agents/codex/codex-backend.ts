// The Codex backend: `codex app-server` (JSON-RPC over stdio), the interface OpenAI offers rich clients that carry
// approvals to a person (`codex exec`, which @openai/codex-sdk wraps, has no one to ask). One app-server per
// environment, started on first use and again if it died, shared by every turn and by /resume's look-ups; close()
// ends them. The child's environment is the turn's env only (see childEnv): nothing of pocket's reaches codex.
import { execFile } from 'node:child_process';
import { constants, accessSync, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type {
  AgentAvailability,
  AgentBackend,
  AgentExchange,
  AgentInput,
  AgentTurnContext,
  AgentTurnHandlers,
  AgentTurnResult,
  RecentAgentSession,
} from '../../core/agents.js';
import { CodexAppServer } from './app-server.js';
import {
  LISTED_SOURCE_KINDS,
  type SandboxMode,
  type Thread,
  type ThreadListResponse,
  type ThreadTurnsListResponse,
  type Turn,
} from './protocol.js';
import { runCodexTurn } from './turn.js';

export const CODEX_INSTALL = 'npm install -g @openai/codex';

export interface CodexBackendOptions {
  /** settings.codexPath (POCKET_CODEX_PATH); `codex` on the env's PATH when absent. */
  executable?: string;
  /** settings.codexSandbox (POCKET_CODEX_SANDBOX). */
  sandbox?: SandboxMode;
  /** The environment of app-servers started outside a turn (listRecent, lastExchange) and of `codex --version`:
   * HOME (or CODEX_HOME, where codex keeps its threads) and PATH. Turns use their context.env. */
  env: Record<string, string>;
  /** Sent as initialize's clientInfo.version (codex puts it in its user agent). */
  clientVersion?: string;
  /** Every request to the app-server; its first initialize took 2.3 s here (codex-cli 0.171.0, cold). */
  requestTimeoutMs?: number;
  /** After a declined approval, how long codex may stay silent before the turn is interrupted (see turn.ts). */
  declineStallMs?: number;
  /** After turn/interrupt, how long to wait for codex to confirm before the turn ends anyway. */
  interruptGraceMs?: number;
}

const DEFAULTS = { requestTimeoutMs: 60_000, declineStallMs: 30_000, interruptGraceMs: 10_000 };
const VERSION_TIMEOUT_MS = 10_000;
const LAST_TURNS_READ = 5;

export class CodexBackend implements AgentBackend {
  readonly kind = 'codex' as const;
  readonly #options: CodexBackendOptions;
  readonly #servers = new Map<string, Promise<CodexAppServer>>();
  #closed = false;

  constructor(options: CodexBackendOptions) {
    this.#options = options;
  }

  get #executable(): string {
    return this.#options.executable ?? 'codex';
  }

  async availability(): Promise<AgentAvailability> {
    const env = childEnv(this.#options.env);
    const found = locate(this.#executable, env.PATH ?? '');
    if (found === null) {
      const reason = this.#options.executable
        ? `POCKET_CODEX_PATH=${this.#options.executable} is not an executable file`
        : 'codex is not on PATH';
      return { ok: false, reason, install: CODEX_INSTALL };
    }
    return new Promise((resolve) => {
      execFile(found, ['--version'], { env, timeout: VERSION_TIMEOUT_MS }, (error, stdout, stderr) => {
        if (error) {
          const said = `${stderr}`.trim().split('\n').at(-1) || error.message;
          resolve({ ok: false, reason: `${found} --version failed: ${said}`, install: CODEX_INSTALL });
          return;
        }
        // "codex-cli 0.171.0"
        const version = /\d+\.\d+\.\d+\S*/.exec(`${stdout}`)?.[0] ?? (`${stdout}`.trim() || null);
        resolve({ ok: true, executable: found, version });
      });
    });
  }

  async runTurn(
    context: AgentTurnContext,
    input: AgentInput,
    handlers: AgentTurnHandlers,
    signal: AbortSignal,
  ): Promise<AgentTurnResult> {
    let server: CodexAppServer;
    try {
      server = await this.#server(context.env);
    } catch (error) {
      return { outcome: 'failed', reason: startFailure(this.#executable, error) };
    }
    return runCodexTurn(server, context, input, handlers, signal, {
      sandbox: this.#options.sandbox ?? 'workspace-write',
      declineStallMs: this.#options.declineStallMs ?? DEFAULTS.declineStallMs,
      interruptGraceMs: this.#options.interruptGraceMs ?? DEFAULTS.interruptGraceMs,
    });
  }

  /** Codex's threads of cwd (also those started in a terminal or by `codex exec`), newest first, from thread/list. */
  async listRecent(cwd: string, limit: number): Promise<RecentAgentSession[]> {
    const server = await this.#server(this.#options.env);
    const response = await server.request<ThreadListResponse>('thread/list', {
      cwd: sameFolder(cwd),
      sortKey: 'updated_at',
      limit,
      sourceKinds: LISTED_SOURCE_KINDS,
    });
    return response.data.map((thread) => ({
      kind: 'codex',
      agentSessionId: thread.id,
      cwd: thread.cwd,
      firstPrompt: thread.preview,
      updatedAt: lastChange(thread),
    }));
  }

  async lastExchange(agentSessionId: string): Promise<AgentExchange | null> {
    const server = await this.#server(this.#options.env);
    let turns: Turn[];
    try {
      // The latest few turns, newest first (thread/read with every turn is deprecated for long threads); the last
      // one may be a turn that failed before the agent said anything.
      const params = { threadId: agentSessionId, limit: LAST_TURNS_READ, sortDirection: 'desc', itemsView: 'full' };
      turns = (await server.request<ThreadTurnsListResponse>('thread/turns/list', params)).data;
    } catch {
      // Unknown id (or a broken rollout): nothing to show first, and the resume itself will say what is wrong.
      return null;
    }
    return lastExchangeOf(turns);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const starting = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.all(starting.map((server) => server.then((s) => s.close()).catch(() => {})));
  }

  /** The app-server for env: the running one, or a new one when there is none or it died. One per distinct env,
   * kept until close(): give turns and options.env the same variables and they share one. */
  #server(env: Record<string, string>): Promise<CodexAppServer> {
    if (this.#closed) return Promise.reject(new Error('the Codex backend is closed'));
    const key = JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
    const existing = this.#servers.get(key);
    if (existing) {
      return existing.then((server) => (server.alive ? server : this.#restart(key, env, existing)));
    }
    return this.#restart(key, env, undefined);
  }

  #restart(key: string, env: Record<string, string>, dead: Promise<CodexAppServer> | undefined): Promise<CodexAppServer> {
    // Closed while the dead server was being looked at: start nothing that close() would not end.
    if (this.#closed) return Promise.reject(new Error('the Codex backend is closed'));
    // Two callers that found the same dead server share one restart.
    const current = this.#servers.get(key);
    if (current !== undefined && current !== dead) return current;
    const starting = CodexAppServer.start({
      executable: this.#executable,
      env: childEnv(env),
      requestTimeoutMs: this.#options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      clientVersion: this.#options.clientVersion ?? 'unknown',
    });
    this.#servers.set(key, starting);
    starting.catch(() => {
      if (this.#servers.get(key) === starting) this.#servers.delete(key);
    });
    return starting;
  }
}

/**
 * What reaches codex: the given env, plus PATH and HOME from pocket's own environment when env lacks them (codex
 * cannot find its shell or its ~/.codex without them; neither is a secret). Nothing else of pocket's environment.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  if (out.PATH === undefined && process.env.PATH !== undefined) out.PATH = process.env.PATH;
  if (out.HOME === undefined && out.CODEX_HOME === undefined && process.env.HOME !== undefined) out.HOME = process.env.HOME;
  return out;
}

/** The executable's path: itself when it names a path, else the first match on PATH; null when not executable. */
function locate(executable: string, path: string): string | null {
  const candidates = executable.includes('/') ? [executable] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, executable));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return isAbsolute(candidate) ? candidate : join(process.cwd(), candidate);
    } catch {
      // not this one
    }
  }
  return null;
}

function startFailure(executable: string, error: unknown): string {
  const said = error instanceof Error ? error.message : String(error);
  if (/ENOENT/.test(said)) return `Codex is not installed (${executable} was not found): install it with \`${CODEX_INSTALL}\`.`;
  return `Codex could not start: ${said}`;
}

/** codex records the folder a thread ran in as given; a symlinked path (macOS /tmp) may be stored either way. */
function sameFolder(cwd: string): string[] {
  try {
    const real = realpathSync(cwd);
    return real === cwd ? [cwd] : [cwd, real];
  } catch {
    return [cwd];
  }
}

/** Epoch ms of the thread's last change: codex's own time, or its rollout file's when that is newer (a session
 * still open at the desk writes there first). */
function lastChange(thread: Thread): number {
  const recorded = thread.updatedAt * 1000;
  if (!thread.path) return recorded;
  try {
    return Math.max(recorded, statSync(thread.path).mtimeMs);
  } catch {
    return recorded;
  }
}

/** The newest turn (turns newest first) with both a prompt and an answer. */
export function lastExchangeOf(turns: readonly Turn[]): AgentExchange | null {
  for (const turn of turns) {
    const prompt = turn.items
      .filter((item) => item.type === 'userMessage')
      .flatMap((item) => (item.type === 'userMessage' ? item.content : []))
      .map((part) => (part.type === 'text' ? part.text : '[image]'))
      .join('\n');
    const answer = turn.items.filter((item) => item.type === 'agentMessage').at(-1);
    if (prompt !== '' && answer?.type === 'agentMessage') return { prompt, answer: answer.text };
  }
  return null;
}
