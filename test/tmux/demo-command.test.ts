import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demo } from '../../src/cli/commands/demo.js';
import type { DemoDeps } from '../../src/demo/run-demo.js';
import { fakeDaemon } from '../demo/fake-daemon.js';

let dir: string;
let stdout: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pocket-demo-cmd-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

function deps() {
  const killed: string[] = [];
  const d: DemoDeps = { daemon: fakeDaemon(), killTmuxServer: async (socket) => { killed.push(socket); } };
  return { d, killed };
}

describe('pocket demo --script', () => {
  it('plays the script against the daemon’s bot, prints the conversation and tears everything down', async () => {
    const script = join(dir, 'quickstart.txt');
    writeFileSync(script, '/help\n/new build echo hi\n!Refresh\n');
    const { d, killed } = deps();
    await demo({ script, settle: '100' }, d);
    expect(stdout).toContain('you › /help\nbot › pocket commands:');
    expect(stdout).toContain('you pressed [Refresh]\nⓘ did r:build');
    const home = /throwaway home (\S+), tmux socket (\S+)/.exec(stderr)!;
    expect(existsSync(home[1]!)).toBe(false);
    expect(killed).toEqual([home[2]]);
    expect(process.exitCode).toBeUndefined();
  });

  it('exits 1 when a line names a button that is not there', async () => {
    const script = join(dir, 'bad.txt');
    writeFileSync(script, '!Nope\n');
    await demo({ script, settle: '50' }, deps().d);
    expect(stdout).toContain('! no message with buttons here yet');
    expect(process.exitCode).toBe(1);
  });

  it('rejects a bad --settle or a missing script before starting anything', async () => {
    const { d } = deps();
    await expect(demo({ script: join(dir, 'x'), settle: 'soon' }, d)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(demo({ script: join(dir, 'missing.txt') }, d)).rejects.toMatchObject({ code: 'USAGE' });
    expect((d.daemon as ReturnType<typeof fakeDaemon>).started).toEqual([]);
  });
});
