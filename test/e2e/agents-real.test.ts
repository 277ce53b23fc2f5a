// The real coding agents through the chat: the built daemon (`pocket start`), the embedded Bot API as Telegram, the
// REAL `codex` and the REAL Claude Code (both from the agents cache, scripts/install-agents.sh) against loopback
// stand-ins for their model APIs in this test process: no network, no account. Per agent: a turn whose card is edited
// and whose answer arrives as a new message; a reply to that answer that resumes the real thread (the stand-in's next
// request carries the earlier prompt); a shell command the model asks for, allowed from the chat (the file exists)
// and denied from the chat (it does not, and the chat is told).
// What the stand-in "model" does is in the prompt: `escalate: CMD` (codex, a command outside its sandbox, which it
// asks about) and `run: CMD` (claude, a Bash call) ask for the shell; anything else gets a text answer.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RequestBody, type ModelServer, startModelServer } from '../../scripts/capture-agent-screens/model-server.js';
import { agentsCacheDir } from '../../src/agents/claude/sdk-loader.js';
import { localProviderConfig, promptsOf, type ResponsesStandIn, startResponsesStandIn } from '../agents/codex/responses-stand-in.js';
import { type BotRig, type RigOptions, rigForFile } from '../helpers/bot-rig.js';
import { eventually, isAlive } from '../helpers/pocket.js';
import { announceSkip, bundledClaude, claudeSdkMissing } from '../helpers/claude-sdk.js';

const CACHE = agentsCacheDir();
const CODEX = join(CACHE, 'node_modules/.bin/codex');
const codexMissing = existsSync(CODEX) ? null : `no codex at ${CODEX}: run scripts/install-agents.sh (or set POCKET_AGENTS_CACHE)`;
const claudeMissing = claudeSdkMissing ?? (bundledClaude ? null : `the SDK in ${CACHE} has no Claude Code binary for this platform`);
announceSkip('test/e2e/agents-real.test.ts (codex)', codexMissing);
announceSkip('test/e2e/agents-real.test.ts (claude)', claudeMissing);

/** A cold real agent takes 2-3 s to start and a turn 1-3 model calls; several times that on a loaded 2-core machine. */
const REAL_TURN_MS = 60_000;

/** A temp root per agent: the daemon's HOME (the agents keep their state under it), its TMPDIR, the project folder. */
interface AgentRoot {
  root: string;
  home: string;
  tmp: string;
  project: string;
}

function agentRoot(prefix: string): AgentRoot {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const paths = { root, home: join(root, 'home'), tmp: join(root, 'tmp'), project: join(root, 'project') };
  for (const dir of [paths.home, paths.tmp, paths.project]) mkdirSync(dir);
  return paths;
}

/** Live processes whose environment holds `entry` (NAME=value): the daemon and the agent processes it started. */
function processesWith(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry) && isAlive(Number(name))) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** After the rig's daemon stopped: none of the agent processes it started may be left; any that is, is killed. */
async function noAgentProcessesLeft(entry: string): Promise<void> {
  try {
    await eventually(() => processesWith(entry).length === 0, { timeoutMs: 10_000, what: `no process with ${entry} left` });
  } catch (error) {
    for (const pid of processesWith(entry)) process.kill(pid, 'SIGKILL');
    throw error;
  }
}

const markOf = (rig: BotRig) => (): number => rig.emu.messages(rig.chat, { from: 'all' }).at(-1)?.messageId ?? 0;

