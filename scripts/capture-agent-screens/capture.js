// Captures the real question screens of Claude Code and Codex CLI as screen fixtures, and checks which keys answer
// them: each CLI runs in tmux (own -L socket, 100x30) against the loopback stand-in of model-server.js, is driven
// with send-keys, and every answer key is judged by its effect (the command ran or not, the file changed, the answer
// came back). See README.md here for how to install the CLIs and run this; it is not part of `npm test`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startModelServer } from './model-server.js';

const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: process.env.AGENTS_DIR ?? '/tmp/agents' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../test/fixtures/screens') },
    only: { type: 'string' },
  },
});
const CLAUDE = join(opts.agents, 'node_modules/.bin/claude');
const CODEX = join(opts.agents, 'node_modules/.bin/codex');
const SOCKET = `pocket-capture-${process.pid}`;
const BASE = join(tmpdir(), 'pocket-capture');
const PROJECT = join(BASE, 'demo-app');
const TMUX_CONF = join(BASE, 'tmux.conf');
const API_KEY = 'sk-ant-capture-0123456789abcdef';
const WIDTH = 100;
const HEIGHT = 30;

/** @param {string} file @param {string[]} args @returns {Promise<string>} */
function run(file, args) {
  return new Promise((done, fail) => {
    execFile(file, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${file} ${args.join(' ')}: ${stderr || error.message}`));
      else done(stdout);
    });
  });
}

const tmux = (/** @type {string[]} */ ...args) => run('tmux', ['-L', SOCKET, '-f', TMUX_CONF, ...args]);

// ---- results ----

/** @type {{ screen: string, key: string, expected: string, ok: boolean }[]} */
const checks = [];
/** @type {string[]} */
const saved = [];

function record(screen, key, expected, ok) {
  checks.push({ screen, key, expected, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${screen}: ${key} -> ${expected}`);
}

// ---- a pane running one CLI ----

class Pane {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
  }

  /**
   * @param {string} name
   * @param {{ cwd: string, env: Record<string, string>, argv: string[] }} how
   */
  static async start(name, how) {
    const env = Object.entries(how.env).map(([k, v]) => `${k}=${v}`);
    await tmux('new-session', '-d', '-s', name, '-x', String(WIDTH), '-y', String(HEIGHT), '-c', how.cwd, '--', 'env', '-i', ...env, ...how.argv);
    return new Pane(name);
  }

  screen() {
    return tmux('capture-pane', '-p', '-t', this.name);
  }

  async dead() {
    return (await tmux('display-message', '-p', '-t', this.name, '#{pane_dead}')).trim() === '1';
  }

  /**
   * Polls until test(screen) holds; throws with the last screen after the deadline.
   * @param {(screen: string) => boolean | Promise<boolean>} test
   */
  async waitFor(what, test, ms = 30_000) {
    const deadline = Date.now() + ms;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (await test(screen)) return screen;
      await sleep(250);
    }
    throw new Error(`${this.name}: no ${what} within ${ms / 1000} s; screen:\n${screen}`);
  }

  waitText(text, ms) {
    return this.waitFor(JSON.stringify(text), (s) => s.includes(text), ms);
  }

  /** Presses keys: tmux key names, or single characters sent literally. */
  async press(...keys) {
    for (const key of keys) {
      await tmux('send-keys', '-t', this.name, ...(Array.from(key).length === 1 ? ['-l', '--', key] : [key]));
    }
  }

  /**
   * Types text, waits for it to show, then presses Enter on its own (Enter inside a paste is a newline). A TUI that
   * is still starting can drop what is typed: then the screen stays as it was, and the text is typed again.
   */
  async submit(text) {
    for (let attempt = 1; ; attempt++) {
      const before = await this.screen();
      await tmux('send-keys', '-t', this.name, '-l', '--', text);
      if (await shows(this, text, 3_000)) break;
      // The screen changed, so the text may still be on its way: wait for it rather than type it twice.
      if (attempt === 3 || (await this.screen()) !== before) {
        await this.waitText(text, 5_000);
        break;
      }
    }
    await sleep(150);
    await tmux('send-keys', '-t', this.name, 'Enter');
  }

  /** Saves the screen as it is now as test/fixtures/screens/NAME.txt. */
  async save(fixture) {
    writeFileSync(join(opts.out, `${fixture}.txt`), await this.screen());
    saved.push(fixture);
  }

  kill() {
    return tmux('kill-session', '-t', this.name).catch(() => undefined);
  }
}

