// Whether this home's daemon is run by the service `pocket install` added, and how to restart it there: `pocket
// restart` must restart the service, not stop it (a clean exit the manager does not restart) and start a second,
// unmanaged daemon outside it.
import { LAUNCHD_LABEL, plistHomeLine, SYSTEMD_UNIT_NAME, unitHomeLine } from '../core/service-files.js';
import { plistPath } from './launchd.js';
import { isOurs, type ServiceHost } from './plan.js';
import { unitPath } from './systemd.js';

export interface ManagedService {
  /** How `pocket restart` names it. */
  name: string;
  restart: string[];
}

/** The service that runs `home`, when install added one for it and it is running now; null otherwise. */
export async function runningServiceFor(home: string, platform: 'linux' | 'darwin', host: ServiceHost): Promise<ManagedService | null> {
  const file = platform === 'linux' ? unitPath(host) : plistPath(host);
  const text = host.readFile(file);
  if (text === null || !isOurs(text) || !servesHome(text, home, platform)) return null;
  if (platform === 'linux') {
    const state = await host.run(['systemctl', '--user', 'is-active', SYSTEMD_UNIT_NAME]);
    return state.stdout === 'active' ? { name: `systemd user service ${SYSTEMD_UNIT_NAME}`, restart: ['systemctl', '--user', 'restart', SYSTEMD_UNIT_NAME] } : null;
  }
  const job = `gui/${host.uid}/${LAUNCHD_LABEL}`;
  const state = await host.run(['launchctl', 'print', job]);
  return state.code === 0 && /state = running/.test(state.stdout) ? { name: `launchd agent ${LAUNCHD_LABEL}`, restart: ['launchctl', 'kickstart', '-k', job] } : null;
}

/** The file names this home (the unit's POCKET_HOME, the plist's --home argument). */
function servesHome(text: string, home: string, platform: 'linux' | 'darwin'): boolean {
  const wanted = platform === 'linux' ? unitHomeLine(home) : plistHomeLine(home);
  return text.split('\n').some((line) => line.trim() === wanted);
}
