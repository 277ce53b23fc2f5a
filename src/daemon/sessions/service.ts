// The session use cases over tmux: create/adopt/kill sessions, type into them, read them, and report what happens to
// them as session events. The registry and tail positions persist in .state/, so a daemon restart resumes every
// session exactly where it stopped reading. Reading the panes is pane-follower.ts's; the log files, tmux/.
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  claudeHookSettings,
  type HookDecision,
  hookReplyDirs,
  hookRequestPrompt,
  type HookRequestEnd,
  parsePermissionPayload,
  type HookSignal,
  hookMeaning,
  startsClaude,
  startsCodex,
  withClaudeSettings,
  withCodexNotify,
} from '../../core/agent-hooks.js';
import { PocketError } from '../../core/errors.js';
import { summarize } from '../../core/output/summarize.js';
import type { ScreenSnapshot } from '../../core/screen.js';
import { readsFastEnterAsPaste } from '../../core/typing.js';
import { type Clock, type DaemonService, type Logger, systemClock } from '../../core/ports.js';
import { describeWriteError, type Health } from '../../core/health.js';
import { decodePaneMark, encodePaneMark, markMatches, paneMarkOf, reconcileWithPanes } from '../../core/pane-mark.js';
import { sessionIdNumber } from '../../core/session-registry.js';
import { SessionRegistry, newAgentRecord, newSessionRecord, newTerminalRecord } from '../../core/session-registry.js';
import { type TabInfo, tabTargetTty, type TerminalTabs } from '../../core/terminal-tabs.js';
import {
  type AdoptablePane,
  type AgentDriver,
  type AgentRecord,
  type SessionEvent,
  type SessionRecord,
  type SessionSummary,
  type SessionUseCases,
  type SessionView,
  sessionView,
} from '../../core/sessions.js';
import { ensurePrivateDir } from '../../state/private-dirs.js';
import { removeLogFiles, sessionIdsOnDisk, sessionLogPath } from '../../tmux/pane-log-files.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { LiveSession } from './live-session.js';
import { PaneFollower } from './pane-follower.js';
import { HookRequests } from '../hook-requests.js';
import { createSessionStore, type SessionStore } from './store.js';
import { TabFollower } from './tab-follower.js';

export interface SessionServiceOptions {
  tmux: TmuxCli;
  stateDir: string;
  panesDir: string;
  log: Logger;
  changes: EventEmitter;
  idleMs: number;
  clock?: Clock;
  /** Where a state file that cannot be written is reported (pocket status); none in some tests. */
  health?: Health | undefined;
  /** /shell (POCKET_SHELL=on): the login shell and the limit; absent when /shell is off, and runShell refuses. */
  shell?: ShellOptions | undefined;
  /** Sends a signal to a process group (tests watch it); process.kill(-pgid) by default. */
  signalGroup?: (pgid: number, signal: NodeJS.Signals) => void;
  /**
   * The hook spool (core/agent-hooks.ts, read by daemon/hook-spool.ts): when given, /new of a `claude` command loads a
   * settings file of hooks for that run, and /new of a `codex` command sets its notify program for that run, both
   * dropping their events there. None: every session is read by the screen rules alone.
   */
  hookSpoolDir?: string | undefined;
  /** How long a waiting PermissionRequest hook waits for the phone (HOOK_APPROVAL_TIMEOUT_MS unless a test sets it). */
  hookTimeoutMs?: number | undefined;
  /** Terminal.app (macOS): tabs offered for adoption and mirrored as sessions of kind `terminal`; none in tests without. */
  terminal?: TerminalTabs | undefined;
}

export interface ShellOptions {
  /** The user's login shell ($SHELL), an absolute path: runs the command as `SHELL -lc COMMAND`. */
  program: string;
  /** A /shell session still running after this long is killed (SIGTERM to its process group, then SIGKILL). */
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
}

/**
 * /send's longest wait for an agent TUI's echo before its Enter. It echoes within the time pocket takes to read the
 * pane (~20 ms idle, more on a loaded machine); only one that shows nothing (a secret prompt) waits all of it. 500 ms
 * was too short on the 2-core machine under a full test run plus other work (load 10+): the Enter went before Claude
 * Code had read the text, both came in one read, and the line stayed in its input (the claude-hooks e2e, once).
 */
export const ENTER_ECHO_WAIT_MS = 2_000;

/** The last few visible characters of what /send types, whitespace left out: what its echo ends with. */
function echoTail(text: string): string {
  return text.replace(/\s+/g, '').slice(-12);
}

