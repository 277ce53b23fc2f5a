// The session use cases: create/adopt/kill sessions, type into them, read them, and report what happens to them as
// session events. Each kind of session is run by its own collaborator: tmux panes (pane-sessions.ts), Terminal.app
// tabs (tab-sessions.ts), the SDK agents (the AgentDriver the daemon connects); the records they share persist in
// .state/ (session-records.ts), so a daemon restart resumes every session exactly where it stopped reading. The agent
// hooks of tmux sessions are session-hooks.ts's; /shell's limit, shell-deadlines.ts's.
import type { EventEmitter } from 'node:events';
import type { HookDecision, HookSignal } from '../../core/agent-hooks.js';
import { PocketError } from '../../core/errors.js';
import type { Health } from '../../core/health.js';
import { summarize } from '../../core/output/summarize.js';
import { type Clock, type DaemonService, type Logger, systemClock } from '../../core/ports.js';
import type { ScreenSnapshot } from '../../core/screen.js';
import { newAgentRecord, sessionIdNumber } from '../../core/session-registry.js';
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
import { type TabInfo, tabTargetTty, type TerminalTabs } from '../../core/terminal-tabs.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { LiveSession } from './live-session.js';
import { PaneSessions } from './pane-sessions.js';
import { SessionHooks } from './session-hooks.js';
import { SessionRecords } from './session-records.js';
import { ShellDeadlines, type ShellOptions, shellRun } from './shell-deadlines.js';
import { TabSessions } from './tab-sessions.js';

// Exported here as before the split: the daemon and the tests import them with the service.
export { ENTER_ECHO_WAIT_MS } from './pane-typing.js';
export { DEFAULT_SHELL_TIMEOUT_MS, type ShellOptions } from './shell-deadlines.js';

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
  /**
   * The daemon's redactor (compose.ts), for text this service cuts before it leaves (a hook request's command in its
   * prompt): redacted first, or a token at the cut keeps a piece too short for its shape. None: tests that read no text.
   */
  redact?: ((text: string) => string) | undefined;
}

export class SessionService implements SessionUseCases, DaemonService {
  readonly name = 'sessions';
  readonly #options: SessionServiceOptions & { clock: Clock };
  readonly #records: SessionRecords;
  readonly #panes: PaneSessions;
  readonly #tabs: TabSessions;
  /** Runs the agent sessions (codex, claude); none in a daemon built without them. */
  #agents: AgentDriver | null = null;
  /** The agent hooks of the tmux sessions, and the PermissionRequests that wait for the phone. */
  readonly #hooks: SessionHooks;
  readonly #deadlines: ShellDeadlines;

