// One bot service under test: a temp home, the embedded Bot API, a real grammY bot polling it, a FakeSessions.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chat, User } from 'grammy/types';
import { type BotServiceOptions, type BotStores, createBotService } from '../../src/bot/bot-service.js';
import type { Config } from '../../src/config.js';
import type { BotStatus } from '../../src/core/status.js';
import type { DaemonService, Logger } from '../../src/core/ports.js';
import type { ScreenImageRenderer } from '../../src/core/screen.js';
import type { SessionUseCases } from '../../src/core/sessions.js';
import { renderScreenPng } from '../../src/screen/index.js';
import { openBotStores, redactorFor } from '../../src/daemon/compose.js';
import { type BotApiEmulator, type BotApiServerOptions, startBotApiServer } from '../../src/emulator/index.js';
import { createFileLogger } from '../../src/log.js';
import { homePaths, type HomePaths } from '../../src/state/paths.js';
import { FakeSessions } from '../fakes/sessions.js';

export const OWNER_ID = 5001;
export const STRANGER_ID = 6666;
/** A user in the group who is a viewer when a test puts VIEWER_ID in config.viewerIds (a stranger otherwise). */
export const VIEWER_ID = 7007;
/** Fast pacing for tests that are not about pacing; the emulator's flood control is off for them. */
export const FAST = { privateIntervalMs: 0, groupIntervalMs: 0, globalIntervalMs: 0 };

export interface BotHarness {
  emu: BotApiEmulator;
  home: string;
  paths: HomePaths;
  owner: User;
  stranger: User;
  viewer: User;
  /** The owner's private chat (the default chat unless a forum is asked for). */
  dm: Chat;
  chat: Chat;
  sessions: FakeSessions;
  /** The daemon's 'changed' emitter: the bot emits on every status change. */
  changes: EventEmitter;
  service: DaemonService;
  status: () => BotStatus;
  /** Stops the service and builds a new one on the same home and (re-read) sessions file. */
  restart(): Promise<void>;
  close(): Promise<void>;
  audit(): Array<Record<string, unknown>>;
}

export interface HarnessOptions {
  emulator?: BotApiServerOptions;
  forum?: boolean;
  bot?: BotServiceOptions;
  staleSeconds?: number;
  /** Keep the emulator (another harness on the same Telegram); default: a new one. */
  emu?: BotApiEmulator;
  /** Settings on top of the harness's own (secrets are added to the token's). */
  config?: Partial<Config>;
  /** The sessions the bot drives; default: h.sessions, a FakeSessions (a real SessionService in test/tmux/). */
  sessionUseCases?: SessionUseCases;
  /** /screen's renderer; default: the real one (src/screen/). */
  renderScreen?: ScreenImageRenderer;
  /** The bot's stores; default: the daemon's own (openBotStores) in the harness's home. */
  stores?: (stateDir: string, log: Logger) => BotStores;
}

export async function startBot(options: HarnessOptions = {}): Promise<BotHarness> {
  const emu = options.emu ?? (await startBotApiServer({ rate: false, ...options.emulator }));
  const home = mkdtempSync(join(tmpdir(), 'pocket-bot-'));
  const paths = homePaths(home);
  mkdirSync(paths.state, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const owner = emu.user(OWNER_ID, { firstName: 'Owner' });
  const stranger = emu.user(STRANGER_ID, { firstName: 'Mallory' });
  const viewer = emu.user(VIEWER_ID, { firstName: 'Vera' });
  const dm = emu.createPrivateChat(owner);
  emu.createPrivateChat(stranger);
  emu.createPrivateChat(viewer);
  const chat = options.forum ? emu.createGroup({ title: 'ops', forum: true, members: [owner, stranger, viewer] }) : dm;
  const config: Config = {
    home, botToken: emu.token, authorizedUserIds: [OWNER_ID], viewerIds: [], chatId: chat.id, apiRoot: emu.url, tmuxSocket: undefined,
    shellEnabled: false, shellTimeoutS: 1800, staleSeconds: options.staleSeconds ?? 300, redact: true, idleSeconds: 30, codexPath: undefined,
    claudePath: undefined, agentCwd: undefined, osascriptPath: undefined, hostLabel: 'testbox', codexSandbox: 'workspace-write',
    ...options.config,
    secrets: [emu.token, ...(options.config?.secrets ?? [])],
  };
  const redactor = redactorFor(config);
  const log = createFileLogger({ file: paths.daemonLog, redactor, level: 'debug' });
  const sessionsFile = join(paths.state, 'fake-sessions.json');
  const botOptions: BotServiceOptions = { outboxLimits: FAST, backoffMs: { first: 50, max: 400 }, ...options.bot };
  const changes = new EventEmitter();
  const build = () => createBotService({
    settings: config,
    log,
    redactor,
    stores: (options.stores ?? openBotStores)(paths.state, log),
    files: { auditLog: paths.auditLog, daemonLog: paths.daemonLog, env: paths.env },
    onStatusChange: () => changes.emit('changed'),
    renderScreen: options.renderScreen ?? renderScreenPng,
  }, options.sessionUseCases ?? h.sessions, botOptions);

  const h: BotHarness = {
    emu, home, paths, owner, stranger, viewer, dm, chat, changes,
    sessions: new FakeSessions(sessionsFile),
    service: undefined as unknown as DaemonService,
    status: () => ({ username: null, connected: false, lastPollAt: null, lastError: null }),
    async restart() {
      await h.service.stop();
      h.sessions = new FakeSessions(sessionsFile);
      const built = build();
      h.service = built.service;
      h.status = built.status;
      await h.service.start();
    },
    async close() {
      await h.service.stop().catch(() => {});
      if (options.emu === undefined) await emu.close();
      rmSync(home, { recursive: true, force: true });
    },
    audit() {
      try {
        return readFileSync(paths.auditLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
  };
  const built = build();
  h.service = built.service;
  h.status = built.status;
  return h;
}

/** Starts the service and waits until the bot is long polling. */
export async function running(h: BotHarness): Promise<BotHarness> {
  await h.service.start();
  await h.emu.waitFor(() => h.emu.polling, { description: 'the bot to poll' });
  return h;
}

/** Waits until the bot has confirmed (or is past) every queued update, i.e. it handled them all. */
export async function drained(h: BotHarness): Promise<void> {
  await h.emu.waitFor(() => h.emu.pendingUpdates().length === 0 && h.emu.polling, { description: 'updates to be handled' });
}

/** The bot's last message in a chat whose text matches. */
export function botSaid(h: BotHarness, chat: Chat, pattern: RegExp, threadId?: number | null) {
  return h.emu.waitFor(
    () => h.emu.messages(chat, threadId === undefined ? {} : { threadId }).find((m) => pattern.test(m.text ?? m.caption ?? '')),
    { description: `a bot message matching ${pattern}` },
  );
}

/** Waits for the bot's status to satisfy probe; re-checked on every status change (no polling, no sleeps). */
export function statusWhere(h: BotHarness, probe: (status: BotStatus) => boolean, timeoutMs = 5000): Promise<BotStatus> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const status = h.status();
      if (!probe(status)) return;
      cleanup();
      resolve(status);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for bot status; last: ${JSON.stringify(h.status())}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      h.changes.off('changed', check);
    };
    h.changes.on('changed', check);
    check();
  });
}
