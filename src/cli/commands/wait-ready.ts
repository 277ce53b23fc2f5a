// `pocket __wait-ready`: the systemd unit's ExecStartPost. Returns once the daemon of this home has polled Telegram
// successfully (its first getUpdates is a short poll, so that is at most a round trip after getMe), so that
// `systemctl --user start pocket` reports ready only when the bot can be reached. Fails on a refused token or a
// second poller (409) at once, and on the deadline otherwise.
import { PocketError } from '../../core/errors.js';
import type { StatusSnapshot } from '../../core/status.js';
import { connectIpc, type IpcClient } from '../../daemon/ipc/client.js';
import { homePaths } from '../../state/paths.js';

/** Between attempts to reach a daemon that has not opened its socket yet (it starts at the same moment). */
const CONNECT_RETRY_MS = 100;

export async function waitReady(home: string, options: { timeout: string }): Promise<void> {
  const seconds = Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new PocketError('USAGE', `--timeout expects a number of seconds, got ${JSON.stringify(options.timeout)}`);
  const deadline = Date.now() + seconds * 1000;
  const client = await connectUntil(homePaths(home).socket, deadline);
  try {
    await untilPolled(client, deadline);
  } finally {
    client.close();
  }
}

async function connectUntil(socket: string, deadline: number): Promise<IpcClient> {
  for (;;) {
    try {
      return await connectIpc(socket, 2000);
    } catch (error) {
      // The socket appears once the daemon has taken its lock and started its services: no event to wait for.
      if (Date.now() + CONNECT_RETRY_MS > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  }
}

function untilPolled(client: IpcClient, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let unsubscribe: () => void = () => {};
    const timer = setTimeout(() => finish(new PocketError('DAEMON_START_FAILED', 'The daemon runs but has not reached Telegram yet.', {
      hint: 'See `pocket status` for the bot\'s last error and `pocket logs` for the rest.',
    })), Math.max(0, deadline - Date.now()));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      unsubscribe();
      if (error === undefined) resolve();
      else reject(error);
    };
    const judge = (snapshot: StatusSnapshot): void => {
      if (snapshot.bot.lastPollAt !== null) finish();
      // 401 and 409 stop polling for good (create-bot.ts): waiting longer cannot help.
      else if (snapshot.bot.lastError !== null && /polling stopped/.test(snapshot.bot.lastError)) {
        finish(new PocketError('DAEMON_START_FAILED', snapshot.bot.lastError));
      }
    };
    client.subscribe(judge, (error) => finish(error)).then((off) => {
      unsubscribe = off;
    }, (error: unknown) => finish(error as Error));
  });
}
