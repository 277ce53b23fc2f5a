// A hand-written SessionUseCases for bot tests: sessions in memory (optionally persisted to a JSON file, so a
// "restarted daemon" sees the same sessions and topic bindings), every call recorded, events emitted by the test.
import { readFileSync, writeFileSync } from 'node:fs';
import type { HookDecision, HookSignal } from '../../src/core/agent-hooks.js';
import { PocketError } from '../../src/core/errors.js';
import type { ScreenSnapshot } from '../../src/core/screen.js';
import { tabTargetTty, type TabInfo } from '../../src/core/terminal-tabs.js';
import type {
  AdoptablePane, PromptView, SessionEvent, SessionSummary, SessionUseCases, SessionView,
} from '../../src/core/sessions.js';
import { TerminalRenderer } from '../../src/terminal/terminal.js';

export interface FakeCall {
  method: string;
  args: unknown[];
}

/** Calls that change something in a session (what adversarial tests assert never happened). */
export const MUTATING = new Set(['create', 'runShell', 'attach', 'sendText', 'sendKeys', 'setAlias', 'kill', 'setMuted']);

export class FakeSessions implements SessionUseCases {
  readonly calls: FakeCall[] = [];
  readonly output = new Map<string, string[]>();
  /** Raw terminal bytes per session for snapshot(), when a test wants colours on the screen. */
  readonly screens = new Map<string, string>();
  /** The terminal size snapshot() draws on. */
  screenSize = { cols: 80, rows: 24 };
  adoptablePanes: AdoptablePane[] = [];
  /** Terminal.app tabs to offer; null: Terminal.app is unavailable (not macOS), as on the machines tests run on. */
  adoptableTabList: TabInfo[] | null = null;
  /** get() calls: what a card render costs (get is not in `calls`, it is not worth a record each). */
  reads = 0;
  /** Make the next call of a method throw this. */
  failNext = new Map<string, Error>();
  private views = new Map<string, SessionView>();
  private listeners = new Set<(event: SessionEvent) => void>();
  private nextId = 1;

