// Durable tails of pane logs: one chokidar watcher for the log directory, reads from a saved position to EOF on
// every event plus one trailing re-read (chokidar throttles change events and can drop the last one), rotation and
// re-attachment without losing or repeating a byte, and pane events (death, closed pipe, quiet) for the caller.
//
// What the caller persists: the TailPosition passed with each onData, after it has processed the bytes (onData may
// return a promise; the tail waits for it before reading on or deleting anything). Restart with that position.
//
// Files for a followed pane with log LOG: LOG (the pipe appends here), LOG.1 (the previous file while it is being
// drained), LOG.closed / LOG.died (markers, see pipe-command.ts). Rotation and re-attachment are one procedure:
// LOG leaves its name (renamed to LOG.1 by us, or removed by someone), a fresh LOG is created, the pane is re-piped
// to it (tmux closes the old pipe; its shell writes LOG.closed once `cat` has written everything), then the old file
// is drained through the descriptor we hold (so even a removed file is read to its end) and LOG.1 deleted.
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { CLOSED_SUFFIX, DIED_SUFFIX } from './pipe-command.js';

/** Where reading stands. `draining`: the offset is in the previous file (LOG.1, or a removed LOG), not in LOG. */
export interface TailPosition {
  offset: number;
  draining: boolean;
}

export const START: TailPosition = { offset: 0, draining: false };

export type PaneEventReason = 'died' | 'pipe-closed' | 'quiet';

export interface FollowOptions {
  position?: TailPosition;
  /** New bytes and the position after them; persist that position once the bytes are handled. */
  onData(bytes: Buffer, position: TailPosition): void | Promise<void>;
}

export interface PaneLogTailOptions {
  dir: string;
  /** Points the pane's pipe at a fresh file, replacing the old pipe: `tmux.ensurePipe(id, file, { replace: true })`. */
  repipe(paneId: string, file: string): Promise<void>;
  /** Something happened to the pane: ask tmux (`pane(id)`) whether it is dead and with what exit code. */
  onPaneEvent?(paneId: string, reason: PaneEventReason): void;
  /** The log file was removed or replaced; the tail re-attaches the pipe itself. */
  onMissing?(paneId: string): void;
  onError?(paneId: string, error: unknown): void;
  /** Rotate once the log has grown past this. */
  maxBytes?: number;
  rereadMs?: number;
  /** Report 'quiet' once when output stops for this long after some arrived; 0 turns it off. */
  quietMs?: number;
  /** How long to wait for the old pipe's `cat` to finish after re-piping. */
  closeWaitMs?: number;
  chunkBytes?: number;
}

interface Followed {
  paneId: string;
  file: string;
  fd: FileHandle | null;
  offset: number;
  draining: boolean;
  onData: FollowOptions['onData'];
  running: Promise<void> | null;
  dirty: boolean;
  checkFile: boolean;
  rotateFailed: boolean;
  stopped: boolean;
  closedWaiter: (() => void) | null;
  rereadTimer: NodeJS.Timeout | undefined;
  quietTimer: NodeJS.Timeout | undefined;
}

type Kind = 'log' | 'closed' | 'died';

