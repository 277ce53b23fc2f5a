// Terminal.app tabs as sessions of kind `terminal` (macOS): which tabs can be adopted, adopting one, finding them again
// after a restart, typing into them. Mirroring a tab's text is tab-follower.ts's. The service owns the records; this
// reaches them through session-records.ts.
import { PocketError } from '../../core/errors.js';
import { newTerminalRecord } from '../../core/session-registry.js';
import type { SessionView } from '../../core/sessions.js';
import type { TabInfo, TerminalTabs } from '../../core/terminal-tabs.js';
import type { LiveSession } from './live-session.js';
import type { SessionKindOptions } from './session-records.js';
import { TabFollower } from './tab-follower.js';

/** The records' store keeps where each tab's mirror stood (tab-mirror.ts anchors), for a restart. */
export interface TabSessionsOptions extends SessionKindOptions {
  /** Terminal.app; none in a daemon (or test) built without it. */
  terminal: TerminalTabs | undefined;
}

export class TabSessions {
  readonly #options: TabSessionsOptions;
  /** Mirrored Terminal.app tabs; null where Terminal.app is not available (said once, at start). */
  readonly #follower: TabFollower | null;

  constructor(options: TabSessionsOptions) {
    this.#options = options;
    const { terminal, records } = options;
    this.#follower = terminal === undefined || !terminal.availability().ok ? null : new TabFollower({
      ...options,
      terminal,
      emit: (event) => records.emit(event),
      onTabClosed: (sessionId) => options.markExited(sessionId, null),
      saveAnchor: (sessionId, anchor) => records.store.setTabAnchor(sessionId, anchor),
    });
  }

  /**
   * After a restart, each running tab session's tab is found again by its tty (one list of Terminal's tabs); one whose
   * tab was closed meanwhile has exited. Returns those. Where Terminal.app is unavailable the records stay as they are.
   */
  async resume(): Promise<string[]> {
    const { log, terminal } = this.#options;
    const records = this.#options.records.registry.all().filter((record) => record.kind === 'terminal' && record.exitedAt === null);
    // Said once, at start: every later use of a tab says it again only to whoever asked.
    const availability = terminal?.availability();
    if (availability !== undefined && !availability.ok) log.info('terminal_app.unavailable', { reason: availability.reason, sessions: records.length });
    if (records.length === 0 || this.#follower === null || terminal === undefined) return [];
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
          await this.#options.markExited(record.id, null);
          gone.push(record.id);
        } else {
          await this.#follower.follow(record.id, tab, this.#options.records.store.tabAnchor(record.id));
          log.info('terminal_app.resumed', { session: record.name, id: record.id, tty: tab.tty });
        }
      } catch (error) {
        log.error('terminal_app.resume_failed', { session: record.name, error });
      }
    }
    return gone;
  }

  async stop(): Promise<void> {
    await this.#follower?.stop();
  }

  /** Terminal.app tabs no session mirrors yet; throws TERMINAL_APP_UNAVAILABLE where there is no Terminal.app. */
  async adoptable(): Promise<TabInfo[]> {
    const terminal = this.#terminal();
    const tabs = await terminal.listTabs();
    return tabs.filter((tab) => this.#options.records.registry.byPane(tab.tty) === undefined);
  }

  /** Adopts an open Terminal.app tab by its tty: a session of kind `terminal` mirrored by polling. */
  async adopt(tty: string, name?: string): Promise<SessionView> {
    const terminal = this.#terminal();
    const tab = (await terminal.listTabs()).find((candidate) => candidate.tty === tty);
    if (tab === undefined) {
      throw new PocketError('SESSION_NOT_FOUND', `No open Terminal tab has ${tty}.`, { hint: '/sessions lists the tabs that can be adopted.' });
    }
    const { records, log, view } = this.#options;
    const registry = records.registry;
    const existing = registry.byPane(tty);
    if (existing) throw new PocketError('SESSION_EXISTS', `The Terminal tab ${tty} is already session ${existing.name}.`);
    const chosen = name ?? registry.freeNameFrom(`tab-${tty.replace(/^\/dev\//, '')}`);
    registry.assertFreeName(chosen);
    const id = registry.reserveId();
    const command = tab.title !== '' ? tab.title : (tab.processes.at(-1)?.replace(/^-/, '') ?? '');
    registry.add(newTerminalRecord({ id, name: chosen, tty, command, createdAt: records.nowIso() }));
    try {
      await this.#follower!.follow(id, tab);
    } catch (error) {
      registry.remove(id);
      throw error;
    }
    await records.save();
    records.emit({ type: 'created', session: view(id) });
    log.info('sessions.tab_adopted', { session: chosen, id, tty });
    return view(id);
  }

  async typeText(sessionId: string, tty: string, text: string, options?: { enter?: boolean }): Promise<void> {
    await this.#terminal().typeText(tty, text, options);
    this.#typed(sessionId);
  }

  async pressKeys(sessionId: string, tty: string, keys: readonly string[]): Promise<void> {
    await this.#terminal().pressKeys(tty, keys);
    this.#typed(sessionId);
  }

  live(sessionId: string): LiveSession | undefined {
    return this.#follower?.live(sessionId);
  }

  /** /tail, /screen and /summary look at a tab: read it at the fast rate for a while. */
  looked(sessionId: string): void {
    this.#follower?.looked(sessionId);
  }

  /** A mirrored tab stays open at the desk: pocket only stops mirroring it. */
  unfollow(sessionId: string): void {
    this.#follower?.unfollow(sessionId);
  }

  #typed(sessionId: string): void {
    this.#follower?.looked(sessionId);
    this.#follower?.live(sessionId)?.input();
  }

  #terminal(): TerminalTabs {
    const terminal = this.#options.terminal;
    const availability = terminal?.availability() ?? { ok: false, reason: 'This daemon was built without Terminal.app.' };
    if (terminal === undefined || !availability.ok || this.#follower === null) {
      throw new PocketError('TERMINAL_APP_UNAVAILABLE', availability.ok ? 'Terminal.app is not available here.' : availability.reason, {
        hint: 'tmux panes can be adopted everywhere: /sessions lists them.',
      });
    }
    return terminal;
  }
}