/** True once `test` holds, false when it still does not after ms. */
async function eventually(test, ms = 8_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await test()) return true;
    await sleep(200);
  }
  return false;
}

/** True once the pane shows text, false when it still does not after ms. */
const shows = (pane, text, ms = 8_000) => eventually(async () => (await pane.screen()).includes(text), ms);

const inProject = (file) => join(PROJECT, file);
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});

// ---- Claude Code ----

// Idle: the input line is empty and nothing is running.
const claudeIdle = (s) => /^❯\s*$/m.test(s) && !/esc to interrupt/i.test(s);

/** A home whose ~/.claude.json has onboarding done; trust and the API key are approved too unless `firstStart`. */
function claudeHome(name, firstStart) {
  const home = join(BASE, `home-${name}`);
  mkdirSync(home, { recursive: true });
  /** @type {Record<string, unknown>} */
  const config = { hasCompletedOnboarding: true };
  if (firstStart !== 'onboarded') {
    config.projects = { [PROJECT]: { hasTrustDialogAccepted: true } };
    if (firstStart !== 'trusted') config.customApiKeyResponses = { approved: [API_KEY.slice(-20)], rejected: [] };
  }
  writeFileSync(join(home, '.claude.json'), JSON.stringify(config));
  return home;
}

async function startClaude(name, port, firstStart) {
  const home = claudeHome(name, firstStart);
  const pane = await Pane.start(name, {
    cwd: PROJECT,
    env: {
      HOME: home,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TERM: 'tmux-256color',
      LANG: 'C.UTF-8',
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
      ANTHROPIC_API_KEY: API_KEY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
    argv: [CLAUDE],
  });
  return { pane, home };
}

async function claudeFirstStart(port) {
  const { pane, home } = await startClaude('claude-first', port, 'onboarded');
  await pane.waitText('Yes, I trust this folder');
  await pane.save('claude-real-trust-folder');
  await pane.press('1');
  await pane.waitText('Do you want to use this API key?');
  const trusted = readJson(join(home, '.claude.json')).projects?.[PROJECT]?.hasTrustDialogAccepted === true;
  record('claude trust folder', '1', 'trusts the folder, goes on', trusted);
  await pane.save('claude-real-api-key');
  await pane.press('1');
  await pane.waitFor('idle input', claudeIdle);
  const approved = readJson(join(home, '.claude.json')).customApiKeyResponses?.approved ?? [];
  record('claude API key', '1', 'uses the key', approved.includes(API_KEY.slice(-20)));
  await pane.kill();

  const { pane: untrusted } = await startClaude('claude-untrusted', port, 'onboarded');
  await untrusted.waitText('Yes, I trust this folder');
  await untrusted.press('2');
  record('claude trust folder', '2', 'exits', await eventually(() => untrusted.dead()));
  await untrusted.kill();

  const { pane: keyNo, home: keyNoHome } = await startClaude('claude-key-no', port, 'trusted');
  await keyNo.waitText('Do you want to use this API key?');
  await keyNo.press('2');
  const rejected = await eventually(
    () => (readJson(join(keyNoHome, '.claude.json')).customApiKeyResponses?.rejected ?? []).includes(API_KEY.slice(-20)),
  );
  record('claude API key', '2', 'rejects the key', rejected);
  await keyNo.kill();
}

/** Asks for a command, answers the permission menu with keys, and records whether the command ran. */
async function claudeCommand(pane, { file, keys, runs, fixture, after }) {
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`run: touch ${file}`);
  await pane.waitText('Do you want to proceed?');
  if (fixture) await pane.save(fixture);
  await pane.press(...keys);
  const ok = runs ? await eventually(() => existsSync(inProject(file))) : await refused(pane, 'Do you want to proceed?', inProject(file));
  record('claude Bash permission', keys.join(' '), runs ? 'runs the command' : 'refuses it', ok);
  await pane.waitFor('idle input', claudeIdle);
  if (after) await pane.save(after);
}

