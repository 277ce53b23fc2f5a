// The daemon's side of the hook spool (core/agent-hooks.ts): it watches .state/hooks/in/ and, the moment a hook's file
// appears there, hands the fresh events to the sessions in the order they fired, deleting every file it sees.
//
// fs.watch on the one directory (inotify on Linux, FSEvents on macOS), not chokidar: chokidar is built on fs.watch and
// stats each new file before it reports it; measured on Linux (bench/hook.js, phase `watch`), fs.watch woke sooner.
// A scan lists the directory itself, so any number of files behind one wake-up are read, and wake-ups during a scan
// make one more scan, never a queue.
import { type FSWatcher, watch } from 'node:fs';
import { lstat, open, opendir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type HookSignal,
  PERMISSION_PAYLOAD_CAP_BYTES,
  planSpool,
  SPOOL_MAX_FILES,
  SPOOL_STALE_MS,
  type SpoolEntry,
  WAITING_REQUEST_TYPE,
} from '../core/agent-hooks.js';
import { type Clock, type DaemonService, type Logger, systemClock } from '../core/ports.js';
import { ensurePrivateDir } from '../state/private-dirs.js';

/** Where fs.watch cannot watch (inotify's watch limit reached, a file system without events): a scan this often. */
export const SPOOL_POLL_MS = 250;

export interface HookSpoolOptions {
  /** The spool directory, created 0700 at start. */
  dir: string;
  /** One fresh event; throws for a session that does not exist (logged, nothing else happens). */
  deliver: (sessionId: string, signal: HookSignal) => void;
  log: Logger;
  clock?: Clock;
  staleMs?: number;
  /**
   * How many entries one scan reads; more (a flood) are deleted unread. The hooks stop writing at SPOOL_MAX_FILES, so
   * only something else writing there can get past it.
   */
  maxBatch?: number;
}

export class HookSpool implements DaemonService {
  readonly name = 'hook-spool';
  readonly #options: HookSpoolOptions & { clock: Clock; staleMs: number; maxBatch: number };
  #watcher: FSWatcher | null = null;
  #poll: NodeJS.Timeout | null = null;
  #scanning: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(options: HookSpoolOptions) {
    this.#options = { clock: systemClock, staleMs: SPOOL_STALE_MS, maxBatch: SPOOL_MAX_FILES, ...options };
  }

  async start(): Promise<void> {
    ensurePrivateDir(this.#options.dir);
    // Watching before the first scan: a file created in between is seen by one or the other.
    this.#watch();
    // What waited while the daemon was down: stale by now unless it fired in the last few seconds.
    await this.#wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#poll !== null) clearInterval(this.#poll);
    this.#poll = null;
    await this.#scanning;
  }

  #watch(): void {
    try {
      this.#watcher = watch(this.#options.dir, () => void this.#wake());
      this.#watcher.on('error', (error) => this.#pollInstead(error));
    } catch (error) {
      this.#pollInstead(error);
    }
  }

  #pollInstead(error: unknown): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#stopped || this.#poll !== null) return;
    this.#options.log.warn('hooks.spool_polling', { dir: this.#options.dir, error, everyMs: SPOOL_POLL_MS });
    this.#poll = setInterval(() => void this.#wake(), SPOOL_POLL_MS);
  }

  /** Scans now, or once more after the scan in progress; resolves when no scan is due. */
  #wake(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#scanning !== null) {
      this.#again = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      try {
        do {
          this.#again = false;
          await this.#scan().catch((error: unknown) => this.#options.log.warn('hooks.spool_scan_failed', { error }));
        } while (this.#again && !this.#stopped);
      } finally {
        this.#scanning = null;
      }
    })();
    return this.#scanning;
  }

  async #scan(): Promise<void> {
    const { dir, maxBatch, log } = this.#options;
    const entries: SpoolEntry[] = [];
    let flood = 0;
    const listing = await opendir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      // Removed under the daemon (a cleanup of .state/): made again, and watched again, for the hooks to come.
      log.warn('hooks.spool_recreated', { dir });
      ensurePrivateDir(dir);
      this.#watcher?.close();
      this.#watch();
      return null;
    });
    if (listing === null) return;
    for await (const entry of listing) {
      const path = join(dir, entry.name);
      if (entries.length >= maxBatch) {
        flood += 1;
        await rm(path, { recursive: true, force: true });
        continue;
      }
      // Gone already (an earlier scan's): nothing to do.
      const stat = await lstat(path).catch(() => null);
      if (stat !== null) entries.push({ name: entry.name, mtimeMs: stat.mtimeMs, regular: stat.isFile() });
    }
    if (entries.length === 0) return;
    const plan = planSpool(entries, this.#options.clock.now(), this.#options.staleMs);
    // A waiting PermissionRequest's payload is read before its file goes: deleting it tells the hook it was taken.
    for (const item of plan.signals) {
      if (item.signal.event !== 'PermissionRequest' || item.signal.notificationType !== WAITING_REQUEST_TYPE) continue;
      const payload = await readCapped(join(dir, item.name), PERMISSION_PAYLOAD_CAP_BYTES);
      // Taken back by its hook (no daemon took it within its second): nobody waits for a decision.
      if (payload !== null) item.signal.request = { name: item.name, payload };
    }
    // Deleted before acting: an event is acted on once at most, even if acting on it fails.
    await Promise.all(entries.map((entry) => rm(join(dir, entry.name), { recursive: true, force: true })));
    if (plan.discarded.length > 0 || flood > 0) {
      const count = (reason: string): number => plan.discarded.filter((d) => d.reason === reason).length;
      log.info('hooks.spool_discarded', { stale: count('stale'), junk: count('junk'), flood, example: plan.discarded[0]?.name.slice(0, 80) });
    }
    // All of them, even while stopping: their files are gone, and the sessions stop after this service.
    for (const { sessionId, signal } of plan.signals) {
      try {
        this.#options.deliver(sessionId, signal);
      } catch (error) {
        // A session that was killed (or never existed): its hook's word is about nothing pocket shows.
        log.info('hooks.spool_ignored', { id: sessionId, hook: signal.event, error });
      }
    }
  }
}

/** The first `cap` bytes of a file as text, or null when it is gone. */
async function readCapped(path: string, cap: number): Promise<string | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return null;
  try {
    const buffer = Buffer.alloc(cap);
    let filled = 0;
    while (filled < cap) {
      const { bytesRead } = await handle.read(buffer, filled, cap - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}
