#!/usr/bin/env node
// Writes test/fixtures/agents/claude-store/: Claude Code's own session store (~/.claude/projects/<key>/<id>.jsonl)
// as the real CLI leaves it, for the /resume tests (test/agents/claude/session-store.test.ts). It runs the real
// `claude -p` (two prompts, the second through --resume, and one turn in a second folder) and the interactive TUI in
// tmux (a prompt, a Bash command, /exit: what a session started at the desk leaves), all in a throwaway
// HOME, against model-server.js (no network, no account), then copies the projects folder. The project paths are
// fixed (/tmp/pocket-claude-store/demo-app, other.app, desk-app) because the folder key and the `cwd` inside each
// entry name them; the tests read them without the folders existing. Needs tmux; about a minute.
//
//   node scripts/capture-agent-screens/capture-claude-store.js [--claude PATH]   (default: the agents cache's claude)
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startModelServer } from './model-server.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = process.env.POCKET_AGENTS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pocket-agents');
const at = process.argv.indexOf('--claude');
const claude = at > 0 ? process.argv[at + 1] : join(cache, 'node_modules', '.bin', 'claude');
const root = '/tmp/pocket-claude-store';
const home = join(root, 'home');
const out = join(repo, 'test', 'fixtures', 'agents', 'claude-store');

rmSync(root, { recursive: true, force: true });
mkdirSync(home, { recursive: true });
writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true }));
const server = await startModelServer();
const env = {
  PATH: process.env.PATH,
  HOME: home,
  TMPDIR: root,
  ANTHROPIC_BASE_URL: `http://127.0.0.1:${server.port}`,
  ANTHROPIC_API_KEY: 'sk-ant-capture-offline',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};

// Asynchronous: the stand-in model answers from this same process.
const run = promisify(execFile);

/** One `claude -p` turn in cwd; returns its session id. */
async function turn(cwd, prompt, resume) {
  mkdirSync(cwd, { recursive: true });
  const args = ['-p', prompt, '--output-format', 'json', ...(resume ? ['--resume', resume] : [])];
  const { stdout } = await run(claude, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(stdout).session_id;
}

const SOCKET = `pocket-capture-store-${process.pid}`;
const tmux = (...tmuxArgs) => run('tmux', ['-L', SOCKET, '-f', '/dev/null', ...tmuxArgs], { encoding: 'utf8' });
const screen = async () => (await tmux('capture-pane', '-p', '-t', 'desk')).stdout;

/** Waits until the TUI's screen shows `text`. */
async function waitFor(text) {
  for (let tries = 0; tries < 120; tries++) {
    if ((await screen()).includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the TUI never showed ${JSON.stringify(text)}:\n${await screen()}`);
}

/** Types a line into the TUI and sends it. */
async function typeLine(text) {
  await tmux('send-keys', '-t', 'desk', '-l', text);
  await tmux('send-keys', '-t', 'desk', 'Enter');
}

/** A session started at the desk: the interactive TUI in tmux. */
async function deskSession(cwd) {
  mkdirSync(cwd, { recursive: true });
  const vars = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([name, value]) => `${name}=${value}`);
  await tmux('new-session', '-d', '-s', 'desk', '-x', '100', '-y', '30', '-c', cwd, 'env', '-i', ...vars, claude);
  try {
    await waitFor('Yes, I trust this folder');
    await tmux('send-keys', '-t', 'desk', '1');
    await waitFor('Do you want to use this API key?');
    await tmux('send-keys', '-t', 'desk', '1');
    await waitFor('for shortcuts');
    await typeLine('Find why the login test is flaky');
    await waitFor('Nothing to do.');
    await typeLine('run: echo checked');
    await waitFor('The tool ran: checked');
    await typeLine('/exit');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  } finally {
    await tmux('kill-server').catch(() => {});
  }
}

try {
  await deskSession(join(root, 'desk-app'));
  const demo = join(root, 'demo-app');
  const first = await turn(demo, 'Explain what this project does');
  await turn(demo, 'Now list its scripts', first);
  const other = await turn(join(root, 'other.app'), 'A prompt in another folder');
  const later = await turn(demo, 'A newer conversation');
  rmSync(out, { recursive: true, force: true });
  cpSync(join(home, '.claude', 'projects'), out, { recursive: true });
  const version = (await run(claude, ['--version'], { encoding: 'utf8' })).stdout.trim();
  console.log(JSON.stringify({ version, demo: { first, later }, other, desk: 'see desk-app' }, null, 2));
} finally {
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
