#!/usr/bin/env node
// Writes test/fixtures/agents/claude-store/: Claude Code's own session store (~/.claude/projects/<key>/<id>.jsonl)
// as the real CLI leaves it, for the /resume tests (test/agents/claude/session-store.test.ts). It runs the real
// `claude -p` (a conversation started in a terminal: two prompts, the second through --resume) and one turn in a
// second folder, all in a throwaway HOME, against model-server.js (no network, no account), then copies the
// projects folder. The project paths are fixed (/tmp/pocket-claude-store/demo-app, .../other.app) because the folder
// key and the `cwd` inside each entry name them; the tests read them without the folders existing.
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

try {
  const demo = join(root, 'demo-app');
  const first = await turn(demo, 'Explain what this project does');
  await turn(demo, 'Now list its scripts', first);
  const other = await turn(join(root, 'other.app'), 'A prompt in another folder');
  const later = await turn(demo, 'A newer conversation');
  rmSync(out, { recursive: true, force: true });
  cpSync(join(home, '.claude', 'projects'), out, { recursive: true });
  const version = (await run(claude, ['--version'], { encoding: 'utf8' })).stdout.trim();
  console.log(JSON.stringify({ version, demo: { first, later }, other }, null, 2));
} finally {
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
