// `pocket demo`: try pocket with no token and no Telegram account. The real daemon runs against the embedded Bot API
// in this process, in a throwaway home with its own tmux server; a chat console (or, without a terminal, a script)
// plays the user. Everything is torn down on the way out, however the demo ends.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PocketError } from '../../core/errors.js';
import { assertTmuxInstalled, realDemoDeps } from '../../demo/real-deps.js';
import { type Demo, type DemoDeps, startDemo } from '../../demo/run-demo.js';
import { runScript } from '../../demo/script.js';
import { DEFAULT_SETTLE, FORUM_QUIET_MS } from '../../demo/settle.js';

export interface DemoCommandOptions {
  forum?: boolean;
  /** A file of lines to send (`-` for stdin); without a terminal, stdin is read anyway. */
  script?: string;
  /** Quiet time after which the bot counts as done answering, in ms (script mode). */
  settle?: string;
}

const BOT_CONNECT_MS = 20_000;

export async function demo(options: DemoCommandOptions, deps: DemoDeps = realDemoDeps()): Promise<void> {
  const defaultQuiet = options.forum ? FORUM_QUIET_MS : DEFAULT_SETTLE.quietMs;
  const quietMs = options.settle === undefined ? defaultQuiet : Number(options.settle);
  if (!Number.isInteger(quietMs) || quietMs < 0 || quietMs > 60_000) {
    throw new PocketError('USAGE', `--settle expects milliseconds from 0 to 60000, got ${JSON.stringify(options.settle)}`);
  }
  const interactive = options.script === undefined && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const lines = interactive ? [] : scriptLines(options.script);
  await assertTmuxInstalled();
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let running: Demo | undefined;
  try {
    if (interactive) process.stderr.write('pocket demo: starting the daemon against a local Telegram…\n');
    running = await startDemo({ forum: options.forum === true }, deps);
    // Where to look while it runs; both are gone when the demo ends.
    process.stderr.write(`pocket demo: throwaway home ${running.paths.home}, tmux socket ${running.tmuxSocket}\n`);
    if (abort.signal.aborted) return;
    if (interactive) {
      const { renderDemoConsole } = await import('../tui/demo/render.js');
      await renderDemoConsole({ chat: running.chat, onQuit: () => {} }, { signal: abort.signal });
      return;
    }
    await waitForBot(running);
    const result = await runScript(lines, running.chat, {
      settle: { ...DEFAULT_SETTLE, quietMs },
      write: (text) => process.stdout.write(text),
      signal: abort.signal,
    });
    if (result.failures > 0) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (running !== undefined) {
      if (interactive) process.stderr.write('pocket demo: stopping the daemon and cleaning up…\n');
      await running.close();
    }
  }
}

/** Without a polling bot every line would time out: fail once, with what the daemon logged. */
async function waitForBot(running: Demo): Promise<void> {
  if (await running.chat.waitForBot(BOT_CONNECT_MS)) return;
  throw new PocketError('DAEMON_START_FAILED', `The demo daemon's bot did not connect to the local Bot API within ${BOT_CONNECT_MS / 1000} s.${logTail(running)}`, {
    hint: 'Run `pocket doctor`; if it is happy, this is a bug — please report it with the log lines above.',
  });
}

function logTail(running: Demo): string {
  try {
    const lines = readFileSync(running.paths.daemonLog, 'utf8').trimEnd().split('\n').slice(-10);
    return `\nThe daemon's last log lines:\n  ${lines.join('\n  ')}`;
  } catch {
    return '';
  }
}

function scriptLines(script: string | undefined): AsyncIterable<string> | Iterable<string> {
  if (script !== undefined && script !== '-') {
    try {
      return readFileSync(script, 'utf8').split('\n');
    } catch (error) {
      throw new PocketError('USAGE', `Cannot read the script ${script}: ${(error as Error).message}`, { cause: error });
    }
  }
  // Iterate at once: readline drops lines that arrive (from a pipe, during start-up) before anyone iterates.
  return createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
}
