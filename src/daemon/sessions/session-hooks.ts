// The agent hooks of the tmux sessions (core/agent-hooks.ts): a `claude` or `codex` started by /new is given the hook
// spool for that run, and what its hooks report there (a dialog is up, its turn ended) drives the session's state and
// alerts ahead of the screen rules. A PermissionRequest hook waits for the phone's decision (daemon/hook-requests.ts).
// The records are the service's (session-records.ts); the panes' terminals are reached through paneLive.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  claudeHookSettings,
  type HookDecision,
  type HookRequestEnd,
  type HookSignal,
  hookMeaning,
  hookReplyDirs,
  hookRequestPrompt,
  parsePermissionPayload,
  startsClaude,
  startsCodex,
  withClaudeSettings,
  withCodexNotify,
} from '../../core/agent-hooks.js';
import type { Clock, Logger } from '../../core/ports.js';
import { ensurePrivateDir } from '../../state/private-dirs.js';
import { HookRequests } from '../hook-requests.js';
import type { LiveSession } from './live-session.js';
import type { SessionRecords } from './session-records.js';

export interface SessionHooksOptions {
  /** The hook spool (read by daemon/hook-spool.ts); none: every session is read by the screen rules alone. */
  spoolDir: string | undefined;
  /** The settings files of claude sessions go in its hooks/ folder. */
  stateDir: string;
  /** How long a waiting PermissionRequest hook waits for the phone (HOOK_APPROVAL_TIMEOUT_MS unless a test sets it). */
  timeoutMs?: number | undefined;
  log: Logger;
  clock: Clock;
  records: Pick<SessionRecords, 'existing' | 'get' | 'emit'>;
  /** The terminal and activity of a session's pane, while it is followed. */
  paneLive(sessionId: string): LiveSession | undefined;
  /** The daemon's redactor: a request's command is redacted before its alert cuts it (hookRequestPrompt). */
  redact: (text: string) => string;
}

export class SessionHooks {
  readonly #options: SessionHooksOptions;
  /** PermissionRequest hooks waiting for the phone's decision; none without the hook spool. */
  readonly #requests: HookRequests | null;

  constructor(options: SessionHooksOptions) {
    this.#options = options;
    const spool = options.spoolDir;
    this.#requests = spool === undefined ? null : new HookRequests({
      decisionsDir: hookReplyDirs(spool).decisions,
      pendingDir: hookReplyDirs(spool).pending,
      log: options.log,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  async prepare(): Promise<void> {
    await this.#requests?.prepare();
  }

  async stop(): Promise<void> {
    await this.#requests?.stop();
  }

  /**
   * Starts a session's `command` (trimmed) with its hooks when the spool is on: a `codex` command gets its notify
   * program, a `claude` command a settings file of hooks for that run (removed again when the start fails). `start`
   * receives the command line to run (undefined: the default shell).
   */
  async startHooked<T>(sessionId: string, command: string, start: (commandLine: string | undefined) => Promise<T>): Promise<T> {
    const spool = this.#options.spoolDir;
    if (spool !== undefined && startsCodex(command)) return start(withCodexNotify(command, spool, sessionId));
    if (spool === undefined || !startsClaude(command)) return start(command || undefined);
    // The settings file names this session: Claude's hook payload does not say which pane it runs in.
    const file = this.#settingsFile(sessionId);
    ensurePrivateDir(join(this.#options.stateDir, 'hooks'));
    await writeFile(file, claudeHookSettings(spool, sessionId), { mode: 0o600 });
    try {
      return await start(withClaudeSettings(command, file));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  /**
   * An agent's hook fired in one of our panes (by the hook spool, or `pocket hook` over IPC for sessions started
   * before the spool): a dialog is up, or its turn ended. Sessions without hooks, exited ones and events pocket does
   * not act on change nothing; an unknown session throws SESSION_NOT_FOUND.
   */
  hook(sessionId: string, signal: HookSignal, via: 'spool' | 'ipc'): void {
    const { log, clock } = this.#options;
    const request = signal.request;
    let opened = false;
    try {
      const record = this.#options.records.existing(sessionId);
      const meaning = hookMeaning(signal);
      const live = this.#options.paneLive(record.id);
      log.info('sessions.hook', {
        session: record.name, id: record.id, hook: signal.event, via, meaning, firedAt: signal.firedAt, sinceFiredMs: clock.now() - signal.firedAt,
        ...(request === undefined ? {} : { request: request.name }),
      });
      if (meaning === 'none' || live === undefined || record.exitedAt !== null || record.agent !== undefined) return;
      // A turn that ends or starts is past any dialog: the person answered it at the desk (or interrupted the turn
      // there), and the hook still waiting is let go.
      if (meaning !== 'asking') this.#requests?.endAllOf(record.id, { kind: 'desk' });
      const ask = request === undefined ? null : parsePermissionPayload(request.payload);
      // A muted session sends no alert, so nobody could answer from the chat: the dialog at the desk decides.
      if (request !== undefined && ask !== null && this.#requests !== null && !record.muted) {
        const requests = this.#requests;
        // One dialog at a time: an older request still open is past (the desk moved on without its dialog leaving).
        requests.endAllOf(record.id, { kind: 'ended', why: 'replaced' });
        const requestId = requests.open(record.id, request.name, (id, end) => this.#requestEnded(record.id, id, end));
        opened = true;
        live.hookAsk(hookRequestPrompt(requestId, ask, this.#options.redact), () => requests.end(requestId, { kind: 'desk' }));
        return;
      }
      live.hook(meaning);
    } finally {
      // Nothing will decide it (an unknown session, junk payload, a session pocket does not read by hooks): the hook
      // exits at once, and the dialog at the desk and the screen rules take over.
      if (request !== undefined && !opened) this.#requests?.letGo(request.name);
    }
  }

  /**
   * The phone's decision on a waiting PermissionRequest (the alert's buttons); `by` names who pressed. False when the
   * request is no longer open (decided, answered at the desk, timed out).
   */
  decide(sessionId: string, requestId: string, decision: HookDecision, by: string): boolean {
    const requests = this.#requests;
    if (requests === null || requests.sessionOf(requestId) !== sessionId) return false;
    return requests.end(requestId, { kind: 'decided', decision, by });
  }

  /** The session exited or was killed: its waiting hooks are let go, the dialog at the desk stays. */
  sessionEnded(sessionId: string): void {
    this.#requests?.endAllOf(sessionId, { kind: 'ended', why: 'exited' });
  }

  /** The session was removed: its claude settings file goes too. */
  async forget(sessionId: string): Promise<void> {
    await rm(this.#settingsFile(sessionId), { force: true });
  }

  #requestEnded(sessionId: string, requestId: string, end: HookRequestEnd): void {
    const record = this.#options.records.get(sessionId);
    this.#options.log.info('sessions.hook_request_ended', { id: sessionId, session: record?.name, requestId, end: end.kind });
    if (record !== undefined) this.#options.paneLive(record.id)?.hookSettled();
    this.#options.records.emit({ type: 'hook-request-ended', sessionId, requestId, end, at: this.#options.clock.now() });
  }

  #settingsFile(sessionId: string): string {
    return join(this.#options.stateDir, 'hooks', `${sessionId}.json`);
  }
}
