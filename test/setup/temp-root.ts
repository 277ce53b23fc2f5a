// Global setup of every run: a temp root of its own, and a run that leaves anything in it fails.
//
// Other runs share this machine's /tmp, so a before/after diff of /tmp would blame this run for their folders.
// Instead TMPDIR points at a fresh folder before the workers start; they, the daemons and CLIs they spawn (which
// inherit the environment) and os.tmpdir() all create their temp files there. TMUX_TMPDIR points there too, so the
// private `tmux -L` servers' sockets live in <root>/tmux-UID/ (tmux ignores TMPDIR) and go with the root.
// At the end every entry left in the root is a leak — except tmux's socket folder, where only a socket a server still
// answers on is one (tmux 3.3 leaves the file of a killed server behind); live servers are killed. The run then fails
// with the list, and the root is removed either way.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const TMUX_DIR = `tmux-${process.getuid?.() ?? 0}`;

/** Whether a process accepts connections on the unix socket at `path` (false for a file left by a dead server). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Leftovers {
  /** Entries of the root, by name, that a test created and did not remove. */
  entries: string[];
  /** Sockets (paths) of tmux servers still running. */
  liveTmuxSockets: string[];
}

/** What the tests left in `root`. */
export async function leftovers(root: string): Promise<Leftovers> {
  const entries: string[] = [];
  const liveTmuxSockets: string[] = [];
  for (const name of readdirSync(root).sort()) {
    if (name !== TMUX_DIR) {
      entries.push(name);
      continue;
    }
    for (const socket of readdirSync(join(root, name)).sort()) {
      const path = join(root, name, socket);
      if (await answers(path)) liveTmuxSockets.push(path);
    }
  }
  return { entries, liveTmuxSockets };
}

export function describeLeftovers(root: string, { entries, liveTmuxSockets }: Leftovers): string | null {
  if (entries.length === 0 && liveTmuxSockets.length === 0) return null;
  const lines = [
    ...entries.map((name) => `  ${name}`),
    ...liveTmuxSockets.map((path) => `  tmux server still running on ${path} (killed now)`),
  ];
  return `the tests left these in their temp root ${root}; each test must remove what it creates:\n${lines.join('\n')}`;
}

export default function tempRoot(): () => Promise<void> {
  const saved = { TMPDIR: process.env.TMPDIR, TMUX_TMPDIR: process.env.TMUX_TMPDIR };
  const root = mkdtempSync(join(tmpdir(), 'pocket-testrun-'));
  process.env.TMPDIR = root;
  process.env.TMUX_TMPDIR = root;
  return async function checkAndRemove() {
    try {
      const left = await leftovers(root);
      for (const socket of left.liveTmuxSockets) {
        await promisify(execFile)('tmux', ['-S', socket, 'kill-server']).catch(() => undefined);
      }
      const problem = describeLeftovers(root, left);
      if (problem !== null) {
        // vitest only logs an error thrown by a global teardown; the exit code is what fails `npm test` and CI.
        process.exitCode = 1;
        throw new Error(problem);
      }
    } finally {
      rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  };
}
