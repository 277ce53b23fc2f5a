// `pocket start [--foreground]` and `pocket restart`. The daemon itself (`pocket __daemon`, or --foreground) is in
// daemon.ts, imported only when run here: the parent of a detached start never loads grammY, xterm or chokidar.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { assertEnvFilePrivate, loadConfig } from '../../config.js';
import { type ErrorCode, isPocketError, PocketError } from '../../core/errors.js';
import { BAD_SETTINGS_EXIT_CODE, LAUNCHD_LABEL, SYSTEMD_UNIT_NAME } from '../../core/service-files.js';
import { startDetached, stopDaemon } from '../../daemon/lifecycle.js';
import { homePaths } from '../../state/paths.js';

/** Failures that only a change of the settings can fix: a service manager must not restart on them. */
const BAD_SETTINGS: readonly ErrorCode[] = ['CONFIG_INVALID', 'CONFIG_MISSING', 'ENV_PERMISSIONS'];

export async function start(home: string, options: { foreground?: boolean }): Promise<void> {
  const paths = homePaths(home);
  if (options.foreground) {
    try {
      assertEnvFilePrivate(paths.env);
      loadConfig({ home, envFile: paths.env });
      await (await import('./daemon.js')).foreground(home);
    } catch (error) {
      if (!isPocketError(error) || !BAD_SETTINGS.includes(error.code)) throw error;
      throw new PocketError(error.code, error.message, { hint: error.hint, cause: error, exitCode: BAD_SETTINGS_EXIT_CODE });
    }
    return;
  }
  // Check what we can before spawning anything, so a bad config starts nothing and says why at once.
  assertEnvFilePrivate(paths.env);
  loadConfig({ home, envFile: paths.env });
  const started = await startDetached(paths);
  const bot = started.botUsername ? `bot @${started.botUsername} connected` : 'bot not connected yet (see `pocket status`)';
  process.stdout.write(`pocket daemon started (pid ${started.pid}, ${bot}); home ${home}\n`);
}

export async function restart(home: string): Promise<void> {
  // A daemon the installed service runs is restarted by its manager: stopped here, it would exit cleanly (which the
  // manager does not restart) and the start below would run a second daemon outside the service.
  // Asked only when a service file exists: loading the service code and asking the manager costs a restart without one.
  if (serviceFileExists() && (await (await import('./service.js')).restartService(home))) return;
  const outcome = await stopDaemon(homePaths(home));
  if (outcome !== 'not-running') process.stdout.write(`pocket daemon stopped (${outcome})\n`);
  await start(home, {});
}

/** Whether `pocket install` may have added a service for this user (its unit or plist exists). */
function serviceFileExists(env: NodeJS.ProcessEnv = process.env): boolean {
  const configHome = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return existsSync(join(configHome, 'systemd', 'user', SYSTEMD_UNIT_NAME))
    || existsSync(join(homedir(), 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`));
}

