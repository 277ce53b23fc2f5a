// Keeping the pane-log directory watched: the kernel's directory events (fs.watch) for the chunk files, chokidar for
// the markers directory. Chunk files go through fs.watch because chokidar passes on at most one change per file every
// 50 ms and re-reads a changing directory with an lstat per entry, which at 50 busy panes was most of the daemon's
// time; the markers have a directory of their own for the same reason (pipe-command.ts).
//
// A watcher that fails (a full inotify table, the directory removed, ...) would stop output or exit detection without
// a word: it is reported, closed and re-created after a delay that doubles while re-creating fails, and after every
// attempt the owner is told to catch up on what arrived while nothing watched.
import { mkdirSync, type FSWatcher as RawWatcher, watch as rawWatch } from 'node:fs';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { MARKER_DIR } from './pipe-command.js';

export type WatcherKind = 'chunks' | 'markers';

export interface DirectoryWatchers {
  /** Kernel directory events for the chunk files (node's fs.watch). */
  chunks(dir: string, listener: (event: string, name: string | null) => void): RawWatcher;
  /** chokidar over the markers directory. */
  markers(dir: string): FSWatcher;
}

const defaultWatchers: DirectoryWatchers = {
  chunks: (dir, listener) => rawWatch(dir, listener),
  markers: (dir) => watch(dir, { depth: 0, ignoreInitial: true, atomic: false, awaitWriteFinish: false, usePolling: false }),
};

const MAX_REWATCH_MS = 30_000;

export interface LogDirectoryWatchOptions {
  dir: string;
  /** How the watchers are made; a test replaces them to make one fail. */
  watchers?: Partial<DirectoryWatchers> | undefined;
  /** First delay before re-creating a failed watcher; doubles on each failure, up to 30 s. */
  rewatchMs: number;
  onChunkEvent(event: string, name: string | null): void;
  onMarkerEvent(event: string, file: string): void;
  onFailed(kind: WatcherKind, error: unknown): void;
  /** A failed watcher was re-created (or re-creating it failed again): read what may have arrived meanwhile. */
  onCatchUp(kind: WatcherKind): void;
}

export class LogDirectoryWatch {
  readonly #options: LogDirectoryWatchOptions;
  readonly #watchers: DirectoryWatchers;
  readonly #markersDir: string;
  #chunks: RawWatcher | undefined;
  #markers: FSWatcher | undefined;
  readonly #rewatch: Record<WatcherKind, { timer: NodeJS.Timeout | undefined; delayMs: number }>;
  #closed = false;

  private constructor(options: LogDirectoryWatchOptions) {
    this.#options = options;
    this.#watchers = { ...defaultWatchers, ...options.watchers };
    this.#markersDir = path.join(options.dir, MARKER_DIR);
    this.#rewatch = {
      chunks: { timer: undefined, delayMs: options.rewatchMs },
      markers: { timer: undefined, delayMs: options.rewatchMs },
    };
  }

  /** Resolves once both watchers are watching. */
  static async start(options: LogDirectoryWatchOptions): Promise<LogDirectoryWatch> {
    const watch = new LogDirectoryWatch(options);
    mkdirSync(watch.#markersDir, { recursive: true, mode: 0o700 });
    watch.#watchChunks();
    await watch.#watchMarkers();
    return watch;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const rewatch of Object.values(this.#rewatch)) clearTimeout(rewatch.timer);
    this.#chunks?.close();
    await this.#markers?.close();
  }

  #watchChunks(): void {
    const chunks = this.#watchers.chunks(this.#options.dir, (event, name) => this.#options.onChunkEvent(event, name));
    chunks.on('error', (error) => this.#failed('chunks', error));
    this.#chunks = chunks;
  }

  async #watchMarkers(): Promise<void> {
    const markers = this.#watchers.markers(this.#markersDir);
    markers.on('all', (event, file) => this.#options.onMarkerEvent(event, file));
    markers.on('error', (error) => this.#failed('markers', error));
    this.#markers = markers;
    await new Promise<void>((resolve) => markers.once('ready', resolve));
  }

  #failed(kind: WatcherKind, error: unknown): void {
    if (this.#closed) return;
    this.#options.onFailed(kind, error);
    const rewatch = this.#rewatch[kind];
    if (rewatch.timer !== undefined) return;
    if (kind === 'chunks') {
      this.#chunks?.close();
      this.#chunks = undefined;
    } else {
      void this.#markers?.close().catch(() => {});
      this.#markers = undefined;
    }
    rewatch.timer = setTimeout(() => void this.#rewatchNow(kind), rewatch.delayMs);
  }

  async #rewatchNow(kind: WatcherKind): Promise<void> {
    const rewatch = this.#rewatch[kind];
    rewatch.timer = undefined;
    if (this.#closed) return;
    try {
      // The directory itself may be what went away; the writers' open files are unaffected.
      mkdirSync(this.#markersDir, { recursive: true, mode: 0o700 });
      if (kind === 'chunks') this.#watchChunks();
      else await this.#watchMarkers();
      rewatch.delayMs = this.#options.rewatchMs;
    } catch (error) {
      rewatch.delayMs = Math.min(rewatch.delayMs * 2, MAX_REWATCH_MS);
      this.#failed(kind, error);
    }
    // Also while re-creating fails, so output keeps coming at the back-off's pace.
    if (!this.#closed) this.#options.onCatchUp(kind);
  }
}
