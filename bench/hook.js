// bench/hook: how fast an agent's hook becomes an alert in the chat. Prints figures; asserts nothing.
//
//  1. the hook's start -> its event at the daemon's door, interleaved: the spool hook exactly as an agent runs it
//     (`/bin/sh -c SCRIPT`, core/agent-hooks.ts spoolScript) until fs.watch on the spool reports its file (what
//     daemon/hook-spool.ts waits on); `pocket hook --session s1 PermissionRequest` (bin/pocket.js ->
//     dist/cli/hook.cjs, the node client sessions started before the spool still run) until its line arrives at a
//     socket that answers like the daemon; and a bare `node -e` that only connects and writes the same line: the
//     floor of any node client on this machine.
//  2. watch: which wakes sooner for a spool file, fs.watch on the directory or chokidar (built on it), each alone,
//     interleaved; from the hook's spawn to the callback.
//  3. alert: the hook's start -> the alert at the embedded Bot API, through the built daemon (`pocket start`), real tmux
//     and the emulator (flood control on, as Telegram's), with a card edit pending: the pane prints a line (its card
//     edit takes the private chat's send slot), then 300 ms later a [y/N] question (its card edit waits for the next
//     slot); the moment the daemon reports the question's output, the bench runs the hook and times from its spawn
//     to the alert's sendMessage arriving at the emulator. Spool hook and `pocket hook` alternate.
//
// Usage: npm run build && node bench/hook.js   (BENCH_RUNS=N for phases 1-2, BENCH_SAMPLES=N per client for phase 3,
// BENCH_PHASES=start,watch,alert; BENCH_KEEP_ENV=1 keeps this workplace's NODE_EXTRA_CA_CERTS, ~50 ms per node start)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, watch, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import chokidar from 'chokidar';
import { hookReplyDirs, spoolScript } from '../dist/core/agent-hooks.js';
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

const PAYLOAD = JSON.stringify({
  session_id: 'c1', cwd: '/x', permission_mode: 'default', hook_event_name: 'PermissionRequest', tool_name: 'Bash',
  tool_input: { command: 'touch /x/ran.txt', description: 'Run the requested command' },
});

/** Spawns node with argv and a Claude-like payload on stdin; resolves when it exits. */
function runNode(argv, env) {
  return run(process.execPath, argv, env);
}

/**
 * Runs a spool hook as Claude Code does (`/bin/sh -c SCRIPT`, the payload on stdin); resolves when it exits. `Stop`
 * drops an empty file; `PermissionRequest` writes its payload, renames it in and waits for its decision.
 */
function runSpoolHook(spoolDir, sessionId, env, event = 'Stop') {
  return run('/bin/sh', ['-c', spoolScript(spoolDir, sessionId, event)], env);
}

/** What the daemon does for a waiting hook's file: takes it (deletes it) and writes an empty decision (lets it go). */
function takeAndLetGo(spoolDir, name) {
  if (!name.includes('.PermissionRequest.wait.')) return;
  rmSync(join(spoolDir, name), { force: true });
  writeFileSync(join(hookReplyDirs(spoolDir).decisions, name), '');
}

