// One running `codex app-server`: started, initialized once, and shared by every turn that runs with the same
// environment. Notifications and server requests name their thread; each is handed to the turn listening on that
// thread (one turn at a time per thread: the daemon queues the rest). A server request no turn listens for is
// refused, so codex never waits on an answer that cannot come.
import { JsonRpcChild, type RpcId, type RpcServerRequest } from './json-rpc-child.js';

export interface ThreadListener {
  onNotification(method: string, params: Record<string, unknown>): void;
  onServerRequest(request: RpcServerRequest): void;
  /** The app-server died: reason names the exit status and its last stderr lines. */
  onExit(reason: string): void;
}

export interface AppServerOptions {
  executable: string;
  env: Record<string, string>;
  /** Per request we send; a call still unanswered then fails. */
  requestTimeoutMs: number;
  clientVersion: string;
}

// JSON-RPC's "method not found": what the server gets for a request pocket has no way to answer.
const METHOD_NOT_FOUND = -32601;

export class CodexAppServer {
  readonly #rpc: JsonRpcChild;
  readonly #options: AppServerOptions;
  readonly #listeners = new Map<string, ThreadListener>();

  private constructor(options: AppServerOptions) {
    this.#options = options;
    this.#rpc = new JsonRpcChild({
      executable: options.executable,
      // Over stdio app-server serves this client only and exits with it; it starts no shared background daemon
      // (checked with codex-cli 0.171.0: nothing named codex is left after the child is killed), and it exits ~1 s
      // after its stdin closes, so a daemon killed with SIGKILL leaves no app-server behind either.
      args: ['app-server'],
      env: options.env,
      onNotification: ({ method, params }) => {
        const body = (params ?? {}) as Record<string, unknown>;
        const threadId = threadOf(body);
        if (threadId !== null) this.#listeners.get(threadId)?.onNotification(method, body);
      },
      onServerRequest: (request) => {
        const threadId = threadOf((request.params ?? {}) as Record<string, unknown>);
        const listener = threadId === null ? undefined : this.#listeners.get(threadId);
        if (listener) listener.onServerRequest(request);
        else this.#rpc.fail(request.id, METHOD_NOT_FOUND, `pocket has no turn waiting for ${request.method}`);
      },
      onExit: (reason) => {
        for (const listener of [...this.#listeners.values()]) listener.onExit(reason);
        this.#listeners.clear();
      },
    });
  }

  /** Starts the child and runs the initialize handshake; rejects (and kills the child) when either fails. */
  static async start(options: AppServerOptions): Promise<CodexAppServer> {
    const server = new CodexAppServer(options);
    try {
      await server.request('initialize', {
        clientInfo: { name: 'pocket', title: 'Pocket Operator', version: options.clientVersion },
        capabilities: null,
      });
      server.#rpc.notify('initialized');
      return server;
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  get alive(): boolean {
    return this.#rpc.alive;
  }

  get pid(): number | undefined {
    return this.#rpc.pid;
  }

  stderrTail(): string {
    return this.#rpc.stderrTail();
  }

  request<T>(method: string, params: unknown, timeoutMs = this.#options.requestTimeoutMs): Promise<T> {
    return this.#rpc.request<T>(method, params, timeoutMs);
  }

  respond(id: RpcId, result: unknown): void {
    this.#rpc.respond(id, result);
  }

  refuse(id: RpcId, message: string): void {
    this.#rpc.fail(id, METHOD_NOT_FOUND, message);
  }

  /** Routes the thread's traffic to listener until the returned function is called. */
  listen(threadId: string, listener: ThreadListener): () => void {
    this.#listeners.set(threadId, listener);
    return () => {
      if (this.#listeners.get(threadId) === listener) this.#listeners.delete(threadId);
    };
  }

  get busy(): boolean {
    return this.#listeners.size > 0;
  }

  async close(): Promise<void> {
    await this.#rpc.kill();
  }
}

function threadOf(params: Record<string, unknown>): string | null {
  if (typeof params.threadId === 'string') return params.threadId;
  const thread = params.thread as { id?: unknown } | undefined;
  return typeof thread?.id === 'string' ? thread.id : null;
}
