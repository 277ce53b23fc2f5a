// Captures the real question screens of Claude Code, Codex CLI, Gemini CLI and everyday programs (an editor opened by
// `git rebase -i`, less, npm init) as screen fixtures named with the program and its version
// (claude-2.1.332-trust-folder.txt), and checks which keys answer them: each program runs in tmux (own -L socket,
// 100x30), the agents against the loopback stand-in of model-server.js, is driven with send-keys, and every answer key
// is judged by its effect (the command ran or not, the file changed, the answer came back). One release is captured
// with one command (--claude PATH, --codex PATH, --gemini PATH); see README.md. Not part of `npm test`.
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
    claude: { type: 'string' },
    codex: { type: 'string' },
    gemini: { type: 'string' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../test/fixtures/screens') },
    only: { type: 'string' },
  },
});
// Each CLI from its own flag, else from the --agents folder's node_modules/.bin.
const CLAUDE = opts.claude ?? join(opts.agents, 'node_modules/.bin/claude');
const CODEX = opts.codex ?? join(opts.agents, 'node_modules/.bin/codex');
const GEMINI = opts.gemini ?? join(opts.agents, 'node_modules/.bin/gemini');
/** The version of each program captured, filled in by main(): fixture names carry it. */
const versions = /** @type {Record<string, string>} */ ({});
/** `claude-2.1.332-trust-folder`; with neg, `neg-claude-2.1.332-approved` (a screen that must not match). */
const fixture = (program, screen, neg = false) => `${neg ? 'neg-' : ''}${program}-${versions[program]}-${screen}`;
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
/** Things measured along the way (how long a dialog ignores keys), printed at the end. */
/** @type {string[]} */
const findings = [];

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
/** The file's JSON; {} while it does not exist or is half written. */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

// ---- menus driven with arrows ----

const MARKER = /^\s*[❯›>●]\s+/;

/** The option lines of the menu on screen that holds `label`: the contiguous lines around it at its indentation. */
function menuOptions(screen, label) {
  const lines = screen.split('\n').map((l) => l.replace(/^\s*│/, '').replace(/│\s*$/, ''));
  const at = lines.findIndex((l) => l.replace(MARKER, '').trim().replace(/^\d+\.\s+/, '') === label);
  if (at < 0) throw new Error(`no option ${JSON.stringify(label)} on screen:\n${screen}`);
  const column = (l) => l.replace(MARKER, (m) => ' '.repeat(m.length)).search(/\S/);
  const own = column(lines[at]);
  let first = at;
  let last = at;
  while (first > 0 && lines[first - 1].trim() !== '' && column(lines[first - 1]) === own) first--;
  while (last < lines.length - 1 && lines[last + 1].trim() !== '' && column(lines[last + 1]) === own) last++;
  const options = lines.slice(first, last + 1);
  return { options, target: at - first, marked: options.findIndex((l) => MARKER.test(l)) };
}

/** The keys that move the highlight to `label` and confirm it: what pocket's arrow answers send. */
function arrowsTo(screen, label) {
  const { target, marked } = menuOptions(screen, label);
  const delta = target - Math.max(0, marked);
  return [...Array(Math.abs(delta)).fill(delta > 0 ? 'Down' : 'Up'), 'Enter'];
}

/** The highlighted option's text. */
async function highlighted(pane, label) {
  const { options, marked } = menuOptions(await pane.screen(), label);
  return options[marked]?.replace(MARKER, '').trim();
}

/**
 * Some dialogs ignore keys for a moment after they open: from the moment the menu holding `label` shows, presses an
 * arrow towards another option every 100 ms until the highlight moves, puts it back, and returns how long after the
 * menu showed the first press that moved it was sent.
 */
async function keysIgnoredFor(pane, label) {
  await pane.waitText(label);
  const opened = Date.now();
  const start = await highlighted(pane, label);
  const { marked } = menuOptions(await pane.screen(), label);
  const [away, back] = marked > 0 ? ['Up', 'Down'] : ['Down', 'Up'];
  for (let i = 0; i < 40; i++) {
    await pane.press(away);
    const pressedAt = Date.now() - opened;
    if (await eventually(async () => (await highlighted(pane, label)) !== start, 100)) {
      await pane.press(back);
      await eventually(async () => (await highlighted(pane, label)) === start, 2_000);
      return pressedAt;
    }
  }
  throw new Error(`${pane.name}: the highlight never moved`);
}