/** Waits for the question to leave the screen, then for a moment more: true when `file` (if any) was not written. */
async function refused(pane, question, file) {
  await pane.waitFor('the question gone', (s) => !s.includes(question));
  await sleep(1_000);
  return file === undefined || !existsSync(file);
}

async function claudeMain(port) {
  const { pane } = await startClaude('claude', port, 'ready');
  await claudeCommand(pane, { file: 'approved-1.txt', keys: ['1'], runs: true, fixture: 'claude-real-bash', after: 'neg-claude-real-approved' });
  await claudeCommand(pane, { file: 'refused-3.txt', keys: ['3'], runs: false, after: 'neg-claude-real-refused' });
  await claudeCommand(pane, { file: 'refused-esc.txt', keys: ['Escape'], runs: false });
  await claudeCommand(pane, { file: 'approved-enter.txt', keys: ['Enter'], runs: true });

  // `npm test` gets a "don't ask again for: npm test *" option; 2 runs it and saves the rule.
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('run: npm test');
  await pane.waitText('Do you want to proceed?');
  await pane.save('claude-real-bash-npm');
  await pane.press('2');
  const ran = await eventually(() => existsSync(inProject('test-result.txt')));
  const rule = JSON.stringify(readJson(inProject('.claude/settings.local.json'))).includes('npm test');
  record('claude Bash permission', '2', "runs it, doesn't ask again", ran && rule);

  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`write: ${inProject('notes.txt')}`);
  await pane.waitText('Do you want to create notes.txt?');
  await pane.save('claude-real-write');
  await pane.press('1');
  record('claude Write permission', '1', 'creates the file', await eventually(() => existsSync(inProject('notes.txt'))));

  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`edit: ${inProject('app.ts')}`);
  await pane.waitText('Do you want to make this edit to app.ts?');
  await pane.save('claude-real-edit');
  await pane.press('3');
  await refused(pane, 'Do you want to make this edit to app.ts?');
  const unchanged = readFileSync(inProject('app.ts'), 'utf8').includes('before');
  record('claude Edit permission', '3', 'leaves the file', unchanged);
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`edit: ${inProject('app.ts')}`);
  await pane.waitText('Do you want to make this edit to app.ts?');
  await pane.press('2');
  const edited = await eventually(() => readFileSync(inProject('app.ts'), 'utf8').includes('after'));
  const acceptEdits = await shows(pane, 'accept edits on');
  record('claude Edit permission', '2', 'edits, accepts edits from now on', edited && acceptEdits);

  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('ask: Which test runner should we use?');
  await pane.waitText('Chat about this');
  await pane.save('claude-real-question');
  await pane.press('2');
  record('claude AskUserQuestion', '2', 'answers Jest', await shows(pane, '→ Jest'));
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('ask: Which test runner should we use?');
  await pane.waitText('Chat about this');
  await pane.press('4');
  await pane.waitText('❯ 4. Type something.', 5_000);
  await pane.submit('mocha');
  record('claude AskUserQuestion', '4, then text', 'answers the text', await shows(pane, '→ mocha'));

  // Shift+Tab cycles the modes: default, accept edits, plan (and auto when offered).
  await pane.waitFor('idle input', claudeIdle);
  for (let i = 0; i < 4 && !(await pane.screen()).includes('plan mode on'); i++) {
    await pane.press('BTab');
    await sleep(800);
  }
  await pane.submit('plan: Add a logout button');
  await pane.waitText('Would you like to proceed?');
  await pane.save('claude-real-plan');
  await pane.press('2');
  record('claude plan approval', '2', 'approves the plan', await shows(pane, 'User has approved your plan'));
  await pane.kill();
}

// ---- Codex CLI ----

// Idle: the composer shows its placeholder and the footer its hints (the placeholder alone shows while starting).
const codexIdle = (s) => s.includes('Ask Codex to do anything') && s.includes('? for shortcuts') && !/esc to interrupt/i.test(s);

