// bench/e2e: the whole product end to end — the built daemon (`pocket start`), the embedded Bot API in this process
// as Telegram (flood control on, as Telegram's), real tmux on a private socket. Prints figures; asserts nothing.
//
//  1. pane output -> the Bot API request at the emulator that carries it (a card edit), p50/p95, with 1 and with 20
//     active sessions. The pane stamps each marker line with bash's $EPOCHREALTIME as it prints it; the emulator
//     logs when the request arrives. The outbox deliberately paces a private chat at one send per second and
//     coalesces card edits, so two figures: raw (arrival - printed), and beyond the window (arrival - max(printed,
//     the moment the outbox was allowed to send to that chat again = previous request to the chat + 1000 ms)).
//     Also pane -> the daemon's output event over IPC (the tailing pipeline alone).
//  2. a user's message -> keys in the pane: `/send` injected at the emulator (its time taken just before) to the
//     moment the pane's `read` returns the line (stamped by the pane). Includes the deliberate 40 ms gap between
//     the text and its Enter (docs/facts.md: TUIs take an Enter that arrives with a paste as a newline); shown raw and
//     without it.
//  3. a 50 MB flood in one pane: Bot API calls to the chat per minute, 429s at the emulator, the final card.
//
// Usage: npm run build && node bench/e2e.js   (BENCH_SAMPLES=N, BENCH_FLOOD_MB=N, BENCH_PHASES=latency,flood,
// BENCH_KEEP=1 keeps the temp homes, BENCH_DEBUG=1 prints the Bot API calls of each output run)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { connectIpc } from '../dist/daemon/ipc/client.js';
import { startBotApiServer } from '../dist/emulator/index.js';
import { cleanEnv, exec } from './lib/process.js';

const BIN = resolve(import.meta.dirname, '../bin/pocket.js');
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const FLOOD_MB = Number(process.env.BENCH_FLOOD_MB ?? 50);
const PRIVATE_INTERVAL_MS = 1000; // the outbox's pacing of a private chat (src/core/outbox.ts DEFAULT_LIMITS)
const ENTER_GAP_MS = 40; // the tmux adapter's gap between typed text and its Enter (src/tmux/tmux-cli.ts)
const OWNER = 5001;
const TOKEN = `7000000002:BENCH${randomBytes(30).toString('hex').slice(0, 30)}`;

const SCRIPTS = {
  // Prints a stamped marker after every quiet interval.
  'marker.sh': 'while :; do sleep "$1"; echo "mark-$2-$EPOCHREALTIME"; done\n',
  // Stamps each line it reads (no tty echo, so only its own line is output).
  'reader.sh': 'stty -echo\nwhile IFS= read -r l; do echo "got:$l:$EPOCHREALTIME"; done\n',
  // A busy session: 4 lines a second, from one process (a shell loop would fork twice a line and load the machine).
  'busy.pl': '$| = 1; my $i = 0; while (1) { $i++; printf "busy-%s-%d %060d\\n", $ARGV[0], $i, $i; select(undef, undef, undef, 0.25); }\n',
  // Asks a [y/N] question after every quiet interval, its time stamped in a file (not printed: a printed line would
  // edit the card and take the chat's send slot); reads the answer.
  'asker.sh': 'while :; do sleep "$1"; echo "$EPOCHREALTIME" > "$2"; printf "Proceed? [y/N] "; read -r a; done\n',
  // FLOOD_MB of numbered lines, then a last line, then quiet.
  'flood.sh':
    'seq -f "flood-%010g-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnop" 1 "$1"\necho FLOOD-DONE\nexec sleep 100000\n',
};
const FLOOD_LINE_BYTES = 'flood-0000000001-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnop\n'.length;

const live = new Set();

