// bench/cockpit: what the `pocket status` cockpit costs while it is open. The built daemon with 50 tmux sessions, 20
// of them busy (each printing a line every BUSY_PERIOD_MS), the first (selected, so its lines stream into the detail
// pane) among the busy ones; `pocket status` runs in a 160x50 pane of its own tmux server, as a person would run it.
// Over WINDOW_MS: the TUI process's CPU (utime+stime from /proc) as % of a core, and the frames it wrote per second
// (Ink wraps each frame in the synchronized-output pair; the pane's bytes are piped to a file and the pairs counted).
// Figures are reported, not asserted: the exit code is non-zero only when the benchmark itself fails.
// Env: BENCH_COCKPIT_WINDOW_MS (default 20000), BENCH_COCKPIT_BUSY (default 20), BENCH_COCKPIT_PROFILE=DIR writes a CPU
// profile of the TUI there (it is quit with q at the end, so that Node writes it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BIN, CLOCK_TICKS, processTicks, realTmux, sleep, startDaemon, stopAll, waitFor } from './lib/daemon.js';

const SESSIONS = 50;
const BUSY = Number(process.env.BENCH_COCKPIT_BUSY ?? 20);
const BUSY_PERIOD_MS = 50;
const WINDOW_MS = Number(process.env.BENCH_COCKPIT_WINDOW_MS ?? 20_000);
const TARGET_CPU_PCT = 5;
const FRAME_START = '\u001b[?2026h';

const tmux = realTmux();
const viewSocket = `pocket-bench-view-${Math.random().toString(16).slice(2, 10)}`;
const view = (...args) => execFileSync(tmux, ['-L', viewSocket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: envWithoutTmux() });

function envWithoutTmux() {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

function busyCommand(i) {
  // Perl when it is there: 20 Node writers would measure the writers, not the cockpit.
  const hasPerl = spawnSync('perl', ['-e', '1']).status === 0;
  return hasPerl
    ? `perl -e '$|=1; my $n=0; while (1) { printf "busy ${i} line %d: compiling module-%d.c ... ok\\n", $n, $n; $n++; select(undef,undef,undef,${BUSY_PERIOD_MS / 1000}); }'`
    : `node -e 'let n=0; setInterval(() => console.log("busy ${i} line " + n++ + ": compiling ... ok"), ${BUSY_PERIOD_MS})'`;
}

function countFrames(file, fromByte) {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'latin1').slice(fromByte);
  return text.split(FRAME_START).length - 1;
}

function fileSize(file) {
  return existsSync(file) ? readFileSync(file).length : 0;
}

async function main() {
  const daemon = await startDaemon();
  const pipeFile = join(daemon.home, 'cockpit-output.bin');
  try {
    for (let i = 0; i < SESSIONS; i++) {
      const busy = i < BUSY;
      await daemon.client.request('session.new', { name: `${busy ? 'busy' : 'idle'}-${String(i).padStart(2, '0')}`, command: busy ? busyCommand(i) : 'sleep 100000' });
    }
    // The cockpit, in a terminal of its own, on the daemon's home.
    const preload = new URL('./lib/cpu-profile.js', import.meta.url).pathname;
    const profile = process.env.BENCH_COCKPIT_PROFILE ? `BENCH_COCKPIT_PROFILE_DIR='${process.env.BENCH_COCKPIT_PROFILE}' NODE_OPTIONS='--import=${preload}' ` : '';
    view('new-session', '-d', '-s', 'cockpit', '-x', '160', '-y', '50', `${profile}POCKET_HOME='${daemon.home}' exec '${process.execPath}' '${BIN}' status`);
    view('pipe-pane', '-t', 'cockpit', `cat >> '${pipeFile}'`);
    const shown = await waitFor(() => /› busy-00[\s\S]*busy 0 line/.test(view('capture-pane', '-p', '-t', 'cockpit')), 20_000);
    if (!shown) throw new Error(`the cockpit never showed busy-00's lines:\n${view('capture-pane', '-p', '-t', 'cockpit')}`);
    const tuiPid = Number(view('display-message', '-p', '-t', 'cockpit', '#{pane_pid}').trim());
    await sleep(2000); // settle: the first snapshots and the detail's backlog are drawn

    const before = { tui: processTicks(tuiPid), daemon: daemon.cpuTicks(), bytes: fileSize(pipeFile), at: Date.now(), load: loadavg()[0] };
    await sleep(WINDOW_MS);
    const after = { tui: processTicks(tuiPid), daemon: daemon.cpuTicks(), at: Date.now(), load: loadavg()[0] };
    const seconds = (after.at - before.at) / 1000;
    const frames = countFrames(pipeFile, before.bytes);
    const tuiPct = ((after.tui - before.tui) / CLOCK_TICKS / seconds) * 100;
    const daemonPct = ((after.daemon - before.daemon) / CLOCK_TICKS / seconds) * 100;
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${tuiPid}/status`, 'utf8'))?.[1]);
    const screen = view('capture-pane', '-p', '-t', 'cockpit');

    console.log(`machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} CPUs, Node ${process.version}, load average ${before.load.toFixed(1)} -> ${after.load.toFixed(1)}`);
    console.log(`${SESSIONS} sessions, ${BUSY} busy (a line every ${BUSY_PERIOD_MS} ms each: ${Math.round((BUSY * 1000) / BUSY_PERIOD_MS)} lines/s), the selected one busy; 160x50 terminal; ${seconds.toFixed(1)} s window`);
    console.log(`frames written: ${frames} (${(frames / seconds).toFixed(1)} per second; Ink's cap is 20)`);
    console.log(`TUI CPU: ${tuiPct.toFixed(2)}% of a core (target < ${TARGET_CPU_PCT}%: ${tuiPct < TARGET_CPU_PCT ? 'meets target' : 'MISSES target'}), RSS ${(rssKb / 1024).toFixed(0)} MB`);
    console.log(`daemon CPU meanwhile: ${daemonPct.toFixed(1)}% of a core`);
    if (process.env.BENCH_DEBUG) console.log(screen);
    if (process.env.BENCH_COCKPIT_PROFILE) {
      view('send-keys', '-t', 'cockpit', 'q');
      await waitFor(() => !existsSync(`/proc/${tuiPid}`), 10_000);
    }
  } finally {
    spawnSync(tmux, ['-L', viewSocket, 'kill-server'], { stdio: 'ignore', env: envWithoutTmux() });
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, viewSocket), { force: true });
    await daemon.stop();
  }
}

process.on('SIGINT', () => {
  void stopAll().finally(() => process.exit(130));
});
main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exitCode = 1;
});