/** True when the screen, read without whitespace (a TUI wraps and indents its input box), contains `tail`. */
function showsTail(screen: readonly string[], tail: string): boolean {
  return tail === '' || screen.join('').replace(/\s+/g, '').includes(tail);
}

/** /shell's limit when none is given: long enough for a build or a test run, short enough not to be forgotten. */
export const DEFAULT_SHELL_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_SHELL_GRACE_MS = 5_000;

export class SessionService implements SessionUseCases, DaemonService {
  readonly name = 'sessions';
  readonly #options: SessionServiceOptions & { clock: Clock };
  readonly #store: SessionStore;
  readonly #panes: PaneFollower;
  /** Mirrored Terminal.app tabs; null where Terminal.app is not available (said once, at start). */
  readonly #tabs: TabFollower | null;
  #registry = new SessionRegistry();
  /** Runs the agent sessions (codex, claude); none in a daemon built without them. */
  #agents: AgentDriver | null = null;
  readonly #listeners = new Set<(event: SessionEvent) => void>();
  /** /shell sessions' kill timers, by session id. */
  readonly #deadlines = new Map<string, NodeJS.Timeout>();
  /** PermissionRequest hooks waiting for the phone's decision; none without the hook spool. */
  readonly #hookRequests: HookRequests | null;