/** A home with ~/.codex/config.toml pointing at the stand-in and trusting the project, or none at all (first start). */
function codexHome(name, port, configured) {
  const home = join(BASE, `home-${name}`);
  mkdirSync(join(home, '.codex'), { recursive: true });
  if (configured) {
    writeFileSync(
      join(home, '.codex/config.toml'),
      [
        'model = "gpt-5-codex"',
        'model_provider = "local"',
        '',
        '[model_providers.local]',
        'name = "local"',
        `base_url = "http://127.0.0.1:${port}/v1"`,
        'env_key = "LOCAL_KEY"',
        'wire_api = "responses"',
        '',
        `[projects."${PROJECT}"]`,
        'trust_level = "trusted"',
        '',
      ].join('\n'),
    );
  }
  return home;
}

async function startCodex(name, port, { configured = true, args = [] } = {}) {
  const home = codexHome(name, port, configured);
  const provider = configured
    ? []
    : [
        '-c',
        'model_provider="local"',
        '-c',
        `model_providers.local={name="local", base_url="http://127.0.0.1:${port}/v1", env_key="LOCAL_KEY", wire_api="responses"}`,
      ];
  const pane = await Pane.start(name, {
    cwd: PROJECT,
    env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'tmux-256color', LANG: 'C.UTF-8', LOCAL_KEY: 'capture' },
    // Without --no-daemon each codex leaves a shared app-server running in the background after it exits.
    argv: [CODEX, '--no-daemon', ...provider, ...args],
  });
  return { pane, home };
}

async function codexFirstStart(port) {
  const { pane, home } = await startCodex('codex-first', port, { configured: false });
  await pane.waitText('Trust this folder?');
  await pane.save('codex-real-trust-folder');
  const config = join(home, '.codex/config.toml');
  const trusted = () => existsSync(config) && readFileSync(config, 'utf8').includes('trust_level = "trusted"');
  await pane.press('1');
  await sleep(2_000);
  const stayed = (await pane.screen()).includes('Trust this folder?') && !trusted();
  record('codex trust folder', '1', 'only highlights option 1, confirms nothing', stayed);
  await pane.press('Enter');
  record('codex trust folder', 'Enter', 'trusts the folder', await eventually(trusted));
  await pane.waitFor('idle composer', codexIdle);
  await pane.kill();

  for (const keys of [['Down', 'Enter'], ['2']]) {
    const { pane: back } = await startCodex(`codex-back-${keys.length}`, port, { configured: false });
    await back.waitText('Trust this folder?');
    await back.press(...keys);
    record('codex trust folder', keys.join(' '), 'goes back to the agent command center', await shows(back, 'Agent command center'));
    await back.kill();
  }
}

async function codexCommand(pane, { file, key, runs, fixture, after }) {
  await pane.waitFor('idle composer', codexIdle);
  await pane.submit(`escalate: touch ${file}`);
  await pane.waitText('Would you like to run the following command?');
  if (fixture) await pane.save(fixture);
  await pane.press(key);
  const ok = runs
    ? await eventually(() => existsSync(inProject(file)))
    : (await shows(pane, `You canceled the request to run touch ${file}`)) &&
      !existsSync(inProject(file));
  record('codex command approval', key, runs ? 'runs the command' : 'refuses it', ok);
  await pane.waitFor('idle composer', codexIdle);
  if (after) await pane.save(after);
}

async function codexCommands(port) {
  const { pane } = await startCodex('codex', port, { args: ['--ask-for-approval', 'on-request'] });
  await codexCommand(pane, { file: 'approved-y.txt', key: 'y', runs: true, fixture: 'codex-real-exec-approval', after: 'neg-codex-real-approved' });
  await codexCommand(pane, { file: 'refused-esc.txt', key: 'Escape', runs: false, after: 'neg-codex-real-canceled' });
  await codexCommand(pane, { file: 'refused-n.txt', key: 'n', runs: false });
  await codexCommand(pane, { file: 'approved-1.txt', key: '1', runs: true });
  await codexCommand(pane, { file: 'refused-3.txt', key: '3', runs: false });
  await codexCommand(pane, { file: 'approved-enter.txt', key: 'Enter', runs: true });
  await codexCommand(pane, { file: 'approved-p.txt', key: 'p', runs: true });
  rmSync(inProject('approved-p.txt'));
  await pane.waitFor('idle composer', codexIdle);
  await pane.submit('escalate: touch approved-p.txt');
  const again = await eventually(() => existsSync(inProject('approved-p.txt')), 15_000);
  const asked = (await pane.screen()).includes('Would you like to run the following command?');
  record('codex command approval', 'p', "doesn't ask again for that command", again && !asked);
  await pane.kill();
}

