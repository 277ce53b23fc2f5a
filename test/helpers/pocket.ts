// Drives the built `pocket` binary against temp homes, the way a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireBuiltCli } from './project.js';

requireBuiltCli('test/helpers/pocket.ts');

export const BIN = resolve(import.meta.dirname, '../../bin/pocket.js');
export const CANARY_TOKEN = '987654321:CANARYcanaryCANARYcanaryCANARYcanary42';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TempHome {
  home: string;
  writeEnv(values: Record<string, string>, mode?: number): void;
  run(args: string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  spawn(args: string[], env?: Record<string, string>): ChildProcess;
  /** Every byte under logs/, for leak checks. */
  logsText(): string;
  cleanup(): Promise<void>;
}

export function tempHome(prefix = 'pocket-e2e-'): TempHome {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const baseEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, POCKET_HOME: home };
    for (const key of Object.keys(env)) {
      if (key.startsWith('TELEGRAM_') || (key.startsWith('POCKET_') && key !== 'POCKET_HOME') || key === 'TMUX' || key === 'AUTHORIZED_USER_IDS') {
        delete env[key];
      }
    }
    return env;
  };
  const self: TempHome = {
    home,
    writeEnv(values, mode = 0o600) {
      const text = Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join('');
      writeFileSync(join(home, '.env'), text, { mode });
      chmodSync(join(home, '.env'), mode);
    },
    run(args, options = {}) {
      return new Promise((done, fail) => {
        const child = spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
        child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          fail(new Error(`pocket ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, options.timeoutMs ?? 30_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          done({ code, stdout, stderr });
        });
      });
    },
    spawn(args, env = {}) {
      return spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    logsText() {
      const dir = join(home, 'logs');
      let files: string[];
      try {
        files = readdirSync(dir);
      } catch {
        return '';
      }
      return files.map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
    },
    async cleanup() {
      await self.run(['stop']).catch(() => undefined);
      // Pipes of many panes (150 in the burst test) may still drop their last marker files while the tmux server
      // exits, after rm has emptied a folder: remove the whole tree again until nothing comes back.
      for (let attempt = 1; ; attempt++) {
        try {
          rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || attempt === 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
  };
  return self;
}

/** Waits for a condition that has no event to subscribe to (another process's state), with a deadline. */
export async function eventually<T>(probe: () => T | Promise<T>, { timeoutMs = 10_000, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Temp homes for one test file: `fresh()` makes one; after each test every home is checked for a leaked canary token
 * in logs/ and cleaned up (daemon stopped, directory removed).
 */
export function tempHomesPerTest(afterEachHook: (fn: () => Promise<void>) => void, check: (logs: string) => void): () => TempHome {
  let homes: TempHome[] = [];
  afterEachHook(async () => {
    const done = homes;
    homes = [];
    for (const h of done) {
      check(h.logsText());
      await h.cleanup();
    }
  });
  return () => {
    const h = tempHome();
    homes.push(h);
    return h;
  };
}
