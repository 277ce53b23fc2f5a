// Is pocket installed as a service (a systemd user unit on Linux, a launchd agent on macOS) and running? The files are
// the ones `pocket install` writes; `serviceFiles` is the one place that knows where they are.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DoctorCheck } from './context.js';

/** Where an installed service's definition lives on this platform. */
export function serviceFiles(platform: NodeJS.Platform, userHome: string, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'linux') {
    const configHome = env.XDG_CONFIG_HOME || join(userHome, '.config');
    return [join(configHome, 'systemd', 'user', 'pocket.service')];
  }
  if (platform === 'darwin') {
    const agents = join(userHome, 'Library', 'LaunchAgents');
    let names: string[] = [];
    try {
      names = readdirSync(agents);
    } catch {
      return [];
    }
    return names.filter((name) => /pocket/i.test(name) && name.endsWith('.plist')).map((name) => join(agents, name));
  }
  return [];
}

export const serviceCheck: DoctorCheck = {
  id: 'service',
  title: 'service',
  async run(ctx) {
    const installed = serviceFiles(process.platform, ctx.env.HOME || homedir(), ctx.env).filter((file) => existsSync(file));
    if (installed.length === 0) {
      return {
        status: 'warn',
        detail: 'not installed: pocket runs only while started by hand',
        fix: 'Run `pocket install` to start pocket at login and restart it after a failure.',
      };
    }
    if (process.platform !== 'linux') return { status: 'pass', detail: `installed: ${installed.join(', ')}` };
    try {
      const { stdout } = await promisify(execFile)('systemctl', ['--user', 'is-active', 'pocket.service'], { timeout: 3000 });
      return { status: 'pass', detail: `installed (${installed[0]}) and ${stdout.trim()}` };
    } catch (error) {
      const state = String((error as { stdout?: string }).stdout ?? '').trim() || 'not running';
      return {
        status: 'warn',
        detail: `installed (${installed[0]}) but ${state}`,
        fix: 'See `systemctl --user status pocket.service` and `pocket logs`; start it with `systemctl --user start pocket.service`.',
      };
    }
  },
};