async function codexEdits(port) {
  // A read-only sandbox makes every edit need approval.
  const args = ['--ask-for-approval', 'on-request', '--sandbox', 'read-only'];
  const { pane: edits } = await startCodex('codex-edit', port, { args });
  const cases = [
    { file: 'notes.txt', key: 'y', writes: true },
    { file: 'later.txt', key: 'a', writes: true },
    { file: 'refused.txt', key: 'Escape', writes: false },
  ];
  for (const { file, key, writes } of cases) {
    await edits.waitFor('idle composer', codexIdle);
    await edits.submit(`write: ${inProject(file)}`);
    await edits.waitText('Would you like to make the following edits?');
    if (key === 'y') await edits.save('codex-real-edit-approval');
    await edits.press(key);
    const ok = writes
      ? await eventually(() => existsSync(inProject(file)))
      : await refused(edits, 'Would you like to make the following edits?', inProject(file));
    record('codex edit approval', key, writes ? 'writes the file' : 'refuses it', ok);
  }
  await edits.kill();
}

async function codexQuestion(port) {
  // request_user_input is only offered in Plan mode; Shift+Tab switches to it (once the TUI takes keys).
  const { pane: plan } = await startCodex('codex-plan', port);
  await plan.waitFor('idle composer', codexIdle);
  for (let i = 0; i < 5 && !(await plan.screen()).includes('Plan mode'); i++) {
    await plan.press('BTab');
    await shows(plan, 'Plan mode', 2_000);
  }
  for (const { key, answer } of [{ key: '2', answer: 'Jest' }, { key: '4', answer: 'None of the above' }]) {
    await plan.waitFor('idle composer', codexIdle);
    await plan.submit('ask: Which test runner should we use?');
    await plan.waitText('None of the above');
    if (key === '2') await plan.save('codex-real-question');
    await plan.press(key);
    const answered = await shows(plan, `answer: ${answer}`);
    record('codex question', key, `answers ${answer}`, answered);
  }
  await plan.kill();
}

// ---- main ----

function prepareProject() {
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(PROJECT, { recursive: true });
  writeFileSync(TMUX_CONF, 'set -g remain-on-exit on\nset -g default-terminal tmux-256color\n');
  writeFileSync(
    inProject('package.json'),
    `${JSON.stringify({ name: 'demo-app', version: '1.0.0', private: true, scripts: { test: 'echo 1 passed > test-result.txt' } }, null, 2)}\n`,
  );
  writeFileSync(inProject('app.ts'), 'export const greeting = "before";\n');
  return run('git', ['init', '-q', PROJECT]);
}

const SESSIONS = { claudeFirstStart, claudeMain, codexFirstStart, codexCommands, codexEdits, codexQuestion };

async function main() {
  for (const bin of [CLAUDE, CODEX]) {
    if (!existsSync(bin)) throw new Error(`${bin} not found: install the CLIs as README.md says, or pass --agents DIR`);
  }
  const versions = { claude: (await run(CLAUDE, ['--version'])).trim(), codex: (await run(CODEX, ['--version'])).trim() };
  console.log(`claude ${versions.claude}, codex ${versions.codex}; fixtures go to ${opts.out}`);
  await prepareProject();
  const server = await startModelServer();
  let failed = false;
  try {
    for (const [name, session] of Object.entries(SESSIONS)) {
      if (opts.only && !name.toLowerCase().includes(opts.only.toLowerCase())) continue;
      try {
        await session(server.port);
      } catch (error) {
        failed = true;
        console.error(`session ${name} stopped: ${error instanceof Error ? error.message : error}`);
      }
    }
  } finally {
    await tmux('kill-server').catch(() => undefined);
    await server.close();
  }
  console.log(`\nsaved: ${saved.join(', ') || 'nothing'}\n\n| screen | key | expected | verified |\n|---|---|---|---|`);
  for (const c of checks) console.log(`| ${c.screen} | \`${c.key}\` | ${c.expected} | ${c.ok ? 'yes' : 'NO'} |`);
  if (failed || checks.some((c) => !c.ok)) process.exitCode = 1;
}

await main();