/** Presses a digit on a menu and reports whether, 1.5 s later, the screen still asks and nothing else happened. */
async function digitIgnored(pane, question, digit, nothingHappened) {
  await pane.press(digit);
  await sleep(1_500);
  return (await pane.screen()).includes(question) && (await nothingHappened());
}

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

async function startClaude(name, port, firstStart, args = []) {
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
    argv: [CLAUDE, ...args],
  });
  return { pane, home };
}

const trustedIn = (home) => readJson(join(home, '.claude.json')).projects?.[PROJECT]?.hasTrustDialogAccepted === true;
const keyApprovedIn = (home) => (readJson(join(home, '.claude.json')).customApiKeyResponses?.approved ?? []).includes(API_KEY.slice(-20));
const keyRejectedIn = (home) => (readJson(join(home, '.claude.json')).customApiKeyResponses?.rejected ?? []).includes(API_KEY.slice(-20));

async function claudeFirstStart(port) {
  const { pane, home } = await startClaude('claude-first', port, 'onboarded');
  await pane.waitText('Yes, I trust this folder');
  // Up to 2.1.197 a numbered menu; from 2.1.328 on an arrow menu whose highlighted first option is "No, exit".
  const numbered = /❯ 1\. Yes, I trust this folder/.test(await pane.screen());
  await pane.save(fixture('claude', 'trust-folder'));
  if (numbered) {
    await pane.press('1');
    await pane.waitText('Do you want to use this API key?');
    record('claude trust folder', '1', 'trusts the folder, goes on', trustedIn(home));
    await pane.save(fixture('claude', 'api-key'));
    await pane.press('1');
    await pane.waitFor('idle input', claudeIdle);
    record('claude API key', '1', 'uses the key', keyApprovedIn(home));
    await pane.kill();

    const { pane: untrusted } = await startClaude('claude-untrusted', port, 'onboarded');
    await untrusted.waitText('Yes, I trust this folder');
    await untrusted.press('2');
    record('claude trust folder', '2', 'exits', await eventually(() => untrusted.dead()));
    await untrusted.kill();

    const { pane: keyNo, home: keyNoHome } = await startClaude('claude-key-no', port, 'trusted');
    await keyNo.waitText('Do you want to use this API key?');
    await keyNo.press('2');
    record('claude API key', '2', 'rejects the key', await eventually(() => keyRejectedIn(keyNoHome)));
    await keyNo.kill();
    return;
  }

  const trustMs = await keysIgnoredFor(pane, 'Yes, I trust this folder');
  findings.push(`claude trust folder: the first Down that moved the highlight was pressed ${trustMs} ms after the dialog showed`);
  const trustQuestion = 'Quick safety check';
  const noDigits = await digitIgnored(pane, trustQuestion, '2', async () => !trustedIn(home) && !(await pane.dead()));
  record('claude trust folder', '2', 'nothing: digits do not answer the arrow menu', noDigits);
  const trustKeys = arrowsTo(await pane.screen(), 'Yes, I trust this folder');
  await pane.press(...trustKeys);
  await pane.waitText('Do you want to use this API key?');
  record('claude trust folder', trustKeys.join(' '), 'trusts the folder, goes on', trustedIn(home));
  const keyMs = await keysIgnoredFor(pane, 'Yes');
  await pane.save(fixture('claude', 'api-key'));
  findings.push(`claude API key: the first Up that moved the highlight was pressed ${keyMs} ms after the dialog showed`);
  const keyDigit = await digitIgnored(pane, 'Do you want to use this API key?', '1', () => !keyApprovedIn(home));
  record('claude API key', '1', 'nothing: digits do not answer the arrow menu', keyDigit);
  const keyKeys = arrowsTo(await pane.screen(), 'Yes');
  await pane.press(...keyKeys);
  await pane.waitFor('idle input', claudeIdle);
  record('claude API key', keyKeys.join(' '), 'uses the key', keyApprovedIn(home));
  await pane.kill();

  // A bare Enter takes the highlighted first option, which refuses.
  const { pane: untrusted } = await startClaude('claude-untrusted', port, 'onboarded');
  await untrusted.waitText('Yes, I trust this folder');
  await sleep(1_500);
  await untrusted.press('Enter');
  record('claude trust folder', 'Enter', 'exits ("No, exit" is highlighted)', await eventually(() => untrusted.dead()));
  await untrusted.kill();

  const { pane: keyNo, home: keyNoHome } = await startClaude('claude-key-no', port, 'trusted');
  await keyNo.waitText('Do you want to use this API key?');
  await sleep(1_500);
  await keyNo.press('Enter');
  record('claude API key', 'Enter', 'rejects the key ("No (recommended)" is highlighted)', await eventually(() => keyRejectedIn(keyNoHome)));
  await keyNo.kill();
}