  constructor(options: SessionServiceOptions) {
    this.#options = { clock: systemClock, ...options };
    this.#store = createSessionStore(options.stateDir, options.log, { onWriteResult: reportTo(options.health) });
    this.#panes = new PaneFollower({
      ...this.#options,
      emit: (event) => this.#emit(event),
      view: (sessionId) => this.#view(this.#existingSession(sessionId)),
      savePosition: (sessionId, position) => this.#store.setPosition(sessionId, position),
      runningSessionOn: (paneId) => this.#registry.byPane(paneId)?.id,
      onPaneExited: (sessionId, exitCode) => this.#markExited(sessionId, exitCode),
      health: options.health,
    });
    const spool = options.hookSpoolDir;
    this.#hookRequests = spool === undefined ? null : new HookRequests({
      decisionsDir: hookReplyDirs(spool).decisions,
      pendingDir: hookReplyDirs(spool).pending,
      log: options.log,
      ...(options.hookTimeoutMs === undefined ? {} : { timeoutMs: options.hookTimeoutMs }),
    });
    const terminal = options.terminal;
    this.#tabs = terminal === undefined || !terminal.availability().ok ? null : new TabFollower({
      terminal,
      idleMs: options.idleMs,
      clock: this.#options.clock,
      log: options.log,
      changes: options.changes,
      health: options.health,
      emit: (event) => this.#emit(event),
      view: (sessionId) => this.#view(this.#existingSession(sessionId)),
      onTabClosed: (sessionId) => this.#markExited(sessionId, null),
      saveAnchor: (sessionId, anchor) => this.#store.setTabAnchor(sessionId, anchor),
    });
  }

  async start(): Promise<void> {
    const { tmux, panesDir, log } = this.#options;
    ensurePrivateDir(panesDir);
    await this.#hookRequests?.prepare();
    this.#registry = new SessionRegistry(this.#store.readRegistry());
    await this.#panes.start();
    this.#announceGone(await this.#resumeTabs());
    // One look at tmux at start (never in steady state): which panes are still whose. Pane ids alone are not
    // identities: a new tmux server (a reboot) gives %0 to somebody else's shell.
    const panes = await tmux.listPanes().catch((error: unknown) => {
      log.error('sessions.list_panes_failed', { error });
      return null;
    });
    this.#registry.skipPast(await sessionIdsOnDisk(panesDir));
    if (panes === null) return;
    const found = reconcileWithPanes(this.#registry, panes, this.#home);
    this.#registry.skipPast(found.markedIds);
    for (const record of found.rebuilt) log.warn('sessions.rebuilt_from_pane_mark', { session: record.name, id: record.id, paneId: record.paneId });
    if (found.rebuilt.length > 0) await this.#saveRegistry();
    const gone: string[] = [];
    for (const { record, verdict, pane } of found.verdicts) {
      try {
        if (verdict.kind === 'dead') await this.#markExited(record.id, verdict.exitCode);
        else if (verdict.kind === 'gone') {
          log.warn('sessions.pane_gone', { session: record.name, id: record.id, paneId: record.paneId, why: verdict.why });
          await this.#markExited(record.id, null);
          gone.push(record.id);
        } else if (pane !== undefined) {
          await this.#panes.resume({ ...record, logFile: this.#logFile(record) }, pane, this.#store.position(record.id));
          this.#armDeadline(record);
        }
      } catch (error) {
        log.error('sessions.resume_failed', { session: record.name, error });
      }
    }
    this.#announceGone(gone);
  }

  /** Told once, when it is found gone at start. */
  #announceGone(gone: readonly string[]): void {
    // The services start in order and the bot subscribes as it starts, right after this one: the next turn reaches
    // it (and the IPC backlog keeps it for `pocket` clients).
    if (gone.length === 0) return;
    setImmediate(() => {
      for (const id of gone) {
        const record = this.#registry.get(id);
        if (record) this.#emit({ type: 'alert', session: this.#view(record), kind: 'gone', at: this.#options.clock.now() });
      }
    });
  }

  /**
   * After a restart, each running tab session's tab is found again by its tty (one list of Terminal's tabs); one whose
   * tab was closed meanwhile has exited. Returns those. Where Terminal.app is unavailable the records stay as they are.
   */
  async #resumeTabs(): Promise<string[]> {
    const { log, terminal } = this.#options;
    const records = this.#registry.all().filter((record) => record.kind === 'terminal' && record.exitedAt === null);
    // Said once, at start: every later use of a tab says it again only to whoever asked.
    const availability = terminal?.availability();
    if (availability !== undefined && !availability.ok) log.info('terminal_app.unavailable', { reason: availability.reason, sessions: records.length });
    if (records.length === 0 || this.#tabs === null || terminal === undefined) return [];
    const tabs = await terminal.listTabs().catch((error: unknown) => {
      log.error('terminal_app.list_failed', { error });
      return null;
    });
    if (tabs === null) return [];
    const gone: string[] = [];
    for (const record of records) {
      const tab = tabs.find((candidate) => candidate.tty === record.paneId);
      try {
        if (tab === undefined) {
          log.warn('terminal_app.tab_gone', { session: record.name, id: record.id, tty: record.paneId });
          await this.#markExited(record.id, null);
          gone.push(record.id);
        } else {
          await this.#tabs.follow(record.id, tab, this.#store.tabAnchor(record.id));
          log.info('terminal_app.resumed', { session: record.name, id: record.id, tty: tab.tty });
        }
      } catch (error) {
        log.error('terminal_app.resume_failed', { session: record.name, error });
      }
    }
    return gone;
  }

  async stop(): Promise<void> {
    await this.#hookRequests?.stop();
    for (const timer of this.#deadlines.values()) clearTimeout(timer);
    this.#deadlines.clear();
    await this.#tabs?.stop();
    await this.#panes.stop();
    await this.#store.flush();
    await this.#saveRegistry();
  }

  /** Agent sessions are run by `driver` from now on (the composition root connects it before start). */
  connectAgents(driver: AgentDriver): void {
    this.#agents = driver;
  }

  /** A new agent session (kind codex / claude): a record with no pane, persisted before it is announced. */
  async createAgent(kind: 'codex' | 'claude', name: string, agent: AgentRecord): Promise<SessionView> {
    this.#registry.assertFreeName(name);
    const id = this.#registry.reserveId();
    const record = this.#registry.add(newAgentRecord({ id, name, kind, createdAt: this.#nowIso(), agent }));
    await this.#saveRegistry();
    this.#emit({ type: 'created', session: this.#view(record) });
    this.#options.log.info('sessions.agent_created', { session: name, id, kind, cwd: agent.cwd });
    return this.#view(record);
  }

  /** Persists what a restart needs of an agent session (its conversation id, as soon as the agent names it). */
  async updateAgent(sessionId: string, patch: Partial<AgentRecord>): Promise<void> {
    const record = this.#existingSession(sessionId);
    if (record.agent === undefined) throw new PocketError('INVALID_INPUT', `Session ${record.name} is not an agent session.`);
    this.#registry.update(record.id, { agent: { ...record.agent, ...patch } });
    await this.#saveRegistry();
  }

  /** Something of an agent session's live state changed (a step, its state): cards and clients redraw. */
  agentChanged(sessionId: string, previous?: SessionView['state']): void {
    const record = this.#registry.get(sessionId);
    if (record === undefined) return;
    const view = this.#view(record);
    if (previous !== undefined && previous !== view.state) {
      this.#emit({ type: 'state', session: view, previous, at: this.#options.clock.now() });
      this.#options.changes.emit('changed');
    } else this.#emit({ type: 'updated', session: view });
  }

  list(): SessionView[] {
    return this.#registry.all().map((record) => this.#view(record));
  }

  get(sessionId: string): SessionView | undefined {
    const record = this.#registry.get(sessionId);
    return record ? this.#view(record) : undefined;
  }

  resolve(nameOrAlias: string): SessionView {
    return this.#view(this.#registry.resolve(nameOrAlias));
  }

  async adoptable(): Promise<AdoptablePane[]> {
    const panes = await this.#options.tmux.listPanes();
    return panes
      .filter((pane) => !pane.dead && this.#registry.byPane(pane.paneId) === undefined)
      .map((pane) => ({ paneId: pane.paneId, target: pane.target, command: pane.command, cwd: pane.cwd }));
  }

  /** Terminal.app tabs no session mirrors yet; throws TERMINAL_APP_UNAVAILABLE where there is no Terminal.app. */
  async adoptableTabs(): Promise<TabInfo[]> {
    const terminal = this.#terminal();
    const tabs = await terminal.listTabs();
    return tabs.filter((tab) => this.#registry.byPane(tab.tty) === undefined);
  }

  #terminal(): TerminalTabs {
    const terminal = this.#options.terminal;
    const availability = terminal?.availability() ?? { ok: false, reason: 'This daemon was built without Terminal.app.' };
    if (terminal === undefined || !availability.ok || this.#tabs === null) {
      throw new PocketError('TERMINAL_APP_UNAVAILABLE', availability.ok ? 'Terminal.app is not available here.' : availability.reason, {
        hint: 'tmux panes can be adopted everywhere: /sessions lists them.',
      });
    }
    return terminal;
  }

  /** Adopts an open Terminal.app tab by its tty: a session of kind `terminal` mirrored by polling. */
  async #adoptTab(tty: string, name?: string): Promise<SessionView> {
    const terminal = this.#terminal();
    const tab = (await terminal.listTabs()).find((candidate) => candidate.tty === tty);
    if (tab === undefined) {
      throw new PocketError('SESSION_NOT_FOUND', `No open Terminal tab has ${tty}.`, { hint: '/sessions lists the tabs that can be adopted.' });
    }
    const existing = this.#registry.byPane(tty);
    if (existing) throw new PocketError('SESSION_EXISTS', `The Terminal tab ${tty} is already session ${existing.name}.`);
    const chosen = name ?? this.#registry.freeNameFrom(`tab-${tty.replace(/^\/dev\//, '')}`);
    this.#registry.assertFreeName(chosen);
    const id = this.#registry.reserveId();
    const command = tab.title !== '' ? tab.title : (tab.processes.at(-1)?.replace(/^-/, '') ?? '');
    const record = this.#registry.add(newTerminalRecord({ id, name: chosen, tty, command, createdAt: this.#nowIso() }));
    try {
      await this.#tabs!.follow(id, tab);
    } catch (error) {
      this.#registry.remove(id);
      throw error;
    }
    await this.#saveRegistry();
    this.#emit({ type: 'created', session: this.#view(record) });
    this.#options.log.info('sessions.tab_adopted', { session: chosen, id, tty });
    return this.#view(record);
  }

  async create(name: string, command?: string): Promise<SessionView> {
    this.#registry.assertFreeName(name);
    const trimmed = command?.trim() ?? '';
    const id = this.#registry.reserveId();
    const spool = this.#options.hookSpoolDir;
    if (spool !== undefined && startsCodex(trimmed)) return this.#start(id, name, { command: withCodexNotify(trimmed, spool, id), shown: trimmed });
    if (spool === undefined || !startsClaude(trimmed)) return this.#start(id, name, { command: trimmed || undefined, shown: trimmed });
    // The settings file names this session: Claude's hook payload does not say which pane it runs in.
    const file = this.#hookSettingsFile(id);
    ensurePrivateDir(join(this.#options.stateDir, 'hooks'));
    await writeFile(file, claudeHookSettings(spool, id), { mode: 0o600 });
    try {
      return await this.#start(id, name, { command: withClaudeSettings(trimmed, file), shown: trimmed });
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
  hook(sessionId: string, signal: HookSignal, via: 'spool' | 'ipc' = 'ipc'): void {
    const request = signal.request;
    let opened = false;
    try {
      const record = this.#existingSession(sessionId);
      const meaning = hookMeaning(signal);
      const live = this.#panes.live(record.id);
      this.#options.log.info('sessions.hook', {
        session: record.name, id: record.id, hook: signal.event, via, meaning, firedAt: signal.firedAt, sinceFiredMs: this.#options.clock.now() - signal.firedAt,
        ...(request === undefined ? {} : { request: request.name }),
      });
      if (meaning === 'none' || live === undefined || record.exitedAt !== null || record.agent !== undefined) return;
      // A turn that ends or starts is past any dialog: the person answered it at the desk (or interrupted the turn
      // there), and the hook still waiting is let go.
      if (meaning !== 'asking') this.#hookRequests?.endAllOf(record.id, { kind: 'desk' });
      const ask = request === undefined ? null : parsePermissionPayload(request.payload);
      // A muted session sends no alert, so nobody could answer from the chat: the dialog at the desk decides.
      if (request !== undefined && ask !== null && this.#hookRequests !== null && !record.muted) {
        const requests = this.#hookRequests;
        // One dialog at a time: an older request still open is past (the desk moved on without its dialog leaving).
        requests.endAllOf(record.id, { kind: 'ended', why: 'replaced' });
        const requestId = requests.open(record.id, request.name, (id, end) => this.#hookRequestEnded(record.id, id, end));
        opened = true;
        live.hookAsk(hookRequestPrompt(requestId, ask), () => requests.end(requestId, { kind: 'desk' }));
        return;
      }
      live.hook(meaning);
    } finally {
      // Nothing will decide it (an unknown session, junk payload, a session pocket does not read by hooks): the hook
      // exits at once, and the dialog at the desk and the screen rules take over.
      if (request !== undefined && !opened) this.#hookRequests?.letGo(request.name);
    }
  }

  /**
   * The phone's decision on a waiting PermissionRequest (the alert's buttons); `by` names who pressed. False when the
   * request is no longer open (decided, answered at the desk, timed out).
   */
  decideHook(sessionId: string, requestId: string, decision: HookDecision, by: string): boolean {
    const requests = this.#hookRequests;
    if (requests === null || requests.sessionOf(requestId) !== sessionId) return false;
    return requests.end(requestId, { kind: 'decided', decision, by });
  }

  #hookRequestEnded(sessionId: string, requestId: string, end: HookRequestEnd): void {
    const record = this.#registry.get(sessionId);
    this.#options.log.info('sessions.hook_request_ended', { id: sessionId, session: record?.name, requestId, end: end.kind });
    if (record !== undefined) this.#panes.live(record.id)?.hookSettled();
    this.#emit({ type: 'hook-request-ended', sessionId, requestId, end, at: this.#options.clock.now() });
  }

  #hookSettingsFile(sessionId: string): string {
    return join(this.#options.stateDir, 'hooks', `${sessionId}.json`);
  }

  /**
   * /shell: COMMAND in the user's login shell as argv data (`SHELL -lc COMMAND`, never spliced into a command line),
   * in its own tmux session named `sh-N`, a session like any other (listed, tailed, /keys C-c), killed at the limit.
   */
  async runShell(command: string): Promise<SessionView> {
    const shell = this.#options.shell;
    if (shell === undefined) {
      throw new PocketError('SHELL_DISABLED', '/shell is disabled on this machine.', { hint: 'Set POCKET_SHELL=on in .env, then run `pocket restart`.' });
    }
    const text = command.trim();
    if (text === '' || text.includes('\0')) throw new PocketError('INVALID_INPUT', 'Give /shell a command to run.', { hint: 'Usage: /shell COMMAND' });
    const id = this.#registry.reserveId();
    const name = this.#registry.freeNameFrom(`sh-${sessionIdNumber(id) ?? 0}`);
    const deadlineAt = new Date(this.#options.clock.now() + shell.timeoutMs).toISOString();
    const view = await this.#start(id, name, { argv: [shell.program, '-lc', text], shown: text, deadlineAt });
    this.#armDeadline(this.#existingSession(view.id));
    return view;
  }

  async #start(id: string, name: string, run: { command?: string; argv?: string[]; shown: string; deadlineAt?: string }): Promise<SessionView> {
    const start = { id, name, command: run.shown, adopted: false, createdAt: this.#nowIso(), nonce: newNonce() };
    // The mark goes on in the same tmux call that makes the pane: no moment where the pane is ours but unmarked.
    const mark = this.#markOf(newSessionRecord({ ...start, paneId: '' }));
    const pane = await this.#options.tmux.newSession({
      name, ...(run.argv === undefined ? { command: run.command } : { argv: run.argv }), pipeFile: this.#logFile(start), mark,
    });
    const record = this.#registry.add({
      ...newSessionRecord({ ...start, paneId: pane.paneId, command: run.shown || pane.command }),
      ...(run.deadlineAt === undefined ? {} : { deadlineAt: run.deadlineAt }),
    });
    await this.#saveRegistry();
    await this.#panes.follow({ sessionId: id, logFile: this.#logFile(record), ...pane });
    this.#emit({ type: 'created', session: this.#view(record) });
    this.#options.log.info('sessions.created', { session: name, id, paneId: pane.paneId, ...(run.argv === undefined ? {} : { shell: true }) });
    return this.#view(record);
  }

  /** Arms the kill timer of a running /shell session (at creation, and again when a restarted daemon resumes it). */
  #armDeadline(record: SessionRecord): void {
    if (record.deadlineAt === undefined || record.exitedAt !== null || this.#deadlines.has(record.id)) return;
    const delay = Math.max(0, Date.parse(record.deadlineAt) - this.#options.clock.now());
    const timer = setTimeout(() => {
      this.#deadlines.delete(record.id);
      void this.#expire(record.id).catch((error: unknown) => this.#options.log.error('sessions.shell_kill_failed', { id: record.id, error }));
    }, delay);
    timer.unref();
    this.#deadlines.set(record.id, timer);
  }

  /** The limit passed: SIGTERM to the pane's process group, SIGKILL after the grace, only while the pane is ours. */
  async #expire(sessionId: string): Promise<void> {
    const signal = this.#options.signalGroup ?? ((pgid, sig) => process.kill(-pgid, sig));
    const alive = async (): Promise<number | null> => {
      const record = this.#registry.get(sessionId);
      if (record === undefined || record.exitedAt !== null) return null;
      const pane = await this.#options.tmux.pane(record.paneId);
      // The pane's process leads its own process group (tmux starts it in a new session): the group is the command.
      if (pane === null || pane.dead || !markMatches(decodePaneMark(pane.mark), record, this.#home)) return null;
      return pane.pid;
    };
    const pid = await alive();
    if (pid === null) return;
    const timeoutMs = this.#options.shell?.timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS;
    this.#options.log.warn('sessions.shell_timeout', { id: sessionId, limitMs: timeoutMs });
    signal(pid, 'SIGTERM');
    const grace = setTimeout(() => {
      void alive().then((again) => {
        if (again !== null) signal(again, 'SIGKILL');
      }).catch(() => {});
    }, this.#options.shell?.graceMs ?? DEFAULT_SHELL_GRACE_MS);
    grace.unref();
  }

  async attach(target: string, name?: string): Promise<SessionView> {
    const tty = tabTargetTty(target);
    if (tty !== null) return this.#adoptTab(tty, name);
    const pane = await this.#options.tmux.pane(target);
    if (pane === null || pane.dead) {
      throw new PocketError('SESSION_NOT_FOUND', `No live tmux pane ${JSON.stringify(target.slice(0, 40))}.`, {
        hint: '/sessions lists the panes that can be adopted (%12 or session:window.pane).',
      });
    }
    const existing = this.#registry.byPane(pane.paneId);
    if (existing) {
      throw new PocketError('SESSION_EXISTS', `Pane ${pane.paneId} is already session ${existing.name}.`);
    }
    const chosen = name ?? this.#registry.freeNameFrom(`${pane.sessionName}-${pane.windowIndex}-${pane.paneIndex}`);
    this.#registry.assertFreeName(chosen);
    const id = this.#registry.reserveId();
    const record = this.#registry.add(
      newSessionRecord({ id, name: chosen, paneId: pane.paneId, command: pane.command, adopted: true, createdAt: this.#nowIso(), nonce: newNonce() }),
    );
    await this.#options.tmux.setMark(pane.paneId, this.#markOf(record));
    await this.#saveRegistry();
    const live = await this.#panes.follow({ sessionId: id, logFile: this.#logFile(record), ...pane });
    // What the pane shows now becomes the starting screen, so /tail has something before new output arrives. A
    // full-screen program that switched to the alternate screen before pocket followed it (an agent already running
    // when adopted) is put back there, so the card shows its screen and offers /screen's picture of it.
    const screen = await this.#options.tmux.capture(pane.paneId, { ansi: true }).catch(() => '');
    const enter = pane.alternateScreen ? '\x1b[?1049h\x1b[H' : '';
    live.replay(Buffer.from(enter + screen.replace(/\n$/, '').split('\n').join('\r\n')));
    await this.#options.tmux.ensurePipe(pane.paneId, this.#logFile(record));
    this.#emit({ type: 'created', session: this.#view(record) });
    this.#options.log.info('sessions.attached', { session: chosen, id, paneId: pane.paneId });
    return this.#view(record);
  }

  async sendText(sessionId: string, text: string, options?: { enter?: boolean }): Promise<void> {
    const record = this.#runningSession(sessionId);
    if (record.agent !== undefined) {
      await this.#driverFor(record).sendText(record.id, text);
      return;
    }
    if (record.kind === 'terminal') {
      await this.#terminal().typeText(record.paneId, text, options);
      this.#tabs?.looked(record.id);
      this.#tabs?.live(record.id)?.input();
      return;
    }
    const live = this.#panes.live(record.id);
    if (options?.enter === false || live === undefined || text === '' || !readsFastEnterAsPaste(record.command)) {
      await this.#options.tmux.sendText(record.paneId, text, options);
    } else {
      // A coding agent's TUI (core/typing.ts): the Enter goes once the pane shows the end of the text (its echo), not
      // after a fixed gap, which a loaded machine can close. A pane that never shows it (input not echoed, a line
      // wrapped oddly) gets its Enter after ENTER_ECHO_WAIT_MS.
      const tail = echoTail(text);
      const deadline = this.#options.clock.now() + ENTER_ECHO_WAIT_MS;
      let output = live.outputSoon(ENTER_ECHO_WAIT_MS);
      await this.#options.tmux.sendText(record.paneId, text, { enter: false });
      for (;;) {
        const came = await output;
        if (!came || showsTail(live.screenLines(), tail)) break;
        const left = deadline - this.#options.clock.now();
        if (left <= 0) break;
        output = live.outputSoon(left);
      }
      await this.#options.tmux.sendKeys(record.paneId, ['Enter']);
    }
    live?.input();
  }

  async sendKeys(sessionId: string, keys: readonly string[]): Promise<void> {
    const record = this.#runningSession(sessionId);
    if (record.agent !== undefined) {
      throw new PocketError('INVALID_INPUT', `${record.name} is a ${record.kind} session: it takes text, not keys.`, {
        hint: `/cancel ${record.name} stops its turn; /send ${record.name} TEXT continues it.`,
      });
    }
    if (record.kind === 'terminal') {
      await this.#terminal().pressKeys(record.paneId, keys);
      this.#tabs?.looked(record.id);
      this.#tabs?.live(record.id)?.input();
      return;
    }
    await this.#options.tmux.sendKeys(record.paneId, keys);
    this.#panes.live(record.id)?.input();
  }

  async tail(sessionId: string, lines: number): Promise<string[]> {
    const record = this.#existingSession(sessionId);
    if (record.agent !== undefined) return this.#agents?.lines(record.id).slice(-lines) ?? [];
    this.#looking(record);
    return this.#liveOf(record)?.tailLines(lines) ?? [];
  }

  async screen(sessionId: string): Promise<string[]> {
    const record = this.#existingSession(sessionId);
    if (record.agent !== undefined) return this.#agents?.lines(record.id) ?? [];
    this.#looking(record);
    return this.#liveOf(record)?.screenLines() ?? [];
  }

  async snapshot(sessionId: string): Promise<ScreenSnapshot | null> {
    const record = this.#existingSession(sessionId);
    if (record.agent !== undefined) return null;
    this.#looking(record);
    // A session whose pane or tab is not followed (exited, or not read yet) has no terminal to look at: an empty screen.
    return this.#liveOf(record)?.snapshot() ?? { cols: 0, rows: [] };
  }

  async summary(sessionId: string): Promise<SessionSummary> {
    const record = this.#existingSession(sessionId);
    this.#looking(record);
    const view = this.#view(record);
    const digest = summarize({
      state: view.state,
      startedAt: Date.parse(view.createdAt),
      endedAt: view.exitedAt ? Date.parse(view.exitedAt) : null,
      now: this.#options.clock.now(),
      exitCode: view.exitCode,
      lines: view.agent !== undefined ? (this.#agents?.lines(view.id) ?? []) : (this.#liveOf(record)?.renderer.lines(2000) ?? []),
    });
    return { session: view, runtimeS: digest.runtimeS, errorLines: digest.errorLines, lastLines: digest.lastLines };
  }

  async setAlias(sessionId: string, alias: string): Promise<SessionView> {
    const record = this.#existingSession(sessionId);
    this.#registry.assertFreeName(alias, 'alias', record.id);
    return this.#update(record.id, { alias });
  }

  async kill(sessionId: string): Promise<void> {
    const record = this.#existingSession(sessionId);
    clearTimeout(this.#deadlines.get(record.id));
    this.#deadlines.delete(record.id);
    this.#hookRequests?.endAllOf(record.id, { kind: 'ended', why: 'exited' });
    if (record.agent !== undefined) await this.#agents?.end(record.id);
    // A mirrored tab stays open at the desk: pocket only stops mirroring it.
    else if (record.kind === 'terminal') this.#tabs?.unfollow(record.id);
    else {
      if (record.adopted) await this.#options.tmux.killPane(record.paneId);
      else await this.#options.tmux.killSession(record.name);
      await this.#panes.unfollow(record);
    }
    this.#registry.remove(record.id);
    this.#store.forget(record.id);
    await this.#saveRegistry();
    await removeLogFiles(this.#logFile(record));
    await rm(this.#hookSettingsFile(record.id), { force: true });
    this.#emit({ type: 'removed', sessionId: record.id });
    this.#options.log.info('sessions.killed', { session: record.name, id: record.id });
  }

  async setTopic(sessionId: string, topicId: number | null): Promise<void> {
    await this.#update(sessionId, { topicId });
  }

  async setMuted(sessionId: string, muted: boolean): Promise<void> {
    await this.#update(sessionId, { muted });
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #view(record: SessionRecord): SessionView {
    if (record.agent !== undefined) return sessionView(record, this.#agents?.live(record.id));
    return sessionView(record, this.#liveOf(record));
  }

  /** The headless terminal and activity of a pane or a mirrored tab. */
  #liveOf(record: SessionRecord): LiveSession | undefined {
    return record.kind === 'terminal' ? this.#tabs?.live(record.id) : this.#panes.live(record.id);
  }

  /** /tail, /screen and /summary look at a tab: read it at the fast rate for a while. */
  #looking(record: SessionRecord): void {
    if (record.kind === 'terminal') this.#tabs?.looked(record.id);
  }

  #driverFor(record: SessionRecord): AgentDriver {
    if (this.#agents === null) {
      throw new PocketError('AGENT_UNAVAILABLE', `${record.name} is a ${record.kind} session, and this daemon runs no agents.`);
    }
    return this.#agents;
  }

  #existingSession(sessionId: string): SessionRecord {
    const record = this.#registry.get(sessionId);
    if (!record) throw new PocketError('SESSION_NOT_FOUND', `Session ${sessionId} no longer exists.`, { hint: '/sessions lists them.' });
    return record;
  }

  #runningSession(sessionId: string): SessionRecord {
    const record = this.#existingSession(sessionId);
    if (record.exitedAt !== null) {
      throw new PocketError('INVALID_INPUT', `Session ${record.name} has exited (code ${record.exitCode ?? 'unknown'}).`, {
        hint: `/summary ${record.name} shows how it ended; /kill ${record.name} removes it.`,
      });
    }
    return record;
  }

  /** Changes the fields a user sets (alias, topic, mute), saves, and tells subscribers. */
  async #update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionView> {
    const record = this.#registry.update(this.#existingSession(sessionId).id, patch);
    await this.#saveRegistry();
    // The mark carries what a rebuild needs (alias, topic, mute): best effort, the registry is the record.
    if (record.exitedAt === null && record.nonce !== undefined && record.agent === undefined && record.kind === 'tmux') {
      await this.#options.tmux.setMark(record.paneId, this.#markOf(record)).catch((error: unknown) => {
        this.#options.log.warn('sessions.mark_failed', { session: record.name, error });
      });
    }
    const view = this.#view(record);
    this.#emit({ type: 'updated', session: view });
    return view;
  }

  /** Once per session: a later report (another marker, a quiet pane) or one for a killed session changes nothing. */
  async #markExited(sessionId: string, exitCode: number | null): Promise<void> {
    const record = this.#registry.get(sessionId);
    if (record === undefined || record.exitedAt !== null) return;
    this.#registry.update(record.id, { exitCode, exitedAt: this.#nowIso() });
    this.#hookRequests?.endAllOf(record.id, { kind: 'ended', why: 'exited' });
    await this.#saveRegistry();
    this.#liveOf(record)?.exited(exitCode);
    this.#options.changes.emit('changed');
    this.#options.log.info('sessions.exited', { session: record.name, id: record.id, exitCode });
  }

  /** Which pocket home a mark belongs to: two homes may share a tmux server. */
  get #home(): string {
    return this.#options.stateDir;
  }

  #markOf(record: SessionRecord & { nonce?: string }): string {
    return encodePaneMark(paneMarkOf({ ...record, nonce: record.nonce ?? '' }, this.#home));
  }

  #logFile(session: { id: string; nonce?: string }): string {
    return sessionLogPath(this.#options.panesDir, session);
  }

  #nowIso(): string {
    return new Date(this.#options.clock.now()).toISOString();
  }

  async #saveRegistry(): Promise<void> {
    await this.#store.writeRegistry(this.#registry.toJSON());
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.log.error('sessions.listener_failed', { type: event.type, error });
      }
    }
  }
}

function newNonce(): string {
  return randomBytes(6).toString('hex');
}

/** A store's write outcomes as a degraded-state problem (pocket status) under the file's name. */
function reportTo(health: Health | undefined): ((error: unknown) => void) | undefined {
  if (health === undefined) return undefined;
  return (error) => {
    if (error === null) health.clear('state:sessions');
    else health.set('state:sessions', `cannot write .state/sessions.json or tails.json: ${describeWriteError(error)}`);
  };
}
