// bench/tail: how fast and how cheaply the built daemon turns pane output into session events, on real tmux.
// 1. Latency from a line written in a pane to the daemon's `output` event (received here over IPC), 1 and 50 busy
//    panes each printing a timestamped line every 20 ms. A line is reported once the cursor has left it (its newline).
// 2. Idle cost of 20 idle panes over 30 s: tmux processes the daemon runs (a counting tmux shim first on its PATH)
//    and the daemon's CPU (utime+stime from /proc).
// 3. Flood: one pane printing ~50 MB of numbered lines as fast as it can: peak RSS (VmHWM), time to drain, every
//    line reported exactly once, disk used by .state/panes (sampled every 200 ms).
// Figures are reported, not asserted: the exit code is non-zero only when the benchmark itself fails.
// Env: BENCH_TAIL_PHASES=latency,idle,flood (default all; latency1, latency50 for one run); BENCH_TAIL_PROFILE=DIR writes daemon CPU profiles there;
// BENCH_TAIL_NODE_OPTIONS adds to the daemon's NODE_OPTIONS; BENCH_TAIL_REDACT=off runs the daemons with POCKET_REDACT=off
// (the secret shapes off on every way out, the IPC events to this bench among them; default: on, as shipped).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { CLOCK_TICKS, machineTicks, percentiles, sleep, startDaemon, stopAll, waitFor } from './lib/daemon.js';

const PERIOD_MS = 20;
const BUSY_MS = 10_000;
const IDLE_PANES = 20;
const IDLE_WINDOW_MS = 30_000;
const FLOOD_LINES = 500_000;
const FLOOD_PAD = 90; // "%09d " + 90 x + newline = 101 bytes a line, ~50.5 MB in all
const TARGETS = { p50: 30, p95: 100, spawnsPerS: 0, cpuPct: 1, rssMb: 150 };

const redact = process.env.BENCH_TAIL_REDACT === undefined ? {} : { POCKET_REDACT: process.env.BENCH_TAIL_REDACT };
const phases = new Set((process.env.BENCH_TAIL_PHASES ?? 'latency,idle,flood').split(',').map((s) => s.trim()));
const profileDir = process.env.BENCH_TAIL_PROFILE;
// BENCH_TAIL_NODE_OPTIONS: extra NODE_OPTIONS for the daemon (e.g. `--import=/tmp/probe.mjs` to watch its event loop).
const nodeOptions = [profileDir ? `--import=${new URL('./lib/cpu-profile.js', import.meta.url).pathname}` : '', process.env.BENCH_TAIL_NODE_OPTIONS ?? '']
  .filter(Boolean)
  .join(' ') || undefined;
const now = () => performance.timeOrigin + performance.now();
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const verdict = (ok) => (ok ? 'meets target' : 'MISSES target');

// Runs in each busy pane: waits for the go file, then prints `T:<pane>:<seq>:<epoch ms>` every PERIOD_MS. Perl when
// it is there: 50 Node writers alone keep a 2-core machine busy and would measure the writers, not the daemon.
const PERL_WRITER = `use strict; use Time::HiRes qw(time sleep);
my ($id, $go, $period, $duration) = @ARGV; $| = 1;
print "READY:$id\n";
sleep 0.1 until -e $go;
my $start = time; my $n = 0;
while (1) {
  my $t = time;
  last if ($t - $start) * 1000 >= $duration;
  printf "T:%s:%d:%.3f\n", $id, $n++, $t * 1000;
  my $d = $start + $n * $period / 1000 - time;
  sleep $d if $d > 0;
}
print "DONE:$id:$n\n";
`;
const NODE_WRITER = `
const [id, go, period, duration] = process.argv.slice(2);
const { existsSync } = require('node:fs');
const now = () => performance.timeOrigin + performance.now();
process.stdout.write('READY:' + id + '\\n');
const wait = setInterval(() => {
  if (!existsSync(go)) return;
  clearInterval(wait);
  const start = now();
  let n = 0;
  const tick = () => {
    const t = now();
    if (t - start >= Number(duration)) return process.stdout.write('DONE:' + id + ':' + n + '\\n');
    process.stdout.write('T:' + id + ':' + n++ + ':' + t.toFixed(3) + '\\n');
    setTimeout(tick, Math.max(0, start + n * Number(period) - now()));
  };
  tick();
}, 100);
`;
const PERL = spawnSync('perl', ['-MTime::HiRes', '-e', '1']).status === 0;