/** Asks for a command, answers the permission menu with keys, and records whether the command ran. */
async function claudeCommand(pane, { file, keys, runs, fixture: name, after, wait = 0 }) {
  // A RegExp among the keys stands for the digit of the option it matches (the options differ between versions).
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`run: touch ${file}`);
  await pane.waitText('Do you want to proceed?');
  if (name) await pane.save(name);
  await sleep(wait);
  keys = await Promise.all(keys.map((k) => (k instanceof RegExp ? digitOf(pane, k) : k)));
  await pane.press(...keys);
  const ok = runs ? await eventually(() => existsSync(inProject(file))) : await refused(pane, 'Do you want to proceed?', inProject(file));
  record('claude Bash permission', keys.join(' '), runs ? 'runs the command' : 'refuses it', ok);
  await pane.waitFor('idle input', claudeIdle);
  if (after) await pane.save(after);
}

/** Waits for the question to leave the screen, then for a while more: true when `file` (if any) was not written. */
async function refused(pane, question, file) {
  await pane.waitFor('the question gone', (s) => !s.includes(question));
  await sleep(3_000);
  return file === undefined || !existsSync(file);
}

/** The digit of the numbered option whose label matches. */
async function digitOf(pane, label) {
  const screen = await pane.screen();
  for (const line of screen.split('\n')) {
    const m = /^\s*[❯›>]?\s*(\d)\.\s+(.+?)\s*$/.exec(line.replace(/^\s*│/, ''));
    if (m && label.test(m[2])) return m[1];
  }
  throw new Error(`${pane.name}: no option ${label} on screen:\n${screen}`);
}

// "No" (2.1.33x) or "No, and tell Claude what to do differently" (2.1.197).
const CLAUDE_NO = /^No\b/;

/** Claude Code from 2.1.328 on starts in auto mode; `manual` is what `default` was. */
const claudeHasManualMode = async () => (await run(CLAUDE, ['--help'])).includes('"manual"');

