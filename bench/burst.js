// bench/burst: a person sends 150 `/new` in a burst, then `/sessions` — the built daemon (`pocket start`), the embedded
// Bot API in this process as Telegram (flood control on, as Telegram's), real tmux on a private socket, a private
// chat (about 1 message/s: the outbox paces it at one send per second). Prints figures; asserts nothing.
//
//  - until every `/new` is acknowledged (its "Started NAME" line reached the chat, alone or merged with others)
//  - until `/sessions` is answered (a bot message that replies to it, or one holding its "Sessions:" list)
//  - until every session's card is posted (the card's first message; 150 cards at 1/s cannot take less than ~150 s)
//  - Bot API calls to the chat: total, per minute (max in any 60 s), 429s, "message is not modified" answers
//  - messages the chat received, the daemon's peak RSS, and the outbox counters `pocket status --json` shows
//
// Usage: npm run build && node bench/burst.js   (BENCH_BURST=N commands, BENCH_BURST_CARDS_S=S how long to wait for
// the cards, BENCH_BURST_ACK_S=S how long for the answers, BENCH_KEEP=1 keeps the temp home, BENCH_BURST_PROFILE=DIR writes the daemon's CPU profile there)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { startBotApiServer } from '../dist/emulator/index.js';
import { cleanEnv, exec } from './lib/process.js';

const BIN = resolve(import.meta.dirname, '../bin/pocket.js');
const BURST = Number(process.env.BENCH_BURST ?? 150);
const CARDS_TIMEOUT_S = Number(process.env.BENCH_BURST_CARDS_S ?? 900);
const ACK_TIMEOUT_S = Number(process.env.BENCH_BURST_ACK_S ?? 300);
const SESSIONS_TARGET_S = 10;
const OWNER = 5001;
const TOKEN = `7000000003:BENCH${randomBytes(30).toString('hex').slice(0, 30)}`;
const SENDS = ['sendMessage', 'editMessageText', 'sendDocument', 'editMessageReplyMarkup', 'deleteMessage'];

let rig = null;

