// The session use cases over tmux: create/adopt/kill sessions, type into them, read them, and turn their pane logs
// into session events. Registry and tail positions persist in .state/, so a daemon restart resumes every session
// exactly where it stopped reading.
import type { EventEmitter } from 'node:events';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PocketError } from '../../core/errors.js';
import { summarize } from '../../core/output/summarize.js';
import { type Clock, systemClock } from '../../core/ports.js';
import { SessionRegistry } from '../../core/session-registry.js';
import type { AdoptablePane, SessionEvent, SessionRecord, SessionSummary, SessionUseCases, SessionView } from '../../core/sessions.js';
import type { Logger } from '../../log.js';
import { ensurePrivateDir } from '../../state/private-dirs.js';
import { PaneLogTail, type TailPosition } from '../../tmux/pane-log.js';
import { MARKER_DIR } from '../../tmux/pipe-command.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { DaemonService } from '../main.js';
import { StallWatch } from '../stall-watch.js';
import { LiveSession } from './live-session.js';
import { createSessionStore, type SessionStore } from './store.js';

export interface SessionServiceOptions {
  tmux: TmuxCli;
  stateDir: string;
  panesDir: string;
  log: Logger;
  changes: EventEmitter;
  idleMs: number;
  clock?: Clock;
}

/** How much already-reported output is replayed after a restart to rebuild the screen and /tail. */
const REPLAY_BYTES = 256 * 1024;

export class SessionService implements SessionUseCases, DaemonService {
  readonly name = 'sessions';
  readonly #o: SessionServiceOptions & { clock: Clock };
  readonly #store: SessionStore;
  #registry = new SessionRegistry();
  readonly #live = new Map<string, LiveSession>();
  readonly #listeners = new Set<(event: SessionEvent) => void>();
  #tail: PaneLogTail | undefined;
  /** One for all sessions: the time the daemon did not run is the same for every pane. */
  #stalls: StallWatch | undefined;

  constructor(options: SessionServiceOptions) {
    this.#o = { clock: systemClock, ...options };
    this.#store = createSessionStore(options.stateDir, options.log);
  }