async function claudeMain(port) {
  const manual = await claudeHasManualMode();
  const { pane } = await startClaude('claude', port, 'ready', manual ? ['--permission-mode', 'manual'] : []);
  await claudeCommand(pane, {
    file: 'approved-1.txt',
    keys: ['1'],
    runs: true,
    fixture: fixture('claude', 'bash'),
    after: fixture('claude', 'approved', true),
  });
  await claudeCommand(pane, { file: 'refused-no.txt', keys: [CLAUDE_NO], runs: false, after: fixture('claude', 'refused', true) });
  await claudeCommand(pane, { file: 'refused-esc.txt', keys: ['Escape'], runs: false });
  await claudeCommand(pane, { file: 'approved-enter.txt', keys: ['Enter'], runs: true });

  // `npm test` gets a "don't ask again for: npm test *" option; 2 runs it and saves the rule.
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('run: npm test');
  await pane.waitText('Do you want to proceed?');
  await pane.save(fixture('claude', 'bash-npm'));
  const dontAsk = await digitOf(pane, /don.t ask again|always allow/i);
  await pane.press(dontAsk);
  const ran = await eventually(() => existsSync(inProject('test-result.txt')));
  const rule = JSON.stringify(readJson(inProject('.claude/settings.local.json'))).includes('npm test');
  record('claude Bash permission', dontAsk, "runs it, doesn't ask again", ran && rule);

  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`write: ${inProject('notes.txt')}`);
  await pane.waitText('Do you want to create notes.txt?');
  await pane.save(fixture('claude', 'write'));
  await pane.press('1');
  record('claude Write permission', '1', 'creates the file', await eventually(() => existsSync(inProject('notes.txt'))));

  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`edit: ${inProject('app.ts')}`);
  await pane.waitText('Do you want to make this edit to app.ts?');
  await pane.save(fixture('claude', 'edit'));
  const editNo = await digitOf(pane, CLAUDE_NO);
  await pane.press(editNo);
  await refused(pane, 'Do you want to make this edit to app.ts?');
  const unchanged = readFileSync(inProject('app.ts'), 'utf8').includes('before');
  record('claude Edit permission', editNo, 'leaves the file', unchanged);
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit(`edit: ${inProject('app.ts')}`);
  await pane.waitText('Do you want to make this edit to app.ts?');
  const allEdits = await digitOf(pane, /^Yes, (allow all edits|and switch to accept edits)/);
  await pane.press(allEdits);
  const edited = await eventually(() => readFileSync(inProject('app.ts'), 'utf8').includes('after'));
  const acceptEdits = await shows(pane, 'accept edits on');
  record('claude Edit permission', allEdits, 'edits, accepts edits from now on', edited && acceptEdits);

  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('ask: Which test runner should we use?');
  await pane.waitText('Chat about this');
  await pane.save(fixture('claude', 'question'));
  await pane.press('2');
  record('claude AskUserQuestion', '2', 'answers Jest', await shows(pane, '→ Jest'));
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('ask: Which test runner should we use?');
  await pane.waitText('Chat about this');
  await pane.press('4');
  await pane.waitText('❯ 4. Type something.', 5_000);
  await pane.submit('mocha');
  record('claude AskUserQuestion', '4, then text', 'answers the text', await shows(pane, '→ mocha'));

  // Shift+Tab cycles the modes: default (manual), accept edits, plan (and auto when offered).
  await pane.waitFor('idle input', claudeIdle);
  for (let i = 0; i < 5 && !(await pane.screen()).includes('plan mode on'); i++) {
    await pane.press('BTab');
    await sleep(800);
  }
  await pane.submit('plan: Add a logout button');
  await pane.waitText('Would you like to proceed?');
  await pane.save(fixture('claude', 'plan'));
  await pane.press('2');
  record('claude plan approval', '2', 'approves the plan', await shows(pane, 'User has approved your plan'));
  await pane.kill();
}

/**
 * Auto mode (the default from 2.1.328 on) asks the server to check risky commands (`rm -rf dir && touch f` runs
 * unchecked; piping a download into sh does not, and port 9 on loopback keeps it offline); the stand-in cannot, so
 * the first one brings "Auto mode can't check actions in this session", then an un-numbered No/Yes prompt with No highlighted.
 */
async function claudeAuto(port) {
  if (!(await claudeHasManualMode())) return;
  const { pane } = await startClaude('claude-auto', port, 'ready');
  const check = "Auto mode can't check actions in this session";
  const ask = 'Do you want to proceed?';
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('run: curl -s http://127.0.0.1:9/setup.sh | sh; touch auto-yes.txt');
  await pane.waitText(check);
  await pane.save(fixture('claude', 'auto-mode-check'));
  await sleep(1_500);
  await pane.press('Enter');
  await pane.waitText(ask);
  record('claude auto mode check', 'Enter', 'stays in auto mode, asks for the command', true);
  const askMs = await keysIgnoredFor(pane, 'Yes');
  await pane.save(fixture('claude', 'auto-no-yes'));
  findings.push(`claude No/Yes prompt: the first Down that moved the highlight was pressed ${askMs} ms after it showed`);
  const yesKeys = arrowsTo(await pane.screen(), 'Yes');
  await pane.press(...yesKeys);
  record('claude No/Yes prompt', yesKeys.join(' '), 'runs the command', await eventually(() => existsSync(inProject('auto-yes.txt'))));
  await pane.waitFor('idle input', claudeIdle);
  await pane.submit('run: curl -s http://127.0.0.1:9/setup.sh | sh; touch auto-no.txt');
  await pane.waitText(ask);
  await sleep(1_500);
  await pane.press('Enter');
  record('claude No/Yes prompt', 'Enter', 'refuses it ("No" is highlighted)', await refused(pane, ask, inProject('auto-no.txt')));
  await pane.kill();
}

