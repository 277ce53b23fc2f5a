// `pocket start [--foreground]`, `pocket restart` and the hidden `pocket __daemon` the detached start spawns.
import { assertEnvFilePrivate, loadConfig } from '../../config.js';
import { buildServices } from '../../daemon/compose.js';
import { startDetached, stopDaemon } from '../../daemon/lifecycle.js';
import { runDaemon } from '../../daemon/main.js';
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
  await runDaemon({ home, buildServices, requireToken: !options.demo });
}
