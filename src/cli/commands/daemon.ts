// The daemon in this process: the hidden `pocket __daemon` that `pocket start` spawns, and `pocket start
// --foreground`. The only CLI module that imports the composition root (grammY, execa, chokidar, xterm); it is
// imported lazily, so `pocket start` itself stays a small parent that only spawns and waits.
import { buildServices } from '../../daemon/compose.js';
import { runDaemon } from '../../daemon/main.js';
import { linkToOwner } from '../../daemon/owner-link.js';
import { homePaths } from '../../state/paths.js';

/** `pocket start --foreground`: the settings were checked by the caller. */
export async function foreground(home: string): Promise<void> {
  // Under a service manager stdout/stderr go to logs/service.log, for start-up errors and crashes only: the daemon's
  // own log is already in logs/pocket.log (rotated), and a copy of every line there would grow without bound.
  await runDaemon({ home, buildServices, echoLog: process.env.POCKET_SERVICE_MANAGER === undefined });
}

export async function daemon(home: string, options: { demo?: boolean }): Promise<void> {
  if (!options.demo) {
    await runDaemon({ home, buildServices, requireToken: true });
    return;
  }
  // A demo daemon lives only as long as the `pocket demo` that spawned it (see owner-link.ts).
  const owner = linkToOwner();
  try {
    await runDaemon({ home, buildServices, requireToken: false, stopSignal: owner.signal, keepChannel: owner.linked });
  } finally {
    owner.close();
    // Only when the demo is gone: a living demo runs its own teardown once this daemon has stopped.
    if (owner.signal.aborted) {
      const { cleanUpAfterVanishedDemo } = await import('../../demo/real-deps.js');
      await cleanUpAfterVanishedDemo(homePaths(home));
    }
  }
}
