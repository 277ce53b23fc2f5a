// Linux: a systemd user unit. Install writes ~/.config/systemd/user/pocket.service (XDG_CONFIG_HOME honoured),
// reloads, enables it for the user's default.target and (re)starts it; uninstall disables, stops and removes it.
import { join } from 'node:path';
import { PocketError } from '../core/errors.js';
import { logsDirOf, renderSystemdUnit, SYSTEMD_UNIT_NAME, type ServiceSpec } from '../core/service-files.js';
import type { CommandRunner } from './runner.js';
import type { Step } from './steps.js';
import { isOurs, type Plan, type ServiceHost } from './plan.js';

export function unitPath(host: Pick<ServiceHost, 'configHome'>): string {
  return join(host.configHome, 'systemd', 'user', SYSTEMD_UNIT_NAME);
}

const SYSTEMCTL = ['systemctl', '--user'];

/** Whether `systemctl --user` can reach a user manager; the reason when not. */
async function managerProblem(run: CommandRunner): Promise<string | null> {
  const probe = await run([...SYSTEMCTL, 'show-environment']);
  if (probe.missing) return 'systemctl was not found: this machine does not run systemd.';
  if (probe.code !== 0) {
    return `systemctl --user cannot reach your user manager (${probe.stderr.split('\n')[0] || `exit code ${probe.code}`}). `
      + 'Over SSH or su, log in with a normal session (or run `loginctl enable-linger $USER` as root and log in again), '
      + 'and check that XDG_RUNTIME_DIR is set.';
  }
  return null;
}

export async function planSystemdInstall(spec: ServiceSpec, host: ServiceHost): Promise<Plan> {
  const path = unitPath(host);
  const text = renderSystemdUnit(spec);
  const existing = host.readFile(path);
  if (existing !== null && !isOurs(existing)) throw foreignFile(path);
  const problem = await managerProblem(host.run);
  const notes: string[] = [];
  if (problem !== null) {
    if (!host.dryRun) throw new PocketError('SERVICE_UNAVAILABLE', problem, { hint: 'Without a service manager, run `pocket start` (e.g. from your shell profile or a @reboot cron job).' });
    notes.push(`note: ${problem}`);
  }
  const changed = existing !== text;
  const active = problem === null && (await host.run([...SYSTEMCTL, 'is-active', SYSTEMD_UNIT_NAME])).stdout === 'active';
  const steps: Step[] = [{ kind: 'mkdir', path: logsDirOf(spec.home), mode: 0o700 }];
  if (changed) steps.push({ kind: 'write', path, text, mode: 0o644 }, { kind: 'run', argv: [...SYSTEMCTL, 'daemon-reload'] });
  steps.push({ kind: 'run', argv: [...SYSTEMCTL, 'enable', SYSTEMD_UNIT_NAME] });
  if (!active && host.daemonPid !== null) steps.push({ kind: 'stop-daemon', pid: host.daemonPid });
  // A changed file restarts a running service so it runs the new one; an unchanged one is only started if stopped.
  const startFailed = `See \`journalctl --user -u ${SYSTEMD_UNIT_NAME}\`, ${logsDirOf(spec.home)}/service.log and \`pocket logs\`.`;
  steps.push({ kind: 'run', argv: [...SYSTEMCTL, changed ? 'restart' : 'start', SYSTEMD_UNIT_NAME], hint: startFailed });
  const linger = problem === null ? (await host.run(['loginctl', 'show-user', host.userName, '--property=Linger', '--value'])).stdout : '';
  if (linger !== 'yes') {
    notes.push(`note: without lingering, systemd stops your user services when you log out and starts them only at your next login. To keep pocket running, run once: loginctl enable-linger ${host.userName}`);
  }
  notes.push(
    `status: systemctl --user status ${SYSTEMD_UNIT_NAME}`,
    `logs: pocket logs -f (the daemon), ${logsDirOf(spec.home)}/service.log (start-up errors and crashes)`,
  );
  return { file: path, steps, notes, done: changed ? `installed ${path}` : `${path} is up to date` };
}

export async function planSystemdUninstall(host: ServiceHost): Promise<Plan> {
  const path = unitPath(host);
  const existing = host.readFile(path);
  if (existing === null) return { file: path, steps: [], notes: [], done: `pocket is not installed as a systemd user service (no ${path})` };
  if (!isOurs(existing)) throw foreignFile(path);
  const problem = await managerProblem(host.run);
  if (problem !== null && !host.dryRun) {
    throw new PocketError('SERVICE_UNAVAILABLE', problem, {
      hint: `Run \`pocket uninstall\` again from a normal login session; or stop the service there and remove ${path} yourself.`,
    });
  }
  return {
    file: path,
    steps: [
      // Stops the daemon the way `systemctl stop` does (SIGTERM: a clean stop); the tmux sessions live on.
      { kind: 'run', argv: [...SYSTEMCTL, 'disable', '--now', SYSTEMD_UNIT_NAME] },
      { kind: 'remove', path },
      { kind: 'run', argv: [...SYSTEMCTL, 'daemon-reload'] },
      // Forgets a failed state (and start-limit count) of the unit that is gone; "not loaded" is fine.
      { kind: 'run', argv: [...SYSTEMCTL, 'reset-failed', SYSTEMD_UNIT_NAME], tolerate: [1, 5] },
    ],
    notes: problem === null ? [] : [`note: ${problem}`],
    done: `uninstalled ${path}; your tmux sessions and the pocket home are untouched`,
  };
}

function foreignFile(path: string): PocketError {
  return new PocketError('SERVICE_FAILED', `${path} exists and was not written by \`pocket install\`; pocket leaves it alone.`, {
    hint: 'Move it away (or remove it) if it is an old pocket unit you wrote yourself, then run the command again.',
  });
}