/** The emulator, a fresh home with .env, `pocket start`, an IPC client streaming session events. */
async function startRig() {
  const emu = await startBotApiServer({ token: TOKEN, botUsername: 'pocket_bench_bot' });
  const owner = emu.user(OWNER, { firstName: 'Owner' });
  const dm = emu.createPrivateChat(owner);
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-e2e-'));
  const socket = `pocket-bench-e2e-${randomBytes(4).toString('hex')}`;
  for (const [name, text] of Object.entries(SCRIPTS)) writeFileSync(join(home, name), text);
  const settings = { TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: String(OWNER), TELEGRAM_API_ROOT: emu.url, POCKET_TMUX_SOCKET: socket, POCKET_IDLE_SECONDS: '3600' };
  writeFileSync(join(home, '.env'), Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  const env = cleanEnv(home);
  const rig = {
    emu, owner, dm, home, socket,
    pocket: (...args) => exec(process.execPath, [BIN, ...args], env),
    ipc: null,
    pid: 0,
    listeners: new Set(),
    async stop() {
      live.delete(rig);
      rig.ipc?.close();
      await rig.pocket('stop').catch(() => undefined);
      await exec('tmux', ['-L', socket, 'kill-server'], env).catch(() => undefined);
      // tmux 3.3a leaves the socket file behind after kill-server.
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
      await emu.close();
      if (process.env.BENCH_KEEP) return void console.log(`kept ${home}`);
      // The pipe shells may write their last bytes just after kill-server.
      try {
        rmSync(home, { recursive: true, force: true, maxRetries: 40, retryDelay: 100 });
      } catch (error) {
        console.error(`could not remove ${home}: ${error.message}`);
      }
    },
  };
  live.add(rig);
  await rig.pocket('start');
  await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll' });
  rig.pid = JSON.parse(await rig.pocket('status', '--json')).daemon.pid;
  rig.ipc = await connectIpc(join(home, '.state/daemon.sock'));
  await rig.ipc.events((event) => { for (const l of rig.listeners) l(event, Date.now()); }, () => {});
  return rig;
}

async function newSession(rig, name, script, ...args) {
  const created = await rig.ipc.request('session.new', { name, command: `exec ${script.endsWith('.pl') ? 'perl' : 'bash'} ${join(rig.home, script)} ${args.join(' ')}` });
  await rig.emu.waitFor(() => rig.emu.messages(rig.dm).some((m) => m.text?.startsWith(`▶ ${name} — `)), { timeoutMs: 60_000, description: `the card of ${name}` });
  return created;
}

/**
 * Ends a measuring session with Ctrl-C (its loop exits) rather than session.kill: a kill racing the daemon's pane
 * check could take the daemon down (see bench/tail in docs/performance.md).
 */
async function endSession(rig, name) {
  await rig.ipc.request('session.keys', { session: name, keys: ['C-c'] });
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p95: at(0.95), min: s[0], max: s.at(-1) };
}
const fmt = (x) => (x.n === 0 ? 'no samples' : `p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms (min ${x.min.toFixed(1)}, max ${x.max.toFixed(1)}, n=${x.n})`);

/**
 * Output latency: markers every `intervalS` from a marker session until `count` markers reached the emulator.
 * Returns raw / beyond-window / IPC samples.
 */
async function outputLatency(rig, name, intervalS, count) {
  const counted = new Set();
  const raw = [];
  const beyond = [];
  const ipc = [];
  let lastToChat = Number.NEGATIVE_INFINITY;
  const onCall = (call) => {
    if (!['sendMessage', 'editMessageText', 'sendDocument'].includes(call.method) || Number(call.params.chat_id) !== rig.dm.id) return;
    const allowedAt = lastToChat + PRIVATE_INTERVAL_MS;
    if (call.ok) lastToChat = call.atMs;
    if (!call.ok) return;
    for (const m of String(call.params.text ?? '').matchAll(new RegExp(`mark-${name}-(\\d+\\.\\d{6})`, 'g'))) {
      const key = m[1];
      if (counted.has(key)) continue; // shown again in a later edit: only the first request carrying it counts
      counted.add(key);
      const at = Number(key) * 1000;
      if (at < cardAt) continue; // printed before its card existed: that wait is the card's creation, not output
      raw.push(call.atMs - at);
      beyond.push(call.atMs - Math.max(at, allowedAt));
    }
  };
  const onEvent = (event, receivedAt) => {
    if (event.type !== 'output') return;
    for (const line of event.lines ?? []) {
      const m = new RegExp(`^mark-${name}-(\\d+\\.\\d{6})$`).exec(line);
      if (m && Number(m[1]) * 1000 >= cardAt) ipc.push(receivedAt - Number(m[1]) * 1000);
    }
  };
  // Calls made before the session existed still set the chat's pacing.
  for (const call of rig.emu.calls) if (call.ok && Number(call.params.chat_id) === rig.dm.id && ['sendMessage', 'editMessageText', 'sendDocument'].includes(call.method)) lastToChat = call.atMs;
  let cardAt = Number.POSITIVE_INFINITY;
  rig.emu.on('call', onCall);
  rig.listeners.add(onEvent);
  await newSession(rig, name, 'marker.sh', String(intervalS), name);
  cardAt = Date.now();
  await rig.emu.waitFor(() => raw.length >= count, { timeoutMs: (count * intervalS + 60) * 1000 * 3, description: `${count} markers at the emulator` });
  rig.emu.off('call', onCall);
  rig.listeners.delete(onEvent);
  if (process.env.BENCH_DEBUG) {
    const t0 = rig.emu.calls.find((c) => c.method !== 'getUpdates' && c.atMs > Date.now() - 60_000)?.atMs ?? 0;
    for (const c of rig.emu.calls.filter((c) => c.method !== 'getUpdates' && c.atMs >= t0)) {
      console.log(c.method, c.atMs - t0, c.ok, String(c.params.text ?? '').split('\n')[0], (String(c.params.text ?? '').match(/mark-/g) ?? []).length);
    }
  }
  await endSession(rig, name);
  return { raw: stats(raw), beyond: stats(beyond), ipc: stats(ipc) };
}

