// `pocket start [--foreground]` and `pocket restart`. The daemon itself (`pocket __daemon`, or --foreground) is in
// daemon.ts, imported only when run here: the parent of a detached start never loads grammY, xterm or chokidar.
import { assertEnvFilePrivate, loadConfig } from '../../config.js';
import { startDetached, stopDaemon } from '../../daemon/lifecycle.js';
import { homePaths } from '../../state/paths.js';

export async function start(home: string, options: { foreground?: boolean }): Promise<void> {
  const paths = homePaths(home);
  // Check what we can before spawning anything, so a bad config starts nothing and says why at once.
  assertEnvFilePrivate(paths.env);
  loadConfig({ home, envFile: paths.env });
  if (options.foreground) {
    await (await import('./daemon.js')).foreground(home);
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
