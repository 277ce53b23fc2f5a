// Durable tails of pane logs: the kernel's directory events (fs.watch) for the chunk files, chokidar for the
// death/closed markers; reads from a saved position to EOF on every event plus one trailing re-read per burst (a
// backstop for an event a platform's watcher coalesces away), and pane events (death, closed pipe, quiet) for the
// caller. File layout and markers: pipe-command.ts; keeping the directory watched: log-dir-watch.ts.
//
// What the caller persists: the TailPosition passed with each onData, once it has handled those bytes. onData may
// return a promise; the tail waits for it before reading on or deleting a file, so a restart from the last persisted
// position neither repeats nor loses a byte.
//
// A removed log file: the tail still holds it open, so it re-pipes the pane (a new generation of files), waits for
// the old writer to finish (LOG.closed), reads the removed file to its end through its descriptor, and goes on with
// the new files.
import { readSync } from 'node:fs';
import { type FileHandle, open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type DirectoryWatchers, LogDirectoryWatch, type WatcherKind } from './log-dir-watch.js';
import { type TailPosition, chunkFiles } from './pane-log-files.js';
import { CLOSED_SUFFIX, DEFAULT_CHUNK_BYTES, DIED_SUFFIX, MARKER_DIR, classifyLogFile, markerBase } from './pipe-command.js';

export type { DirectoryWatchers, TailPosition, WatcherKind };

export const START: TailPosition = { file: '', offset: 0 };

export type PaneEventReason = 'died' | 'pipe-closed' | 'quiet';

export interface FollowOptions {
  position?: TailPosition;
  /**
   * New bytes and the position after them; persist that position once the bytes are handled. The bytes are a view of
   * the tail's read buffer, valid until the returned promise settles: copy them to keep them longer.
   */
  onData(bytes: Buffer, position: TailPosition): void | Promise<void>;
}

export interface PaneLogTailOptions {
  dir: string;
  /** Points the pane's pipe at fresh files: `tmux.ensurePipe(id, file, { replace: true })`. */
  repipe(paneId: string, file: string): Promise<void>;
  /** Something happened to the pane: ask tmux (`pane(id)`) whether it is dead and with what exit code. */
  onPaneEvent?(paneId: string, reason: PaneEventReason): void;
  /** The file being read was removed; the tail re-attaches the pipe itself. */
  onMissing?(paneId: string): void;
  onError?(paneId: string, error: unknown): void;
  rereadMs?: number;
  /**
   * Report 'quiet' once when output stops for this long (or when nothing arrives after follow()); 0 turns it off.
   * The fallback for pane death when tmux's pane-died hook does not fire (see tmux-cli.ts, reap).
   */
  quietMs?: number;
  /** How long to wait for the old writer to finish after re-piping. */
  closeWaitMs?: number;
  /** Largest single read handed to onData. */
  readBytes?: number;
  /** Size of each chunk file the writer fills (tmux-cli's logChunkBytes): a full file means a next one exists. */
  chunkBytes?: number;
  /**
   * A directory watcher failed (inotify limits, the directory removed, ...): it is re-created, and every followed pane
   * read up to date and its markers checked, so nothing written meanwhile is lost. Without this, onError per pane.
   */
  onWatcherError?(watcher: WatcherKind, error: unknown, paneIds: string[]): void;
  /** First delay before re-creating a failed watcher; doubles on each failure, up to 30 s. */
  rewatchMs?: number;
  /** How the watchers are made; a test replaces them to make one fail. */
  watchers?: Partial<DirectoryWatchers>;
}


