import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { realDemoDeps, tmuxSocketPath } from '../../src/demo/real-deps.js';
import { DEMO_USER_ID, type DemoDeps, startDemo } from '../../src/demo/run-demo.js';
import { isDemoMade } from '../../src/demo/throwaway-home.js';
import { fakeDaemon } from '../demo/fake-daemon.js';

const run = promisify(execFile);
const mode = (path: string) => statSync(path).mode & 0o777;

/** The real tmux teardown, a fake daemon, and a record of what was torn down. */
function deps(daemon = fakeDaemon()) {
  const killed: string[] = [];
  const real = realDemoDeps();
  const d: DemoDeps = {
    daemon,
    killTmuxServer: async (socket) => {
      killed.push(socket);
      await real.killTmuxServer(socket);
    },
  };
  return { deps: d, daemon, killed };
}

const tmux = (socket: string, args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args]);

describe('startDemo', () => {
  it('makes a private throwaway home, points the daemon at the emulator, and removes everything on close', async () => {
    const t = deps();
    const demo = await startDemo({}, t.deps);
    const { paths } = demo;
    expect(mode(paths.home)).toBe(0o700);
    expect(mode(paths.state)).toBe(0o700);
    expect(mode(paths.logs)).toBe(0o700);
    expect(mode(paths.env)).toBe(0o600);
    const env = readFileSync(paths.env, 'utf8');
    expect(env).toContain(`TELEGRAM_BOT_TOKEN=${demo.emulator.token}`);
    expect(env).toContain(`AUTHORIZED_USER_IDS=${DEMO_USER_ID}`);
    expect(env).toContain(`TELEGRAM_CHAT_ID=${DEMO_USER_ID}`);
    expect(env).toContain(`TELEGRAM_API_ROOT=${demo.emulator.url}`);
    expect(env).toContain(`POCKET_TMUX_SOCKET=${demo.tmuxSocket}`);
    expect(demo.tmuxSocket).toMatch(/^pocket-demo-[0-9a-f]{8}$/);
    expect(demo.emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.daemon.started).toEqual([paths]);

    // What the daemon would do on /new: a session on the demo's tmux server.
    await tmux(demo.tmuxSocket, ['new-session', '-d', '-s', 'build', 'sleep 60']);
    expect(existsSync(tmuxSocketPath(demo.tmuxSocket))).toBe(true);
    const url = demo.emulator.url;

    await demo.close();
    await demo.close(); // twice is harmless
    expect(t.daemon.stopped).toEqual([paths]);
    expect(t.killed).toEqual([demo.tmuxSocket]);
    // tmux 3.3 leaves the socket file after kill-server; the demo removes it.
    expect(existsSync(tmuxSocketPath(demo.tmuxSocket))).toBe(false);
    await expect(tmux(demo.tmuxSocket, ['list-sessions'])).rejects.toThrow(/no server running|error connecting/);
    await expect(fetch(`${url}/bot${demo.emulator.token}/getMe`)).rejects.toThrow();
    expect(existsSync(paths.home)).toBe(false);
  });

  it('uses a forum supergroup with --forum', async () => {
    const t = deps();
    const demo = await startDemo({ forum: true }, t.deps);
    try {
      expect(demo.chat.forum).toBe(true);
      expect(demo.chat.chat.id).toBeLessThan(0);
      expect(readFileSync(demo.paths.env, 'utf8')).toContain(`TELEGRAM_CHAT_ID=${demo.chat.chat.id}`);
    } finally {
      await demo.close();
    }
  });

  it('cleans up everything when the daemon fails to start', async () => {
    const t = deps(fakeDaemon({ failStart: new Error('no tmux for you') }));
    await expect(startDemo({}, t.deps)).rejects.toThrow('no tmux for you');
    const paths = t.daemon.started[0]!;
    expect(t.daemon.stopped).toEqual([paths]);
    expect(t.killed).toHaveLength(1);
    expect(existsSync(paths.home)).toBe(false);
  });

  it('finishes the teardown when a step fails, then reports the failure', async () => {
    const daemon = fakeDaemon();
    const demo = await startDemo({}, { daemon, killTmuxServer: async () => { throw new Error('tmux hung'); } });
    const url = demo.emulator.url;
    await expect(demo.close()).rejects.toThrow('tmux hung');
    expect(daemon.stopped).toHaveLength(1);
    await expect(fetch(`${url}/bot${demo.emulator.token}/getMe`)).rejects.toThrow();
    expect(existsSync(demo.paths.home)).toBe(false);
  });
});

describe('isDemoMade (what a daemon may remove after its demo vanished)', () => {
  it('accepts only a pocket-demo- home directly in the temp dir together with a pocket-demo- tmux server', () => {
    const home = join(tmpdir(), 'pocket-demo-AbC123');
    expect(isDemoMade(home, 'pocket-demo-0a1b2c3d')).toBe(true);
    expect(isDemoMade(home, 'default')).toBe(false);
    expect(isDemoMade(home, '')).toBe(false);
    expect(isDemoMade(join(homedir(), '.pocket'), 'pocket-demo-0a1b2c3d')).toBe(false);
    expect(isDemoMade(join(tmpdir(), 'elsewhere', 'pocket-demo-AbC123'), 'pocket-demo-0a1b2c3d')).toBe(false);
    expect(isDemoMade(join(tmpdir(), 'pocket-demo-AbC123', '..'), 'pocket-demo-0a1b2c3d')).toBe(false);
  });
});