const exists = (file: string) => stat(file).then(() => true, () => false);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PaneLogTail {
  readonly #options: Required<Omit<PaneLogTailOptions, 'onPaneEvent' | 'onMissing' | 'onError'>> & PaneLogTailOptions;
  readonly #watcher: FSWatcher;
  readonly #byPane = new Map<string, Followed>();
  readonly #byName = new Map<string, [Followed, Kind]>();

  private constructor(options: PaneLogTailOptions, watcher: FSWatcher) {
    this.#options = {
      maxBytes: 8 * 1024 * 1024,
      rereadMs: 100,
      quietMs: 3_000,
      closeWaitMs: 2_000,
      chunkBytes: 1024 * 1024,
      ...options,
      dir: path.resolve(options.dir),
    };
    this.#watcher = watcher;
    watcher.on('all', (event, file) => this.#onFsEvent(event, file));
    watcher.on('error', (error) => {
      for (const f of this.#byPane.values()) this.#options.onError?.(f.paneId, error);
    });
  }

  /** Starts the directory watcher; resolves once it is watching. */
  static async create(options: PaneLogTailOptions): Promise<PaneLogTail> {
    const watcher = watch(path.resolve(options.dir), {
      depth: 0,
      ignoreInitial: true,
      atomic: false,
      awaitWriteFinish: false,
      usePolling: false,
    });
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
    return new PaneLogTail(options, watcher);
  }

  async follow(paneId: string, file: string, options: FollowOptions): Promise<void> {
    if (this.#byPane.has(paneId)) await this.unfollow(paneId);
    const resolved = path.resolve(file);
    if (path.dirname(resolved) !== this.#options.dir) throw new Error(`${file} is not in ${this.#options.dir}`);
    const position = options.position ?? START;
    const f: Followed = {
      paneId,
      file: resolved,
      fd: null,
      offset: position.offset,
      draining: position.draining,
      onData: options.onData,
      running: null,
      dirty: false,
      checkFile: false,
      rotateFailed: false,
      stopped: false,
      closedWaiter: null,
      rereadTimer: undefined,
      quietTimer: undefined,
    };
    const base = path.basename(resolved);
    this.#byPane.set(paneId, f);
    this.#byName.set(base, [f, 'log']);
    this.#byName.set(base + CLOSED_SUFFIX, [f, 'closed']);
    this.#byName.set(base + DIED_SUFFIX, [f, 'died']);
    // Markers left while nobody watched (e.g. the daemon was down when the pane died).
    for (const kind of ['died', 'closed'] as const) void this.#onMarker(f, kind);
    this.#kick(f);
  }

  async unfollow(paneId: string): Promise<void> {
    const f = this.#byPane.get(paneId);
    if (f === undefined) return;
    f.stopped = true;
    clearTimeout(f.rereadTimer);
    clearTimeout(f.quietTimer);
    f.closedWaiter?.();
    this.#byPane.delete(paneId);
    for (const [name, [g]] of this.#byName) if (g === f) this.#byName.delete(name);
    await f.running?.catch(() => {});
    await f.fd?.close().catch(() => {});
    f.fd = null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#byPane.keys()].map((id) => this.unfollow(id)));
    await this.#watcher.close();
  }

  #onFsEvent(event: string, file: string): void {
    if (path.dirname(file) !== this.#options.dir) return;
    const entry = this.#byName.get(path.basename(file));
    if (entry === undefined) return;
    const [f, kind] = entry;
    if (kind !== 'log') {
      if (event === 'add' || event === 'change') void this.#onMarker(f, kind);
      return;
    }
    if (event === 'unlink' || event === 'add') f.checkFile = true;
    this.#kick(f);
    clearTimeout(f.rereadTimer);
    f.rereadTimer = setTimeout(() => this.#kick(f), this.#options.rereadMs);
  }

  /** Deleting the marker makes each one count once (a stale event finds nothing to delete). */
  async #onMarker(f: Followed, kind: 'closed' | 'died'): Promise<void> {
    try {
      await unlink(f.file + (kind === 'closed' ? CLOSED_SUFFIX : DIED_SUFFIX));
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

  /** Serialises all reading and switching of one pane; an event during a run makes it run once more. */
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
          if (f.fd === null) await this.#attach(f);
          await this.#readToEof(f);
          if (f.checkFile && !f.stopped) {
            f.checkFile = false;
            if (await this.#lostName(f)) await this.#switch(f, 'missing');
          }
          if (!f.stopped && !f.rotateFailed && f.offset >= this.#options.maxBytes && !f.draining) {
            await this.#switch(f, 'rotate');
          }
        } while (f.dirty && !f.stopped);
      } catch (error) {
        if (!f.stopped) this.#options.onError?.(f.paneId, error);
      } finally {
        f.running = null;
      }
    })();
  }

  /** First open after follow(): finishes a rotation cut short by a restart, or re-attaches a missing log. */
  async #attach(f: Followed): Promise<void> {
    const previous = `${f.file}.1`;
    if (await exists(previous)) {
      f.fd = await open(previous, 'r');
      f.draining = true;
      await this.#switch(f, 'resume');
      return;
    }
    if (f.draining) f.offset = 0;
    f.draining = false;
    if (!(await exists(f.file))) {
      f.offset = 0;
      f.fd = await open(f.file, 'a+');
      this.#options.onMissing?.(f.paneId);
      await this.#options.repipe(f.paneId, f.file).catch((error) => this.#options.onError?.(f.paneId, error));
      return;
    }
    f.fd = await open(f.file, 'r');
    // A file shorter than the saved offset is not the file the offset was about.
    if ((await f.fd.stat()).size < f.offset) f.offset = 0;
  }

  async #lostName(f: Followed): Promise<boolean> {
    if (f.fd === null) return false;
    const [held, named] = await Promise.all([f.fd.stat(), stat(f.file).catch(() => null)]);
    return named === null || named.ino !== held.ino || named.dev !== held.dev;
  }

  async #switch(f: Followed, why: 'rotate' | 'missing' | 'resume'): Promise<void> {
    const previous = `${f.file}.1`;
    if (why === 'rotate') await rename(f.file, previous);
    if (why === 'missing') this.#options.onMissing?.(f.paneId);
    f.draining = true;
    await unlink(f.file + CLOSED_SUFFIX).catch(() => {});
    const fresh = await open(f.file, 'a+');
    const closed = new Promise<void>((resolve) => {
      f.closedWaiter = resolve;
    });
    try {
      await this.#options.repipe(f.paneId, f.file);
    } catch (error) {
      // Typically a dead pane: nothing more is written to the old file, so keep it and stop rotating.
      f.closedWaiter = null;
      await fresh.close();
      if (why === 'rotate') {
        await rename(previous, f.file);
        await unlink(f.file + CLOSED_SUFFIX).catch(() => {});
        f.draining = false;
        f.rotateFailed = true;
      }
      this.#options.onError?.(f.paneId, error);
      return;
    }
    await Promise.race([closed, sleep(this.#options.closeWaitMs)]);
    f.closedWaiter = null;
    await this.#readToEof(f);
    if (f.stopped) {
      await fresh.close();
      return;
    }
    await f.fd?.close();
    await unlink(previous).catch(() => {});
    f.fd = fresh;
    f.offset = 0;
    f.draining = false;
    f.rotateFailed = false;
    f.dirty = true;
  }

  async #readToEof(f: Followed): Promise<void> {
    const fd = f.fd;
    if (fd === null) return;
    let delivered = false;
    while (!f.stopped) {
      const buffer = Buffer.allocUnsafe(this.#options.chunkBytes);
      const { bytesRead } = await fd.read(buffer, 0, buffer.length, f.offset);
      if (bytesRead === 0) break;
      f.offset += bytesRead;
      delivered = true;
      await f.onData(buffer.subarray(0, bytesRead), { offset: f.offset, draining: f.draining });
    }
    if (delivered && this.#options.quietMs > 0 && !f.stopped) {
      clearTimeout(f.quietTimer);
      f.quietTimer = setTimeout(() => this.#options.onPaneEvent?.(f.paneId, 'quiet'), this.#options.quietMs);
    }
  }
}
