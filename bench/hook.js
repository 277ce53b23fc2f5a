// bench/hook: how fast an agent's hook becomes an alert in the chat. Prints figures; asserts nothing.
//
//  1. node start -> the line at the socket: `pocket hook --session s1 PermissionRequest` exactly as an agent runs it
//     (bin/pocket.js -> dist/cli/hook.cjs), against a socket that answers like the daemon, interleaved with a bare
//     `node -e` that only connects and writes the same line: the floor any node hook client has on this machine.
//  2. the hook's start -> the alert at the embedded Bot API, through the built daemon (`pocket start`), real tmux and
//     the emulator (flood control on, as Telegram's), with a card edit pending: the pane prints a line (its card
//     edit takes the private chat's send slot), then 300 ms later a [y/N] question (its card edit waits for the next
//     slot); the moment the daemon reports the question's output, the bench runs the hook and times from its spawn
//     to the alert's sendMessage arriving at the emulator. Before issue 15's outbox change the alert waited for the
//     chat's next slot behind that edit.
//
// Usage: npm run build && node bench/hook.js   (BENCH_RUNS=N for phase 1, BENCH_SAMPLES=N for phase 2,
// BENCH_PHASES=start,alert; BENCH_KEEP_ENV=1 keeps this workplace's NODE_EXTRA_CA_CERTS, ~50 ms per node start)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectIpc } from '../dist/daemon/ipc/client.js';
import { startBotApiServer } from '../dist/emulator/index.js';
import { cleanEnv, exec } from './lib/process.js';

const BIN = resolve(import.meta.dirname, '../bin/pocket.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const OWNER = 5001;
const TOKEN = `7000000003:BENCH${randomBytes(30).toString('hex').slice(0, 30)}`;

function baseEnv(home) {
  const env = cleanEnv(home);
  // Not pocket's cost and not set on a usual machine (bench/cli-startup.js says more).
  if (process.env.BENCH_KEEP_ENV !== '1') delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p95: at(0.95), min: s[0], max: s.at(-1) };
}
const fmt = (x) => `median ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms (min ${x.min.toFixed(1)}, max ${x.max.toFixed(1)}, n=${x.n})`;

