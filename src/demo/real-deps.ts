// The real daemon and tmux behind `pocket demo`: the detached `pocket __daemon --demo` of the throwaway home, and
// `tmux -L <socket> kill-server` through pocket's one tmux adapter.
import { startDetached, stopDaemon } from '../daemon/lifecycle.js';
import { createTmuxRunner, isNoServer, TmuxError } from '../tmux/run.js';
import type { DemoDeps } from './run-demo.js';
import { DEMO_ENV_KEYS } from './throwaway-home.js';

export function realDemoDeps(): DemoDeps {
  return {
    daemon: {
      start: (paths) => {
        // The daemon inherits this process's environment, which overrides .env: a TELEGRAM_BOT_TOKEN exported for
        // the user's real bot would send the demo daemon to Telegram. This process exists only for the demo.
        for (const key of DEMO_ENV_KEYS) delete process.env[key];
        return startDetached(paths, { extraArgs: ['--demo'] });
      },
      stop: (paths) => stopDaemon(paths),
    },
    killTmuxServer: async (socket) => {
      try {
        await createTmuxRunner({ socket })(['kill-server']);
      } catch (error) {
        // Nobody started a session, or tmux is not installed: either way there is no server to end.
        if (isNoServer(error) || (error instanceof TmuxError && error.code === 'TMUX_MISSING')) return;
        throw error;
      }
    },
  };
}

/** Fails early, with the install hint, when tmux is missing: the demo is about tmux sessions. */
export async function assertTmuxInstalled(): Promise<void> {
  await createTmuxRunner()(['-V']);
}
