// macOS: a launchd agent in the user's GUI domain. Install writes ~/Library/LaunchAgents/<label>.plist and
// bootstraps it into gui/<uid>; a re-install of the same file only restarts the job (`kickstart -k`), a changed file
// is booted out and bootstrapped again. Uninstall boots it out and removes the file.
// Traps handled: `bootstrap` right after `bootout` fails with "Bootstrap failed: 5" while the old job is still going
// away (waited for, then retried once); a job disabled earlier (`launchctl disable`) is enabled first; over SSH
// without a desktop login there is no gui/<uid> domain, which gets its own message.
import { join } from 'node:path';
import { PocketError } from '../core/errors.js';
import { LAUNCHD_LABEL, logsDirOf, renderLaunchdPlist, type ServiceSpec } from '../core/service-files.js';
import { isOurs, type Plan, type ServiceHost } from './plan.js';
import type { Step } from './steps.js';

export function plistPath(host: Pick<ServiceHost, 'launchAgents'>): string {
  return join(host.launchAgents, `${LAUNCHD_LABEL}.plist`);
}

/** launchctl's exit status for "Bootstrap failed: 5: Input/output error". */
const BOOTSTRAP_IO_ERROR = 5;

const NO_DESKTOP_HINT = 'Log in at the Mac (or by Screen Sharing) once, then run this again; or use `pocket start` in this session.';

async function domainProblem(host: ServiceHost, domain: string): Promise<string | null> {
  const probe = await host.run(['launchctl', 'print', domain]);
  if (probe.missing) return 'launchctl was not found: this is not macOS, or launchd is not reachable.';
  if (probe.code !== 0) {
    return `launchd has no ${domain} domain: nobody is logged in at this Mac's desktop as this user (an SSH session has none).`;
  }
  return null;
}

export async function planLaunchdInstall(spec: ServiceSpec, host: ServiceHost): Promise<Plan> {
  const path = plistPath(host);
  const domain = `gui/${host.uid}`;
  const job = `${domain}/${LAUNCHD_LABEL}`;
  const text = renderLaunchdPlist(spec);
  const existing = host.readFile(path);
  if (existing !== null && !isOurs(existing)) throw foreignFile(path);
  const problem = await domainProblem(host, domain);
  const notes: string[] = [];
  if (problem !== null) {
    if (!host.dryRun) throw new PocketError('SERVICE_UNAVAILABLE', problem, { hint: NO_DESKTOP_HINT });
    notes.push(`note: ${problem} ${NO_DESKTOP_HINT}`);
  }
  const loaded = problem === null && (await host.run(['launchctl', 'print', job])).code === 0;
  const changed = existing !== text;
  const steps: Step[] = [{ kind: 'mkdir', path: logsDirOf(spec.home), mode: 0o700 }];
  if (changed) steps.push({ kind: 'write', path, text, mode: 0o644 });
  if (!loaded && host.daemonPid !== null) steps.push({ kind: 'stop-daemon', pid: host.daemonPid });
  if (loaded && !changed) {
    steps.push({ kind: 'run', argv: ['launchctl', 'kickstart', '-k', job] });
  } else {
    if (loaded) steps.push({ kind: 'run', argv: ['launchctl', 'bootout', job] });
    steps.push({ kind: 'run', argv: ['launchctl', 'enable', job] });
    steps.push({
      kind: 'run',
      argv: ['launchctl', 'bootstrap', domain, path],
      retry: { onCode: BOOTSTRAP_IO_ERROR, until: ['launchctl', 'print', job], waitMs: 10_000 },
      hint: `See ${logsDirOf(spec.home)}/service.log and \`launchctl print ${job}\`.`,
    });
  }
  notes.push(
    `status: launchctl print ${job}`,
    `logs: pocket logs -f (the daemon), ${logsDirOf(spec.home)}/service.log (start-up errors and crashes)`,
    'note: a launchd agent cannot read your login keychain: agent CLIs that keep their credentials there need an API key in their own config or environment instead.',
  );
  return { file: path, steps, notes, done: changed ? `installed ${path}` : `${path} is up to date; restarted the job` };
}

export async function planLaunchdUninstall(host: ServiceHost): Promise<Plan> {
  const path = plistPath(host);
  const existing = host.readFile(path);
  if (existing === null) return { file: path, steps: [], notes: [], done: `pocket is not installed as a launchd agent (no ${path})` };
  if (!isOurs(existing)) throw foreignFile(path);
  const job = `gui/${host.uid}/${LAUNCHD_LABEL}`;
  const loaded = (await host.run(['launchctl', 'print', job])).code === 0;
  const steps: Step[] = [];
  // bootout sends SIGTERM (a clean stop); the tmux server is in its own session and process group and lives on.
  if (loaded) steps.push({ kind: 'run', argv: ['launchctl', 'bootout', job] });
  steps.push({ kind: 'remove', path });
  return { file: path, steps, notes: [], done: `uninstalled ${path}; your tmux sessions and the pocket home are untouched` };
}

function foreignFile(path: string): PocketError {
  return new PocketError('SERVICE_FAILED', `${path} exists and was not written by \`pocket install\`; pocket leaves it alone.`, {
    hint: 'Move it away (or remove it) if it is an old agent you wrote yourself, then run the command again.',
  });
}