async function startRig() {
  const emu = await startBotApiServer({ token: TOKEN, botUsername: 'pocket_burst_bot' });
  const owner = emu.user(OWNER, { firstName: 'Owner' });
  const dm = emu.createPrivateChat(owner);
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-burst-'));
  const socket = `pocket-bench-burst-${randomBytes(4).toString('hex')}`;
  const settings = { TELEGRAM_BOT_TOKEN: TOKEN, AUTHORIZED_USER_IDS: String(OWNER), TELEGRAM_API_ROOT: emu.url, POCKET_TMUX_SOCKET: socket, POCKET_IDLE_SECONDS: '3600' };
  writeFileSync(join(home, '.env'), Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  const env = cleanEnv(home);
  if (process.env.BENCH_BURST_PROFILE) {
    env.NODE_OPTIONS = `--import=${resolve(import.meta.dirname, 'lib/cpu-profile.js')}`;
    env.BENCH_TAIL_PROFILE_DIR = resolve(process.env.BENCH_BURST_PROFILE);
  }
  const r = {
    emu, owner, dm, home, socket, pid: 0,
    pocket: (...args) => exec(process.execPath, [BIN, ...args], env),
    async stop() {
      rig = null;
      await r.pocket('stop').catch(() => undefined);
      await exec('tmux', ['-L', socket, 'kill-server'], env).catch(() => undefined);
      // tmux 3.3a leaves the socket file behind after kill-server.
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
      await emu.close();
      if (process.env.BENCH_KEEP) return void console.log(`kept ${home}`);
      try {
        rmSync(home, { recursive: true, force: true, maxRetries: 40, retryDelay: 100 });
      } catch (error) {
        console.error(`could not remove ${home}: ${error.message}`);
      }
    },
  };
  rig = r;
  await r.pocket('start');
  await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll' });
  r.pid = JSON.parse(await r.pocket('status', '--json')).daemon.pid;
  return r;
}

const seconds = (ms) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

async function main() {
  const started = new Date();
  console.log(`bench/burst  ${started.toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${(await exec('tmux', ['-V'])).trim()}`);
  console.log(`${BURST} x /new in a private chat, then /sessions; emulator flood control on (1/s per chat, burst 3, 30/s overall)\n`);
  const r = await startRig();
  const { emu, dm, owner } = r;
  const names = Array.from({ length: BURST }, (_, i) => `b${i + 1}`);
  const since = emu.calls.length;

  let peakRssKb = 0;
  const rss = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${r.pid}/status`, 'utf8'));
      if (m) peakRssKb = Math.max(peakRssKb, Number(m[1]));
    } catch {}
  }, 250);

  const t0 = Date.now();
  for (const name of names) emu.sendText(dm, owner, `/new ${name} sleep 100000`);
  const sessionsAsk = emu.sendText(dm, owner, '/sessions').message.message_id;

  // Each figure is the first moment its condition held, checked on every Bot API call.
  const acked = new Set();
  const carded = new Set();
  let ackedAt = null;
  let sessionsAt = null;
  let cardsAt = null;
  const onCall = (call) => {
    if (!call.ok || Number(call.params.chat_id) !== dm.id) return;
    // The message as Telegram stored it (plain text): the request's text is HTML (`<pre>` around a card).
    const text = String(call.result?.text ?? '');
    if (call.method === 'sendMessage') {
      for (const m of text.matchAll(/^Started (b\d+)\b/gm)) acked.add(m[1]);
      // A card's first line is "▶ NAME — STATE"; a /sessions list line goes on with " — COMMAND" (not a card).
      const card = /^[▶⏸❓■] (b\d+) — [^—\n]+$/.exec(text.split('\n')[0] ?? '');
      if (card) carded.add(card[1]);
      const rp = call.params.reply_parameters;
      const replyTo = (typeof rp === 'string' ? JSON.parse(rp) : (rp ?? {})).message_id;
      // /sessions no longer waits for the /new before it, and the outbox may merge its answer into a message that
      // replies to a confirmation: its first line ("Sessions:" or "No sessions yet.") marks it.
      const isAnswer = /^(Sessions:$|No sessions yet\.)/m.test(text);
      if (sessionsAt === null && (replyTo === sessionsAsk || isAnswer)) sessionsAt = call.atMs - t0;
    }
    if (ackedAt === null && acked.size === BURST) ackedAt = call.atMs - t0;
    if (cardsAt === null && carded.size === BURST) cardsAt = call.atMs - t0;
  };
  emu.on('call', onCall);
  try {
    await emu.waitFor(() => ackedAt !== null && sessionsAt !== null, { timeoutMs: ACK_TIMEOUT_S * 1000, description: 'every /new acknowledged and /sessions answered' });
  } catch (error) {
    console.log(`(${error.message}: ${acked.size}/${BURST} acknowledged, /sessions ${sessionsAt === null ? 'unanswered' : 'answered'})`);
  }
  try {
    await emu.waitFor(() => cardsAt !== null, { timeoutMs: CARDS_TIMEOUT_S * 1000, description: 'every card posted' });
  } catch (error) {
    console.log(`(${error.message}: ${carded.size}/${BURST} cards)`);
  }
  emu.off('call', onCall);
  clearInterval(rss);
  const endAt = Date.now();

  const calls = emu.calls.slice(since).filter((c) => SENDS.includes(c.method) && Number(c.params.chat_id) === dm.id);
  const okTimes = calls.filter((c) => c.ok).map((c) => c.atMs);
  let maxIn60s = 0;
  for (let i = 0, j = 0; i < okTimes.length; i++) {
    while (okTimes[i] - okTimes[j] >= 60_000) j++;
    maxIn60s = Math.max(maxIn60s, i - j + 1);
  }
  const notModified = calls.filter((c) => !c.ok && /not modified/.test(c.error?.description ?? '')).length;
  const minutes = Math.max(1, endAt - t0) / 60_000;
  const status = JSON.parse(await r.pocket('status', '--json'));
  const dropped = (readFileSync(join(r.home, 'logs', 'pocket.log'), 'utf8').match(/"status":"dropped"/g) ?? []).length;
  // When the daemon handled the commands (its audit lines), to tell the handling's share of the wait from the outbox's.
  const audit = readFileSync(join(r.home, 'logs', 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const handledNew = audit.filter((e) => e.action === 'new').map((e) => Date.parse(e.t) - t0);
  const handledSessions = audit.find((e) => e.action === 'sessions');
  const sessionsHandledAt = handledSessions === undefined ? null : Date.parse(handledSessions.t) - t0;
  const botMessages = emu.messages(dm).length;
  await r.stop();

  const verdict = (ok) => (ok ? 'ok' : 'MISSED');
  console.log(`every /new acknowledged        ${seconds(ackedAt)}  (${acked.size}/${BURST})`);
  console.log(`/sessions answered             ${seconds(sessionsAt)}  (target ${SESSIONS_TARGET_S} s: ${verdict(sessionsAt !== null && sessionsAt <= SESSIONS_TARGET_S * 1000)})`);
  console.log(`  the daemon handled the /new   from ${seconds(handledNew[0] ?? null)} to ${seconds(handledNew.at(-1) ?? null)} (${handledNew.length} ok; ${handledNew.length > 1 ? ((handledNew.at(-1) - handledNew[0]) / (handledNew.length - 1)).toFixed(0) : '?'} ms each)`);
  console.log(`  and /sessions                 at ${seconds(sessionsHandledAt)}: answered ${sessionsAt === null || sessionsHandledAt === null ? '?' : seconds(sessionsAt - sessionsHandledAt)} after it was handled`);
  console.log(`every card posted              ${seconds(cardsAt)}  (${carded.size}/${BURST}; the chat's budget allows no less than ~${BURST} s for ${BURST} cards)`);
  console.log(`bot messages in the chat       ${botMessages}`);
  console.log(`Bot API calls to the chat      ${calls.length} in ${seconds(endAt - t0)}: ${(calls.length / minutes).toFixed(0)}/min on average, max ${maxIn60s} in any 60 s (budget 60/min)`);
  console.log(`429s at the emulator           ${emu.rateLimitHits()}`);
  console.log(`"message is not modified"      ${notModified}`);
  console.log(`outbox drops logged            ${dropped}`);
  console.log(`outbox counters (status)       ${JSON.stringify(status.bot?.outbox ?? null)}`);
  console.log(`daemon peak RSS                ${(peakRssKb / 1024).toFixed(0)} MB`);
  console.log(`\ntotal ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
}

process.on('SIGINT', () => void (rig?.stop() ?? Promise.resolve()).then(() => process.exit(130)));
main().catch(async (error) => {
  console.error(error);
  await rig?.stop();
  process.exitCode = 1;
});
