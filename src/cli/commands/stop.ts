// `pocket stop`: graceful, then firmer, and never a signal to a process that is not our daemon.
import { stopDaemon } from '../../daemon/lifecycle.js';
import { homePaths } from '../../state/paths.js';

const SAID: Record<string, string> = {
  'not-running': 'pocket daemon is not running',
  stopped: 'pocket daemon stopped',
  terminated: 'pocket daemon did not answer; stopped it with SIGTERM',
  killed: 'pocket daemon did not stop in time; killed it with SIGKILL',
};

export async function stop(home: string): Promise<void> {
  const outcome = await stopDaemon(homePaths(home));
  process.stdout.write(`${SAID[outcome]}\n`);
}