/** Input latency: `/send NAME mN` injected at the emulator until the pane stamps the line it read. */
async function inputLatency(rig, name, count) {
  await newSession(rig, name, 'reader.sh');
  const raw = [];
  for (let i = 0; i < count; i++) {
    const marker = `m${i}-${randomBytes(3).toString('hex')}`;
    const got = new Promise((done) => {
      const onEvent = (event) => {
        if (event.type !== 'output') return;
        for (const line of event.lines ?? []) {
          const m = new RegExp(`^got:${marker}:(\\d+\\.\\d{6})$`).exec(line);
          if (m) {
            rig.listeners.delete(onEvent);
            done(Number(m[1]) * 1000);
          }
        }
      };
      rig.listeners.add(onEvent);
    });
    const sentAt = Date.now();
    rig.emu.sendText(rig.dm, rig.owner, `/send ${name} ${marker}`);
    raw.push((await got) - sentAt);
    // Let the receipt land before the next one, as a person would.
    await new Promise((r) => setTimeout(r, 50));
  }
  await endSession(rig, name);
  return { raw: stats(raw), beyond: stats(raw.map((x) => x - ENTER_GAP_MS)) };
}

/**
 * Prompt -> alert by screen rule: a [y/N] question after every quiet interval until `count` alerts reached the
 * emulator; each is answered over IPC. Raw = the alert's arrival - the moment the question was printed; beyond =
 * from the later of that and the chat's next send slot (the answer's card edit can still hold the slot).
 */
async function promptLatency(rig, name, intervalS, count) {
  const stampFile = join(rig.home, `${name}.stamp`);
  const raw = [];
  const beyond = [];
  let lastToChat = Number.NEGATIVE_INFINITY;
  let answered = '';
  const onCall = (call) => {
    if (!call.ok || Number(call.params.chat_id) !== rig.dm.id) return;
    if (!['sendMessage', 'editMessageText', 'sendDocument'].includes(call.method)) return;
    const allowedAt = lastToChat + PRIVATE_INTERVAL_MS;
    lastToChat = call.atMs;
    if (call.method !== 'sendMessage' || !String(call.params.text ?? '').startsWith(`❓ ${name} waits for input`)) return;
    const stampText = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
    if (stampText === '' || stampText === answered) return;
    answered = stampText;
    const stamp = Number(stampText) * 1000;
    raw.push(call.atMs - stamp);
    beyond.push(call.atMs - Math.max(stamp, allowedAt));
    void rig.ipc.request('session.send', { session: name, text: 'y' }).catch(() => undefined);
  };
  rig.emu.on('call', onCall);
  await newSession(rig, name, 'asker.sh', String(intervalS), stampFile);
  await rig.emu.waitFor(() => raw.length >= count, { timeoutMs: (count * (intervalS + 3) + 60) * 1000, description: `${count} prompt alerts` });
  rig.emu.off('call', onCall);
  await endSession(rig, name);
  return { raw: stats(raw), beyond: stats(beyond) };
}

