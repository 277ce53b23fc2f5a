// Under the systemd user service, the tmux server that `/new` starts must not be in pocket's cgroup: systemd stops
// a service by killing every process of its cgroup, and the default KillMode=control-group is what makes a stop
// clean. KillMode=process would leave the server alive but also any stuck child, and systemd warns that such a unit
// "remains running" after stop. So new-session runs under `systemd-run --user --scope`: the tmux client, and the
// server it forks, go into a scope unit of their own, which outlives the service. (The tmux server detaches itself
// with setsid, which is all launchd needs: launchd kills the job's process group, not its descendants.)
import { execa } from 'execa';

const SCOPE = ['systemd-run', '--user', '--scope', '--quiet', '--collect', '--description=tmux server started by pocket'];

/**
 * The launcher for new-session when this daemon runs as the systemd service (POCKET_SERVICE_MANAGER=systemd, set
 * by the unit), after one probe that systemd-run reaches the user manager; null elsewhere, or with why not.
 */
export async function serviceServerLauncher(env: NodeJS.ProcessEnv): Promise<{ launcher: string[] | null; problem: string | null }> {
  if (env.POCKET_SERVICE_MANAGER !== 'systemd') return { launcher: null, problem: null };
  const probe = await execa(SCOPE[0]!, [...SCOPE.slice(1), 'true'], { reject: false, timeout: 10_000, stdin: 'ignore' });
  if (probe.exitCode === 0) return { launcher: SCOPE, problem: null };
  const why = String(probe.stderr ?? '').trim().split('\n')[0] || `exit code ${probe.exitCode ?? 'unknown'}`;
  return { launcher: null, problem: `systemd-run --user --scope does not work (${why}): a tmux server started now would stop with the service` };
}
