// What to tell a person whose command got no answer from the daemon: a daemon that is stopped (SIGSTOP, Ctrl-Z)
// or busy keeps its socket open, so the kernel accepts the connection and nothing ever replies. The lock says
// which process it is; /proc (or ps) says whether it is stopped, which is the one case with a precise remedy.
import { PocketError } from '../core/errors.js';
import { inspectLock } from '../state/lock.js';
import type { HomePaths } from '../state/paths.js';
import { processIdentity } from '../state/process-identity.js';

/** The error for a request the daemon did not answer; any other error is returned unchanged. */
export function explainSilence(paths: HomePaths, error: unknown): unknown {
  if (!(error instanceof PocketError) || error.code !== 'DAEMON_UNRESPONSIVE') return error;
  const verdict = inspectLock(paths.lock);
  if (verdict.kind !== 'held') return error;
  const { pid } = verdict.record;
  if (processIdentity(pid).stopped) {
    return new PocketError('DAEMON_UNRESPONSIVE', `${error.message} The daemon (pid ${pid}) is stopped (SIGSTOP or Ctrl-Z): it runs no code until it is resumed.`, {
      hint: `Resume it with \`kill -CONT ${pid}\`, or end it with \`pocket stop\`.`,
      cause: error,
    });
  }
  return new PocketError('DAEMON_UNRESPONSIVE', `${error.message} The daemon (pid ${pid}) is running but busy or stuck.`, {
    hint: `See \`pocket logs\` for what it is doing; \`pocket stop\` (or \`pocket restart\`) to replace it.`,
    cause: error,
  });
}