  constructor(private readonly file?: string) {
    if (file === undefined) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { nextId: number; views: SessionView[] };
      this.nextId = saved.nextId;
      for (const v of saved.views) this.views.set(v.id, v);
    } catch {
      // a fresh home
    }
  }

  mutatingCalls(): FakeCall[] {
    return this.calls.filter((c) => MUTATING.has(c.method));
  }

  /** Adds a session directly (as if the daemon had it before the bot started). */
  add(name: string, patch: Partial<SessionView> = {}): SessionView {
    const view: SessionView = {
      id: `s${this.nextId++}`, name, alias: null, kind: 'tmux', paneId: `%${this.nextId + 10}`, command: 'bash',
      adopted: false, createdAt: new Date().toISOString(), topicId: null, muted: false, exitCode: null, exitedAt: null,
      state: 'running', lastActivityAt: null, prompt: null, ...patch,
    };
    this.views.set(view.id, view);
    this.persist();
    return view;
  }

  emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** New output lines: remembered for tail() and announced. */
  print(sessionId: string, ...lines: string[]): void {
    this.output.set(sessionId, [...(this.output.get(sessionId) ?? []), ...lines]);
    this.emit({ type: 'output', sessionId, lines, at: Date.now() });
  }

  /** The session waits at a prompt; the alert event follows. */
  waitAt(sessionId: string, prompt: PromptView): void {
    const view = this.patch(sessionId, { state: 'waiting', prompt });
    this.emit({ type: 'state', session: view, previous: 'running', at: Date.now() });
    this.emit({ type: 'alert', session: view, kind: 'waiting', at: Date.now() });
  }

  patch(sessionId: string, patch: Partial<SessionView>): SessionView {
    const view = { ...this.must(sessionId), ...patch };
    this.views.set(sessionId, view);
    this.persist();
    return view;
  }

  // --- SessionUseCases ---
  list(): SessionView[] {
    return [...this.views.values()];
  }
  async adoptable(): Promise<AdoptablePane[]> {
    this.record('adoptable', []);
    return this.adoptablePanes;
  }
  async adoptableTabs(): Promise<TabInfo[]> {
    this.record('adoptableTabs', []);
    if (this.adoptableTabList === null) throw new PocketError('TERMINAL_APP_UNAVAILABLE', 'Terminal.app mirroring needs macOS; this machine runs linux.');
    return this.adoptableTabList;
  }
  resolve(nameOrAlias: string): SessionView {
    const found = [...this.views.values()].find((v) => v.name === nameOrAlias || v.alias === nameOrAlias || v.id === nameOrAlias);
    if (found === undefined) {
      throw new PocketError('SESSION_NOT_FOUND', `No session named ${JSON.stringify(nameOrAlias.slice(0, 40))}.`, { hint: '/sessions lists them.' });
    }
    return found;
  }
  get(sessionId: string): SessionView | undefined {
    this.reads++;
    return this.views.get(sessionId);
  }
  async create(name: string, command?: string): Promise<SessionView> {
    this.record('create', [name, command]);
    if ([...this.views.values()].some((v) => v.name === name)) throw new PocketError('SESSION_EXISTS', `A session named ${name} exists.`);
    const view = this.add(name, { command: command ?? '' });
    this.emit({ type: 'created', session: view });
    return view;
  }
  async runShell(command: string): Promise<SessionView> {
    this.record('runShell', [command]);
    const view = this.add(`sh-${this.nextId}`, { command });
    this.emit({ type: 'created', session: view });
    return view;
  }
  async attach(target: string, name?: string): Promise<SessionView> {
    this.record('attach', [target, name]);
    const tty = tabTargetTty(target);
    const view = tty === null
      ? this.add(name ?? `pane${target.replace(/\W/g, '')}`, { paneId: target, adopted: true })
      : this.add(name ?? `tab-${tty.slice('/dev/'.length)}`, { paneId: tty, adopted: true, kind: 'terminal' });
    this.emit({ type: 'created', session: view });
    return view;
  }
  async sendText(sessionId: string, text: string, options?: { enter?: boolean }): Promise<void> {
    this.record('sendText', [sessionId, text, ...(options === undefined ? [] : [options])]);
    this.must(sessionId);
  }
  async sendKeys(sessionId: string, keys: readonly string[]): Promise<void> {
    this.record('sendKeys', [sessionId, [...keys]]);
    this.must(sessionId);
  }
  async tail(sessionId: string, lines: number): Promise<string[]> {
    return (this.output.get(sessionId) ?? []).slice(-lines);
  }
  async screen(sessionId: string): Promise<string[]> {
    return this.tail(sessionId, 24);
  }
  /** The bytes a test put in `screens` (escape sequences and all), else the output lines, on a screenSize terminal. */
  async snapshot(sessionId: string): Promise<ScreenSnapshot | null> {
    this.record('snapshot', [sessionId]);
    const session = this.must(sessionId);
    if (session.agent !== undefined) return null;
    const term = new TerminalRenderer(this.screenSize);
    try {
      term.write(this.screens.get(sessionId) ?? (this.output.get(sessionId) ?? []).join('\r\n'));
      return term.snapshot();
    } finally {
      term.dispose();
    }
  }
  async summary(sessionId: string): Promise<SessionSummary> {
    this.record('summary', [sessionId]);
    const session = this.must(sessionId);
    const all = this.output.get(sessionId) ?? [];
    return { session, runtimeS: 125, errorLines: all.filter((l) => /error/i.test(l)), lastLines: all.slice(-10) };
  }
  async setAlias(sessionId: string, alias: string): Promise<SessionView> {
    this.record('setAlias', [sessionId, alias]);
    const view = this.patch(sessionId, { alias });
    this.emit({ type: 'updated', session: view });
    return view;
  }
  async kill(sessionId: string): Promise<void> {
    this.record('kill', [sessionId]);
    this.must(sessionId);
    this.views.delete(sessionId);
    this.persist();
    this.emit({ type: 'removed', sessionId });
  }
  async setTopic(sessionId: string, topicId: number | null): Promise<void> {
    this.record('setTopic', [sessionId, topicId]);
    this.patch(sessionId, { topicId });
  }
  async setMuted(sessionId: string, muted: boolean): Promise<void> {
    this.record('setMuted', [sessionId, muted]);
    this.patch(sessionId, { muted });
  }
  hook(sessionId: string, signal: HookSignal): void {
    this.record('hook', [sessionId, signal]);
  }
  /** Open hook requests a test put here: request id -> session id. */
  readonly hookRequests = new Map<string, string>();
  decideHook(sessionId: string, requestId: string, decision: HookDecision, by: string): boolean {
    this.record('decideHook', [sessionId, requestId, decision, by]);
    if (this.hookRequests.get(requestId) !== sessionId) return false;
    this.hookRequests.delete(requestId);
    return true;
  }
  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failNext.get(method);
    if (failure !== undefined) {
      this.failNext.delete(method);
      throw failure;
    }
  }

  private must(sessionId: string): SessionView {
    const view = this.views.get(sessionId);
    if (view === undefined) throw new PocketError('SESSION_NOT_FOUND', `No session ${sessionId}.`);
    return view;
  }

  private persist(): void {
    if (this.file !== undefined) writeFileSync(this.file, JSON.stringify({ nextId: this.nextId, views: [...this.views.values()] }));
  }
}
