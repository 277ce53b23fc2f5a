// tmux panes as sessions: a new tmux session for /new and /shell, an adopted pane, each marked as ours (core/pane-mark.ts)
// and piped into its log; after a restart, which panes are still whose. Reading the panes is pane-follower.ts's; the
// log files, tmux/. The records are the service's (session-records.ts).
import { randomBytes } from 'node:crypto';
import { PocketError } from '../../core/errors.js';
import { encodePaneMark, paneMarkOf, reconcileWithPanes } from '../../core/pane-mark.js';
import { newSessionRecord } from '../../core/session-registry.js';
import type { AdoptablePane, SessionRecord, SessionView } from '../../core/sessions.js';
import { ensurePrivateDir } from '../../state/private-dirs.js';
import { removeLogFiles, sessionIdsOnDisk, sessionLogPath } from '../../tmux/pane-log-files.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { LiveSession } from './live-session.js';
import { PaneFollower } from './pane-follower.js';
import { typeIntoPane } from './pane-typing.js';
import type { SessionKindOptions } from './session-records.js';

export interface PaneSessionsOptions extends SessionKindOptions {
  tmux: TmuxCli;
  /** The pocket home: a pane's mark names it, since two homes may share a tmux server. */
  stateDir: string;
  panesDir: string;
  /** A running session's pane was found again after a restart (the service arms a /shell limit again). */
  resumed(record: SessionRecord): void;
}

/** How a new tmux session is started: a command line (none: the default shell) or argv (/shell), and what it shows. */
export interface PaneRun {
  command?: string | undefined;
  argv?: string[];
  shown: string;
  /** /shell's limit, kept in the record. */
  deadlineAt?: string;
}

export class PaneSessions {
  readonly #options: PaneSessionsOptions;
  readonly #follower: PaneFollower;

