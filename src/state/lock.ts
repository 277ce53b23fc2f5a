// Exactly one daemon per home. The lock is a file written whole (temp file + link, so readers never see it half
// written) holding the owner's pid and start key. A lock left by a killed daemon is recovered; one held by a live
// daemon is respected; a pid that now belongs to someone else is never mistaken for ours.
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { PocketError } from '../core/errors.js';
import { processIdentity, type ProcessIdentity } from './process-identity.js';

export interface LockRecord {
  pid: number;
  startKey: string | null;
  version: string;
  startedAt: string;
}

export type LockVerdict = { kind: 'free' } | { kind: 'held'; record: LockRecord } | { kind: 'stale'; reason: string };

/** Pure: is the recorded owner still the process that wrote the lock, and is it a pocket daemon? */
export function judgeLock(record: LockRecord | null, owner: ProcessIdentity | null): LockVerdict {
  if (record === null) return { kind: 'stale', reason: 'unreadable lock file' };
  if (owner === null || !owner.alive) return { kind: 'stale', reason: `pid ${record.pid} is not running` };
  if (record.startKey !== null && owner.startKey !== null && record.startKey !== owner.startKey) {
    return { kind: 'stale', reason: `pid ${record.pid} was reused by another process` };
  }
  if (owner.commandLine !== '' && !isDaemonCommandLine(owner.commandLine)) {
    return { kind: 'stale', reason: `pid ${record.pid} is not a pocket daemon` };
  }
  return { kind: 'held', record };
}

export function isDaemonCommandLine(commandLine: string): boolean {
  return /pocket/.test(commandLine) && /(__daemon|--foreground)/.test(commandLine);
}

export function readLock(path: string): LockRecord | null | 'missing' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid)) return null;
    return {
      pid: value.pid,
      startKey: typeof value.startKey === 'string' ? value.startKey : null,
      version: String(value.version ?? ''),
      startedAt: String(value.startedAt ?? ''),
    };
  } catch {
    return null;
  }
}

/** The lock's verdict right now, probing the recorded pid. */
export function inspectLock(path: string): LockVerdict {
  const record = readLock(path);
  if (record === 'missing') return { kind: 'free' };
  return judgeLock(record, record === null ? null : processIdentity(record.pid));
}

export interface HeldLock {
  record: LockRecord;
  release(): void;
}

/**
 * Takes the lock for this process, or returns the live holder. Every attempt runs under a short-lived mutex file
 * (`<lock>.mutex`) so that two starters cannot both judge the same stale lock and remove each other's fresh one;
 * a mutex older than MUTEX_STALE_MS belonged to a starter that died mid-attempt and is removed.
 */
export function acquireLock(path: string, version: string): HeldLock | { heldBy: LockRecord } {
  const mine: LockRecord = {
    pid: process.pid,
    startKey: processIdentity(process.pid).startKey,
    version,
    startedAt: new Date().toISOString(),
  };
  return withMutex(`${path}.mutex`, () => {
    const verdict = inspectLock(path);
    if (verdict.kind === 'held') return { heldBy: verdict.record };
    if (verdict.kind === 'stale') rmSync(path, { force: true });
    linkWhole(path, JSON.stringify(mine));
    return {
      record: mine,
      release: () => {
        const current = readLock(path);
        if (current !== 'missing' && current !== null && current.pid === mine.pid && current.startKey === mine.startKey) {
          rmSync(path, { force: true });
        }
      },
    };
  });
}

/** A mutex older than this belonged to a starter that died mid-attempt, whoever its pid names now. */
const MUTEX_STALE_MS = 10_000;
/** Attempts 10 ms apart: a starter holds the mutex for a few ms, so 2 s means it is stuck, not busy. */
const MUTEX_ATTEMPTS = 200;

function withMutex<T>(mutexPath: string, body: () => T): T {
  const me = processIdentity(process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      // The holder's pid and start key: a mutex left by a starter that died is recognised at once, not after
      // MUTEX_STALE_MS (it used to fail every start meanwhile with a raw EEXIST).
      linkWhole(mutexPath, `${process.pid} ${me.startKey ?? ''}`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = mutexHolder(mutexPath);
      if (holder === 'released') continue;
      if (holder === 'gone' || mutexAgeMs(mutexPath) > MUTEX_STALE_MS) {
        rmSync(mutexPath, { force: true });
        continue;
      }
      if (attempt >= MUTEX_ATTEMPTS) {
        throw new PocketError('LOCK_HELD', `Another pocket process (pid ${holder.pid}) has been starting or stopping the daemon for this home for over 2 s.`, {
          hint: `Wait for it and try again; if \`ps -p ${holder.pid}\` shows no pocket, remove ${mutexPath}.`,
        });
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // another starter holds it for ms
    }
  }
  try {
    return body();
  } finally {
    rmSync(mutexPath, { force: true });
  }
}

/** Who holds the mutex: 'gone' when its process no longer runs (or its pid now belongs to another process). */
function mutexHolder(path: string): { pid: number } | 'gone' | 'released' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // Released between our attempt and this read: try again at once.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'released';
    throw error;
  }
  const [pidText = '', startKey = ''] = text.trim().split(' ');
  const pid = Number(pidText);
  const identity = processIdentity(pid);
  if (!identity.alive) return 'gone';
  if (startKey !== '' && identity.startKey !== null && identity.startKey !== startKey) return 'gone';
  return { pid };
}

function mutexAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Creates `path` with `content` atomically; throws EEXIST when it is already there. */
function linkWhole(path: string, content: string): void {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  try {
    linkSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}
