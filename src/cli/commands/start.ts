// `pocket start [--foreground]`, `pocket restart` and the hidden `pocket __daemon` the detached start spawns.
import { assertEnvFilePrivate, loadConfig } from '../../config.js';
import { buildServices } from '../../daemon/compose.js';
import { startDetached, stopDaemon } from '../../daemon/lifecycle.js';
import { runDaemon } from '../../daemon/main.js';
import { linkToOwner } from '../../daemon/owner-link.js';
import { homePaths } from '../../state/paths.js';

export async function start(home: string, options: { foreground?: boolean }): Promise<void> {
  const paths = homePaths(home);
  // Check what we can before spawning anything, so a bad config starts nothing and says why at once.
  assertEnvFilePrivate(paths.env);
  loadConfig({ home, envFile: paths.env });
  if (options.foreground) {
    await runDaemon({ home, buildServices, echoLog: true });
    return;
  }
  const started = await startDetached(paths);
  const bot = started.botUsername ? `bot @${started.botUsername} connected` : 'bot not connected yet (see `pocket status`)';
  process.stdout.write(`pocket daemon started (pid ${started.pid}, ${bot}); home ${home}\n`);
}

export async function restart(home: string): Promise<void> {
  const outcome = await stopDaemon(homePaths(home));
  if (outcome !== 'not-running') process.stdout.write(`pocket daemon stopped (${outcome})\n`);
  await start(home, {});
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
