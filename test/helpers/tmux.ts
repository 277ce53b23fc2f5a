// A private tmux server per test file (`-L pocket-test-<random> -f /dev/null`, TMUX unset) and a deadline helper.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { type TmuxCli, type TmuxCliOptions, createTmuxCli } from '../../src/tmux/tmux-cli.js';
import { requireTmux } from './project.js';

requireTmux('test/helpers/tmux.ts');

export interface TestTmux {
  socket: string;
  dir: string;
  tmux: TmuxCli;
  /** Raw tmux on the same server, for assertions. */
  raw(args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

export async function startTestTmux(options: TmuxCliOptions = {}): Promise<TestTmux> {
  // Short: the socket path lives under /tmp/tmux-UID and must fit in a sockaddr_un.
  const socket = `pocket-test-${randomBytes(4).toString('hex')}`;
  const dir = await mkdtemp(path.join(tmpdir(), 'pocket-tmux-'));
  const tmux = createTmuxCli({ socket, configFile: '/dev/null', ...options });
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const raw = async (args: string[]) =>
    (await execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env, extendEnv: false, timeout: 5_000 })).stdout;
  return {
    socket,
    dir,
    tmux,
    raw,
    async cleanup() {
      await raw(['kill-server']).catch(() => {});
      // Pipe shells may still write their markers just after kill-server; rm retries on ENOTEMPTY.
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Everything a pane's pipe wrote for LOG so far: the LOG.<generation>.<suffix> files in write order. */
export async function readPaneLog(log: string): Promise<string> {
  const dir = path.dirname(log);
  const prefix = `${path.basename(log)}.`;
  const names = (await readdir(dir)).filter((n) => n.startsWith(prefix) && /\.\d{15}\.[a-z]{6}$/.test(n)).sort();
  const parts = await Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
  return parts.join('');
}
