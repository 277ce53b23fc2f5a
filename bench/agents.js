// bench/agents: agent sessions' cost on the chat and on the daemon. Prints figures; asserts nothing.
//
//  1. first agent event -> first card edit: the bot service, the agent sessions and a scripted backend in this
//     process (dist/), the embedded Bot API with flood control on, a private chat; each turn's first step is emitted
//     once the chat's send slot is free (the turn's own "running" edit has gone 1.1 s before), and the time until
//     Telegram receives the card's editMessageText is taken (BENCH_AGENTS_TURNS turns, default 10).
//  2. a long streamed turn: a step or a text delta every 50 ms for BENCH_AGENTS_STREAM_S seconds (default 60): card
//     edits per minute, 429s, and the newest step on the card at the end.
//  3. the built daemon (`pocket start`) with the fake codex app-server (test/fixtures/agents/fake-codex.mjs) as
//     POCKET_CODEX_PATH: its RSS before and after 5 codex sessions each ran a turn.
//
// Usage: npm run build && node bench/agents.js
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createBotService } from '../dist/bot/bot-service.js';
import { Redactor } from '../dist/core/redact.js';
import { AgentSessions } from '../dist/daemon/agents/agent-sessions.js';
import { openBotStores } from '../dist/daemon/compose.js';
import { SessionService } from '../dist/daemon/sessions/service.js';
import { startBotApiServer } from '../dist/emulator/index.js';
import { createFileLogger } from '../dist/log.js';
import { homePaths } from '../dist/state/paths.js';
import { cleanEnv, exec } from './lib/process.js';

const BIN = resolve(import.meta.dirname, '../bin/pocket.js');
const FAKE_CODEX = resolve(import.meta.dirname, '../test/fixtures/agents/fake-codex.mjs');
const TURNS = Number(process.env.BENCH_AGENTS_TURNS ?? 10);
const STREAM_S = Number(process.env.BENCH_AGENTS_STREAM_S ?? 60);
const OWNER = 5001;

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A backend whose turns the bench drives: each turn waits for the bench to hand it a function. */
class ScriptedBackend {
  kind = 'claude';
  turns = [];
  waiters = [];
  async availability() { return { ok: true, executable: 'bench', version: null }; }
  runTurn(context, input, handlers, signal) {
    return new Promise((resolveTurn) => {
      const turn = { context, input, handlers, signal, finish: (text) => resolveTurn({ outcome: 'completed', text, usage: null, changedFiles: [], diff: null }) };
      this.turns.push(turn);
      for (const w of this.waiters.splice(0)) w(turn);
    });
  }
  nextTurn() { return new Promise((r) => this.waiters.push(r)); }
  async listRecent() { return []; }
  async lastExchange() { return null; }
  async close() {}
}

function noPanesTmux() {
  return new Proxy({}, { get: (_t, m) => (m === 'listPanes' ? async () => [] : m === 'then' ? undefined : () => { throw new Error(`tmux.${String(m)}`); }) });
}

