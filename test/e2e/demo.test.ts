// `pocket demo` as the README's quick start runs it without a terminal: the built binary, a script on stdin, the real
// daemon and bot against the embedded Bot API, real tmux. Skipped until the daemon runs the bot (see botWired).
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tmuxSocketPath } from '../../src/demo/real-deps.js';
import { BIN } from '../helpers/pocket.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The bot service exists and the daemon's composition root builds it.
const botWired = existsSync(resolve(ROOT, 'src/bot/bot-service.ts'))
  && /bot-service/.test(readFileSync(resolve(ROOT, 'src/daemon/compose.ts'), 'utf8'));

function runDemo(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('TELEGRAM_') || key.startsWith('POCKET_') || key === 'AUTHORIZED_USER_IDS' || key === 'TMUX') delete env[key];
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'demo'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
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
