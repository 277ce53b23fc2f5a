// bench/terminal-app: what mirroring Terminal.app tabs costs. Terminal pushes nothing, so a mirrored tab is polled,
// each poll one osascript run (all due tabs in one call). The daemon's real TabFollower (dist/) follows tabs of the
// fake osascript (test/fixtures/terminal-app/) for a while in each mode; the fake counts the calls. The counts times
// a timing model of the real osascript give the cost on a Mac. Prints figures; asserts nothing.
//
// Timing model of one real call (not measurable here: no macOS): 150 ms wall, 80 ms CPU. Sources: ~100-300 ms per
// osascript Apple-event round trip (juan294/summon#294); user 0.056 s + sys 0.024 s for a JXA osascript run
// (openradar 21759799, `time osascript x.scpt`). A history read (more than a screenful scrolled between two polls)
// is a second call of the same kind plus the text; counted like any call.
//
// Each mode is counted after an 11 s warm-up (an adoption counts as a change: the first 10 s run at the active rate).
// Polls are serial and their intervals run from each poll's start, so a call slower than the interval (the fake, a
// node process, takes a few hundred ms on a loaded machine) lowers the measured rate: the expected rate with a real
// osascript is printed beside it.
//
// Usage: npm run build && node bench/terminal-app.js   (BENCH_TAB_SECONDS=S per mode, default 30)
import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TAB_POLL_MS } from '../dist/core/tab-polling.js';
import { TabFollower } from '../dist/daemon/sessions/tab-follower.js';
import { createTerminalApp } from '../dist/terminal-app/terminal-app.js';

const SECONDS = Number(process.env.BENCH_TAB_SECONDS ?? 30);
const WARM_UP_MS = 11_000;
const MODEL = { wallMs: 150, cpuMs: 80 };
const FIXTURES = resolve(import.meta.dirname, '../test/fixtures/terminal-app');
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };

function fake(dir, change) {
  const state = JSON.parse(readFileSync(join(FIXTURES, 'tabs.json'), 'utf8'));
  change?.(state);
  const stateFile = join(dir, 'state.json');
  const logFile = join(dir, 'calls.log');
  writeFileSync(stateFile, JSON.stringify(state));
  writeFileSync(logFile, '');
  const bin = join(dir, 'osascript');
  writeFileSync(bin, `#!/bin/sh\nFAKE_TERMINAL_STATE='${stateFile}' FAKE_OSASCRIPT_LOG='${logFile}' exec '${process.execPath}' '${join(FIXTURES, 'fake-osascript.mjs')}' "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    bin,
    calls: () => readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).slice(3)),
    print(tty, text) {
      const next = JSON.parse(readFileSync(stateFile, 'utf8'));
      next.windows.flatMap((w) => w.tabs).find((t) => t.tty === tty).history += text;
      writeFileSync(`${stateFile}.next`, JSON.stringify(next));
      renameSync(`${stateFile}.next`, stateFile);
    },
  };
}

/** Follows `ttys` for SECONDS after the warm-up; `during` runs each 200 ms. Returns calls per minute. */
async function run(name, ttys, { change, during, look, interval } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pocket-bench-tabs-'));
  try {
    const f = fake(dir, change);
    const terminal = createTerminalApp({ platform: process.platform, osascript: f.bin, scriptDir: dir });
    const follower = new TabFollower({
      terminal, idleMs: 60_000, clock: { now: () => Date.now() }, log: quiet, changes: new EventEmitter(),
      emit() {}, view: (id) => ({ id, name: id }), onTabClosed: async () => {},
    });
    const tabs = await terminal.listTabs();
    for (const [i, tty] of ttys.entries()) await follower.follow(`s${i + 1}`, tabs.find((t) => t.tty === tty));
    const adopted = Date.now();
    let n = 0;
    while (Date.now() - adopted < WARM_UP_MS) {
      await new Promise((r) => setTimeout(r, 200));
      during?.(f, n++);
    }
    const before = f.calls().length;
    const started = Date.now();
    if (look) for (let i = 0; i < ttys.length; i++) follower.looked(`s${i + 1}`);
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 200));
      during?.(f, n++);
      if (look && n % 100 === 0) for (let i = 0; i < ttys.length; i++) follower.looked(`s${i + 1}`);
    }
    const elapsed = (Date.now() - started) / 1000;
    await follower.stop();
    const calls = f.calls().slice(before);
    const perMin = (calls.length / elapsed) * 60;
    const history = calls.filter((c) => c[0] === 'history').length;
    const expected = 60_000 / Math.max(interval, MODEL.wallMs);
    return { name, tabs: ttys.length, perMin, history: (history / elapsed) * 60, expected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const notBusy = (state) => {
  for (const tab of state.windows.flatMap((w) => w.tabs)) tab.busy = false;
};
/** The fake's own time per call here (a node process: what bounds the measured rates). */
async function fakeCallMs() {
  const dir = mkdtempSync(join(tmpdir(), 'pocket-bench-tabs-'));
  try {
    const terminal = createTerminalApp({ platform: process.platform, osascript: fake(dir).bin, scriptDir: dir });
    const times = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await terminal.readTabs(['/dev/ttys003']);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[5];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const callMs = await fakeCallMs();
const results = [];
results.push(await run('idle (shell at its prompt)', ['/dev/ttys003'], { change: notBusy, interval: TAB_POLL_MS.idle }));
results.push(await run('idle, 3 tabs', ['/dev/ttys003', '/dev/ttys004', '/dev/ttys007'], { change: notBusy, interval: TAB_POLL_MS.idle }));
results.push(await run('busy (a program runs, silent < 5 min)', ['/dev/ttys004'], { interval: TAB_POLL_MS.active }));
results.push(await run('output flowing (a line every 200 ms)', ['/dev/ttys003'], { change: notBusy, interval: TAB_POLL_MS.active, during: (f, n) => f.print('/dev/ttys003', `line ${n}\n`) }));
results.push(await run('a chat looking (/tail, /send in the last minute)', ['/dev/ttys003'], { change: notBusy, look: true, interval: TAB_POLL_MS.watched }));

console.log(`bench/terminal-app: ${SECONDS} s per mode on ${cpus().length}x ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(`poll intervals (core/tab-polling.ts): watched ${TAB_POLL_MS.watched} ms, active ${TAB_POLL_MS.active} ms, idle ${TAB_POLL_MS.idle} ms`);
console.log(`model of one real osascript call: ${MODEL.wallMs} ms wall, ${MODEL.cpuMs} ms CPU; the fake's call here: median ${callMs.toFixed(0)} ms`);
console.log('mode | tabs | calls/min measured with the fake (history reads) | calls/min expected with osascript | modelled osascript busy s/min | modelled CPU (% of one core)');
for (const r of results) {
  const wall = (r.expected * MODEL.wallMs) / 1000;
  const cpu = ((r.expected * MODEL.cpuMs) / 60_000) * 100;
  console.log(`${r.name} | ${r.tabs} | ${r.perMin.toFixed(1)} (${r.history.toFixed(1)}) | ${r.expected.toFixed(0)} | ${wall.toFixed(1)} | ${cpu.toFixed(1)}%`);
}