// ---- Codex CLI ----

// Idle: the composer shows its placeholder and the footer its hints (the placeholder alone shows while starting).
const codexIdle = (s) => s.includes('Ask Codex to do anything') && s.includes('? for shortcuts') && !/esc to interrupt/i.test(s);

/**
 * A home with ~/.codex/config.toml pointing at the stand-in and trusting the project; with 'untrusted' the same file
 * without the trust entry; with false none at all (first start).
 */
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
        ...(configured === 'untrusted' ? [] : [`[projects."${PROJECT}"]`, 'trust_level = "trusted"', '']),
      ].join('\n'),
    );
  }
  return home;
}

async function startCodex(name, port, { configured = true, args = [], provider: withProvider = true } = {}) {
  const home = codexHome(name, port, configured);
  const provider = configured || !withProvider
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

/** Waits for one of several texts; returns the one that showed. */
async function waitAny(pane, texts, ms = 30_000) {
  const screen = await pane.waitFor(texts.join(' or '), (s) => texts.some((t) => s.includes(t)), ms);
  return texts.find((t) => screen.includes(t));
}

async function codexFirstStart(port) {
  // 0.171.0 asks about the folder even with a config file; 0.169.0 only when there is none.
  let { pane, home } = await startCodex('codex-first', port, { configured: 'untrusted' });
  // The composer can show for a moment before the question: only its absence after a while counts.
  if (!(await shows(pane, 'Trust this folder?', 45_000))) {
    findings.push(`codex ${versions.codex}: no trust question with a config file; captured without one`);
    await pane.kill();
    ({ pane, home } = await startCodex('codex-first-bare', port, { configured: false }));
    await pane.waitText('Trust this folder?');
  }
  await pane.save(fixture('codex', 'trust-folder'));
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

/** Without a config file or a provider, Codex starts at its sign-in menu; a digit there selects at once. */
async function codexLogin(port) {
  const { pane } = await startCodex('codex-login', port, { configured: false, provider: false });
  if ((await waitAny(pane, ['Sign in with ChatGPT', 'Trust this folder?'])) !== 'Sign in with ChatGPT') {
    findings.push(`codex ${versions.codex}: no sign-in menu before the trust question`);
    await pane.kill();
    return;
  }
  await pane.save(fixture('codex', 'login'));
  await pane.press('3');
  const moved = await eventually(async () => !(await pane.screen()).includes('Sign in with Device Code'), 5_000);
  await pane.save(fixture('codex', 'login-another-way'));
  record('codex sign-in menu', '3', 'opens "Sign in another way" at once', moved);
  await pane.kill();
}

async function codexCommand(pane, { file, key, runs, fixture: name, after }) {
  await pane.waitFor('idle composer', codexIdle);
  await pane.submit(`escalate: touch ${file}`);
  await pane.waitText('Would you like to run the following command?');
  if (name) await pane.save(name);
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
  await codexCommand(pane, { file: 'approved-y.txt', key: 'y', runs: true, fixture: fixture('codex', 'exec-approval'), after: fixture('codex', 'approved', true) });
  await codexCommand(pane, { file: 'refused-esc.txt', key: 'Escape', runs: false, after: fixture('codex', 'canceled', true) });
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
    if (key === 'y') await edits.save(fixture('codex', 'edit-approval'));
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
    if (key === '2') await plan.save(fixture('codex', 'question'));
    await plan.press(key);
    const answered = await shows(plan, `answer: ${answer}`);
    record('codex question', key, `answers ${answer}`, answered);
  }
  await plan.kill();
}

// ---- Gemini CLI ----

// Idle: the composer shows its placeholder and nothing is running.
const geminiIdle = (s) => s.includes('Type your message') && !/esc to cancel/i.test(s);

async function startGemini(name, port) {
  const home = join(BASE, `home-${name}`);
  mkdirSync(home, { recursive: true });
  const pane = await Pane.start(name, {
    cwd: PROJECT,
    env: {
      HOME: home,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TERM: 'tmux-256color',
      LANG: 'C.UTF-8',
      GEMINI_API_KEY: 'capture-key',
      GOOGLE_GEMINI_BASE_URL: `http://127.0.0.1:${port}`,
    },
    argv: [GEMINI],
  });
  return { pane, home };
}

async function geminiCommand(pane, { file, key, runs, name }) {
  const ask = 'Allow execution of';
  await pane.waitFor('idle composer', geminiIdle);
  await pane.submit(`run: touch ${file}`);
  await pane.waitText(ask);
  if (name) await pane.save(name);
  // The options vary (after a refusal "Allow for this session" is gone): `no` stands for the digit of the refusal.
  const digit = key === 'no' ? /(\d)\. No, suggest changes/.exec(await pane.screen())?.[1] : key;
  if (digit === undefined) throw new Error('gemini: no "No, suggest changes" option');
  await pane.press(digit);
  const ok = runs ? await eventually(() => existsSync(inProject(file))) : await refused(pane, ask, inProject(file));
  record('gemini shell approval', digit, runs ? 'runs the command' : 'refuses it', ok);
}

async function gemini(port) {
  const { pane, home } = await startGemini('gemini', port);
  await pane.waitText('Do you trust the files in this folder?', 120_000);
  await pane.save(fixture('gemini', 'trust-folder'));
  await pane.press('1');
  const trusted = () => JSON.stringify(readJson(join(home, '.gemini/trustedFolders.json'))).includes('TRUST_FOLDER');
  record('gemini trust folder', '1', 'trusts the folder (and restarts)', await eventually(trusted));

  // Gemini CLI restarts, then asks how to sign in; "Use Gemini API Key" is highlighted when GEMINI_API_KEY is set.
  await pane.waitText('How would you like to authenticate', 120_000);
  await pane.save(fixture('gemini', 'auth'));
  // Right after the restart the dialog is drawn before it takes keys: on a loaded machine Enters 1.5 s after it
  // showed were lost. Counted: how many Enters it took.
  let enters = 0;
  do {
    await sleep(1_500);
    await pane.press('Enter');
    enters++;
  } while (!(await shows(pane, 'Enter Gemini API Key', 4_000)) && enters < 6);
  findings.push(`gemini auth: ${enters} Enter(s), 1.5 s + 4 s apart, until the dialog took one`);
  record('gemini auth', 'Enter', 'takes the highlighted "Use Gemini API Key"', (await pane.screen()).includes('Enter Gemini API Key'));
  await pane.save(fixture('gemini', 'api-key'));
  await pane.press('Enter');
  await pane.waitFor('idle composer', geminiIdle);
  // The key is in use when the model answers (the shell approval below comes from the stand-in).
  record('gemini API key', 'Enter', 'submits the key shown, the composer opens', !(await pane.screen()).includes('Enter Gemini API Key'));

  await geminiCommand(pane, { file: 'gemini-1.txt', key: '1', runs: true, name: fixture('gemini', 'shell-approval') });
  await pane.waitFor('idle composer', geminiIdle);
  await pane.save(fixture('gemini', 'approved', true));
  await geminiCommand(pane, { file: 'gemini-esc.txt', key: 'Escape', runs: false });
  await geminiCommand(pane, { file: 'gemini-no.txt', key: 'no', runs: false });
  await geminiCommand(pane, { file: 'gemini-enter.txt', key: 'Enter', runs: true });

  // Gemini CLI drops a typed "?" (its shortcuts key): the question goes without one.
  await pane.waitFor('idle composer', geminiIdle);
  await pane.submit('ask: Which test runner should we use');
  await pane.waitText('Enter to select');
  await pane.save(fixture('gemini', 'question'));
  await pane.press('2');
  record('gemini ask_user', '2', 'answers Jest', await shows(pane, 'Runner → Jest'));
  await pane.kill();
}

// ---- everyday programs: an editor opened by git rebase -i, less, npm init ----

const everydayEnv = (extra = {}) => ({
  HOME: join(BASE, 'home-everyday'),
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  TERM: 'tmux-256color',
  LANG: 'C.UTF-8',
  GIT_AUTHOR_NAME: 'Capture',
  GIT_AUTHOR_EMAIL: 'capture@example.invalid',
  GIT_COMMITTER_NAME: 'Capture',
  GIT_COMMITTER_EMAIL: 'capture@example.invalid',
  ...extra,
});

async function programVersion(file, args, pattern) {
  const out = await run(file, args).catch(() => '');
  return pattern.exec(out)?.[1] ?? 'unknown';
}

const REPO = join(BASE, 'rebase-repo');

async function prepareRepo() {
  mkdirSync(REPO, { recursive: true });
  await run('git', ['init', '-q', REPO]);
  for (const n of [1, 2, 3]) {
    writeFileSync(join(REPO, `step-${n}.txt`), `${n}\n`);
    await run('git', ['-C', REPO, 'add', '.']);
    await run('git', ['-C', REPO, '-c', 'user.name=Capture', '-c', 'user.email=capture@example.invalid', 'commit', '-q', '-m', `Step ${n}`]);
  }
}

/** `git rebase -i HEAD~2` with the editor given: answers its todo list with keys; true when git exits as expected. */
async function rebaseIn(editor, name, keys, succeeds, saveAs) {
  mkdirSync(everydayEnv().HOME, { recursive: true });
  const pane = await Pane.start(name, {
    cwd: REPO,
    env: everydayEnv({ GIT_EDITOR: editor }),
    argv: ['git', 'rebase', '-i', 'HEAD~2'],
  });
  // Ready when the editor has drawn its own status (vim: the file's line and byte count; nano: its key bar): keys
  // typed while vim still starts up can be lost.
  await pane.waitFor('the editor ready', (screen) => screen.includes('pick ') && /" \d+L, \d+B|\^X Exit/.test(screen));
  await sleep(500);
  if (saveAs) await pane.save(saveAs);
  await pane.press(...keys);
  const done = await eventually(() => pane.dead());
  // vim restores the screen git wrote on, so git's own words may not show: its exit status says how it went.
  // #{pane_dead_status} came back empty in some runs; remain-on-exit's own line says it too.
  let status = (await tmux('display-message', '-p', '-t', name, '#{pane_dead_status}')).trim();
  if (status === '') {
    await pane.waitText('Pane is dead', 5_000).catch(() => '');
    status = /Pane is dead \(status (\d+)/.exec(await pane.screen())?.[1] ?? '';
  }
  await pane.kill();
  return done && (status === '0') === succeeds;
}

async function everyday() {
  versions.vim = await programVersion('vi', ['--version'], /Vi IMproved (\d+\.\d+)/);
  versions.nano = await programVersion('nano', ['--version'], /version (\d+\.\d+)/);
  versions.less = await programVersion('less', ['--version'], /^less (\d+)/);
  versions.npm = (await run('npm', ['--version'])).trim();
  await prepareRepo();
  // No Escape before ":wq": vim reads an Escape followed at once by ":" as one key (a run with it failed), and a
  // just-opened file is in normal mode anyway.

  const wq = await rebaseIn('vi', 'vim-wq', [':', 'w', 'q', 'Enter'], true, fixture('vim', 'rebase-todo'));
  record('vim (git rebase -i)', ': w q Enter', 'saves the todo list, the rebase goes on', wq);
  const cq = await rebaseIn('vi', 'vim-cq', [':', 'c', 'q', 'Enter'], false);
  record('vim (git rebase -i)', ': c q Enter', 'quits with an error, the rebase stops', cq);
  if (versions.nano !== 'unknown') {
    const nano = await rebaseIn('nano', 'nano-x', ['C-x'], true, fixture('nano', 'rebase-todo'));
    record('nano (git rebase -i)', 'C-x', 'exits, the rebase goes on', nano);
  }

  // less: a file longer than the screen, paged once with Space to reach its ":" prompt.
  const long = join(BASE, 'long.txt');
  writeFileSync(long, Array.from({ length: 200 }, (_, i) => `line ${i + 1}`).join('\n'));
  const less = await Pane.start('less', { cwd: BASE, env: everydayEnv(), argv: ['less', long] });
  await less.waitText('line 1\n');
  await less.press('Space');
  const paged = await eventually(async () => (await less.screen()).split('\n')[0] === 'line 30', 5_000);
  record('less', 'Space', 'shows the next page', paged);
  await less.waitFor('its ":" prompt', (s) => s.trimEnd().endsWith(':'));
  await less.save(fixture('less', 'prompt'));
  await less.press('q');
  record('less', 'q', 'quits', await eventually(() => less.dead()));
  await less.kill();

  // npm init asks questions with the default in parentheses: Enter takes it.
  const npmDir = join(BASE, 'npm-init-demo');
  mkdirSync(npmDir, { recursive: true });
  const npm = await Pane.start('npm-init', { cwd: npmDir, env: everydayEnv(), argv: ['npm', 'init'] });
  await npm.waitText('package name: (npm-init-demo)');
  await npm.save(fixture('npm', 'init-name'));
  await npm.press('Enter');
  record('npm init', 'Enter', 'takes the default name, asks the next question', await shows(npm, 'version: (1.0.0)'));
  await npm.press('C-c');
  await npm.kill();
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

/** Each session with the program it needs (null: the everyday programs, always there). */
const SESSIONS = {
  claudeFirstStart: 'claude',
  claudeMain: 'claude',
  claudeAuto: 'claude',
  codexFirstStart: 'codex',
  codexLogin: 'codex',
  codexCommands: 'codex',
  codexEdits: 'codex',
  codexQuestion: 'codex',
  gemini: 'gemini',
  everyday: null,
};
const RUN = { claudeFirstStart, claudeMain, claudeAuto, codexFirstStart, codexLogin, codexCommands, codexEdits, codexQuestion, gemini, everyday };
const BINARIES = { claude: CLAUDE, codex: CODEX, gemini: GEMINI };
// `claude --version` says "2.1.332 (Claude Code)", codex "codex-cli 0.171.0", gemini "0.61.0".
const VERSION = /(\d+\.\d+\.\d+)/;

/** --only takes a comma-separated list of session or program names (claude, claudeAuto, everyday). */
const selected = (name, program) =>
  !opts.only || opts.only.split(',').some((only) => [name, program ?? 'everyday'].some((n) => n.toLowerCase().includes(only.trim().toLowerCase())));

async function main() {
  const wanted = Object.entries(SESSIONS).filter(([name, program]) => selected(name, program));
  for (const program of new Set(wanted.map(([, p]) => p).filter((p) => p !== null))) {
    const bin = BINARIES[program];
    if (!existsSync(bin)) throw new Error(`${bin} not found: install it as README.md says, or pass --${program} PATH`);
    const version = VERSION.exec(await run(bin, ['--version']))?.[1];
    if (!version) throw new Error(`${bin} --version: no version number`);
    versions[program] = version;
  }
  console.log(`${Object.entries(versions).map(([p, v]) => `${p} ${v}`).join(', ')}; fixtures go to ${opts.out}`);
  await prepareProject();
  const server = await startModelServer();
  let failed = false;
  try {
    for (const [name] of wanted) {
      try {
        await RUN[name](server.port);
      } catch (error) {
        failed = true;
        console.error(`session ${name} stopped: ${error instanceof Error ? error.message : error}`);
      }
    }
  } finally {
    await tmux('kill-server').catch(() => undefined);
    await server.close();
  }
  console.log(`\nsaved: ${saved.join(', ') || 'nothing'}\n`);
  for (const finding of findings) console.log(`found: ${finding}`);
  console.log(`\n| screen | key | expected | verified |\n|---|---|---|---|`);
  for (const c of checks) console.log(`| ${c.screen} | \`${c.key}\` | ${c.expected} | ${c.ok ? 'yes' : 'NO'} |`);
  if (failed || checks.some((c) => !c.ok)) process.exitCode = 1;
}

await main();