/** Spawns node with argv and a Claude-like payload on stdin; resolves when it exits. */
function runNode(argv, env) {
  const child = spawn(process.execPath, argv, { env, stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin.on('error', () => {}); // a client that exits before reading its stdin
  child.stdin.end('{"hook_event_name":"PermissionRequest","tool_name":"Bash"}');
  return new Promise((done) => child.on('exit', done));
}

async function startToSocket() {
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-hook-'));
  mkdirSync(join(home, '.state'), { mode: 0o700 });
  const socketPath = join(home, '.state/daemon.sock');
  let arrived = null;
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      arrived?.(performance.now());
      const request = JSON.parse(buffer.slice(0, end));
      socket.end(`${JSON.stringify({ v: 1, id: request.id ?? 1, ok: true, result: { received: true } })}\n`);
    });
    socket.on('error', () => {});
  });
  await new Promise((done) => server.listen(socketPath, done));
  const env = baseEnv(home);
  const line = JSON.stringify({ v: 1, id: 1, type: 'session.hook', params: { session: 's1', event: 'PermissionRequest', firedAt: 0 } });
  const variants = {
    'bare node -e (connect, write)': ['-e', `const s=require('net').connect(${JSON.stringify(socketPath)},()=>s.write(${JSON.stringify(`${line}\n`)}));s.on('data',()=>s.destroy())`],
    'pocket hook': [BIN, '--home', home, 'hook', '--session', 's1', 'PermissionRequest'],
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  try {
    for (let n = 0; n < RUNS + 2; n++) {
      for (const [name, argv] of Object.entries(variants)) {
        const started = performance.now();
        const at = new Promise((done) => { arrived = done; });
        const exited = runNode(argv, env);
        const ms = (await at) - started;
        await exited;
        if (n >= 2) samples[name].push(ms); // the first two warm the file cache
      }
    }
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
  console.log('1) node start -> the hook line at the socket (interleaved runs)');
  for (const [name, s] of Object.entries(samples)) console.log(`   ${name.padEnd(30)} ${fmt(stats(s))}`);
}

/** `pocket start` on a fresh home against the emulator, and an IPC client. */
async function startRig() {
  const emu = await startBotApiServer({ token: TOKEN, botUsername: 'pocket_bench_bot' });
  const owner = emu.user(OWNER, { firstName: 'Owner' });
  const dm = emu.createPrivateChat(owner);
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-hook-e2e-'));
  const socket = `pocket-bench-hook-${randomBytes(4).toString('hex')}`;
  const settings = { TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: String(OWNER), TELEGRAM_API_ROOT: emu.url, POCKET_TMUX_SOCKET: socket, POCKET_IDLE_SECONDS: '3600' };
  writeFileSync(join(home, '.env'), Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  // For every line it is given: prints a line, then a question 300 ms later, and says so in a file (the question has
  // no newline, so it is not in the daemon's output events). Then, for 3 s, it keeps redrawing the line above the
  // question, as Claude Code redraws its dialog: the screen rules see the question only at two looks a second apart,
  // so the alert is the hook's, as with Claude.
  mkdirSync(join(home, 'asked'));
  writeFileSync(
    join(home, 'asker.sh'),
    [
      'n=0',
      'while IFS= read -r go; do',
      '  n=$((n+1)); echo "working-$n"; sleep 0.3',
      `  printf "Proceed %s? [y/N] " "$n"; : > '${join(home, 'asked')}'/$n`,
      '  for i in $(seq 1 30); do sleep 0.1; printf "\\e7\\e[1A\\rworking-%s %s\\e8" "$n" "$i"; done',
      'done',
      '',
    ].join('\n'),
  );
  const env = baseEnv(home);
  const pocket = (...args) => exec(process.execPath, [BIN, ...args], env);
  let ipc = null;
  const stop = async () => {
    stopping.delete(stop);
    ipc?.close();
    await pocket('stop').catch(() => undefined);
    await exec('tmux', ['-L', socket, 'kill-server'], env).catch(() => undefined);
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    await emu.close();
    rmSync(home, { recursive: true, force: true, maxRetries: 40, retryDelay: 100 });
  };
  stopping.add(stop);
  try {
    await pocket('start');
    await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll' });
    ipc = await connectIpc(join(home, '.state/daemon.sock'));
  } catch (error) {
    await stop();
    throw error;
  }
  return { emu, dm, home, env, ipc, stop };
}

async function hookToAlert() {
  const rig = await startRig();
  const samples = [];
  const slotWaits = [];
  let refused = 0;
  let toDaemon = [];
  const signals = [];
  try {
    await rig.ipc.events((event) => {
      if (event.type === 'alert' && event.kind === 'waiting') signals.push(event.signal);
    }, () => {});
    const created = await rig.ipc.request('session.new', { name: 'asker', command: `exec bash ${join(rig.home, 'asker.sh')}` });
    await rig.emu.waitFor(() => rig.emu.messages(rig.dm).some((m) => m.text?.startsWith('▶ asker — ')), { timeoutMs: 60_000, description: 'the card' });
    const alerts = () => rig.emu.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('❓ asker waits'));
    for (let n = 1; n <= SAMPLES; n++) {
      // The redraws of the last question over, then two slots of quiet: every run starts from the same pacing state.
      await new Promise((done) => setTimeout(done, n === 1 ? 2_500 : 5_000));
      const askedFile = join(rig.home, 'asked', String(n));
      const asked = new Promise((done) => {
        const watcher = watch(join(rig.home, 'asked'), () => {
          if (!existsSync(askedFile)) return;
          watcher.close();
          done();
        });
      });
      const before = alerts().length;
      await rig.ipc.request('session.send', { session: 'asker', text: `go ${n}` });
      await asked;
      // The question is on screen and its card edit waits behind the "working" one: the agent's hook fires now.
      const spawnedAt = Date.now();
      const exited = runNode([BIN, '--home', rig.home, 'hook', '--session', created.id, 'PermissionRequest'], rig.env);
      await rig.emu.waitFor(() => alerts().length > before, { timeoutMs: 10_000, description: `alert ${n}` });
      await exited;
      const alert = alerts()[before];
      samples.push(alert.atMs - spawnedAt);
      const previous = rig.emu.calls.filter((c) => ['sendMessage', 'editMessageText'].includes(c.method) && c.atMs < alert.atMs).at(-1);
      slotWaits.push(alert.atMs - (previous?.atMs ?? 0));
    }
    refused = rig.emu.rateLimitHits();
    // The daemon logs each hook with how long after the hook process started it arrived.
    toDaemon = readFileSync(join(rig.home, 'logs/pocket.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"sessions.hook"'))
      .map((line) => JSON.parse(line).sinceFiredMs);
  } finally {
    await rig.stop();
  }
  console.log('2) hook start -> the alert at the Bot API, a card edit pending (built daemon, tmux, emulator)');
  console.log(`   hook -> alert                  ${fmt(stats(samples))}`);
  console.log(`   of which hook -> the daemon    ${fmt(stats(toDaemon))}   (node start, connect, one line)`);
  console.log(`   alerts raised by the hook: ${signals.filter((s) => s === 'hook').length} of ${signals.length} (the rest by the screen rules, first)`);
  console.log(`   previous send to the chat -> alert ${fmt(stats(slotWaits))}   (under 1000: it did not wait for the slot)`);
  console.log(`   429s at the emulator: ${refused}`);
}

/** Rigs still running, stopped on Ctrl-C or a timeout's SIGTERM so no daemon or tmux server is left behind. */
const stopping = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void Promise.allSettled([...stopping].map((stop) => stop())).then(() => process.exit(130)));
}

const phases = (process.env.BENCH_PHASES ?? 'start,alert').split(',');
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (phases.includes('start')) await startToSocket();
if (phases.includes('alert')) await hookToAlert();
