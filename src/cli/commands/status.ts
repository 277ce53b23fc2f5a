// `pocket status`: JSON for scripts, an Ink TUI in a terminal, plain text otherwise. Exit 1 when no daemon runs.
import { PocketError } from '../../core/errors.js';
import { notRunningSnapshot, type StatusSnapshot } from '../../core/status.js';
import { connectIpc, type IpcClient } from '../../daemon/ipc/client.js';
import { homePaths } from '../../state/paths.js';
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
    const snapshot = await client.request('status');
    if (options.json) {
      process.stdout.write(`${JSON.stringify(snapshot)}\n`);
      return;
    }
    if (process.stdout.isTTY && process.stdin.isTTY) {
      await runTui(client, snapshot, home);
      return;
    }
    const { formatStatusText } = await import('../status-text.js');
    process.stdout.write(`${formatStatusText(snapshot, Date.now(), home)}\n`);
    if (options.watch) await watchText(client, home, formatStatusText);
  } finally {
    client.close();
  }
}

async function runTui(client: IpcClient, initial: StatusSnapshot, home: string): Promise<void> {
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
      return () => unsubscribe?.();
    },
    onQuit: () => {},
  });
}

async function watchText(
  client: IpcClient,
  home: string,
  format: (s: StatusSnapshot, now: number, home: string) => string,
): Promise<void> {
  await new Promise<void>((resolve) => {
    void client.subscribe(
      (snapshot) => process.stdout.write(`\n${format(snapshot, Date.now(), home)}\n`),
      () => resolve(),
    );
  });
  process.stdout.write('pocket daemon stopped\n');
  process.exitCode = 1;
}