  async start(): Promise<void> {
    ensurePrivateDir(this.#o.panesDir);
    this.#stalls = new StallWatch(this.#o.clock);
    this.#registry = new SessionRegistry(this.#store.readRegistry());
    this.#tail = await PaneLogTail.create({
      dir: this.#o.panesDir,
      // Small reads keep a flood from holding megabytes per pane in flight at once.
      readBytes: 128 * 1024,
      repipe: (paneId, file) => this.#o.tmux.ensurePipe(paneId, file, { replace: true }),
      onPaneEvent: (paneId) => void this.#checkPane(paneId),
      onMissing: (paneId) => this.#o.log.warn('sessions.log_removed_reattaching', { paneId }),
      onError: (paneId, error) => this.#o.log.error('sessions.tail_failed', { paneId, error }),
    });
    for (const record of this.#registry.all()) {
      if (record.exitedAt !== null) continue;
      try {
        await this.#resume(record);
      } catch (error) {
        this.#o.log.error('sessions.resume_failed', { session: record.name, error });
      }
    }
  }

  async stop(): Promise<void> {
    await this.#tail?.close();
    await this.#store.flush();
    await this.#persist();
    for (const live of this.#live.values()) live.dispose();
    this.#live.clear();
    this.#stalls?.stop();
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
    const panes = await this.#o.tmux.listPanes();
    return panes
      .filter((pane) => !pane.dead && this.#registry.byPane(pane.paneId) === undefined)
      .map((pane) => ({ paneId: pane.paneId, target: pane.target, command: pane.command, cwd: pane.cwd }));
  }

  async create(name: string, command?: string): Promise<SessionView> {
    this.#registry.assertFreeName(name);
    const trimmed = command?.trim() ?? '';
    const id = this.#registry.reserveId();
    const pane = await this.#o.tmux.newSession({ name, command: trimmed || undefined, pipeFile: this.#logFile(id) });
    const record = this.#registry.add({
      name,
      alias: null,
      kind: 'tmux',
      paneId: pane.paneId,
      command: trimmed || pane.command,
      adopted: false,
      createdAt: new Date(this.#o.clock.now()).toISOString(),
      topicId: null,
      muted: false,
      exitCode: null,
      exitedAt: null,
    }, id);
    await this.#persist();
    await this.#follow(record, { cols: pane.width, rows: pane.height });
    this.#emit({ type: 'created', session: this.#view(record) });
    this.#o.log.info('sessions.created', { session: name, id: record.id, paneId: pane.paneId });
    return this.#view(record);
  }

  async attach(target: string, name?: string): Promise<SessionView> {
    const pane = await this.#o.tmux.pane(target);
    if (pane === null || pane.dead) {
      throw new PocketError('SESSION_NOT_FOUND', `No live tmux pane ${JSON.stringify(target.slice(0, 40))}.`, {
        hint: '/sessions lists the panes that can be adopted (%12 or session:window.pane).',
      });
    }
    const existing = this.#registry.byPane(pane.paneId);
    if (existing) {
      throw new PocketError('SESSION_EXISTS', `Pane ${pane.paneId} is already session ${existing.name}.`);
    }
    const chosen = name ?? this.#freeNameFor(`${pane.sessionName}-${pane.windowIndex}-${pane.paneIndex}`);
    this.#registry.assertFreeName(chosen);
    const record = this.#registry.add({
      name: chosen,
      alias: null,
      kind: 'tmux',
      paneId: pane.paneId,
      command: pane.command,
      adopted: true,
      createdAt: new Date(this.#o.clock.now()).toISOString(),
      topicId: null,
      muted: false,
      exitCode: null,
      exitedAt: null,
    });
    await this.#persist();
    const live = await this.#follow(record, { cols: pane.width, rows: pane.height });
    // What the pane shows now becomes the starting screen, so /tail has something before new output arrives.
    const screen = await this.#o.tmux.capture(pane.paneId, { ansi: true }).catch(() => '');
    live.replay(Buffer.from(screen.replace(/\n$/, '').split('\n').join('\r\n')));
    await this.#o.tmux.ensurePipe(pane.paneId, this.#logFile(record.id));
    this.#emit({ type: 'created', session: this.#view(record) });
    this.#o.log.info('sessions.attached', { session: chosen, id: record.id, paneId: pane.paneId });
    return this.#view(record);
  }

  async sendText(sessionId: string, text: string, options?: { enter?: boolean }): Promise<void> {
    const record = this.#running(sessionId);
    await this.#o.tmux.sendText(record.paneId, text, options);
    this.#live.get(record.id)?.input();
  }

  async sendKeys(sessionId: string, keys: readonly string[]): Promise<void> {
    const record = this.#running(sessionId);
    await this.#o.tmux.sendKeys(record.paneId, keys);
    this.#live.get(record.id)?.input();
  }

  async tail(sessionId: string, lines: number): Promise<string[]> {
    const live = this.#liveOf(sessionId);
    if (!live) return [];
    return live.renderer.alternateScreen ? trimBlank(live.renderer.screen()) : live.renderer.lines(lines);
  }

  async screen(sessionId: string): Promise<string[]> {
    return trimBlank(this.#liveOf(sessionId)?.renderer.screen() ?? []);
  }

  async summary(sessionId: string): Promise<SessionSummary> {
    const view = this.#view(this.#need(sessionId));
    const live = this.#live.get(sessionId);
    const now = this.#o.clock.now();
    const digest = summarize({
      state: view.state,
      startedAt: Date.parse(view.createdAt),
      endedAt: view.exitedAt ? Date.parse(view.exitedAt) : null,
      now,
      exitCode: view.exitCode,
      lines: live?.renderer.lines(2000) ?? [],
    });
    return { session: view, runtimeS: digest.runtimeS, errorLines: digest.errorLines, lastLines: digest.lastLines };
  }

  async setAlias(sessionId: string, alias: string): Promise<SessionView> {
    const record = this.#need(sessionId);
    this.#registry.assertFreeName(alias, 'alias', record.id);
    return this.#change(record.id, { alias });
  }

  async kill(sessionId: string): Promise<void> {
    const record = this.#need(sessionId);
    if (record.adopted) await this.#o.tmux.killPane(record.paneId);
    else await this.#o.tmux.killSession(record.name);
    await this.#tail?.unfollow(record.paneId);
    this.#live.get(record.id)?.dispose();
    this.#live.delete(record.id);
    this.#registry.remove(record.id);
    this.#store.forget(record.id);
    await this.#persist();
    await this.#removeLogs(record.id);
    this.#emit({ type: 'removed', sessionId: record.id });
    this.#o.log.info('sessions.killed', { session: record.name, id: record.id });
  }

  async setTopic(sessionId: string, topicId: number | null): Promise<void> {
    await this.#change(sessionId, { topicId });
  }

  async setMuted(sessionId: string, muted: boolean): Promise<void> {
    await this.#change(sessionId, { muted });
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #view(record: SessionRecord): SessionView {
    const live = this.#live.get(record.id);
    const lastActivity = live?.lastActivityAt ?? null;
    return {
      ...record,
      state: record.exitedAt !== null ? 'exited' : (live?.state ?? 'idle'),
      lastActivityAt: lastActivity === null ? record.exitedAt : new Date(lastActivity).toISOString(),
      prompt: record.exitedAt === null ? (live?.prompt ?? null) : null,
      ...(record.exitedAt === null && live?.renderer.alternateScreen ? { screen: { lines: trimBlank(live.renderer.screen()), cursorRow: live.renderer.cursorRow } } : {}),
    };
  }

  #need(sessionId: string): SessionRecord {
    const record = this.#registry.get(sessionId);
    if (!record) throw new PocketError('SESSION_NOT_FOUND', `Session ${sessionId} no longer exists.`, { hint: '/sessions lists them.' });
    return record;
  }

  #running(sessionId: string): SessionRecord {
    const record = this.#need(sessionId);
    if (record.exitedAt !== null) {
      throw new PocketError('INVALID_INPUT', `Session ${record.name} has exited (code ${record.exitCode ?? 'unknown'}).`, {
        hint: `/summary ${record.name} shows how it ended; /kill ${record.name} removes it.`,
      });
    }
    return record;
  }

  #liveOf(sessionId: string): LiveSession | undefined {
    return this.#live.get(this.#need(sessionId).id);
  }

  async #change(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionView> {
    const record = this.#registry.update(this.#need(sessionId).id, patch);
    await this.#persist();
    const view = this.#view(record);
    this.#emit({ type: 'updated', session: view });
    return view;
  }

  #logFile(sessionId: string): string {
    return join(this.#o.panesDir, `${sessionId}.log`);
  }

  async #resume(record: SessionRecord): Promise<void> {
    const pane = await this.#o.tmux.pane(record.paneId);
    if (pane === null || pane.dead) {
      await this.#markExited(record, pane?.exitCode ?? null);
      return;
    }
    const position = this.#store.position(record.id);
    await this.#follow(record, { cols: pane.width, rows: pane.height }, position);
    await this.#o.tmux.ensurePipe(pane.paneId, this.#logFile(record.id));
    this.#o.log.info('sessions.resumed', { session: record.name, id: record.id, position });
  }

  async #follow(record: SessionRecord, size: { cols: number; rows: number }, position?: TailPosition): Promise<LiveSession> {
    const live = new LiveSession({
      ...size,
      idleMs: this.#o.idleMs,
      clock: this.#o.clock,
      stalls: this.#stalls,
      events: {
        output: (lines, at) => this.#emit({ type: 'output', sessionId: record.id, lines, at }),
        // The card shows the screen of a full-screen program (the view carries it): redraw it as the screen changes.
        screen: () => this.#emit({ type: 'updated', session: this.#view(this.#need(record.id)) }),
        state: (_state, previous, at) => {
          this.#emit({ type: 'state', session: this.#view(this.#need(record.id)), previous, at });
          this.#o.changes.emit('changed');
        },
        alert: (kind, at) => this.#emit({ type: 'alert', session: this.#view(this.#need(record.id)), kind, at }),
      },
    });
    this.#live.set(record.id, live);
    if (position) live.replay(await readBefore(this.#o.panesDir, position, REPLAY_BYTES));
    await this.#tail!.follow(record.paneId, this.#logFile(record.id), {
      position,
      onData: (bytes, next) => {
        live.feed(bytes);
        this.#store.setPosition(record.id, next);
        this.#o.changes.emit('changed');
      },
    });
    return live;
  }

  /** A pane event (death marker, closed pipe, quiet): ask tmux once. Never throws: it runs from file events. */
  async #checkPane(paneId: string): Promise<void> {
    try {
      const before = this.#registry.byPane(paneId);
      if (!before) return;
      const pane = await this.#o.tmux.pane(paneId).catch(() => undefined);
      if (pane === undefined || (pane !== null && !pane.dead)) return;
      // The session may have been killed while tmux answered.
      const record = this.#registry.get(before.id);
      if (record) await this.#markExited(record, pane?.exitCode ?? null);
    } catch (error) {
      this.#o.log.error('sessions.check_failed', { paneId, error });
    }
  }

  async #markExited(record: SessionRecord, exitCode: number | null): Promise<void> {
    if (record.exitedAt !== null || this.#registry.get(record.id) === undefined) return;
    this.#registry.update(record.id, { exitCode, exitedAt: new Date(this.#o.clock.now()).toISOString() });
    await this.#persist();
    this.#live.get(record.id)?.exited(exitCode);
    this.#o.changes.emit('changed');
    this.#o.log.info('sessions.exited', { session: record.name, id: record.id, exitCode });
  }

  #freeNameFor(raw: string): string {
    const base = raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 28) || 'pane';
    const taken = new Set(this.#registry.all().flatMap((r) => [r.name, r.alias]));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }

  async #persist(): Promise<void> {
    await this.#store.writeRegistry(this.#registry.toJSON());
  }

  async #removeLogs(sessionId: string): Promise<void> {
    const prefix = `${sessionId}.log`;
    for (const dir of [this.#o.panesDir, join(this.#o.panesDir, MARKER_DIR)]) {
      const names = await readdir(dir).catch(() => [] as string[]);
      await Promise.all(names.filter((n) => n === prefix || n.startsWith(`${prefix}.`)).map((n) => rm(join(dir, n), { force: true })));
    }
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#o.log.error('sessions.listener_failed', { type: event.type, error });
      }
    }
  }
}

/** The bytes of the current log file just before `position`, starting at a line boundary. */
async function readBefore(dir: string, position: TailPosition, max: number): Promise<Uint8Array> {
  if (position.file === '' || position.offset === 0) return new Uint8Array();
  const start = Math.max(0, position.offset - max);
  const handle = await open(join(dir, position.file), 'r').catch(() => null);
  if (!handle) return new Uint8Array();
  try {
    const buffer = Buffer.alloc(position.offset - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    const bytes = buffer.subarray(0, bytesRead);
    const newline = start === 0 ? -1 : bytes.indexOf(0x0a);
    return bytes.subarray(newline + 1);
  } finally {
    await handle.close();
  }
}

function trimBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}