describe.skipIf(codexMissing !== null)('the real codex through the chat', () => {
  let paths: AgentRoot;
  let model: ResponsesStandIn;
  // Filled in once the stand-in listens, before the rig starts (hooks run in the order they are registered).
  const options: RigOptions = { env: {}, processEnv: {} };
  beforeAll(async () => {
    paths = agentRoot('pocket-e2e-real-codex-');
    const codexHome = join(paths.root, 'codex-home');
    mkdirSync(codexHome);
    model = await startResponsesStandIn();
    writeFileSync(
      join(codexHome, 'config.toml'),
      localProviderConfig(model.port),
    );
    // The daemon's own environment: the agent gets CODEX_HOME and the provider's key variable through its allow-list.
    Object.assign(options.env!, { POCKET_CODEX_PATH: CODEX, POCKET_AGENT_CWD: paths.project });
    Object.assign(options.processEnv!, { HOME: paths.home, TMPDIR: paths.tmp, CODEX_HOME: codexHome, LOCAL_KEY: 'stand-in-key' });
  });
  // Registered before the rig's, so run after it closed (after-hooks run in reverse): the daemon is stopped by then.
  afterAll(async () => {
    if (paths) await noAgentProcessesLeft(`CODEX_HOME=${join(paths.root, 'codex-home')}`);
    await model?.close();
    if (paths) rmSync(paths.root, { recursive: true, force: true });
  });

  let rig: BotRig;
  rigForFile((r) => {
    rig = r;
  }, options, 40_000);

  it('a turn shows on its card and answers as a new message; a reply to the answer resumes the thread with its history', async () => {
    const mark = markOf(rig);
    rig.say('/codex remember the word apple');
    const card = await rig.botMessage(/^codex codex — /);
    const answer = await rig.botMessage(/^Heard: remember the word apple; earlier: /, { timeoutMs: REAL_TURN_MS });
    expect(answer.messageId).toBeGreaterThan(card.messageId);
    // A stand-in turn may end before the card is first sent (it is then sent idle): its edits are checked below.
    await rig.edited(card.messageId, /codex — idle[\s\S]*last turn: done/);

    const since = mark();
    const before = model.requests.length;
    rig.say('which word?', { replyTo: answer.messageId });
    await rig.botMessage(/^Heard: which word\?; earlier: remember the word apple/, { afterId: since, timeoutMs: REAL_TURN_MS });
    const sent = model.requests.slice(before).find((input) => promptsOf(input).at(-1) === 'which word?');
    expect(sent && promptsOf(sent)).toEqual(['remember the word apple', 'which word?']);
    // The daemon and its codex app-server (which outlives turns) both run with this CODEX_HOME: the check after the
    // rig closed, that none is left, looks for the right processes.
    expect(processesWith(`CODEX_HOME=${join(paths.root, 'codex-home')}`).length).toBeGreaterThanOrEqual(2);
  }, 2 * REAL_TURN_MS);

  it('a command the model asks to run: Allow from the chat creates the file, Deny does not and the chat is told', async () => {
    const mark = markOf(rig);
    let since = mark();
    rig.say('/send codex escalate: touch allowed-by-chat.txt');
    const ask = await rig.botMessage(/codex codex asks to use command:\n\$ touch allowed-by-chat\.txt/, { afterId: since, timeoutMs: REAL_TURN_MS });
    expect(existsSync(join(paths.project, 'allowed-by-chat.txt'))).toBe(false);
    const card = rig.emu.messages(rig.chat).find((m) => /^codex codex — /.test(m.text ?? ''))!;
    await rig.edited(card.messageId, /codex — waiting for you/);
    rig.press(ask.messageId, '✅ Allow');
    await rig.edited(ask.messageId, /→ Allowed \(by Owner\)/);
    await rig.botMessage(/^Tool result: .*exited with code 0/, { afterId: since, timeoutMs: REAL_TURN_MS });
    expect(existsSync(join(paths.project, 'allowed-by-chat.txt'))).toBe(true);
    await rig.edited(card.messageId, /codex — idle[\s\S]*✓ \$ touch allowed-by-chat\.txt \(exit 0\)/);

    since = mark();
    rig.say('/send codex escalate: touch denied-by-chat.txt');
    const second = await rig.botMessage(/asks to use command:\n\$ touch denied-by-chat\.txt/, { afterId: since, timeoutMs: REAL_TURN_MS });
    rig.press(second.messageId, '⛔ Deny');
    await rig.edited(second.messageId, /→ Denied \(by Owner\)/);
    await rig.botMessage(/^Tool result: .*rejected by user/, { afterId: since, timeoutMs: REAL_TURN_MS });
    expect(existsSync(join(paths.project, 'denied-by-chat.txt'))).toBe(false);
  }, 3 * REAL_TURN_MS);
});

