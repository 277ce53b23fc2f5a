// The doctor's checks of this machine: Node, tmux and its server, file permissions, the daemon, pane-log disk use.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertEnvFilePrivate, readEnvFile, SETTING_KEYS } from '../../config.js';
import { nodeVersionVerdict, paneLogsVerdict, unknownSettings, unknownSettingsVerdict } from '../../core/doctor.js';
import { isPocketError } from '../../core/errors.js';
import { inspectLock } from '../../state/lock.js';
import type { DoctorCheck } from './context.js';

const run = promisify(execFile);

export const nodeCheck: DoctorCheck = {
  id: 'node',
  title: 'Node.js',
  run: () => nodeVersionVerdict(process.versions.node),
};

export const tmuxCheck: DoctorCheck = {
  id: 'tmux',
  title: 'tmux',
  async run(ctx) {
    let version: string;
    try {
      version = (await run('tmux', ['-V'], { timeout: 3000 })).stdout.trim();
    } catch {
      return { status: 'fail', detail: 'tmux not found on PATH', fix: 'Install tmux 3.2 or newer: apt-get install tmux / brew install tmux.' };
    }
    const match = /tmux (\d+)\.(\d+)/.exec(version);
    if (match !== null && (Number(match[1]) < 3 || (Number(match[1]) === 3 && Number(match[2]) < 2))) {
      return { status: 'fail', detail: `${version} is older than 3.2`, fix: 'Install tmux 3.2 or newer.' };
    }
    const loaded = ctx.config();
    const socket = 'config' in loaded ? loaded.config.tmuxSocket : ctx.env.POCKET_TMUX_SOCKET;
    const server = socket === undefined ? "tmux's default server" : `tmux server "${socket}"`;
    try {
      const env = { ...process.env };
      delete env.TMUX;
      const { stdout } = await run('tmux', [...(socket === undefined ? [] : ['-L', socket]), 'list-sessions', '-F', '#{session_name}'], { timeout: 3000, env });
      const sessions = stdout.split('\n').filter((line) => line.length > 0).length;
      return { status: 'pass', detail: `${version}; ${server} answers (${sessions} session(s))` };
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? '');
      if (/no server running|error connecting to/i.test(stderr)) {
        return { status: 'pass', detail: `${version}; ${server} is not running yet (pocket starts it with the first session)` };
      }
      return {
        status: 'fail',
        detail: `${version}; ${server} does not answer: ${stderr.trim().split('\n')[0] || (error as Error).message}`,
        fix: 'Check `tmux ls` (or `tmux -L SOCKET ls`); a server stuck in a bad state can be ended with `tmux kill-server`.',
      };
    }
  },
};

export const envFileCheck: DoctorCheck = {
  id: 'env-file',
  title: '.env permissions',
  run(ctx) {
    if (!existsSync(ctx.paths.env)) {
      return { status: 'fail', detail: `${ctx.paths.env} does not exist`, fix: 'Run `pocket init`.' };
    }
    try {
      assertEnvFilePrivate(ctx.paths.env);
      return { status: 'pass', detail: `${ctx.paths.env} is readable by the owner only (0600)` };
    } catch (error) {
      return isPocketError(error)
        ? { status: 'fail', detail: error.message, ...(error.hint === undefined ? {} : { fix: error.hint }) }
        : { status: 'fail', detail: String(error) };
    }
  },
};

export const privateDirsCheck: DoctorCheck = {
  id: 'private-dirs',
  title: '.state and logs permissions',
  run(ctx) {
    const loose = [ctx.paths.state, ctx.paths.logs].filter((dir) => existsSync(dir) && (statSync(dir).mode & 0o077) !== 0);
    return loose.length === 0
      ? { status: 'pass', detail: 'private (0700), or not created yet' }
      : { status: 'fail', detail: `${loose.join(', ')} can be read by others`, fix: `Run: chmod 700 ${loose.join(' ')}` };
  },
};

export const configCheck: DoctorCheck = {
  id: 'config',
  title: 'settings',
  run(ctx) {
    const loaded = ctx.config();
    if ('config' in loaded) {
      const unknown = unknownSettingsVerdict(unknownSettings(Object.keys(readEnvFile(ctx.paths.env)), SETTING_KEYS));
      return unknown ?? { status: 'pass', detail: `${loaded.config.authorizedUserIds.length} authorized user(s), chat ${loaded.config.chatId}, API ${loaded.config.apiRoot}` };
    }
    const error = loaded.error;
    return isPocketError(error)
      ? { status: 'fail', detail: error.message, fix: existsSync(ctx.paths.env) ? (error.hint ?? 'Fix .env.') : 'Run `pocket init`.' }
      : { status: 'fail', detail: String(error) };
  },
};

export const daemonCheck: DoctorCheck = {
  id: 'daemon',
  title: 'daemon',
  run(ctx) {
    const verdict = inspectLock(ctx.paths.lock);
    if (verdict.kind === 'held') return { status: 'pass', detail: `running (pid ${verdict.record.pid})` };
    if (verdict.kind === 'free') return { status: 'pass', detail: 'not running (`pocket start` starts it)' };
    return { status: 'pass', detail: `not running; a stale lock (${verdict.reason}) is recovered by the next \`pocket start\`` };
  },
};

export const paneLogsCheck: DoctorCheck = {
  id: 'pane-logs',
  title: 'disk used by pane logs',
  run(ctx) {
    const { bytes, files } = folderSize(ctx.paths.panes);
    return paneLogsVerdict(bytes, files, ctx.paths.panes);
  },
};

function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return { bytes, files };
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = folderSize(path);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      try {
        bytes += statSync(path).size;
        files++;
      } catch {
        // Removed while we walked (a pane's chunk rotated away): it no longer takes room.
      }
    }
  }
  return { bytes, files };
}