interface Followed {
  paneId: string;
  /** LOG: the path given to ensurePipe; data files are LOG.<generation>.<suffix>. */
  log: string;
  base: string;
  file: string;
  fd: FileHandle | null;
  offset: number;
  onData: FollowOptions['onData'];
  running: Promise<void> | null;
  dirty: boolean;
  checkFile: boolean;
  /** A later chunk file may exist: list the directory on the next pump (not on every read). */
  lookNext: boolean;
  scratch?: Buffer;
  stopped: boolean;
  closedWaiter: (() => void) | null;
  rereadTimer: NodeJS.Timeout | undefined;
  quietTimer: NodeJS.Timeout | undefined;
  lastDataAt?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PaneLogTail {
  readonly #options: Required<Omit<PaneLogTailOptions, 'onPaneEvent' | 'onMissing' | 'onError' | 'onWatcherError' | 'watchers'>> &
    PaneLogTailOptions;
  readonly #markersDir: string;
  #watch: LogDirectoryWatch | undefined;
  readonly #byBase = new Map<string, Followed>();

  private constructor(options: PaneLogTailOptions) {
    this.#options = {
      rereadMs: 100,
      quietMs: 3_000,
      closeWaitMs: 2_000,
      readBytes: 1024 * 1024,
      chunkBytes: DEFAULT_CHUNK_BYTES,
      rewatchMs: 100,
      ...options,
    };
    this.#options.dir = path.resolve(options.dir);
    this.#markersDir = path.join(this.#options.dir, MARKER_DIR);
  }

