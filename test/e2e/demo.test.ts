// `pocket demo` as the README's quick start runs it without a terminal: the built binary, a script on stdin, the real
// daemon and bot against the embedded Bot API, real tmux. Skipped until the daemon runs the bot (see botWired).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tmuxSocketPath } from '../../src/demo/real-deps.js';
import { claudeSdkMissing } from '../helpers/claude-sdk.js';
import { agentsCacheDir } from '../../src/agents/claude/sdk-loader.js';
import { BIN, eventually, isAlive } from '../helpers/pocket.js';

const run = promisify(execFile);

const CODEX = join(agentsCacheDir(), 'node_modules/.bin/codex');
const codexMissing = existsSync(CODEX) ? null : `no codex at ${CODEX}: run scripts/install-agents.sh`;

const ROOT = resolve(import.meta.dirname, '../..');
// The bot service exists and the daemon's composition root builds it.
const botWired = existsSync(resolve(ROOT, 'src/bot/bot-service.ts'))
  && /bot-service/.test(readFileSync(resolve(ROOT, 'src/daemon/compose.ts'), 'utf8'));

function demoEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('TELEGRAM_') || key.startsWith('POCKET_') || key === 'AUTHORIZED_USER_IDS' || key === 'TMUX') delete env[key];
  }
  return env;
}

