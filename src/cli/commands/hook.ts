// `pocket hook --session ID EVENT`: what an agent's hook runs (core/agent-hooks.ts). Claude Code pipes the event's
// JSON to stdin and waits for the hook, so this hands the event to the daemon and gets out of the way: at most about
// a second, nothing on stdout (Claude reads a hook's stdout as a decision), and exit 0 even when the daemon is down
// or slow: a missing signal only means the screen rules decide, as for any other session.
import { performance } from 'node:perf_hooks';
import { isClaudeHookEvent } from '../../core/agent-hooks.js';
import { homePaths } from '../../state/paths.js';
import { connectIpc } from '../../daemon/ipc/client.js';

/** The whole budget: connecting, sending and the daemon's answer. */
const DAEMON_BUDGET_MS = 1_000;
/** Claude's payloads are a few kB; a Notification's type is all pocket reads of them. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

export async function hook(home: string, event: string, opts: { session: string }): Promise<void> {
  // When this process started: the hook fired at most node's start-up before (bench: docs/performance.md).
  const firedAt = Math.round(performance.timeOrigin);
  if (!isClaudeHookEvent(event) || !/^s\d+$/.test(opts.session)) {
    process.stderr.write(`pocket hook: ignored ${JSON.stringify(event.slice(0, 40))} for ${JSON.stringify(opts.session.slice(0, 20))}\n`);
    return;
  }
  const payload = readStdin();
  // Only a Notification needs its payload (which kind it is); the others go at once.
  const notificationType = event === 'Notification' ? notificationTypeOf(await payload) : undefined;
  const timer = setTimeout(() => process.exit(0), DAEMON_BUDGET_MS + 200);
  timer.unref();
  try {
    const client = await connectIpc(homePaths(home).socket, DAEMON_BUDGET_MS);
    try {
      await client.request('session.hook', { session: opts.session, event, firedAt, ...(notificationType === undefined ? {} : { notificationType }) }, DAEMON_BUDGET_MS);
    } finally {
      client.close();
    }
  } catch {
    // The daemon is down, restarting or does not know the session: the screen rules still read the pane.
  }
  process.exitCode = 0;
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => resolve(text);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_PAYLOAD_BYTES) process.stdin.destroy();
    });
    process.stdin.on('end', done);
    process.stdin.on('close', done);
    process.stdin.on('error', done);
    setTimeout(() => {
      process.stdin.destroy();
      done();
    }, DAEMON_BUDGET_MS / 2).unref();
  });
}

function notificationTypeOf(payload: string): string | undefined {
  try {
    const value = JSON.parse(payload) as { notification_type?: unknown };
    return typeof value.notification_type === 'string' ? value.notification_type.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}