function run(program, argv, env) {
  const child = spawn(program, argv, { env, stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin.on('error', () => {}); // a client that exits before reading its stdin
  child.stdin.end(PAYLOAD);
  return new Promise((done) => child.on('exit', done));
}

async function startToDoor() {
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
  const spoolDir = join(home, '.state/hooks/in');
  for (const dir of [spoolDir, ...Object.values(hookReplyDirs(spoolDir))]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const watcher = watch(spoolDir, (_type, name) => {
    if (name === null || !existsSync(join(spoolDir, name))) return;
    arrived?.(performance.now());
    takeAndLetGo(spoolDir, name);
  });
  const env = baseEnv(home);
  const line = JSON.stringify({ v: 1, id: 1, type: 'session.hook', params: { session: 's1', event: 'PermissionRequest', firedAt: 0 } });
  const variants = {
    'spool hook (sh, fs.watch)': () => runSpoolHook(spoolDir, 's1', env),
    'waiting PermissionRequest hook': () => runSpoolHook(spoolDir, 's1', env, 'PermissionRequest'),
    'bare node -e (connect, write)': () => runNode(['-e', `const s=require('net').connect(${JSON.stringify(socketPath)},()=>s.write(${JSON.stringify(`${line}\n`)}));s.on('data',()=>s.destroy())`], env),
    'pocket hook (node)': () => runNode([BIN, '--home', home, 'hook', '--session', 's1', 'PermissionRequest'], env),
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  try {
    for (let n = 0; n < RUNS + 2; n++) {
      for (const [name, start] of Object.entries(variants)) {
        const started = performance.now();
        const at = new Promise((done) => { arrived = done; });
        const exited = start();
        const ms = (await at) - started;
        arrived = null;
        await exited;
        for (const file of readdirSync(spoolDir)) unlinkSync(join(spoolDir, file));
        for (const file of readdirSync(hookReplyDirs(spoolDir).decisions)) unlinkSync(join(hookReplyDirs(spoolDir).decisions, file));
        if (n >= 2) samples[name].push(ms); // the first two warm the file cache
      }
    }
  } finally {
    watcher.close();
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
  console.log("1) the hook's start -> its event at the daemon's door (interleaved runs)");
  for (const [name, s] of Object.entries(samples)) console.log(`   ${name.padEnd(30)} ${fmt(stats(s))}`);
}

/** fs.watch and chokidar, each alone, interleaved: the hook's spawn -> the watcher's callback for its file. */
async function watchers() {
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-hook-watch-'));
  const spoolDir = join(home, 'in');
  mkdirSync(spoolDir, { mode: 0o700 });
  const env = baseEnv(home);
  const variants = {
    'fs.watch (the directory)': async (woke) => {
      const watcher = watch(spoolDir, (_type, name) => {
        if (name !== null && existsSync(join(spoolDir, name))) woke();
      });
      return () => watcher.close();
    },
    'chokidar (add events)': async (woke) => {
      const watcher = chokidar.watch(spoolDir, { ignoreInitial: true, depth: 0 });
      await new Promise((done) => watcher.once('ready', done));
      watcher.on('add', () => woke());
      return () => watcher.close();
    },
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  try {
    for (let n = 0; n < RUNS + 2; n++) {
      for (const [name, start] of Object.entries(variants)) {
        let woke = () => {};
        const at = new Promise((done) => { woke = () => done(performance.now()); });
        const stop = await start(() => woke());
        const started = performance.now();
        const exited = runSpoolHook(spoolDir, 's1', env);
        const ms = (await at) - started;
        await exited;
        await stop();
        for (const file of readdirSync(spoolDir)) unlinkSync(join(spoolDir, file));
        if (n >= 2) samples[name].push(ms);
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  console.log("2) the spool hook's spawn -> the watcher's callback (each watcher alone, interleaved)");
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
  return { emu, dm, owner, home, env, ipc, stop };
}

/** The hook clients phase 3 alternates: how each is started for session `id` of the rig. */
const CLIENTS = {
  spool: (rig, id) => runSpoolHook(join(rig.home, '.state/hooks/in'), id, rig.env, 'PermissionRequest'),
  'pocket hook': (rig, id) => runNode([BIN, '--home', rig.home, 'hook', '--session', id, 'PermissionRequest'], rig.env),
};

async function hookToAlert() {
  const rig = await startRig();
  const names = (process.env.BENCH_HOOK_CLIENTS ?? Object.keys(CLIENTS).join(',')).split(',');
  const per = Object.fromEntries(names.map((name) => [name, { samples: [], slotWaits: [], toDaemon: [], byHook: 0, pressToExit: [] }]));
  let refused = 0;
  const signals = [];
  /** Which client ran each run, in order. */
  const order = [];
  try {
    await rig.ipc.events((event) => {
      if (event.type === 'alert' && event.kind === 'waiting') signals.push({ signal: event.signal, at: event.at });
    }, () => {});
    const created = await rig.ipc.request('session.new', { name: 'asker', command: `exec bash ${join(rig.home, 'asker.sh')}` });
    await rig.emu.waitFor(() => rig.emu.messages(rig.dm).some((m) => m.text?.startsWith('▶ asker — ')), { timeoutMs: 60_000, description: 'the card' });
    const alerts = () => rig.emu.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('❓ asker waits'));
    const hookLines = () => readFileSync(join(rig.home, 'logs/pocket.log'), 'utf8').split('\n').filter((line) => line.includes('"sessions.hook"'));
    for (let n = 1; n <= SAMPLES * names.length; n++) {
      const client = names[(n - 1) % names.length];
      const figures = per[client];
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
      const linesBefore = hookLines().length;
      const runStartedAt = Date.now();
      await rig.ipc.request('session.send', { session: 'asker', text: `go ${n}` });
      await asked;
      // The question is on screen and its card edit waits behind the "working" one: the agent's hook fires now.
      const spawnedAt = Date.now();
      const exited = CLIENTS[client](rig, created.id);
      await rig.emu.waitFor(() => alerts().length > before, { timeoutMs: 10_000, description: `alert ${n}` });
      const alert = alerts()[before];
      const sent = await rig.emu.waitFor(() => rig.emu.messages(rig.dm).filter((m) => m.text?.startsWith('❓ asker waits')).at(-1), { timeoutMs: 10_000, description: 'the alert message' });
      const allow = sent.replyMarkup?.inline_keyboard.flat().find((b) => b.text === 'Allow');
      if (client === 'spool' && allow === undefined) throw new Error(`run ${n}: the spool hook's alert has no Allow: ${JSON.stringify(sent.text)}`);
      if (allow !== undefined) {
        // The waiting hook's request: Allow pressed, timed until the hook prints its decision and exits.
        const pressedAt = performance.now();
        rig.emu.pressButton(rig.dm, rig.owner, sent.messageId, allow.callback_data);
        await exited;
        figures.pressToExit.push(performance.now() - pressedAt);
      } else await exited;
      figures.samples.push(alert.atMs - spawnedAt);
      const previous = rig.emu.calls.filter((c) => ['sendMessage', 'editMessageText'].includes(c.method) && c.atMs < alert.atMs).at(-1);
      figures.slotWaits.push(alert.atMs - (previous?.atMs ?? 0));
      order.push({ figures, startedAt: runStartedAt });
      // The daemon logs each hook with how long after it fired (spool: the file's mtime; node: its start) it arrived.
      // Written when the daemon got the hook, before the alert; the file may lag a moment behind.
      let logged = hookLines()[linesBefore];
      for (let tries = 0; logged === undefined && tries < 100; tries++) {
        await new Promise((done) => setTimeout(done, 20));
        logged = hookLines()[linesBefore];
      }
      if (logged !== undefined) figures.toDaemon.push(JSON.parse(logged).sinceFiredMs);
    }
    refused = rig.emu.rateLimitHits();
    // One alert per run; its event over IPC and its sendMessage leave the daemon together, in no set order.
    await new Promise((done) => setTimeout(done, 500));
    // The first alert of each run: after a decision the asker keeps its question on screen (Claude's dialog closes),
    // and the screen rules may raise it again seconds later.
    order.forEach(({ figures, startedAt }, n) => {
      const first = signals.find((s) => s.at >= startedAt && (order[n + 1] === undefined || s.at < order[n + 1].startedAt));
      if (first?.signal === 'hook') figures.byHook += 1;
    });
  } finally {
    await rig.stop();
  }
  console.log('3) hook start -> the alert at the Bot API, a card edit pending (built daemon, tmux, emulator)');
  for (const [name, f] of Object.entries(per)) {
    console.log(`   ${name}: hook -> alert               ${fmt(stats(f.samples))}`);
    console.log(`   ${name}: of which hook -> the daemon ${fmt(stats(f.toDaemon))}`);
    console.log(`   ${name}: previous send -> alert      ${fmt(stats(f.slotWaits))}   (under 1000: it did not wait for the slot)`);
    console.log(`   ${name}: alerts raised by the hook: ${f.byHook} of ${f.samples.length} (the rest by the screen rules, first)`);
    if (f.pressToExit.length > 0) console.log(`   ${name}: Allow pressed -> the hook printed it and exited ${fmt(stats(f.pressToExit))}`);
  }
  console.log(`   429s at the emulator: ${refused}`);
}

/** Rigs still running, stopped on Ctrl-C or a timeout's SIGTERM so no daemon or tmux server is left behind. */
const stopping = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void Promise.allSettled([...stopping].map((stop) => stop())).then(() => process.exit(130)));
}

const phases = (process.env.BENCH_PHASES ?? 'start,watch,alert').split(',');
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (phases.includes('start')) await startToDoor();
if (phases.includes('watch')) await watchers();
if (phases.includes('alert')) await hookToAlert();
