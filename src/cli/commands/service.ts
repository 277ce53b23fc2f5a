// `pocket install [--dry-run]` and `pocket uninstall`: the daemon as a systemd user service or a launchd agent.
// The plans are in src/service/; this wires them to this process (paths, user, PATH) and prints what happens.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopDaemon } from '../../daemon/lifecycle.js';
import { PocketError } from '../../core/errors.js';
import { buildSpec, planInstall, planUninstall, type ServicePlatform, servicePlatform } from '../../service/index.js';
import { runningServiceFor } from '../../service/managed.js';
import type { Plan, ServiceHost } from '../../service/plan.js';
import { type CommandRunner, createCommandRunner, showCommand } from '../../service/runner.js';
import { printSteps, runSteps } from '../../service/steps.js';
import { inspectLock } from '../../state/lock.js';
import { homePaths } from '../../state/paths.js';
import { pocketVersion } from '../../version.js';

const ENTRY = fileURLToPath(new URL('../../../bin/pocket.js', import.meta.url));

/** Everything install reads from this process, so a test can run it for another platform or user. */
export interface ServiceEnvironment {
  platform: ServicePlatform;
  env: NodeJS.ProcessEnv;
  nodePath: string;
  entryPath: string;
  userHome: string;
  userName: string;
  uid: number;
  run: CommandRunner;
  say: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

function thisProcess(): ServiceEnvironment {
  const user = userInfo();
  return {
    platform: servicePlatform(process.platform),
    env: process.env,
    nodePath: process.execPath,
    entryPath: ENTRY,
    userHome: homedir(),
    userName: user.username,
    uid: user.uid,
    run: createCommandRunner(process.env),
    say: (line) => process.stdout.write(`${line}\n`),
  };
}

function hostOf(home: string, environment: ServiceEnvironment, dryRun: boolean): ServiceHost {
  const lock = inspectLock(homePaths(home).lock);
  const configHome = environment.env.XDG_CONFIG_HOME?.startsWith('/') ? environment.env.XDG_CONFIG_HOME : join(environment.userHome, '.config');
  return {
    run: environment.run,
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    userName: environment.userName,
    uid: environment.uid,
    configHome,
    launchAgents: join(environment.userHome, 'Library', 'LaunchAgents'),
    daemonPid: lock.kind === 'held' ? lock.record.pid : null,
    dryRun,
  };
}

async function carryOut(plan: Plan, home: string, environment: ServiceEnvironment, dryRun: boolean): Promise<void> {
  const { say } = environment;
  if (dryRun) {
    for (const note of plan.notes.filter((n) => n.startsWith('note:'))) say(note);
    if (plan.steps.length === 0) say(plan.done);
    printSteps(plan.steps, say);
    say('(dry run: nothing was changed)');
    return;
  }
  await runSteps(plan.steps, {
    run: environment.run,
    say,
    stopDaemon: () => stopDaemon(homePaths(home)),
    ...(environment.sleep === undefined ? {} : { sleep: environment.sleep }),
  });
  say(plan.done);
  for (const note of plan.notes) say(note);
}

export async function install(home: string, options: { dryRun?: boolean }, environment: ServiceEnvironment = thisProcess()): Promise<void> {
  const dryRun = options.dryRun === true;
  const spec = await buildSpec({
    platform: environment.platform,
    nodePath: environment.nodePath,
    entryPath: environment.entryPath,
    home,
    userHome: environment.userHome,
    envPath: environment.env.PATH,
    version: pocketVersion(),
    run: environment.run,
  });
  const plan = await planInstall(environment.platform, spec, hostOf(home, environment, dryRun));
  await carryOut(plan, home, environment, dryRun);
}

export async function uninstall(home: string, options: { dryRun?: boolean }, environment: ServiceEnvironment = thisProcess()): Promise<void> {
  const dryRun = options.dryRun === true;
  const plan = await planUninstall(environment.platform, hostOf(home, environment, dryRun));
  await carryOut(plan, home, environment, dryRun);
}

/**
 * `pocket restart` for a home the installed service runs: restarts it through its manager and returns true; false
 * when no installed service runs this home (or this platform has none), and `pocket restart` does it itself.
 */
export async function restartService(home: string, environment?: ServiceEnvironment): Promise<boolean> {
  let env: ServiceEnvironment;
  try {
    env = environment ?? thisProcess();
  } catch {
    return false; // no service manager pocket knows on this platform
  }
  const managed = await runningServiceFor(home, env.platform, hostOf(home, env, false));
  if (managed === null) return false;
  const result = await env.run(managed.restart);
  if (result.code !== 0) {
    throw new PocketError('SERVICE_FAILED', `\`${showCommand(managed.restart)}\` failed: ${(result.stderr || `exit code ${result.code}`).split('\n')[0]}`, {
      hint: `See \`pocket logs\` and ${join(home, 'logs', 'service.log')}.`,
    });
  }
  env.say(`pocket daemon restarted by the ${managed.name}`);
  return true;
}
