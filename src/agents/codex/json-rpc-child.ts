// JSON-RPC over a child's stdio, as `codex app-server` speaks it: one JSON object per line, no "jsonrpc" field.
// Requests we send carry our ids and a timeout; the server's own requests (approvals, questions) carry its ids and
// wait for our answer; notifications carry neither. When the child exits, every pending call fails at once with its
// exit status and the last lines it wrote to stderr, so nothing waits on a dead process.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type RpcId = string | number;

export interface RpcNotification {
  method: string;
  params: unknown;
}

export interface RpcServerRequest {
  id: RpcId;
  method: string;
  params: unknown;
}

export interface JsonRpcChildOptions {
  executable: string;
  args: string[];
  /** The child's whole environment: nothing of ours is inherited. */
  env: Record<string, string>;
  cwd?: string;
  onNotification(notification: RpcNotification): void;
  /** Answer with respond() or fail() on the child; an unanswered request leaves the server waiting. */
  onServerRequest(request: RpcServerRequest): void;
  onExit(reason: string): void;
}

/** A call the child did not answer in time, answered with an error, or could not answer because it exited. */
export class RpcError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'error' | 'exited',
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

// Enough of stderr to say why a child died (codex prints its fatal error last) without keeping a chatty log.
const STDERR_LINES_KEPT = 20;
const STDIO_DRAIN_MS = 500;
// Colours in codex's tracing output.
const ANSI = /\u001b\[[0-9;]*m/g;

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: RpcError): void;
  timer: NodeJS.Timeout;
}

export class JsonRpcChild {
  readonly #child: ChildProcess;
  readonly #options: JsonRpcChildOptions;
  readonly #pending = new Map<RpcId, Pending>();
  readonly #stderrTail: string[] = [];
  #nextId = 1;
  #exitReason: string | null = null;
  readonly exited: Promise<string>;

  constructor(options: JsonRpcChildOptions) {
    this.#options = options;
    this.#child = spawn(options.executable, options.args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let markExited: (reason: string) => void = () => {};
    this.exited = new Promise((resolve) => {
      markExited = resolve;
    });
    const exit = (reason: string): void => {
      if (this.#exitReason !== null) return;
      this.#exitReason = reason;
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        this.#pending.delete(id);
        pending.reject(new RpcError(reason, 'exited'));
      }
      options.onExit(reason);
      markExited(reason);
    };
    this.#child.on('error', (error) => exit(`${options.executable} could not start: ${error.message}`));
    this.#child.on('exit', (code, signal) => {
      const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
      const report = (): void => {
        const said = this.stderrTail();
        exit(`${options.executable} exited (${status})${said ? `: ${said}` : ''}`);
      };
      // Its last stderr lines may still be in the pipe: report on 'close' (all output read), but not later than
      // STDIO_DRAIN_MS in case a process it started still holds the pipe open.
      const drained = setTimeout(report, STDIO_DRAIN_MS);
      this.#child.once('close', () => {
        clearTimeout(drained);
        report();
      });
    });
    // A write to a child that just died fails with EPIPE; the exit handler reports it.
    this.#child.stdin?.on('error', () => {});
    createInterface({ input: this.#child.stdout! }).on('line', (line) => this.#receive(line));
    createInterface({ input: this.#child.stderr! }).on('line', (line) => {
      const clean = line.replace(ANSI, '').trim();
      if (clean === '') return;
      this.#stderrTail.push(clean);
      if (this.#stderrTail.length > STDERR_LINES_KEPT) this.#stderrTail.shift();
    });
  }

  get alive(): boolean {
    return this.#exitReason === null;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last lines the child wrote to stderr, joined: the best account of why it failed. */
  stderrTail(lines = 3): string {
    return this.#stderrTail.slice(-lines).join(' | ');
  }

  request<T>(method: string, params: unknown, timeoutMs: number): Promise<T> {
    if (this.#exitReason !== null) return Promise.reject(new RpcError(this.#exitReason, 'exited'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RpcError(`${method} got no answer from ${this.#options.executable} within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
      this.#write({ id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.#write(params === undefined ? { method } : { method, params });
  }

  respond(id: RpcId, result: unknown): void {
    this.#write({ id, result });
  }

  fail(id: RpcId, code: number, message: string): void {
    this.#write({ id, error: { code, message } });
  }

  /** Ends the child: SIGTERM, then SIGKILL if it is still there after graceMs. Resolves once it has exited. */
  async kill(graceMs = 2_000): Promise<void> {
    if (this.#exitReason !== null) return;
    this.#child.stdin?.end();
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #write(message: object): void {
    if (this.#exitReason !== null || !this.#child.stdin?.writable) return;
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  #receive(line: string): void {
    if (line.trim() === '') return;
    let message: { id?: RpcId; method?: string; params?: unknown; result?: unknown; error?: { message?: string } };
    try {
      message = JSON.parse(line);
    } catch {
      // Not protocol: keep it with stderr, where a crash report would be looked for.
      this.#stderrTail.push(line.slice(0, 500));
      return;
    }
    if (typeof message.method === 'string') {
      if (message.id !== undefined && message.id !== null) {
        this.#options.onServerRequest({ id: message.id, method: message.method, params: message.params });
      } else {
        this.#options.onNotification({ method: message.method, params: message.params });
      }
      return;
    }
    if (message.id === undefined || message.id === null) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) {
      pending.reject(new RpcError(`${pending.method}: ${message.error.message ?? 'error'}`, 'error'));
    } else {
      pending.resolve(message.result);
    }
  }
}
