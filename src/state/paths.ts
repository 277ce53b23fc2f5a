// Where everything pocket keeps lives, derived from one home directory.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PocketError } from '../core/errors.js';

export interface HomePaths {
  home: string;
  env: string;
  state: string;
  logs: string;
  socket: string;
  lock: string;
  pidFile: string;
  panes: string;
  /** Where agents' hooks drop their events for the daemon (core/agent-hooks.ts, daemon/hook-spool.ts). */
  hookSpool: string;
  daemonLog: string;
  auditLog: string;
}

/** `--home DIR`, else POCKET_HOME, else ~/.pocket (PRODUCT.md). */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  // `--home "$DIR"` with DIR unset must not fall through to the real home: a script's `stop` or `init` would act there.
  if (flag !== undefined && flag.trim() === '') {
    throw new PocketError('USAGE', '--home expects a folder, got an empty value; nothing was done.');
  }
  const chosen = flag ?? env.POCKET_HOME;
  return resolve(chosen && chosen.length > 0 ? chosen : join(homedir(), '.pocket'));
}

export function homePaths(home: string): HomePaths {
  const state = join(home, '.state');
  const logs = join(home, 'logs');
  return {
    home,
    env: join(home, '.env'),
    state,
    logs,
    socket: join(state, 'daemon.sock'),
    lock: join(state, 'daemon.lock'),
    pidFile: join(state, 'daemon.pid'),
    panes: join(state, 'panes'),
    hookSpool: join(state, 'hooks', 'in'),
    daemonLog: join(logs, 'pocket.log'),
    auditLog: join(logs, 'audit.log'),
  };
}