async function inProcessRig() {
  const emu = await startBotApiServer({ botUsername: 'pocket_agents_bench_bot' });
  const owner = emu.user(OWNER, { firstName: 'Owner' });
  const chat = emu.createPrivateChat(owner);
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-agents-'));
  const paths = homePaths(home);
  mkdirSync(paths.state, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const redactor = new Redactor([emu.token]);
  const log = createFileLogger({ file: paths.daemonLog, redactor, level: 'info' });
  const backend = new ScriptedBackend();
  const sessions = new SessionService({ tmux: noPanesTmux(), stateDir: paths.state, panesDir: paths.panes, log, changes: new EventEmitter(), idleMs: 3_600_000 });
  const agents = new AgentSessions({ sessions, backends: { claude: backend }, env: { claude: {}, codex: {} }, defaultCwd: home, imagesDir: join(paths.state, 'agent-images'), log });
  const bot = createBotService({
    settings: { botToken: emu.token, apiRoot: emu.url, chatId: chat.id, authorizedUserIds: [OWNER], staleSeconds: 300, redact: true, secrets: [emu.token] },
    log, redactor, stores: openBotStores(paths.state, log), files: { auditLog: paths.auditLog, daemonLog: paths.daemonLog }, onStatusChange: () => {}, agents,
  }, sessions);
  for (const s of [sessions, agents, bot.service]) await s.start();
  await emu.waitFor(() => emu.polling, { timeoutMs: 15_000 });
  return {
    emu, owner, chat, backend, sessions,
    async close() {
      for (const s of [bot.service, agents, sessions]) await s.stop().catch(() => undefined);
      await emu.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function firstEdit(rig) {
  const { emu, chat, owner, backend } = rig;
  emu.sendText(chat, owner, '/claude');
  const card = await emu.waitFor(() => emu.messages(chat).find((m) => /^claude claude — /.test(m.text ?? '')), { timeoutMs: 15_000 });
  const latencies = [];
  for (let i = 0; i < TURNS; i++) {
    // The chat's send slot is free again (1 per second in a private chat): what is measured is pocket, not pacing.
    await wait(1500);
    const turnStarted = backend.nextTurn();
    emu.sendText(chat, owner, `/send claude turn ${i}`);
    const turn = await turnStarted;
    // The turn's start is an edit of its own ("running"): the first event is timed once its slot is free again, as
    // with a real agent, whose first event comes after its model answers (well over a second here).
    await emu.waitFor(() => /claude — running/.test(emu.message(chat, card.messageId)?.text ?? ''), { timeoutMs: 15_000 });
    await wait(1100);
    const since = emu.calls.length;
    const t0 = performance.now();
    turn.handlers.onEvent({ type: 'step', step: { kind: 'command', id: `c${i}`, command: `npm test -- ${i}`, status: 'running', exitCode: null } });
    await emu.waitFor(() => emu.calls.slice(since).some((c) => c.method === 'editMessageText' && c.params.message_id === card.messageId && c.ok), { timeoutMs: 15_000 });
    latencies.push(performance.now() - t0);
    await wait(1100);
    turn.finish(`done ${i}`);
    await emu.waitFor(() => emu.messages(chat).some((m) => m.text === `done ${i}`), { timeoutMs: 15_000 });
  }
  return { card, latencies };
}

async function longTurn(rig, card) {
  const { emu, chat, owner, backend } = rig;
  await wait(1500);
  const turnStarted = backend.nextTurn();
  emu.sendText(chat, owner, '/send claude a long one');
  const turn = await turnStarted;
  const since = emu.calls.length;
  const hitsBefore = emu.rateLimitHits();
  const t0 = performance.now();
  let events = 0;
  while (performance.now() - t0 < STREAM_S * 1000) {
    const n = events++;
    if (n % 2 === 0) turn.handlers.onEvent({ type: 'step', step: { kind: 'command', id: `s${n % 40}`, command: `step ${n}`, status: n % 4 === 0 ? 'running' : 'done', exitCode: n % 4 === 0 ? null : 0 } });
    else turn.handlers.onEvent({ type: 'text', delta: ` word${n}` });
    await wait(50);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const last = `step ${events % 2 === 0 ? events - 2 : events - 1}`;
  await emu.waitFor(() => (emu.message(chat, card.messageId)?.text ?? '').includes(last), { timeoutMs: 15_000 });
  const edits = emu.calls.slice(since).filter((c) => c.method === 'editMessageText' && c.params.message_id === card.messageId);
  turn.finish('long done');
  return { events, elapsedS, edits: edits.length, failed: edits.filter((c) => !c.ok).length, hits: emu.rateLimitHits() - hitsBefore };
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : null;
}

async function daemonRss() {
  const token = `7000000004:BENCH${randomBytes(30).toString('hex').slice(0, 30)}`;
  const emu = await startBotApiServer({ token, botUsername: 'pocket_agents_rss_bot' });
  const owner = emu.user(OWNER, { firstName: 'Owner' });
  const dm = emu.createPrivateChat(owner);
  const home = mkdtempSync(join(tmpdir(), 'pocket-bench-agents-rss-'));
  const project = join(home, 'project');
  const codexHome = join(home, 'codex-home');
  mkdirSync(project);
  mkdirSync(codexHome);
  const socket = `pocket-bench-agents-${randomBytes(4).toString('hex')}`;
  const settings = {
    TELEGRAM_BOT_TOKEN: token, AUTHORIZED_USER_IDS: String(OWNER), TELEGRAM_API_ROOT: emu.url, POCKET_TMUX_SOCKET: socket,
    POCKET_CODEX_PATH: FAKE_CODEX, POCKET_AGENT_CWD: project,
  };
  writeFileSync(join(home, '.env'), Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  const env = { ...cleanEnv(home), CODEX_HOME: codexHome };
  const pocket = (...args) => exec(process.execPath, [BIN, ...args], env);
  try {
    await pocket('start');
    await emu.waitFor(() => emu.polling, { timeoutMs: 15_000 });
    const pid = JSON.parse(await pocket('status', '--json')).daemon.pid;
    await wait(2000);
    const before = rssKiB(pid);
    for (let i = 0; i < 5; i++) emu.sendText(dm, owner, '/codex steps');
    await emu.waitFor(() => emu.messages(dm).filter((m) => /^Fixed the bug\./.test(m.text ?? '')).length === 5, { timeoutMs: 60_000 });
    const sessions = JSON.parse(await pocket('status', '--json')).sessions.filter((s) => s.kind === 'codex').length;
    await wait(2000);
    return { before, after: rssKiB(pid), sessions };
  } finally {
    await pocket('stop').catch(() => undefined);
    await exec('tmux', ['-L', socket, 'kill-server'], env).catch(() => undefined);
    await emu.close();
    rmSync(home, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}

async function main() {
  console.log(`bench/agents  ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  const rig = await inProcessRig();
  try {
    const { card, latencies } = await firstEdit(rig);
    console.log(`first agent event -> first card edit (${latencies.length} turns): median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    const long = await longTurn(rig, card);
    console.log(`long streamed turn: ${long.events} events in ${long.elapsedS.toFixed(1)} s -> ${long.edits} card edits (${(long.edits / (long.elapsedS / 60)).toFixed(1)} per minute), ${long.failed} failed, ${long.hits} x 429`);
  } finally {
    await rig.close();
  }
  const rss = await daemonRss();
  console.log(`daemon RSS (built daemon, fake codex app-server): ${(rss.before / 1024).toFixed(1)} MiB at start, ${(rss.after / 1024).toFixed(1)} MiB with ${rss.sessions} codex sessions after a turn each`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