describe.skipIf(claudeMissing !== null)('the real Claude Code through the chat', () => {
  let paths: AgentRoot;
  let model: ModelServer;
  const requests: RequestBody[] = [];
  const options: RigOptions = { env: {}, processEnv: {} };
  beforeAll(async () => {
    paths = agentRoot('pocket-e2e-real-claude-');
    Object.assign(options.env!, { POCKET_AGENT_CWD: paths.project });
    model = await startModelServer({ onRequest: (_method, path, body) => path === '/v1/messages' && requests.push(body) });
    // Through the daemon's environment, which the agent allow-list passes on (ANTHROPIC_*, CLAUDE_*); the SDK is
    // found in the agents cache through POCKET_AGENTS_CACHE.
    Object.assign(options.processEnv!, {
      HOME: paths.home,
      TMPDIR: paths.tmp,
      POCKET_AGENTS_CACHE: CACHE,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${model.port}`,
      ANTHROPIC_API_KEY: 'sk-ant-test-offline',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
  });
  afterAll(async () => {
    if (model) await noAgentProcessesLeft(`ANTHROPIC_BASE_URL=http://127.0.0.1:${model.port}`);
    await model?.close();
    if (paths) rmSync(paths.root, { recursive: true, force: true });
  });

  let rig: BotRig;
  rigForFile((r) => {
    rig = r;
  }, options, 40_000);

  const userTexts = (body: RequestBody): string => JSON.stringify((body.messages as { role: string }[]).filter((m) => m.role === 'user'));

  it('a turn shows on its card and answers as a new message; a reply to the answer resumes the session with its history', async () => {
    const mark = markOf(rig);
    rig.say('/claude hello from the phone, first prompt');
    const card = await rig.botMessage(/^claude claude — /);
    const answer = await rig.botMessage(/^Nothing to do\./, { timeoutMs: REAL_TURN_MS });
    expect(answer.messageId).toBeGreaterThan(card.messageId);
    // A stand-in turn may end before the card is first sent (it is then sent idle): its edits are checked below.
    await rig.edited(card.messageId, /claude — idle[\s\S]*last turn: done/);

    const since = mark();
    requests.length = 0;
    rig.say('and a second prompt', { replyTo: answer.messageId });
    await rig.botMessage(/^Nothing to do\./, { afterId: since, timeoutMs: REAL_TURN_MS });
    const sent = requests.find((body) => userTexts(body).includes('and a second prompt'));
    expect(sent && userTexts(sent)).toContain('hello from the phone, first prompt');
  }, 2 * REAL_TURN_MS);

  it('a Bash command the model asks for: Allow from the chat creates the file, Deny does not and the chat is told', async () => {
    const mark = markOf(rig);
    let since = mark();
    rig.say('/send claude run: touch allowed-by-chat.txt');
    const ask = await rig.botMessage(/claude claude asks to use Bash:\n\$ touch allowed-by-chat\.txt/, { afterId: since, timeoutMs: REAL_TURN_MS });
    expect(existsSync(join(paths.project, 'allowed-by-chat.txt'))).toBe(false);
    const card = rig.emu.messages(rig.chat).find((m) => /^claude claude — /.test(m.text ?? ''))!;
    await rig.edited(card.messageId, /claude — waiting for you/);
    // The daemon and the turn's Claude Code process, waiting for the answer: what the check after the rig closed looks for.
    expect(processesWith(`ANTHROPIC_BASE_URL=http://127.0.0.1:${model.port}`).length).toBeGreaterThanOrEqual(2);
    rig.press(ask.messageId, '✅ Allow');
    await rig.edited(ask.messageId, /→ Allowed \(by Owner\)/);
    await rig.botMessage(/^The tool ran/, { afterId: since, timeoutMs: REAL_TURN_MS });
    expect(existsSync(join(paths.project, 'allowed-by-chat.txt'))).toBe(true);
    await rig.edited(card.messageId, /claude — idle[\s\S]*✓ \$ touch allowed-by-chat\.txt \(exit 0\)/);

    since = mark();
    rig.say('/send claude run: touch denied-by-chat.txt');
    const second = await rig.botMessage(/asks to use Bash:\n\$ touch denied-by-chat\.txt/, { afterId: since, timeoutMs: REAL_TURN_MS });
    rig.press(second.messageId, '⛔ Deny');
    await rig.edited(second.messageId, /→ Denied \(by Owner\)/);
    await rig.botMessage(/^The tool was refused/, { afterId: since, timeoutMs: REAL_TURN_MS });
    expect(existsSync(join(paths.project, 'denied-by-chat.txt'))).toBe(false);
  }, 3 * REAL_TURN_MS);
});
