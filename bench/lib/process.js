// What every benchmark that runs the real `pocket` needs: the environment a user's shell would give it (nothing of
// this machine's own pocket setup), and child processes that do not block the bench's event loop (the embedded Bot
// API lives in the bench process).
import { spawn } from 'node:child_process';

/** process.env without TELEGRAM_*, POCKET_* (but POCKET_HOME = home, when given), TMUX*, NODE_OPTIONS. */
export function cleanEnv(home) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('TELEGRAM_') || key.startsWith('POCKET_') || key === 'TMUX' || key === 'TMUX_PANE' || key === 'AUTHORIZED_USER_IDS' || key === 'NODE_OPTIONS') {
      delete env[key];
    }
  }
  if (home !== undefined) env.POCKET_HOME = home;
  return env;
}

/** Runs a command without blocking this process's event loop; resolves with its output, rejects on a non-zero exit. */
export function exec(cmd, args, env) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`))));
  });
}