  constructor(options: SessionServiceOptions) {
    this.#options = { clock: systemClock, ...options };
    const { tmux, stateDir, panesDir, log, changes, idleMs, clock, health } = this.#options;
    const records = new SessionRecords({ stateDir, log, clock, health });
    this.#records = records;
    const view = (sessionId: string) => this.#view(records.existing(sessionId));
    const markExited = (sessionId: string, exitCode: number | null) => this.#markExited(sessionId, exitCode);
    this.#panes = new PaneSessions({
      tmux, stateDir, panesDir, idleMs, clock, log, changes, health, records, view, markExited,
      resumed: (record) => this.#deadlines.arm(record),
    });
    this.#hooks = new SessionHooks({
      spoolDir: options.hookSpoolDir, stateDir, timeoutMs: options.hookTimeoutMs, log, clock, records,
      paneLive: (sessionId) => this.#panes.live(sessionId),
      redact: options.redact ?? ((text) => text),
    });
    this.#tabs = new TabSessions({ terminal: options.terminal, idleMs, clock, log, changes, health, records, view, markExited });
    // The pane's mark names the pocket home (stateDir): a pane is killed at the limit only while it is ours.
    this.#deadlines = new ShellDeadlines({ shell: options.shell, tmux, home: stateDir, clock, log, records, signalGroup: options.signalGroup });
  }

  async start(): Promise<void> {
    await this.#hooks.prepare();
    this.#records.load();
    await this.#panes.start();
    this.#announceGone(await this.#tabs.resume());
    this.#announceGone(await this.#panes.resume());
  }

  /** Told once, when it is found gone at start. */
  #announceGone(gone: readonly string[]): void {
    // The services start in order and the bot subscribes as it starts, right after this one: the next turn reaches
    // it (and the IPC backlog keeps it for `pocket` clients).
    if (gone.length === 0) return;
    setImmediate(() => {
      for (const id of gone) {
        const record = this.#records.get(id);
        if (record) this.#records.emit({ type: 'alert', session: this.#view(record), kind: 'gone', at: this.#options.clock.now() });
      }
    });
  }

  async stop(): Promise<void> {
    await this.#hooks.stop();
    this.#deadlines.stop();
    await this.#tabs.stop();
    await this.#panes.stop();
    await this.#records.store.flush();
    await this.#records.save();
  }

  /** Agent sessions are run by `driver` from now on (the composition root connects it before start). */
  connectAgents(driver: AgentDriver): void {
    this.#agents = driver;
  }

  /** A new agent session (kind codex / claude): a record with no pane, persisted before it is announced. */
  async createAgent(kind: 'codex' | 'claude', name: string, agent: AgentRecord): Promise<SessionView> {
    const registry = this.#records.registry;
    registry.assertFreeName(name);
    const id = registry.reserveId();
    const record = registry.add(newAgentRecord({ id, name, kind, createdAt: this.#records.nowIso(), agent }));
    await this.#records.save();
    this.#records.emit({ type: 'created', session: this.#view(record) });
    this.#options.log.info('sessions.agent_created', { session: name, id, kind, cwd: agent.cwd });
    return this.#view(record);
  }

  /** Persists what a restart needs of an agent session (its conversation id, as soon as the agent names it). */
  async updateAgent(sessionId: string, patch: Partial<AgentRecord>): Promise<void> {
    const record = this.#records.existing(sessionId);
    if (record.agent === undefined) throw new PocketError('INVALID_INPUT', `Session ${record.name} is not an agent session.`);
    this.#records.registry.update(record.id, { agent: { ...record.agent, ...patch } });
    await this.#records.save();
  }

  /** Something of an agent session's live state changed (a step, its state): cards and clients redraw. */
  agentChanged(sessionId: string, previous?: SessionView['state']): void {
    const record = this.#records.get(sessionId);
    if (record === undefined) return;
    const view = this.#view(record);
    if (previous !== undefined && previous !== view.state) {
      this.#records.emit({ type: 'state', session: view, previous, at: this.#options.clock.now() });
      this.#options.changes.emit('changed');
    } else this.#records.emit({ type: 'updated', session: view });
  }

  list(): SessionView[] {
    return this.#records.registry.all().map((record) => this.#view(record));
  }

  get(sessionId: string): SessionView | undefined {
    const record = this.#records.get(sessionId);
    return record ? this.#view(record) : undefined;
  }

  resolve(nameOrAlias: string): SessionView {
    return this.#view(this.#records.registry.resolve(nameOrAlias));
  }

  async adoptable(): Promise<AdoptablePane[]> {
    return this.#panes.adoptable();
  }

  /** Terminal.app tabs no session mirrors yet; throws TERMINAL_APP_UNAVAILABLE where there is no Terminal.app. */
  async adoptableTabs(): Promise<TabInfo[]> {
    return this.#tabs.adoptable();
  }

  async create(name: string, command?: string): Promise<SessionView> {
    const registry = this.#records.registry;
    registry.assertFreeName(name);
    const trimmed = command?.trim() ?? '';
    const id = registry.reserveId();
    return this.#hooks.startHooked(id, trimmed, (commandLine) => this.#panes.create(id, name, { command: commandLine, shown: trimmed }));
  }

  /**
   * An agent's hook fired in one of our panes (by the hook spool, or `pocket hook` over IPC for sessions started
   * before the spool): a dialog is up, or its turn ended. Sessions without hooks, exited ones and events pocket does
   * not act on change nothing; an unknown session throws SESSION_NOT_FOUND.
   */
  hook(sessionId: string, signal: HookSignal, via: 'spool' | 'ipc' = 'ipc'): void {
    this.#hooks.hook(sessionId, signal, via);
  }

  /**
   * The phone's decision on a waiting PermissionRequest (the alert's buttons); `by` names who pressed. False when the
   * request is no longer open (decided, answered at the desk, timed out).
   */
  decideHook(sessionId: string, requestId: string, decision: HookDecision, by: string): boolean {
    return this.#hooks.decide(sessionId, requestId, decision, by);
  }

  /**
   * /shell: COMMAND in the user's login shell as argv data (`SHELL -lc COMMAND`, never spliced into a command line),
   * in its own tmux session named `sh-N`, a session like any other (listed, tailed, /keys C-c), killed at the limit.
   */
  async runShell(command: string): Promise<SessionView> {
    const run = shellRun(this.#options.shell, command);
    const registry = this.#records.registry;
    const id = registry.reserveId();
    const name = registry.freeNameFrom(`sh-${sessionIdNumber(id) ?? 0}`);
    const deadlineAt = new Date(this.#options.clock.now() + run.timeoutMs).toISOString();
    const view = await this.#panes.create(id, name, { argv: run.argv, shown: run.shown, deadlineAt });
    this.#deadlines.arm(this.#records.existing(view.id));
    return view;
  }

  /** Adopts a tmux pane (`%12`, session:window.pane) or a Terminal.app tab (its tty). */
  async attach(target: string, name?: string): Promise<SessionView> {
    const tty = tabTargetTty(target);
    if (tty !== null) return this.#tabs.adopt(tty, name);
    return this.#panes.adopt(target, name);
  }

  async sendText(sessionId: string, text: string, options?: { enter?: boolean }): Promise<void> {
    const record = this.#records.running(sessionId);
    if (record.agent !== undefined) await this.#driverFor(record).sendText(record.id, text);
    else if (record.kind === 'terminal') await this.#tabs.typeText(record.id, record.paneId, text, options);
    else await this.#panes.typeText(record, text, options);
  }

  async sendKeys(sessionId: string, keys: readonly string[]): Promise<void> {
    const record = this.#records.running(sessionId);
    if (record.agent !== undefined) {
      throw new PocketError('INVALID_INPUT', `${record.name} is a ${record.kind} session: it takes text, not keys.`, {
        hint: `/cancel ${record.name} stops its turn; /send ${record.name} TEXT continues it.`,
      });
    }
    if (record.kind === 'terminal') await this.#tabs.pressKeys(record.id, record.paneId, keys);
    else await this.#panes.pressKeys(record, keys);
  }

  async tail(sessionId: string, lines: number): Promise<string[]> {
    const record = this.#records.existing(sessionId);
    if (record.agent !== undefined) return this.#agents?.lines(record.id).slice(-lines) ?? [];
    this.#looking(record);
    return this.#liveOf(record)?.tailLines(lines) ?? [];
  }

  async screen(sessionId: string): Promise<string[]> {
    const record = this.#records.existing(sessionId);
    if (record.agent !== undefined) return this.#agents?.lines(record.id) ?? [];
    this.#looking(record);
    return this.#liveOf(record)?.screenLines() ?? [];
  }

  async snapshot(sessionId: string): Promise<ScreenSnapshot | null> {
    const record = this.#records.existing(sessionId);
    if (record.agent !== undefined) return null;
    this.#looking(record);
    // A session whose pane or tab is not followed (exited, or not read yet) has no terminal to look at: an empty screen.
    return this.#liveOf(record)?.snapshot() ?? { cols: 0, rows: [] };
  }

  async summary(sessionId: string): Promise<SessionSummary> {
    const record = this.#records.existing(sessionId);
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
    const record = this.#records.existing(sessionId);
    this.#records.registry.assertFreeName(alias, 'alias', record.id);
    return this.#update(record.id, { alias });
  }

  async kill(sessionId: string): Promise<void> {
    const record = this.#records.existing(sessionId);
    this.#deadlines.disarm(record.id);
    this.#hooks.sessionEnded(record.id);
    if (record.agent !== undefined) await this.#agents?.end(record.id);
    // A mirrored tab stays open at the desk: pocket only stops mirroring it.
    else if (record.kind === 'terminal') this.#tabs.unfollow(record.id);
    else await this.#panes.kill(record);
    this.#records.registry.remove(record.id);
    this.#records.store.forget(record.id);
    await this.#records.save();
    await this.#panes.removeLogs(record);
    await this.#hooks.forget(record.id);
    this.#records.emit({ type: 'removed', sessionId: record.id });
    this.#options.log.info('sessions.killed', { session: record.name, id: record.id });
  }

  async setTopic(sessionId: string, topicId: number | null): Promise<void> {
    await this.#update(sessionId, { topicId });
  }

  async setMuted(sessionId: string, muted: boolean): Promise<void> {
    await this.#update(sessionId, { muted });
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    return this.#records.subscribe(listener);
  }

  #view(record: SessionRecord): SessionView {
    if (record.agent !== undefined) return sessionView(record, this.#agents?.live(record.id));
    return sessionView(record, this.#liveOf(record));
  }

  /** The headless terminal and activity of a pane or a mirrored tab. */
  #liveOf(record: SessionRecord): LiveSession | undefined {
    return record.kind === 'terminal' ? this.#tabs.live(record.id) : this.#panes.live(record.id);
  }

  /** /tail, /screen and /summary look at a tab: read it at the fast rate for a while. */
  #looking(record: SessionRecord): void {
    if (record.kind === 'terminal') this.#tabs.looked(record.id);
  }

  #driverFor(record: SessionRecord): AgentDriver {
    if (this.#agents === null) {
      throw new PocketError('AGENT_UNAVAILABLE', `${record.name} is a ${record.kind} session, and this daemon runs no agents.`);
    }
    return this.#agents;
  }

  /** Changes the fields a user sets (alias, topic, mute), saves, and tells subscribers. */
  async #update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionView> {
    const record = this.#records.registry.update(this.#records.existing(sessionId).id, patch);
    await this.#records.save();
    await this.#panes.remark(record);
    const view = this.#view(record);
    this.#records.emit({ type: 'updated', session: view });
    return view;
  }

  /** Once per session: a later report (another marker, a quiet pane) or one for a killed session changes nothing. */
  async #markExited(sessionId: string, exitCode: number | null): Promise<void> {
    const record = this.#records.get(sessionId);
    if (record === undefined || record.exitedAt !== null) return;
    this.#records.registry.update(record.id, { exitCode, exitedAt: this.#records.nowIso() });
    this.#hooks.sessionEnded(record.id);
    await this.#records.save();
    this.#liveOf(record)?.exited(exitCode);
    this.#options.changes.emit('changed');
    this.#options.log.info('sessions.exited', { session: record.name, id: record.id, exitCode });
  }
}