  constructor(options: PaneSessionsOptions) {
    this.#options = options;
    const { records } = options;
    this.#follower = new PaneFollower({
      ...options,
      emit: (event) => records.emit(event),
      savePosition: (sessionId, position) => records.store.setPosition(sessionId, position),
      runningSessionOn: (paneId) => records.registry.byPane(paneId)?.id,
      onPaneExited: options.markExited,
    });
  }

  async start(): Promise<void> {
    ensurePrivateDir(this.#options.panesDir);
    await this.#follower.start();
  }

  /**
   * One look at tmux at start (never in steady state): which panes are still whose, read on where each stopped. Pane
   * ids alone are not identities: a new tmux server (a reboot) gives %0 to somebody else's shell. Returns the sessions
   * whose pane is gone.
   */
  async resume(): Promise<string[]> {
    const { tmux, panesDir, log, records } = this.#options;
    const panes = await tmux.listPanes().catch((error: unknown) => {
      log.error('sessions.list_panes_failed', { error });
      return null;
    });
    records.registry.skipPast(await sessionIdsOnDisk(panesDir));
    if (panes === null) return [];
    const found = reconcileWithPanes(records.registry, panes, this.#home);
    records.registry.skipPast(found.markedIds);
    for (const record of found.rebuilt) log.warn('sessions.rebuilt_from_pane_mark', { session: record.name, id: record.id, paneId: record.paneId });
    if (found.rebuilt.length > 0) await records.save();
    const gone: string[] = [];
    for (const { record, verdict, pane } of found.verdicts) {
      try {
        if (verdict.kind === 'dead') await this.#options.markExited(record.id, verdict.exitCode);
        else if (verdict.kind === 'gone') {
          log.warn('sessions.pane_gone', { session: record.name, id: record.id, paneId: record.paneId, why: verdict.why });
          await this.#options.markExited(record.id, null);
          gone.push(record.id);
        } else if (pane !== undefined) {
          await this.#follower.resume({ ...record, logFile: this.#logFile(record) }, pane, records.store.position(record.id));
          this.#options.resumed(record);
        }
      } catch (error) {
        log.error('sessions.resume_failed', { session: record.name, error });
      }
    }
    return gone;
  }

  async stop(): Promise<void> {
    await this.#follower.stop();
  }

  live(sessionId: string): LiveSession | undefined {
    return this.#follower.live(sessionId);
  }

  /** A new tmux session `name` running `run`, recorded under `id` (reserved by the caller). */
  async create(id: string, name: string, run: PaneRun): Promise<SessionView> {
    const { tmux, records, log } = this.#options;
    const start = { id, name, command: run.shown, adopted: false, createdAt: records.nowIso(), nonce: newNonce() };
    // The mark goes on in the same tmux call that makes the pane: no moment where the pane is ours but unmarked.
    const mark = this.#markOf(newSessionRecord({ ...start, paneId: '' }));
    const pane = await tmux.newSession({
      name, ...(run.argv === undefined ? { command: run.command } : { argv: run.argv }), pipeFile: this.#logFile(start), mark,
    });
    const record = records.registry.add({
      ...newSessionRecord({ ...start, paneId: pane.paneId, command: run.shown || pane.command }),
      ...(run.deadlineAt === undefined ? {} : { deadlineAt: run.deadlineAt }),
    });
    await records.save();
    await this.#follower.follow({ sessionId: id, logFile: this.#logFile(record), ...pane });
    records.emit({ type: 'created', session: this.#options.view(id) });
    log.info('sessions.created', { session: name, id, paneId: pane.paneId, ...(run.argv === undefined ? {} : { shell: true }) });
    return this.#options.view(id);
  }

  /** Live panes no session follows yet. */
  async adoptable(): Promise<AdoptablePane[]> {
    const panes = await this.#options.tmux.listPanes();
    return panes
      .filter((pane) => !pane.dead && this.#options.records.registry.byPane(pane.paneId) === undefined)
      .map((pane) => ({ paneId: pane.paneId, target: pane.target, command: pane.command, cwd: pane.cwd }));
  }

  /** Adopts a live pane (`%12` or session:window.pane) that no session follows yet. */
  async adopt(target: string, name?: string): Promise<SessionView> {
    const { tmux, records, log } = this.#options;
    const pane = await tmux.pane(target);
    if (pane === null || pane.dead) {
      throw new PocketError('SESSION_NOT_FOUND', `No live tmux pane ${JSON.stringify(target.slice(0, 40))}.`, {
        hint: '/sessions lists the panes that can be adopted (%12 or session:window.pane).',
      });
    }
    const registry = records.registry;
    const existing = registry.byPane(pane.paneId);
    if (existing) {
      throw new PocketError('SESSION_EXISTS', `Pane ${pane.paneId} is already session ${existing.name}.`);
    }
    const chosen = name ?? registry.freeNameFrom(`${pane.sessionName}-${pane.windowIndex}-${pane.paneIndex}`);
    registry.assertFreeName(chosen);
    const id = registry.reserveId();
    const record = registry.add(
      newSessionRecord({ id, name: chosen, paneId: pane.paneId, command: pane.command, adopted: true, createdAt: records.nowIso(), nonce: newNonce() }),
    );
    await tmux.setMark(pane.paneId, this.#markOf(record));
    await records.save();
    const live = await this.#follower.follow({ sessionId: id, logFile: this.#logFile(record), ...pane });
    // What the pane shows now becomes the starting screen, so /tail has something before new output arrives. A
    // full-screen program that switched to the alternate screen before pocket followed it (an agent already running
    // when adopted) is put back there, so the card shows its screen and offers /screen's picture of it.
    const screen = await tmux.capture(pane.paneId, { ansi: true }).catch(() => '');
    const enter = pane.alternateScreen ? '\x1b[?1049h\x1b[H' : '';
    live.replay(Buffer.from(enter + screen.replace(/\n$/, '').split('\n').join('\r\n')));
    await tmux.ensurePipe(pane.paneId, this.#logFile(record));
    records.emit({ type: 'created', session: this.#options.view(id) });
    log.info('sessions.attached', { session: chosen, id, paneId: pane.paneId });
    return this.#options.view(id);
  }

  async typeText(record: SessionRecord, text: string, options?: { enter?: boolean }): Promise<void> {
    const { tmux, clock } = this.#options;
    await typeIntoPane({ tmux, clock }, { paneId: record.paneId, command: record.command, live: this.#follower.live(record.id) }, text, options);
  }

  async pressKeys(record: SessionRecord, keys: readonly string[]): Promise<void> {
    await this.#options.tmux.sendKeys(record.paneId, keys);
    this.#follower.live(record.id)?.input();
  }

  /**
   * The user changed what a running tmux session's mark carries (alias, topic, mute): a rebuild needs it. Best effort,
   * the registry is the record.
   */
  async remark(record: SessionRecord): Promise<void> {
    if (record.exitedAt !== null || record.nonce === undefined || record.agent !== undefined || record.kind !== 'tmux') return;
    await this.#options.tmux.setMark(record.paneId, this.#markOf(record)).catch((error: unknown) => {
      this.#options.log.warn('sessions.mark_failed', { session: record.name, error });
    });
  }

  /** Ends the session's pane (its tmux session, or the pane alone when it was adopted) and stops following it. */
  async kill(record: SessionRecord): Promise<void> {
    if (record.adopted) await this.#options.tmux.killPane(record.paneId);
    else await this.#options.tmux.killSession(record.name);
    await this.#follower.unfollow(record);
  }

  /** The session's log files (on kill, once the record is gone). */
  async removeLogs(record: SessionRecord): Promise<void> {
    await removeLogFiles(this.#logFile(record));
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
}

function newNonce(): string {
  return randomBytes(6).toString('hex');
}
