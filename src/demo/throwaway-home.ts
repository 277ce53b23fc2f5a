// The demo's throwaway home: a private temp directory with the usual layout and a .env that points the daemon at
// the embedded Bot API and a tmux server of its own, so the demo never touches the user's ~/.pocket or tmux.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type HomePaths, homePaths } from '../state/paths.js';
import { ensurePrivateDir } from '../state/private-dirs.js';

export interface DemoSettings {
  token: string;
  userId: number;
  chatId: number;
  apiRoot: string;
  tmuxSocket: string;
}

/** The keys the demo decides; the daemon's environment must not override them (see real-deps.ts). */
export const DEMO_ENV_KEYS = [
  'TELEGRAM_BOT_TOKEN', 'AUTHORIZED_USER_IDS', 'TELEGRAM_CHAT_ID', 'TELEGRAM_API_ROOT', 'POCKET_TMUX_SOCKET',
] as const;

/** How the demo names its throwaway homes and its tmux servers. */
const DEMO_PREFIX = 'pocket-demo-';

export function createThrowawayHome(): HomePaths {
  // mkdtemp already creates 0700 and a name nobody else can predict; the explicit modes survive odd umasks.
  const home = mkdtempSync(join(tmpdir(), DEMO_PREFIX));
  const paths = homePaths(home);
  ensurePrivateDir(paths.home);
  ensurePrivateDir(paths.state);
  ensurePrivateDir(paths.logs);
  return paths;
}

export function demoEnvText(settings: DemoSettings): string {
  const values: Record<(typeof DEMO_ENV_KEYS)[number], string> = {
    TELEGRAM_BOT_TOKEN: settings.token,
    AUTHORIZED_USER_IDS: String(settings.userId),
    TELEGRAM_CHAT_ID: String(settings.chatId),
    TELEGRAM_API_ROOT: settings.apiRoot,
    POCKET_TMUX_SOCKET: settings.tmuxSocket,
  };
  const lines = Object.entries(values).map(([key, value]) => `${key}=${value}`);
  return `# Written by \`pocket demo\` for its throwaway home; removed when the demo ends.\n${lines.join('\n')}\n`;
}

export function writeDemoEnv(paths: HomePaths, settings: DemoSettings): void {
  // 'wx': the home is fresh, so an existing .env would mean we are about to overwrite something we did not make.
  writeFileSync(paths.env, demoEnvText(settings), { mode: 0o600, flag: 'wx' });
  chmodSync(paths.env, 0o600);
}

export function removeHome(paths: HomePaths): void {
  // Pipe-pane shells may still write their markers just after kill-server; retries ride out ENOTEMPTY.
  rmSync(paths.home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}

/**
 * Whether a home and tmux server are ones the demo made, judged by their names alone: a daemon cleaning up after a
 * vanished demo deletes a directory and ends a tmux server, and must never do that to a user's ~/.pocket or tmux.
 */
export function isDemoMade(home: string, tmuxSocket: string): boolean {
  const resolved = resolve(home);
  return dirname(resolved) === resolve(tmpdir()) && basename(resolved).startsWith(DEMO_PREFIX) && tmuxSocket.startsWith(DEMO_PREFIX);
}

/** A tmux server name of the demo's own (`tmux -L`), short enough for the socket path limit. */
export function demoTmuxSocket(): string {
  return `${DEMO_PREFIX}${randomBytes(4).toString('hex')}`;
}

/** A token of the shape BotFather gives; only the embedded server accepts it. */
export function demoToken(botId: number): string {
  return `${botId}:${randomBytes(27).toString('base64url')}`;
}