function runDemo(script: string, extraEnv: Record<string, string> = {}, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...demoEnv(), ...extraEnv };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'demo', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    // SIGTERM first: the demo then still stops its detached daemon and removes its home; SIGKILL would orphan them.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
      fail(new Error(`pocket demo timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(script);
  });
}

describe('pocket demo (built binary, no terminal)', () => {
  it.skipIf(!botWired)('runs a script against the real daemon and prints the conversation, then cleans up', async () => {
    const result = await runDemo('/help\n/new demo1 echo hello-from-demo\n/tail demo1\n');
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    // /help is answered with the command list.
    expect(out).toMatch(/you › \/help\nbot › [\s\S]*\/new/);
    // /new makes a card for demo1; /tail shows the output of the command.
    const afterNew = out.slice(out.indexOf('you › /new demo1'));
    expect(afterNew).toMatch(/bot › [^\n]*demo1/);
    const afterTail = out.slice(out.indexOf('you › /tail demo1'));
    expect(afterTail).toMatch(/bot › [\s\S]*hello-from-demo/);

    // The throwaway home and the demo's tmux server are gone.
    const where = /throwaway home (\S+), tmux socket (\S+)/.exec(result.stderr);
    expect(where, result.stderr).not.toBeNull();
    expect(existsSync(where![1]!)).toBe(false);
    expect(existsSync(tmuxSocketPath(where![2]!))).toBe(false);
    await expect(promisify(execFile)('tmux', ['-L', where![2]!, 'list-sessions'])).rejects.toThrow();
  }, 120_000);
});

describe('pocket demo with coding agents', () => {
  // The demo runs the real Claude Code (through the SDK in the agents cache) against its loopback stand-in model.
  it.skipIf(!botWired || claudeSdkMissing !== null)('shows a /claude turn: its card, a permission allowed from the console, the answer', async () => {
    // Claude Code takes seconds to start and ask: each step waits for 6 s of quiet.
    const result = await runDemo('/claude run: touch demo-made.txt\n!Allow\n/sessions\n', {}, ['--settle', '6000']);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/bot › [^\n]*Started claude session claude in \S+\/project/);
    expect(out).toMatch(/🔐 claude claude asks to use Bash:\n\s+\$ touch demo-made\.txt/);
    expect(out).toContain('you pressed [✅ Allow]');
    expect(out).toMatch(/→ Allowed \(by @demo_you\)/);
    expect(out).toMatch(/claude claude — (running|idle)/);
  }, 120_000);

  // And the real codex (from the agents cache, put on PATH as a user's global install would be) against the same stand-in.
  it.skipIf(!botWired || codexMissing !== null)('shows a /codex turn: its card, a command allowed from the console, the answer', async () => {
    const result = await runDemo('/codex run: touch codex-made.txt\n!Allow\n/sessions\n', { PATH: `${dirname(CODEX)}:${process.env.PATH ?? ''}` }, ['--settle', '6000']);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/bot › [^\n]*Started codex session codex in \S+\/project/);
    expect(out).toMatch(/🔐 codex codex asks to use command:\n\s+\$ touch codex-made\.txt/);
    expect(out).toContain('you pressed [✅ Allow]');
    expect(out).toMatch(/→ Allowed \(by @demo_you\)/);
    expect(out).toMatch(/✓ \$ touch codex-made\.txt \(exit 0\)/);
    expect(out).toContain('The command ran.');
  }, 120_000);

  it.skipIf(!botWired)('without the Claude Agent SDK, /claude answers with the exact install command', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'pocket-no-agents-'));
    try {
      const result = await runDemo('/claude hello\n', { POCKET_AGENTS_CACHE: emptyCache });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Claude is not available on this machine: [\s\S]*npm install -g @anthropic-ai\/claude-agent-sdk/);
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Whether the tmux server named `socket` answers; only ever the demo's own `-L` server. */
async function tmuxServerUp(socket: string): Promise<boolean> {
  try {
    await run('tmux', ['-L', socket, 'list-sessions'], { env: demoEnv(), timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

describe('pocket demo killed with SIGKILL', () => {
  // What the test itself must not leave behind should the daemon fail to clean up after its demo.
  let leftovers: { demo?: ChildProcess; daemonPid?: number; home?: string; socket?: string } = {};
  afterEach(async () => {
    const { demo, daemonPid, home, socket } = leftovers;
    leftovers = {};
    if (demo?.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
    if (daemonPid !== undefined && isAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
    if (socket !== undefined) {
      await run('tmux', ['-L', socket, 'kill-server'], { env: demoEnv() }).catch(() => undefined);
      rmSync(tmuxSocketPath(socket), { force: true });
    }
    if (home !== undefined) rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });

  it.skipIf(!botWired)('leaves a daemon that stops itself, ends the demo tmux server and removes the home', async () => {
    const demo = spawn(process.execPath, [BIN, 'demo'], { env: demoEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    leftovers.demo = demo;
    let stderr = '';
    demo.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    demo.stdout.resume();
    // Stdin stays open, so the demo waits for more lines with a session running in its tmux server.
    demo.stdin.write('/new keep sleep 600\n');

    const where = await eventually(() => /throwaway home (\S+), tmux socket (\S+)/.exec(stderr), { timeoutMs: 30_000, what: 'the demo to start' });
    const home = where[1]!;
    const socket = where[2]!;
    leftovers.home = home;
    leftovers.socket = socket;
    const status = await eventually(async () => {
      const out = await run(process.execPath, [BIN, 'status', '--json', '--home', home], { env: demoEnv() }).catch(() => undefined);
      return out === undefined ? undefined : (JSON.parse(out.stdout) as { daemon: { pid: number }; sessions: unknown[] });
    }, { timeoutMs: 30_000, what: 'the demo daemon to answer' });
    const daemonPid = status.daemon.pid;
    leftovers.daemonPid = daemonPid;
    expect(isAlive(daemonPid)).toBe(true);
    await eventually(() => tmuxServerUp(socket), { timeoutMs: 30_000, what: `the session in tmux server ${socket}\n${stderr}` });

    demo.kill('SIGKILL');

    await eventually(() => !isAlive(daemonPid), { timeoutMs: 30_000, what: 'the demo daemon to stop after its demo died' });
    await eventually(async () => !(await tmuxServerUp(socket)), { timeoutMs: 10_000, what: `tmux server ${socket} to end` });
    await eventually(() => !existsSync(home) && !existsSync(tmuxSocketPath(socket)), { timeoutMs: 10_000, what: 'the home and socket file to go' });
  }, 120_000);
});
