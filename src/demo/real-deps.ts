// The real daemon and tmux behind `pocket demo`: the detached `pocket __daemon --demo` of the throwaway home, and
// `tmux -L <socket> kill-server` through pocket's one tmux adapter.
import { lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvFile } from '../config.js';
import { startDetached, stopDaemon } from '../daemon/lifecycle.js';
import type { HomePaths } from '../state/paths.js';
import { createTmuxRunner, isNoServer, TmuxError } from '../tmux/run.js';
import type { DemoDeps } from './run-demo.js';
import { DEMO_ENV_KEYS, isDemoMade, removeHome } from './throwaway-home.js';

export function realDemoDeps(): DemoDeps {
  return {
    daemon: {
      start: (paths, env) => {
        // The daemon inherits this process's environment, which overrides .env: a TELEGRAM_BOT_TOKEN exported for
        // the user's real bot would send the demo daemon to Telegram. This process exists only for the demo.
        for (const key of DEMO_ENV_KEYS) delete process.env[key];
        // The same way, its agents get the demo's settings (the stand-in model, folders in the throwaway home).
        Object.assign(process.env, env);
        // The kept channel is how the daemon learns that this process died without its teardown (owner-link.ts).
        return startDetached(paths, { extraArgs: ['--demo'], keepChannel: true });
      },
      stop: (paths) => stopDaemon(paths),
    },
    killTmuxServer,
  };
}

async function killTmuxServer(socket: string): Promise<void> {
  try {
    await createTmuxRunner({ socket })(['kill-server']);
  } catch (error) {
    // Nobody started a session, or tmux is not installed: either way there is no server to end.
    if (!isNoServer(error) && !(error instanceof TmuxError && error.code === 'TMUX_MISSING')) throw error;
  }
  removeSocketFile(socket);
}

/**
 * The rest of the demo's teardown, for a demo daemon whose demo died without running it (SIGKILL, crash): the daemon
 * has stopped and released its lock; what remains is the demo's tmux server (whose sessions may run commands the user
 * started, forever) and the throwaway home. The daemon does it rather than the next `pocket demo` sweeping stale
 * homes: there may never be a next demo, and a sweep would have to tell a dead demo's leftovers from a running one's.
 * The emulator died with the demo.
 */
export async function cleanUpAfterVanishedDemo(paths: HomePaths): Promise<void> {
  const socket = readEnvFile(paths.env).POCKET_TMUX_SOCKET ?? '';
  // A safety net that `pocket demo` never trips: whatever else was given `--demo` keeps its home and tmux.
  if (!isDemoMade(paths.home, socket)) return;
  await killTmuxServer(socket);
  removeHome(paths);
}

/** Fails early, with the install hint, when tmux is missing: the demo is about tmux sessions. */
export async function assertTmuxInstalled(): Promise<void> {
  await createTmuxRunner()(['-V']);
}

/** Where `tmux -L NAME` keeps its socket: $TMUX_TMPDIR (or /tmp) / tmux-UID / NAME, as tmux(1) documents. */
export function tmuxSocketPath(socket: string, env: NodeJS.ProcessEnv = process.env): string {
  // tmux ignores TMPDIR: only TMUX_TMPDIR moves it.
  const base = env.TMUX_TMPDIR && env.TMUX_TMPDIR !== '' ? env.TMUX_TMPDIR : '/tmp';
  return join(base, `tmux-${process.getuid?.() ?? 0}`, socket);
}

/** tmux 3.3 leaves the socket file behind after kill-server; the name was the demo's own, so the file goes too. */
function removeSocketFile(socket: string): void {
  const path = tmuxSocketPath(socket);
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
