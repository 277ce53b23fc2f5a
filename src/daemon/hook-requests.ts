// The PermissionRequest hooks that wait for the phone (core/agent-hooks.ts): one open request per hook, each ended
// exactly once, by a decision, by the episode ending another way, or by the approval timeout; every end writes the
// hook's decision file (empty when the dialog at the desk stays), so no waiting hook outlives its request by more than
// its 0.1 s poll.
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HOOK_APPROVAL_TIMEOUT_MS, type HookRequestEnd, hookOutput } from '../core/agent-hooks.js';
import type { Logger } from '../core/ports.js';
import { ensurePrivateDir } from '../state/private-dirs.js';

interface OpenHookRequest {
  sessionId: string;
  /** The spool name: the decision file's name too. */
  name: string;
  timer: NodeJS.Timeout;
  ended: (end: HookRequestEnd) => void;
}

export interface HookRequestsOptions {
  /** Where decisions go (the hook polls for its name there). */
  decisionsDir: string;
  /** Where hooks write their payload before the rename into the spool. */
  pendingDir: string;
  log: Logger;
  timeoutMs?: number;
}

export class HookRequests {
  readonly #open = new Map<string, OpenHookRequest>();
  readonly #timeoutMs: number;

  constructor(private readonly options: HookRequestsOptions) {
    this.#timeoutMs = options.timeoutMs ?? HOOK_APPROVAL_TIMEOUT_MS;
  }

  /**
   * Both folders made (0700), leftovers of an earlier run removed: a decision nobody read (its hook had given up) and
   * payloads of hooks killed between write and rename.
   */
  async prepare(): Promise<void> {
    for (const dir of [this.options.decisionsDir, this.options.pendingDir]) {
      ensurePrivateDir(dir);
      for (const name of await readdir(dir).catch(() => [])) await rm(join(dir, name), { force: true, recursive: true });
    }
  }

  /** Opens the request of the hook whose spool file was `name`; `ended` runs once, after its hook was told. */
  open(sessionId: string, name: string, ended: (requestId: string, end: HookRequestEnd) => void): string {
    const requestId = randomBytes(6).toString('base64url');
    const timeoutMs = this.#timeoutMs;
    const timer = setTimeout(() => this.end(requestId, { kind: 'timeout', afterMs: timeoutMs }), timeoutMs);
    timer.unref();
    this.#open.set(requestId, { sessionId, name, timer, ended: (end) => ended(requestId, end) });
    return requestId;
  }

  /** The session of an open request. */
  sessionOf(requestId: string): string | undefined {
    return this.#open.get(requestId)?.sessionId;
  }

  /** The open requests of a session. */
  openOf(sessionId: string): string[] {
    return [...this.#open].filter(([, open]) => open.sessionId === sessionId).map(([id]) => id);
  }

  /** Ends a request: its hook gets the decision (or nothing). False when it was no longer open. */
  end(requestId: string, end: HookRequestEnd): boolean {
    const open = this.#open.get(requestId);
    if (open === undefined) return false;
    this.#open.delete(requestId);
    clearTimeout(open.timer);
    void this.#tell(open.name, hookOutput(end)).catch((error: unknown) =>
      this.options.log.warn('hooks.decision_unwritten', { name: open.name, error }));
    open.ended(end);
    return true;
  }

  /** A hook whose request was never opened: it exits at once with no output. */
  letGo(name: string): void {
    void this.#tell(name, '').catch((error: unknown) => this.options.log.warn('hooks.decision_unwritten', { name, error }));
  }

  /** Ends every open request of a session. */
  endAllOf(sessionId: string, end: HookRequestEnd): void {
    for (const requestId of this.openOf(sessionId)) this.end(requestId, end);
  }

  /** Ends them all (the daemon stops): the hooks exit, and Claude's dialogs stay at the desk. */
  async stop(): Promise<void> {
    const names = [...this.#open.values()].map((open) => open.name);
    for (const requestId of [...this.#open.keys()]) {
      const open = this.#open.get(requestId)!;
      this.#open.delete(requestId);
      clearTimeout(open.timer);
      open.ended({ kind: 'ended', why: 'stopped' });
    }
    await Promise.all(names.map((name) => this.#tell(name, '').catch(() => undefined)));
  }

  /** Written under another name and renamed: the hook, polling for the name, reads all of it or nothing. */
  async #tell(name: string, output: string): Promise<void> {
    const { decisionsDir } = this.options;
    const temporary = join(decisionsDir, `.${name}.${randomBytes(4).toString('hex')}`);
    await writeFile(temporary, output, { mode: 0o600 });
    await rename(temporary, join(decisionsDir, name));
  }
}