  /** Starts the directory watchers; resolves once they are watching. */
  static async create(options: PaneLogTailOptions): Promise<PaneLogTail> {
    const tail = new PaneLogTail(options);
    tail.#watch = await LogDirectoryWatch.start({
      dir: tail.#options.dir,
      watchers: options.watchers,
      rewatchMs: tail.#options.rewatchMs,
      onChunkEvent: (event, name) => tail.#onRawEvent(event, name),
      onMarkerEvent: (event, file) => tail.#onFsEvent(event, file),
      onFailed: (kind, error) => tail.#watcherFailed(kind, error),
      onCatchUp: (kind) => tail.#catchUp(kind),
    });
    return tail;
  }

  #watcherFailed(kind: WatcherKind, error: unknown): void {
    const paneIds = [...this.#byBase.values()].map((f) => f.paneId);
    if (this.#options.onWatcherError) this.#options.onWatcherError(kind, error, paneIds);
    else for (const paneId of paneIds) this.#options.onError?.(paneId, error);
  }

  /** Reads what arrived while nothing watched: from each pane's own offset, so no byte is read twice. */
  #catchUp(kind: WatcherKind): void {
    for (const f of this.#byBase.values()) {
      if (kind === 'chunks') {
        f.lookNext = true;
        f.checkFile = true;
        this.#kick(f);
      } else {
        for (const marker of ['died', 'closed'] as const) void this.#onMarker(f, marker);
      }
    }
  }

  /** Follows the pane whose pipe writes LOG (`file`); resumes at `position`. */
  async follow(paneId: string, file: string, options: FollowOptions): Promise<void> {
    await this.unfollow(paneId);
    const log = path.resolve(file);
    if (path.dirname(log) !== this.#options.dir) throw new Error(`${file} is not in ${this.#options.dir}`);
    const position = options.position ?? START;
    const f: Followed = {
      paneId,
      log,
      base: path.basename(log),
      file: position.file,
      fd: null,
      offset: position.offset,
      onData: options.onData,
      running: null,
      dirty: false,
      checkFile: false,
      lookNext: true,
      stopped: false,
      closedWaiter: null,
      rereadTimer: undefined,
      quietTimer: undefined,
    };
    this.#byBase.set(f.base, f);
    // Markers left while nobody watched (e.g. the daemon was down when the pane died).
    for (const kind of ['died', 'closed'] as const) void this.#onMarker(f, kind);
    // Following counts as activity: a pane that never prints is still checked once (see quietMs).
    this.#armQuiet(f);
    this.#kick(f);
  }

  async unfollow(paneId: string): Promise<void> {
    const f = [...this.#byBase.values()].find((g) => g.paneId === paneId);
    if (f === undefined) return;
    f.stopped = true;
    clearTimeout(f.rereadTimer);
    clearTimeout(f.quietTimer);
    f.closedWaiter?.();
    this.#byBase.delete(f.base);
    await f.running?.catch(() => {});
    await f.fd?.close().catch(() => {});
    f.fd = null;
  }

  async close(): Promise<void> {
    const closing = this.#watch?.close();
    await Promise.all([...this.#byBase.values()].map((f) => this.unfollow(f.paneId)));
    await closing;
  }

  #onRawEvent(event: string, name: string | null): void {
    const file = name === null ? null : classifyLogFile(name);
    if (file === null || file.kind !== 'chunk') return;
    const f = this.#byBase.get(file.base);
    if (f === undefined) return;
    // 'rename' is a file appearing or going away: a next chunk, or the current one removed.
    if (event === 'rename') {
      f.lookNext = true;
      if (file.name === f.file) f.checkFile = true;
    }
    this.#kick(f);
    // One trailing re-read per burst, as a backstop for a write that lands just after a read hit EOF.
    f.rereadTimer ??= setTimeout(() => {
      f.rereadTimer = undefined;
      this.#kick(f);
    }, this.#options.rereadMs);
  }

  /** chokidar's events: the markers directory (chunk files are followed through #onRawEvent). */
  #onFsEvent(event: string, file: string): void {
    if (path.dirname(file) !== this.#markersDir) return;
    const name = classifyLogFile(path.basename(file));
    const f = name === null ? undefined : this.#byBase.get(name.base);
    if (name === null || f === undefined || name.kind === 'chunk') return;
    if (event === 'add' || event === 'change') void this.#onMarker(f, name.kind);
  }

  /** Deleting the marker makes each one count once (a stale event finds nothing to delete). */
  async #onMarker(f: Followed, kind: 'closed' | 'died'): Promise<void> {
    try {
      await unlink(markerBase(f.log) + (kind === 'closed' ? CLOSED_SUFFIX : DIED_SUFFIX));
    } catch {
      return;
    }
    if (f.stopped) return;
    if (kind === 'closed' && f.closedWaiter !== null) {
      f.closedWaiter();
      return;
    }
    this.#options.onPaneEvent?.(f.paneId, kind === 'died' ? 'died' : 'pipe-closed');
  }

  /** Serialises all reading of one pane; an event during a run makes it run once more. */
  #kick(f: Followed): void {
    if (f.stopped) return;
    if (f.running !== null) {
      f.dirty = true;
      return;
    }
    f.running = (async () => {
      try {
        do {
          f.dirty = false;
          await this.#pump(f);
        } while (f.dirty && !f.stopped);
      } catch (error) {
        if (!f.stopped) this.#options.onError?.(f.paneId, error);
      } finally {
        f.running = null;
      }
    })();
  }

  async #pump(f: Followed): Promise<void> {
    if (f.fd === null && !(await this.#openFirst(f))) return;
    await this.#readToEof(f);
    if (f.checkFile && !f.stopped) {
      f.checkFile = false;
      if (!(await this.#stillNamed(f))) await this.#reattach(f);
    }
    // The writer fills a file before it creates the next, so a later file means this one is complete. Only look
    // when a file was added or this one is full: listing the directory on every read is the hot path's cost.
    for (let next = await this.#maybeNextFile(f); next !== undefined && !f.stopped; next = await this.#maybeNextFile(f)) {
      await this.#readToEof(f);
      if (f.stopped) return;
      await f.fd?.close();
      await unlink(path.join(this.#options.dir, f.file)).catch(() => {});
      f.fd = await open(path.join(this.#options.dir, next), 'r');
      f.file = next;
      f.offset = 0;
      await this.#readToEof(f);
    }
  }

  async #maybeNextFile(f: Followed): Promise<string | undefined> {
    if (!f.lookNext && f.offset < this.#options.chunkBytes) return undefined;
    f.lookNext = false;
    const next = (await chunkFiles(this.#options.dir, f.base)).find((n) => n > f.file);
    // Still on this file: another look after the next read, in case the add event came before the listing.
    if (next !== undefined) f.lookNext = true;
    return next;
  }

  /** Opens the saved file, or the first one after it (the saved one was read to its end and deleted). */
  async #openFirst(f: Followed): Promise<boolean> {
    const files = await chunkFiles(this.#options.dir, f.base);
    for (const done of files.filter((n) => n < f.file)) await unlink(path.join(this.#options.dir, done)).catch(() => {});
    const file = files.includes(f.file) ? f.file : files.find((n) => n > f.file);
    if (file === undefined) return false;
    if (file !== f.file) f.offset = 0;
    f.file = file;
    f.fd = await open(path.join(this.#options.dir, file), 'r');
    return true;
  }

  async #stillNamed(f: Followed): Promise<boolean> {
    if (f.fd === null) return true;
    const [held, named] = await Promise.all([f.fd.stat(), stat(path.join(this.#options.dir, f.file)).catch(() => null)]);
    return named !== null && named.ino === held.ino && named.dev === held.dev;
  }

  /** The file being written was removed: new writer, wait for the old one to finish, read the old file to its end. */
  async #reattach(f: Followed): Promise<void> {
    this.#options.onMissing?.(f.paneId);
    f.lookNext = true;
    await unlink(markerBase(f.log) + CLOSED_SUFFIX).catch(() => {});
    const closed = new Promise<void>((resolve) => {
      f.closedWaiter = resolve;
    });
    try {
      await this.#options.repipe(f.paneId, f.log);
      await Promise.race([closed, sleep(this.#options.closeWaitMs)]);
    } catch (error) {
      this.#options.onError?.(f.paneId, error);
    } finally {
      f.closedWaiter = null;
    }
    await this.#readToEof(f);
  }

  async #readToEof(f: Followed): Promise<void> {
    const fd = f.fd;
    if (fd === null) return;
    let delivered = false;
    // One read buffer per pane (reads of different panes overlap), lent to onData until its promise settles: a fresh
    // buffer (or a copy) per read was most of the garbage at 50 busy panes and under a flood.
    f.scratch ??= Buffer.allocUnsafe(this.#options.readBytes);
    const scratch = f.scratch;
    while (!f.stopped) {
      // A synchronous read of a local file the page cache just received: ~5 us against ~40 us for the promise
      // read's thread-pool round trip (measured), and at 50 busy panes there are thousands a second.
      const bytesRead = readSync(fd.fd, scratch, 0, scratch.length, f.offset);
      if (bytesRead === 0) break;
      f.offset += bytesRead;
      delivered = true;
      const handled = f.onData(scratch.subarray(0, bytesRead), { file: f.file, offset: f.offset });
      if (handled !== undefined) await handled;
      // A short read reached the end as it was then; a later write brings its own event (and the trailing re-read).
      if (bytesRead < scratch.length) break;
      // More to read: a flooding pane hands the event loop back between reads, so the other panes, IPC writes
      // (subscribers fell 30 MB behind a flood without this) and timers get their turn.
      await yieldToLoop();
    }
    if (delivered) this.#armQuiet(f);
  }

  /** One check after activity stops, not a poll: only new output or a new follow() arms it again. */
  #armQuiet(f: Followed): void {
    if (this.#options.quietMs <= 0 || f.stopped) return;
    f.lastDataAt = Date.now();
    // One timer per quiet period, moved on when it fires early: re-arming on every read of a busy pane cost more.
    if (f.quietTimer !== undefined) return;
    const fire = (): void => {
      const due = (f.lastDataAt ?? 0) + this.#options.quietMs - Date.now();
      if (due > 0 && !f.stopped) {
        f.quietTimer = setTimeout(fire, due);
        return;
      }
      f.quietTimer = undefined;
      if (!f.stopped) this.#options.onPaneEvent?.(f.paneId, 'quiet');
    };
    f.quietTimer = setTimeout(fire, this.#options.quietMs);
  }
}