async function flood(rig) {
  const lines = Math.ceil((FLOOD_MB * 1e6) / FLOOD_LINE_BYTES);
  const lastLine = `flood-${String(lines).padStart(10, '0')}-`;
  const since = rig.emu.calls.length;
  let readAllAt = 0;
  rig.listeners.add((event, at) => {
    if (event.type === 'output' && (event.lines ?? []).includes('FLOOD-DONE')) readAllAt = at;
  });
  const startedAt = Date.now();
  const created = await rig.ipc.request('session.new', { name: 'flood', command: `exec bash ${join(rig.home, 'flood.sh')} ${lines}` });
  let peakRssKb = 0;
  const rss = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${rig.pid}/status`, 'utf8'));
      if (m) peakRssKb = Math.max(peakRssKb, Number(m[1]));
    } catch {}
  }, 250);
  const card = await rig.emu.waitFor(
    () => rig.emu.messages(rig.dm).find((m) => m.text?.startsWith('▶ flood — ') && m.text.endsWith('\nFLOOD-DONE')),
    { timeoutMs: 15 * 60_000, description: 'the flood card to show FLOOD-DONE' },
  );
  const cardAt = Date.now();
  // Calls per minute over a whole minute from the start, even when the flood is over sooner.
  await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 60_000 - Date.now())));
  clearInterval(rss);
  const calls = rig.emu.calls.slice(since).filter((c) => c.atMs < startedAt + 60_000 && Number(c.params.chat_id) === rig.dm.id && ['sendMessage', 'editMessageText', 'sendDocument', 'deleteMessage', 'editMessageReplyMarkup'].includes(c.method));
  const times = calls.map((c) => c.atMs);
  let maxWindow = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 60_000) j++;
    maxWindow = Math.max(maxWindow, i - j + 1);
  }
  const cardLines = card.text.split('\n');
  return {
    lines,
    pane: created.target,
    readAllS: (readAllAt - startedAt) / 1000,
    cardS: (cardAt - startedAt) / 1000,
    calls: calls.length,
    maxIn60s: maxWindow,
    hits429: rig.emu.rateLimitHits(),
    cardCorrect: cardLines.at(-1) === 'FLOOD-DONE' && cardLines.at(-2)?.startsWith(lastLine),
    lastCardLines: cardLines.slice(-2),
    peakRssMb: peakRssKb / 1024,
  };
}

async function main() {
  const started = new Date();
  console.log(`bench/e2e  ${started.toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${(await exec('tmux', ['-V'])).trim()}`);
  console.log(`samples per figure: ${SAMPLES}; private chat paced at ${PRIVATE_INTERVAL_MS} ms by the outbox\n`);

  const out = (title, r) => {
    console.log(`${title}\n   raw            ${fmt(r.raw)}\n   beyond window  ${fmt(r.beyond)}\n   pane -> IPC    ${fmt(r.ipc)}`);
  };
  const inp = (title, r) => {
    console.log(`${title}\n   raw            ${fmt(r.raw)}\n   minus ${ENTER_GAP_MS} ms gap ${fmt(r.beyond)}`);
  };
  const phases = (process.env.BENCH_PHASES ?? 'latency,prompt,flood').split(',');
  if (phases.includes('latency')) await latencies(out, inp);
  if (phases.includes('prompt')) {
    const rig = await startRig();
    const r = await promptLatency(rig, 'asker', 2.5, Math.max(10, Math.round(SAMPLES / 2)));
    await rig.stop();
    console.log(`4) prompt on screen -> alert at the Bot API (screen rule, settle ${300} ms)\n   raw            ${fmt(r.raw)}\n   beyond window  ${fmt(r.beyond)}`);
  }
  if (phases.includes('flood')) await floodPhase();
  console.log(`\ntotal ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
}

async function latencies(out, inp) {
  const rig = await startRig();
  // --- 1 active session ---
  out('1) output -> Bot API, 1 session, a line every 1.3 s (chat idle)', await outputLatency(rig, 'out1', 1.3, SAMPLES));
  out('1) output -> Bot API, 1 session, a line every 0.2 s (edits coalesced)', await outputLatency(rig, 'out1b', 0.2, SAMPLES));
  inp('2) /send -> line read in the pane, 1 session', await inputLatency(rig, 'in1', SAMPLES));
  // --- 20 active sessions: 19 busy ones (4 lines/s each, so their cards are always due) + the measured one ---
  for (let i = 1; i <= 19; i++) await newSession(rig, `busy${i}`, 'busy.pl', String(i));
  out('1) output -> Bot API, 20 sessions (19 busy), a line every 1.5 s', await outputLatency(rig, 'out20', 1.5, Math.max(10, Math.round(SAMPLES / 2))));
  inp('2) /send -> line read in the pane, 20 sessions (19 busy)', await inputLatency(rig, 'in20', SAMPLES));
  console.log(`429s at the emulator during 1) and 2): ${rig.emu.rateLimitHits()}`);
  await rig.stop();
}

async function floodPhase() {
  const frig = await startRig();
  const f = await flood(frig);
  await frig.stop();
  console.log(`3) ${FLOOD_MB} MB flood in one pane (${f.lines} lines of ${FLOOD_LINE_BYTES} bytes)`);
  console.log(`   daemon read it all in ${f.readAllS.toFixed(1)} s; card showed the last line after ${f.cardS.toFixed(1)} s; daemon peak RSS ${f.peakRssMb.toFixed(0)} MB`);
  console.log(`   Bot API calls to the chat in the first minute: ${f.calls} (max ${f.maxIn60s} in any 60 s; budget 60/min for a private chat)`);
  console.log(`   429s at the emulator: ${f.hits429}`);
  console.log(`   final card correct: ${f.cardCorrect} (last lines: ${JSON.stringify(f.lastCardLines)})`);
}

const stopAll = () => Promise.allSettled([...live].map((r) => r.stop()));
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exitCode = 1;
});
