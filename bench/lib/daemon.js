// A built pocket daemon for benchmarks: a temp home, its own tmux socket, a tmux shim that counts every tmux the
// daemon runs, /proc readings for CPU and memory, and a cleanup that stops everything even after a failure.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { connectIpc } from '../../dist/daemon/ipc/client.js';
import { cleanEnv } from './process.js';

export const BIN = resolve(import.meta.dirname, '../../bin/pocket.js');
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The real tmux on PATH, found before any shim is put in front of it. */
export function realTmux() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'tmux');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error('tmux is not installed (apt-get install -y tmux)');
}

const live = new Set();

/** Stops every daemon still running; for signal handlers. */
export async function stopAll() {
  await Promise.allSettled([...live].map((d) => d.stop()));
}

/**
 * Starts `pocket start` on a fresh home. `settings` go into .env; `nodeOptions` into the daemon's NODE_OPTIONS
 * (e.g. `--import=bench/lib/cpu-profile.js`).
 */
export async function startDaemon({ settings = {}, nodeOptions } = {}) {
  const tmux = realTmux();
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-'));
  const socket = `pocket-bench-${Math.random().toString(16).slice(2, 10)}`;
  const shimDir = join(home, 'shim');
  const counter = join(home, 'tmux-calls.txt');
  mkdirSync(shimDir);
  // One line per tmux the daemon runs (its subcommand after the globals), then the real tmux in its place.
  writeFileSync(join(shimDir, 'tmux'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${counter}'\nexec '${tmux}' "$@"\n`);
  chmodSync(join(shimDir, 'tmux'), 0o755);
  writeFileSync(counter, '');
  const values = {
    TELEGRAM_BOT_TOKEN: '123456:BENCHbenchBENCHbenchBENCHbench1',
    AUTHORIZED_USER_IDS: '1',
    TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    POCKET_TMUX_SOCKET: socket,
    ...settings,
  };
  writeFileSync(join(home, '.env'), Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  chmodSync(join(home, '.env'), 0o600);
  const env = { ...cleanEnv(), POCKET_HOME: home, PATH: `${shimDir}${delimiter}${process.env.PATH ?? ''}` };
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  if (process.env.BENCH_TAIL_PROFILE) env.BENCH_TAIL_PROFILE_DIR = process.env.BENCH_TAIL_PROFILE;

  let client;
  let stopped = false;
  const daemon = {
    home,
    socket,
    pid: 0,
    panesDir: join(home, '.state/panes'),
    get client() {
      return client;
    },
    /** tmux invocations so far, as their argument lines. */
    tmuxCalls() {
      return readFileSync(counter, 'utf8').split('\n').filter((l) => l !== '');
    },
    /** utime + stime of the daemon (or of another pid), in clock ticks. */
    cpuTicks(pid = daemon.pid) {
      return processTicks(pid);
    },
    /** The pid of the tmux server on the daemon's socket (asked with the real tmux, so not counted). */
    tmuxServerPid() {
      return Number(execFileSync(tmux, ['-L', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }).trim());
    },
    /** A field of /proc/PID/status in kB (VmRSS, VmHWM). */
    memoryKb(field) {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${daemon.pid}/status`, 'utf8'));
      return match ? Number(match[1]) : Number.NaN;
    },
    /** Bytes in .state/panes right now. */
    panesBytes() {
      let total = 0;
      for (const name of readdirSync(daemon.panesDir)) {
        try {
          total += statSync(join(daemon.panesDir, name)).size;
        } catch {
          // removed between readdir and stat
        }
      }
      return total;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(daemon);
      try {
        client?.close();
      } catch {
        // already closed
      }
      if (process.env.BENCH_DEBUG) {
        const bySub = {};
        for (const call of daemon.tmuxCalls()) {
          const sub = call.replace(/^-L \S+ /, '').split(' ')[0];
          bySub[sub] = (bySub[sub] ?? 0) + 1;
        }
        console.log(`[tmux calls by the daemon: ${JSON.stringify(bySub)}]`);
      }
      const t0 = Date.now();
      // Not spawnSync: the daemon closes our IPC connection while stopping and waits for it, which needs our event loop.
      const out = await promisify(execFile)(process.execPath, [BIN, 'stop'], { env, encoding: 'utf8', timeout: 30_000 }).catch((error) => error);
      if (process.env.BENCH_DEBUG) console.log(`[pocket stop: ${Date.now() - t0} ms: ${String(out.stdout).trim()} ${String(out.stderr).trim()}]`);
      spawnSync(tmux, ['-L', socket, 'kill-server'], { stdio: 'ignore', timeout: 10_000 });
      // tmux 3.3a leaves the socket file behind after kill-server.
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
      // The tmux server may still be dropping pipe markers while it exits.
      rmSync(home, { recursive: true, force: true, maxRetries: 40, retryDelay: 100 });
    },
  };
  live.add(daemon);
  try {
    const started = spawnSync(process.execPath, [BIN, 'start'], { env, encoding: 'utf8', timeout: 30_000 });
    if (started.status !== 0) throw new Error(`pocket start failed: ${started.stderr || started.stdout}`);
    daemon.pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
    if (!daemon.pid) throw new Error(`no pid in "${started.stdout.trim()}"`);
    client = await connectIpc(join(home, '.state/daemon.sock'));
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

/** utime + stime of a process, in clock ticks. */
export function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy and total clock ticks of the whole machine, from /proc/stat. */
export function machineTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - (cpu[4] ?? 0), total };
}

/** p50/p95/p99/max of a list of numbers (nearest rank). */
export function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1], min: sorted[0] };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls a condition on another process's state, with a deadline; resolves false on timeout. */
export async function waitFor(probe, timeoutMs, everyMs = 50) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return true;
    await sleep(everyMs);
  }
  return Boolean(await probe());
}
