// What the doctor's checks share: the home's paths, the settings (read once), one getMe (made once), and whether this
// home's daemon runs. A check that needs something another failed to get is skipped, not failed twice.
import { type Config, loadConfig } from '../../config.js';
import type { CheckResult } from '../../core/doctor.js';
import { inspectLock } from '../../state/lock.js';
import type { HomePaths } from '../../state/paths.js';
import { type BotApiClient, createBotApiClient } from '../../telegram/bot-api-client.js';
import { type BotIdentity, getMe } from '../../telegram/inspect-chat.js';

export interface DoctorContext {
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
  /** The settings, or the problem with them. */
  config(): { config: Config } | { error: unknown };
  /** A client for the configured token, when the settings are valid. */
  client(): BotApiClient | undefined;
  /** getMe once for every check that needs it. */
  bot(): Promise<{ bot: BotIdentity } | { error: unknown } | undefined>;
  daemonPid(): number | undefined;
}

/** One check: an id for scripts, a title for people, and what it runs. The result's id and title come from here. */
export interface DoctorCheck {
  id: string;
  title: string;
  run(ctx: DoctorContext): Promise<Omit<CheckResult, 'id' | 'title'>> | Omit<CheckResult, 'id' | 'title'>;
}

export function createDoctorContext(paths: HomePaths, env: NodeJS.ProcessEnv, getMeTimeoutMs = 5000): DoctorContext {
  let config: ReturnType<DoctorContext['config']> | undefined;
  let client: BotApiClient | undefined;
  let bot: ReturnType<DoctorContext['bot']> | undefined;
  const self: DoctorContext = {
    paths,
    env,
    config() {
      if (config === undefined) {
        try {
          config = { config: loadConfig({ home: paths.home, envFile: paths.env, env }) };
        } catch (error) {
          config = { error };
        }
      }
      return config;
    },
    client() {
      const loaded = self.config();
      if (!('config' in loaded) || loaded.config.botToken === undefined) return undefined;
      client ??= createBotApiClient(loaded.config.apiRoot, loaded.config.botToken);
      return client;
    },
    bot() {
      bot ??= (async () => {
        const api = self.client();
        if (api === undefined) return undefined;
        try {
          return { bot: await getMe(api, getMeTimeoutMs) };
        } catch (error) {
          return { error };
        }
      })();
      return bot;
    },
    daemonPid() {
      const verdict = inspectLock(paths.lock);
      return verdict.kind === 'held' ? verdict.record.pid : undefined;
    },
  };
  return self;
}

export const skipped = (detail: string): Omit<CheckResult, 'id' | 'title'> => ({ status: 'skip', detail });