/** Routes the daemon's session events to whichever phase is listening. */
async function subscribe(daemon) {
  const sink = { onEvent: () => {}, closed: null };
  await daemon.client.events((e) => sink.onEvent(e, now()), (error) => {
    sink.closed = error;
  });
  return sink;
}

async function latency(daemon, sink, panes) {
  const writer = join(daemon.home, PERL ? 'writer.pl' : 'writer.cjs');
  writeFileSync(writer, PERL ? PERL_WRITER : NODE_WRITER);
  const run = `'${PERL ? 'perl' : process.execPath}' '${writer}'`;
  const go = join(daemon.home, `go-${panes}`);
  const tag = `b${panes}x`;
  const ready = new Set();
  const done = new Map();
  const seen = new Map();
  const total = [];
  const toDaemon = [];
  const toBench = [];
  let foreign = 0;
  sink.onEvent = (e, received) => {
    if (e.type !== 'output') return;
    for (const line of e.lines ?? []) {
      let m = /^T:(\w+):(\d+):([\d.]+)$/.exec(line);
      if (m) {
        const written = Number(m[3]);
        total.push(received - written);
        toDaemon.push(e.at - written);
        toBench.push(received - e.at);
        const key = `${m[1]}:${m[2]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        continue;
      }
      m = /^(READY|DONE):(\w+)(?::(\d+))?$/.exec(line);
      if (m?.[1] === 'READY') ready.add(m[2]);
      else if (m?.[1] === 'DONE') done.set(m[2], Number(m[3]));
      else foreign++;
    }
  };
  const names = Array.from({ length: panes }, (_, i) => `${tag}${i}`);
  const createStart = now();
  for (const name of names) {
    if (sink.closed) throw sink.closed;
    await daemon.client.request('session.new', { name, command: `${run} ${name} '${go}' ${PERIOD_MS} ${BUSY_MS}; exec sleep 100000` }, 20_000);
  }
  if (!(await waitFor(() => ready.size === panes || sink.closed, 30_000)) || sink.closed) {
    throw sink.closed ?? new Error(`only ${ready.size}/${panes} writers started`);
  }
  const setupMs = now() - createStart;
  const server = daemon.tmuxServerPid();
  const before = { daemon: daemon.cpuTicks(), tmux: daemon.cpuTicks(server), machine: machineTicks(), at: now() };
  writeFileSync(go, '');
  const allDone = await waitFor(() => done.size === panes || sink.closed, BUSY_MS + 30_000);
  if (sink.closed) throw sink.closed;
  const wallS = (now() - before.at) / 1000;
  const machine = machineTicks();
  const cpu = {
    wallS,
    daemon: ((daemon.cpuTicks() - before.daemon) / CLOCK_TICKS / wallS) * 100,
    tmux: ((daemon.cpuTicks(server) - before.tmux) / CLOCK_TICKS / wallS) * 100,
    machine: ((machine.busy - before.machine.busy) / (machine.total - before.machine.total)) * 100,
  };
  await sleep(300);
  sink.onEvent = () => {};
  let expected = 0;
  for (const n of done.values()) expected += n;
  let dup = 0;
  for (const count of seen.values()) if (count > 1) dup += count - 1;
  // No session.kill here: each run has its own daemon, stopped with its tmux server afterwards.
  return {
    panes,
    setupMs,
    cpu,
    total: percentiles(total),
    toDaemon: percentiles(toDaemon),
    toBench: percentiles(toBench),
    expected,
    received: seen.size,
    dup,
    foreign,
    allDone,
  };
}

async function idle(daemon, sink) {
  const states = new Map();
  sink.onEvent = (e) => {
    if (e.state) states.set(e.sessionId, e.state);
  };
  for (let i = 0; i < IDLE_PANES; i++) {
    if (sink.closed) throw sink.closed;
    const created = await daemon.client.request('session.new', { name: `idle${i}`, command: 'echo ready; exec sleep 100000' }, 20_000);
    if (!states.has(created.id)) states.set(created.id, created.state);
  }
  const settled = await waitFor(() => [...states.values()].filter((s) => s === 'idle').length === IDLE_PANES || sink.closed, 30_000);
  if (sink.closed) throw sink.closed;
  if (!settled) throw new Error(`sessions did not all go idle: ${JSON.stringify([...states.values()])}`);
  // Past the tail's one 'quiet' check per pane (3 s after its last output), then as still as it gets.
  await sleep(4_000);
  const calls0 = daemon.tmuxCalls();
  const cpu0 = daemon.cpuTicks();
  const t0 = now();
  await sleep(IDLE_WINDOW_MS);
  const cpu1 = daemon.cpuTicks();
  const t1 = now();
  const calls1 = daemon.tmuxCalls();
  sink.onEvent = () => {};
  const wallS = (t1 - t0) / 1000;
  const window = calls1.slice(calls0.length);
  const bySub = {};
  for (const call of window) {
    const sub = call.split(' ').find((w, i, all) => i > 0 && all[i - 1] !== '-L' && all[i - 1] !== '-f' && !w.startsWith('-')) ?? call;
    bySub[sub] = (bySub[sub] ?? 0) + 1;
  }
  return {
    wallS,
    setupCalls: calls0.length,
    spawns: window.length,
    spawnsPerS: window.length / wallS,
    bySub,
    cpuPct: ((cpu1 - cpu0) / CLOCK_TICKS / wallS) * 100,
    cpuTicks: cpu1 - cpu0,
    rssMb: daemon.memoryKb('VmRSS') / 1024,
  };
}

async function flood(daemon, sink) {
  const seen = new Uint8Array(FLOOD_LINES + 1);
  let received = 0;
  let outOfOrder = 0;
  let last = 0;
  let foreign = 0;
  let startTs = Number.NaN;
  let gaps = 0;
  let largestGap = 0;
  let endTs = Number.NaN;
  let endAt = Number.NaN;
  let firstAt = Number.NaN;
  const body = 'x'.repeat(FLOOD_PAD);
  sink.onEvent = (e, at) => {
    if (e.type !== 'output') return;
    for (const line of e.lines ?? []) {
      if (line.length === 10 + FLOOD_PAD && line.endsWith(body)) {
        const n = Number(line.slice(0, 9));
        if (Number.isNaN(firstAt)) firstAt = at;
        if (n >= 1 && n <= FLOOD_LINES) {
          seen[n] = Math.min(255, seen[n] + 1);
          received++;
          if (n < last) outOfOrder++;
          else if (n > last + 1) {
            gaps++;
            largestGap = Math.max(largestGap, n - last - 1);
          }
          last = n;
          continue;
        }
      }
      const m = /^FLOOD-(START|END):(\d+)$/.exec(line);
      if (m?.[1] === 'START') startTs = Number(m[2]) / 1e6;
      else if (m?.[1] === 'END') {
        endTs = Number(m[2]) / 1e6;
        endAt = at;
      } else foreign++;
    }
  };
  let diskMax = 0;
  let rssMaxSampled = 0;
  const sample = () => {
    try {
      diskMax = Math.max(diskMax, daemon.panesBytes());
      rssMaxSampled = Math.max(rssMaxSampled, daemon.memoryKb('VmRSS'));
    } catch {
      // a file went between readdir and stat
    }
  };
  const sampler = setInterval(sample, 200);
  const rssBefore = daemon.memoryKb('VmRSS');
  const awk = `awk 'BEGIN{p=sprintf("%${FLOOD_PAD}s",""); gsub(/ /,"x",p); for(i=1;i<=${FLOOD_LINES};i++) printf "%09d %s\\n", i, p}'`;
  const command = `echo FLOOD-START:$(date +%s%N); ${awk}; echo FLOOD-END:$(date +%s%N); exec sleep 100000`;
  try {
    const asked = now();
    await daemon.client.request('session.new', { name: 'flood', command }, 20_000);
    // The START line can itself be among the lost ones: then the flood starts when it was asked for.
    if (Number.isNaN(startTs)) startTs = asked;
    await waitFor(() => !Number.isNaN(endAt) || sink.closed, 100_000, 100);
    if (sink.closed) throw sink.closed;
    await sleep(500);
    sample();
  } finally {
    clearInterval(sampler);
    sink.onEvent = () => {};
  }
  let missing = 0;
  let dup = 0;
  for (let n = 1; n <= FLOOD_LINES; n++) {
    if (seen[n] === 0) missing++;
    else if (seen[n] > 1) dup += seen[n] - 1;
  }
  return {
    bytes: FLOOD_LINES * (11 + FLOOD_PAD),
    printMs: endTs - startTs,
    drainMs: endAt - endTs,
    totalMs: endAt - startTs,
    firstLineMs: firstAt - startTs,
    endSeen: !Number.isNaN(endAt),
    received,
    missing,
    gaps,
    largestGap,
    dup,
    outOfOrder,
    foreign,
    diskMax,
    rssBeforeMb: rssBefore / 1024,
    rssMaxSampledMb: rssMaxSampled / 1024,
    hwmMb: daemon.memoryKb('VmHWM') / 1024,
  };
}

function printLatency(r) {
  const t = r.total;
  console.log(`latency, ${r.panes} busy pane${r.panes > 1 ? 's' : ''} (a line every ${PERIOD_MS} ms each, ${BUSY_MS / 1000} s, ${PERL ? 'perl' : 'node'} writers): ${t.n} lines`);
  console.log(`  pane -> event here   p50 ${ms(t.p50)}  p95 ${ms(t.p95)}  p99 ${ms(t.p99)}  max ${ms(t.max)}  (min ${ms(t.min)})`);
  console.log(`  of which pane -> daemon emit p50 ${ms(r.toDaemon.p50)} p95 ${ms(r.toDaemon.p95)}; daemon emit -> here p50 ${ms(r.toBench.p50)} p95 ${ms(r.toBench.p95)}`);
  console.log(`  lines: ${r.received}/${r.expected} received once, ${r.dup} duplicated, ${r.foreign} other lines${r.allDone ? '' : ', NOT all writers finished'}`);
  console.log(`  CPU from go to the last line (${r.cpu.wallS.toFixed(1)} s): daemon ${r.cpu.daemon.toFixed(0)}% of a core, tmux server ${r.cpu.tmux.toFixed(0)}%, whole machine ${r.cpu.machine.toFixed(0)}% busy; setup (sessions and writers) took ${ms(r.setupMs)}`);
  if (r.panes === 50) console.log(`  target at 50 panes: p50 < ${TARGETS.p50} ms, p95 < ${TARGETS.p95} ms -> ${verdict(t.p50 < TARGETS.p50 && t.p95 < TARGETS.p95)}`);
}

function printIdle(r) {
  console.log(`idle, ${IDLE_PANES} idle panes over ${r.wallS.toFixed(1)} s (after ${r.setupCalls} tmux calls to set them up):`);
  console.log(`  tmux processes spawned: ${r.spawns} (${r.spawnsPerS.toFixed(2)}/s)${r.spawns > 0 ? ` ${JSON.stringify(r.bySub)}` : ''}  target 0/s -> ${verdict(r.spawns === 0)}`);
  console.log(`  daemon CPU: ${r.cpuPct.toFixed(2)}% of one core (${r.cpuTicks} ticks of 1/${CLOCK_TICKS} s)  target < ${TARGETS.cpuPct}% -> ${verdict(r.cpuPct < TARGETS.cpuPct)}`);
  console.log(`  daemon RSS at idle: ${r.rssMb.toFixed(1)} MB`);
}

function printFlood(r) {
  console.log(`flood, one pane printing ${FLOOD_LINES} numbered lines (${mb(r.bytes)}) as fast as it can:`);
  console.log(`  pane printed it in ${ms(r.printMs)}; last line reported ${ms(r.drainMs)} after it was printed (drain); ${ms(r.totalMs)} from first byte to last event (${(r.bytes / 1024 / 1024 / (r.totalMs / 1000)).toFixed(1)} MB/s)`);
  console.log(`  lines: ${r.received}/${FLOOD_LINES} reported, ${r.missing} missing (${r.gaps} gaps, largest ${r.largestGap} lines), ${r.dup} duplicated, ${r.outOfOrder} out of order, end marker ${r.endSeen ? 'seen' : 'NOT seen within 100 s'} -> ${verdict(r.missing === 0 && r.dup === 0 && r.endSeen)} (nothing lost)`);
  console.log(`  daemon peak RSS (VmHWM): ${r.hwmMb.toFixed(1)} MB (RSS ${r.rssBeforeMb.toFixed(1)} MB before; max sampled ${r.rssMaxSampledMb.toFixed(1)} MB)  target < ${TARGETS.rssMb} MB -> ${verdict(r.hwmMb < TARGETS.rssMb)}`);
  console.log(`  .state/panes max size during the flood: ${mb(r.diskMax)} (sampled every 200 ms)`);
}

async function main() {
  const cpu = cpus();
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, node ${process.version}, ${new Date().toISOString()}`);
  console.log(`targets: p50 < ${TARGETS.p50} ms and p95 < ${TARGETS.p95} ms at 50 panes; 0 tmux spawns/s and < ${TARGETS.cpuPct}% CPU with ${IDLE_PANES} idle panes; peak RSS < ${TARGETS.rssMb} MB in a 50 MB flood, nothing lost, disk bounded`);
  const m0 = machineTicks();
  await sleep(1000);
  const m1 = machineTicks();
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`redaction (POCKET_REDACT): ${redact.POCKET_REDACT ?? 'on (default)'}`);
  console.log(`background: machine ${(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100).toFixed(0)}% busy over 1 s before the bench, load average ${load}`);
  if (!existsSync(new URL('../dist/daemon/ipc/client.js', import.meta.url))) throw new Error('dist/ is missing: run `npm run build` first');
  // A fresh daemon per run, so one run's sessions, CPU and peak memory do not leak into the next.
  for (const panes of [1, 50].filter((n) => phases.has('latency') || phases.has(`latency${n}`))) {
    const daemon = await startDaemon({ settings: { POCKET_IDLE_SECONDS: '30' }, nodeOptions });
    try {
      printLatency(await latency(daemon, await subscribe(daemon), panes));
      console.log(`  daemon peak RSS during the run: ${(daemon.memoryKb('VmHWM') / 1024).toFixed(1)} MB`);
    } finally {
      await daemon.stop();
    }
  }
  if (phases.has('idle')) {
    const daemon = await startDaemon({ settings: { POCKET_IDLE_SECONDS: '1' }, nodeOptions });
    try {
      printIdle(await idle(daemon, await subscribe(daemon)));
    } finally {
      await daemon.stop();
    }
  }
  if (phases.has('flood')) {
    const daemon = await startDaemon({ settings: { POCKET_IDLE_SECONDS: '30', ...redact }, nodeOptions });
    try {
      printFlood(await flood(daemon, await subscribe(daemon)));
    } finally {
      await daemon.stop();
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  console.error(`bench/tail failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
