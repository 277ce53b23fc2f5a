// Agent sessions under test, in process: the embedded Bot API, the real session service (with a tmux that has no
// panes: agent sessions never touch tmux, and any call but the start-up listing fails the test), the real AgentSessions with scripted fake backends, and the real bot service on top.
// restart() stops all three and builds them again on the same home, as a daemon restart would.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chat, User } from 'grammy/types';
import { createBotService } from '../../src/bot/bot-service.js';
import { Redactor } from '../../src/core/redact.js';
import type { DaemonService } from '../../src/core/ports.js';
import { AgentSessions } from '../../src/daemon/agents/agent-sessions.js';
import { openBotStores } from '../../src/daemon/compose.js';
import { SessionService } from '../../src/daemon/sessions/service.js';
import { type BotApiEmulator, type EmulatedMessage, startBotApiServer } from '../../src/emulator/index.js';
import { createFileLogger } from '../../src/log.js';
import { homePaths, type HomePaths } from '../../src/state/paths.js';
import { FakeAgentBackend } from '../fakes/agent-backend.js';
import type { TmuxCli } from '../../src/tmux/tmux-cli.js';
import { renderScreenPng } from '../../src/screen/index.js';
import { FAST, OWNER_ID, STRANGER_ID, VIEWER_ID } from './harness.js';

export interface AgentHarness {
  emu: BotApiEmulator;
  home: string;
  paths: HomePaths;
  owner: User;
  stranger: User;
  /** A viewer when the harness was started with `viewer: true` (a stranger otherwise). */
  viewer: User;
  chat: Chat;
  claude: FakeAgentBackend;
  codex: FakeAgentBackend;
  sessions: SessionService;
  agents: AgentSessions;
  /** The owner (or `from`) writes; returns the message id. */
  say(text: string, options?: { replyTo?: number; threadId?: number; from?: User }): number;
  /** The first bot message after `afterId` matching. */
  botMessage(pattern: RegExp, afterId?: number): Promise<EmulatedMessage>;
  edited(messageId: number, pattern: RegExp): Promise<EmulatedMessage>;
  press(messageId: number, label: string, from?: User): void;
  restart(): Promise<void>;
  close(): Promise<void>;
  audit(): Array<Record<string, unknown>>;
}

export interface AgentHarnessOptions {
  forum?: boolean;
  approvalTimeoutMs?: number;
  /** Outbox pacing (default: none). */
  outboxLimits?: Partial<typeof FAST>;
  /** The environment agents get (default: a small one). */
  env?: Record<string, string>;
  /** The agents' folder when a command names none (POCKET_AGENT_CWD; default: the temp home). */
  defaultCwd?: string;
  /** Put VIEWER_ID in POCKET_VIEWER_IDS. */
  viewer?: boolean;
}

export async function startAgentBot(options: AgentHarnessOptions = {}): Promise<AgentHarness> {
  const emu = await startBotApiServer({ rate: false });
  const home = mkdtempSync(join(tmpdir(), 'pocket-agents-'));
  const paths = homePaths(home);
  mkdirSync(paths.state, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const owner = emu.user(OWNER_ID, { firstName: 'Owner', username: 'owner' });
  const stranger = emu.user(STRANGER_ID, { firstName: 'Mallory' });
  const viewer = emu.user(VIEWER_ID, { firstName: 'Vera' });
  const dm = emu.createPrivateChat(owner);
  emu.createPrivateChat(stranger);
  const chat = options.forum ? emu.createGroup({ title: 'ops', forum: true, members: [owner, stranger, viewer] }) : dm;
  const redactor = new Redactor([emu.token]);
  const log = createFileLogger({ file: paths.daemonLog, redactor, level: 'debug' });
  const tmux = noPanesTmux();
  const claude = new FakeAgentBackend('claude');
  const codex = new FakeAgentBackend('codex');
  let services: DaemonService[] = [];

  const build = async (): Promise<void> => {
    const changes = new EventEmitter();
    const sessions = new SessionService({ tmux, stateDir: paths.state, panesDir: paths.panes, log, changes, idleMs: 30_000 });
    const agents = new AgentSessions({
      sessions, backends: { claude, codex }, env: { claude: options.env ?? { PATH: '/usr/bin', HOME: home }, codex: options.env ?? { PATH: '/usr/bin', HOME: home } }, defaultCwd: options.defaultCwd ?? home,
      imagesDir: join(paths.state, 'agent-images'), log, redactor, ...(options.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: options.approvalTimeoutMs }),
    });
    const bot = createBotService({
      settings: {
        botToken: emu.token, apiRoot: emu.url, chatId: chat.id, authorizedUserIds: [OWNER_ID], viewerIds: options.viewer === true ? [VIEWER_ID] : [], staleSeconds: 300,
        shellEnabled: false, shellTimeoutS: 1800, hostLabel: 'testbox',
      },
      log, redactor, stores: openBotStores(paths.state, log), files: { auditLog: paths.auditLog, daemonLog: paths.daemonLog, env: paths.env },
      onStatusChange: () => {}, agents, renderScreen: renderScreenPng,
    }, sessions, { outboxLimits: options.outboxLimits ?? FAST, backoffMs: { first: 50, max: 400 } });
    // As the daemon orders them (compose.ts): the agents stop first, while the bot can still report their turns.
    services = [sessions, bot.service, agents];
    h.sessions = sessions;
    h.agents = agents;
    for (const service of services) await service.start();
    await emu.waitFor(() => emu.polling, { description: 'the bot to poll' });
  };
  const stop = async (): Promise<void> => {
    for (const service of [...services].reverse()) await service.stop().catch(() => {});
  };

  const h: AgentHarness = {
    emu, home, paths, owner, stranger, viewer, chat, claude, codex,
    sessions: undefined as unknown as SessionService,
    agents: undefined as unknown as AgentSessions,
    say(text, o = {}) {
      const update = emu.sendText(chat, o.from ?? owner, text, { ...(o.replyTo === undefined ? {} : { replyTo: o.replyTo }), ...(o.threadId === undefined ? {} : { threadId: o.threadId }) });
      return update.message!.message_id;
    },
    botMessage(pattern, afterId = 0) {
      return emu.waitFor(
        () => emu.messages(chat).find((m) => m.fromBot && m.messageId > afterId && pattern.test(m.text ?? m.caption ?? '')),
        { description: `a bot message matching ${pattern}` },
      );
    },
    edited(messageId, pattern) {
      return emu.waitFor(() => {
        const m = emu.message(chat, messageId);
        return m !== undefined && pattern.test(m.text ?? '') ? m : undefined;
      }, { description: `message ${messageId} to match ${pattern}` });
    },
    press(messageId, label, from) {
      const button = emu.message(chat, messageId)?.replyMarkup?.inline_keyboard.flat().find((b) => b.text === label);
      if (button === undefined || !('callback_data' in button)) throw new Error(`no button ${label} on message ${messageId}`);
      emu.pressButton(chat, from ?? owner, messageId, button.callback_data!);
    },
    async restart() {
      await stop();
      await build();
    },
    async close() {
      await stop();
      await emu.close();
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
  try {
    await build();
  } catch (error) {
    await h.close();
    throw error;
  }
  return h;
}

/** A tmux server with no panes; anything but listing them is a bug in an agent test. */
function noPanesTmux(): TmuxCli {
  return new Proxy({} as TmuxCli, {
    get(_target, method) {
      if (method === 'listPanes') return async () => [];
      if (method === 'then') return undefined;
      return () => {
        throw new Error(`agent sessions called tmux.${String(method)}`);
      };
    },
  });
}
