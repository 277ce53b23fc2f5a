// `pocket status`: JSON for scripts, an Ink TUI in a terminal, plain text otherwise. Exit 1 when no daemon runs or
// when it does not answer (a stopped daemon accepts the connection and never replies: see daemon/silence.ts).
import { PocketError } from '../../core/errors.js';
import { notRunningSnapshot, type StatusSnapshot } from '../../core/status.js';
import { connectIpc, type IpcClient } from '../../daemon/ipc/client.js';
import { explainSilence } from '../silence.js';
import { type HomePaths, homePaths } from '../../state/paths.js';
import { pocketVersion } from '../../version.js';

export async function status(home: string, options: { json?: boolean; watch?: boolean }): Promise<void> {
  const paths = homePaths(home);
  let client: IpcClient;
  try {
    client = await connectIpc(paths.socket);
  } catch (error) {
    if (!(error instanceof PocketError) || error.code !== 'DAEMON_NOT_RUNNING') throw error;
    if (options.json) process.stdout.write(`${JSON.stringify(notRunningSnapshot(pocketVersion()))}\n`);
    else process.stdout.write(`pocket daemon is not running (home: ${home})\nhint: start it with \`pocket start\`\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const snapshot = await client.request('status').catch((error: unknown) => {
      throw explainSilence(paths, error);
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(snapshot)}\n`);
      return;
    }
    if (process.stdout.isTTY && process.stdin.isTTY) {
      await runTui(client, snapshot, paths);
      return;
    }
    const { formatStatusText } = await import('../status-text.js');
    process.stdout.write(`${formatStatusText(snapshot, Date.now(), home)}\n`);
    if (options.watch) await watchText(client, paths, formatStatusText);
  } finally {
    client.close();
  }
}

/**
 * Snapshots are pushed only on change, so a daemon that froze mid-watch would look like a quiet one: ask it
 * something every PROBE_MS and report the first request it leaves unanswered for as long.
 */
const PROBE_MS = 5000;

function probeLiveness(client: IpcClient, onSilent: (error: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      client.request('hello', {}, PROBE_MS).then(
        () => {
          if (!stopped) schedule();
        },
        (error: unknown) => {
          if (stopped) return;
          onSilent(error);
          schedule();
        },
      );
    }, PROBE_MS);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function runTui(client: IpcClient, initial: StatusSnapshot, paths: HomePaths): Promise<void> {
  const home = paths.home;
  // Ink draws only the last frame when it believes it runs in CI (it reads $CI when loaded); a person at a terminal
  // asked for the live view, whatever their shell exports.
  process.env.CI = 'false';
  if (process.env.CONTINUOUS_INTEGRATION !== undefined) process.env.CONTINUOUS_INTEGRATION = 'false';
  const { renderStatusTui } = await import('../tui/render.js');
  await renderStatusTui({
    initial,
    home,
    subscribe: (onSnapshot, onError) => {
      let unsubscribe: (() => void) | undefined;
      client.subscribe(onSnapshot, onError).then((off) => {
        unsubscribe = off;
      }, onError);
      // The banner shows one line: the explanation and its remedy together. A daemon that resumes sends snapshots
      // again, which clear the banner.
      const stopProbing = probeLiveness(client, (error) => {
        const explained = explainSilence(paths, error);
        onError(explained instanceof PocketError ? new Error(`${explained.message} ${explained.hint ?? ''}`.trim()) : (explained as Error));
      });
      return () => {
        stopProbing();
        unsubscribe?.();
      };
    },
    onQuit: () => {},
  });
}

async function watchText(
  client: IpcClient,
  paths: HomePaths,
  format: (s: StatusSnapshot, now: number, home: string) => string,
): Promise<void> {
  let stopProbing = (): void => {};
  const ended = await new Promise<{ silent: unknown } | { closed: true }>((resolve) => {
    client
      .subscribe(
        (snapshot) => process.stdout.write(`\n${format(snapshot, Date.now(), paths.home)}\n`),
        () => resolve({ closed: true }),
      )
      .catch((error: unknown) => resolve({ silent: error }));
    stopProbing = probeLiveness(client, (error) => resolve({ silent: error }));
  });
  stopProbing();
  if ('silent' in ended) throw explainSilence(paths, ended.silent);
  process.stdout.write('pocket daemon stopped\n');
  process.exitCode = 1;
}
