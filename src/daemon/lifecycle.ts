// Starting and stopping the daemon from the CLI: spawn detached and wait for readiness; stop by escalation.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PocketError } from '../core/errors.js';
import { inspectLock } from '../state/lock.js';
import type { HomePaths } from '../state/paths.js';
import { processIdentity } from '../state/process-identity.js';
import { connectIpc } from './ipc/client.js';
import { isReadinessMessage, type ReadinessMessage } from './readiness.js';

export interface StartResult {
  pid: number;
  botUsername: string | null;
}

const BIN = fileURLToPath(new URL('../../bin/pocket.js', import.meta.url));

export interface StartDetachedOptions {
  deadlineMs?: number;
  extraArgs?: string[];
  /**
   * Keep the IPC channel open (but not holding this process's event loop) for as long as this process lives, so that
   * the daemon sees it close when this process exits, however it dies (daemon/owner-link.ts). Only for a daemon that
   * should not outlive its starter (`pocket demo`).
   */
  keepChannel?: boolean;
}

/** Spawns `pocket __daemon` detached and resolves once it reports ready (or rejects with its reason). */
export function startDetached(paths: HomePaths, options: StartDetachedOptions = {}): Promise<StartResult> {
  const verdict = inspectLock(paths.lock);
  if (verdict.kind === 'held') {
    return Promise.reject(new PocketError('DAEMON_RUNNING', `A pocket daemon is already running for ${paths.home} (pid ${verdict.record.pid}).`, {
      hint: 'Use `pocket status` to inspect it, `pocket restart` to restart it.',
    }));
  }
  const deadlineMs = options.deadlineMs ?? 20_000;
  const child = spawn(process.execPath, [BIN, '__daemon', '--home', paths.home, ...(options.extraArgs ?? [])], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: process.env,
  });
  return new Promise<StartResult>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.removeAllListeners();
      // Kept even on failure or timeout: a daemon that sees its channel close takes it as this process's death and
      // cleans up after it, which this process is about to do itself.
      if (options.keepChannel) child.channel?.unref();
      else if (child.connected) child.disconnect();
      child.unref();
    };
    const timer = setTimeout(() => {
      done();
      reject(new PocketError('DAEMON_START_FAILED', `The daemon (pid ${child.pid}) did not become ready within ${deadlineMs / 1000} s.`, {
        hint: 'See `pocket logs` for what it is doing; `pocket stop` to stop it.',
      }));
    }, deadlineMs);
    child.on('message', (message: unknown) => {
      if (!isReadinessMessage(message)) return;
      done();
      settle(message, resolve, reject);
    });
    child.once('error', (error) => {
      done();
      reject(new PocketError('DAEMON_START_FAILED', `Could not spawn the daemon: ${error.message}`, {
        hint: 'Run `pocket doctor`: it checks Node and this installation; `pocket start --foreground` shows what the daemon says.',
      }));
    });
    child.once('exit', (code, signal) => {
      done();
      reject(new PocketError('DAEMON_START_FAILED', `The daemon exited during start-up (${signal ?? `exit code ${code}`}).`, {
        hint: 'See `pocket logs` for the reason.',
      }));
    });
  });
}

function settle(message: ReadinessMessage, resolve: (r: StartResult) => void, reject: (e: Error) => void): void {
  if (message.type === 'ready') resolve({ pid: message.pid, botUsername: message.botUsername });
  else reject(new PocketError(message.error.code as never, message.error.message, { hint: message.error.hint }));
}

export type StopOutcome = 'not-running' | 'stopped' | 'terminated' | 'killed';

/** Graceful stop: ask over IPC, then SIGTERM, then SIGKILL, each with a deadline. Only our daemon is signalled. */
export async function stopDaemon(paths: HomePaths, deadlines = { ipcMs: 15_000, termMs: 5_000, killMs: 3_000 }): Promise<StopOutcome> {
  const verdict = inspectLock(paths.lock);
  if (verdict.kind !== 'held') return 'not-running';
  const { pid, startKey } = verdict.record;
  // Only a start key ties the pid to the process that wrote this lock: a lock without one (written by hand, by an old
  // version, or where the start time could not be read) may name another home's daemon, whose command line looks
  // just like ours. Such a daemon is asked over this home's socket, never signalled.
  if (startKey === null) return stopUnverified(paths, pid);
  const isOurs = (): boolean => {
    const identity = processIdentity(pid);
    return identity.alive && identity.startKey === startKey;
  };
  try {
    // A stopped daemon would accept the connection and never answer: go straight to the signals.
    if (processIdentity(pid).stopped) throw new Error('stopped');
    const client = await connectIpc(paths.socket, 2000);
    try {
      await client.request('stop', {}, 3000);
    } finally {
      client.close();
    }
    if (await waitUntil(() => !isOurs(), deadlines.ipcMs)) return 'stopped';
  } catch {
    // The daemon does not answer: fall through to signals.
  }
  if (isOurs()) {
    process.kill(pid, 'SIGTERM');
    // A stopped daemon (SIGSTOP, Ctrl-Z) would hold SIGTERM pending until SIGKILL: resume it so that it handles
    // SIGTERM like any other, saving its state and removing its lock on the way out.
    if (processIdentity(pid).stopped) process.kill(pid, 'SIGCONT');
  }
  if (await waitUntil(() => !isOurs(), deadlines.termMs)) return 'terminated';
  if (isOurs()) process.kill(pid, 'SIGKILL');
  if (await waitUntil(() => !isOurs(), deadlines.killMs)) return 'killed';
  throw new PocketError('DAEMON_STOP_FAILED', `The daemon (pid ${pid}) did not stop, even after SIGKILL.`, {
    hint: `Check the process with \`ps -p ${pid}\`.`,
  });
}

async function stopUnverified(paths: HomePaths, pid: number): Promise<StopOutcome> {
  try {
    const client = await connectIpc(paths.socket, 2000);
    try {
      await client.request('stop', {}, 3000);
    } finally {
      client.close();
    }
    // The daemon that answered on this home's socket releases this home's lock on its way out.
    if (await waitUntil(() => inspectLock(paths.lock).kind !== 'held', 15_000)) return 'stopped';
  } catch {
    // Nobody answers on this home's socket: whatever pid the lock names, it is not shown to be ours.
  }
  throw new PocketError('DAEMON_STOP_FAILED', `The lock names pid ${pid}, which looks like a pocket daemon, but has no start key: pocket cannot tell it is this home's daemon, so it was not signalled.`, {
    hint: `Check it with \`ps -o pid,lstart,args -p ${pid}\`. If it is this home's daemon, stop it with \`kill ${pid}\`; if not, remove ${paths.lock}.`,
  });
}

/** Watches a condition that has no event (another process's death) with a short interval, up to a deadline. */
async function waitUntil(condition: () => boolean, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}
