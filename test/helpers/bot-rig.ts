// The whole product end to end: the built `pocket` daemon (started as a user would, `pocket start`), the embedded
// Bot API in this test process as Telegram, and real tmux on a private socket. Tests play the users through the
// emulator and check what Telegram saw and what tmux has. Nothing here sleeps to synchronise: waits are on emulator
// events, or, for another process's state (tmux panes, files), on a condition with a deadline.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Chat, Update, User } from 'grammy/types';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type BotApiEmulator, type EmulatedMessage, startBotApiServer } from '../../src/emulator/index.js';
import { CANARY_TOKEN, eventually, type TempHome, tempHome } from './pocket.js';

const execFileP = promisify(execFile);

/** A token shaped like BotFather's (10 digits, 35 characters): the bot's real secret and the canary of leak checks. */
export const BOT_TOKEN = `7000000001:CANARY${randomBytes(32).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 29)}`;
export const OWNER_ID = 5001;
/** The rig daemon's POCKET_HOST_LABEL: topics are named `NAME · e2ebox`, lists say "Sessions on e2ebox". */
export const RIG_HOST = 'e2ebox';
export const STRANGER_ID = 6666;

export interface StatusSession {
  id: string;
  name: string;
  alias: string | null;
  kind: string;
  target: string;
  state: 'running' | 'idle' | 'waiting' | 'exited';
  exitCode: number | null;
  topicId: number | null;
}

export interface BotRig {
  emu: BotApiEmulator;
  h: TempHome;
  /** The tmux socket name (`tmux -L`). */
  socket: string;
  owner: User;
  stranger: User;
  /** The owner's private chat. */
  dm: Chat;
  strangerDm: Chat;
  /** The configured chat: the owner's private chat, or the forum group. */
  chat: Chat;
  /** Raw tmux on the daemon's server. */
  tmux(...args: string[]): Promise<string>;
  /** The pane's visible text, trailing blank lines dropped. */
  capture(pane: string): Promise<string>;
  /** Waits until the pane shows text matching `pattern`; returns the capture. */
  paneShows(pane: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
  tmuxSessions(): Promise<string[]>;
  /** `pocket status --json`'s sessions. */
  sessions(): Promise<StatusSession[]>;
  session(name: string): Promise<StatusSession>;
  /** The owner writes in the configured chat (or `where`); returns the user's message id. */
  say(text: string, options?: { threadId?: number; replyTo?: number; chat?: Chat; from?: User }): number;
  /** The first bot message after `afterId` (a message id) whose text or caption matches. */
  botMessage(pattern: RegExp, options?: { afterId?: number; threadId?: number | null; chat?: Chat; timeoutMs?: number }): Promise<EmulatedMessage>;
  /** Waits until the message's text matches. */
  edited(messageId: number, pattern: RegExp | string, options?: { chat?: Chat; timeoutMs?: number }): Promise<EmulatedMessage>;
  /** callback_data of the button labelled `label` on a bot message. */
  button(messageId: number, label: string, chat?: Chat): string;
  press(messageId: number, label: string, options?: { chat?: Chat; from?: User }): void;
  /** Waits until the bot has set a reaction on the user's message. */
  reaction(messageId: number, chat?: Chat): Promise<string[]>;
  /** Waits until every queued update was taken by the bot and it polls again (handled: grammY runs them in order). */
  drained(): Promise<void>;
  /** Everything Telegram received from the bot: texts, captions, button data, document bytes, call parameters. */
  receivedText(): string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  forum?: boolean;
  /** Extra .env settings. */
  env?: Record<string, string>;
  /** Extra variables in the environment `pocket start` / `restart` run in (the daemon's process environment). */
  processEnv?: Record<string, string>;
}

const tmuxEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
};

export async function startBotRig(options: RigOptions = {}): Promise<BotRig> {
  const emu = await startBotApiServer({ token: BOT_TOKEN, botUsername: 'pocket_e2e_bot' });
  const owner = emu.user(OWNER_ID, { firstName: 'Owner' });
  const stranger = emu.user(STRANGER_ID, { firstName: 'Mallory' });
  const dm = emu.createPrivateChat(owner);
  const strangerDm = emu.createPrivateChat(stranger);
  const chat = options.forum ? emu.createGroup({ title: 'ops', forum: true, members: [owner, stranger] }) : dm;
  const socket = `pocket-e2e-bot-${randomBytes(4).toString('hex')}`;
  const h = tempHome('pocket-e2e-bot-');
  h.writeEnv({
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    AUTHORIZED_USER_IDS: String(OWNER_ID),
    TELEGRAM_API_ROOT: emu.url,
    TELEGRAM_CHAT_ID: String(chat.id),
    POCKET_TMUX_SOCKET: socket,
    // Another secret the daemon knows, to be found nowhere it sends or logs.
    DEPLOY_API_TOKEN: CANARY_TOKEN,
    POCKET_IDLE_SECONDS: '3600',
    POCKET_HOST_LABEL: RIG_HOST,
    ...options.env,
  });

  const tmux = async (...args: string[]): Promise<string> =>
    (await execFileP('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env: tmuxEnv(), timeout: 5000 })).stdout;
  const capture = async (pane: string): Promise<string> => (await tmux('capture-pane', '-p', '-J', '-t', pane)).replace(/\n+$/, '');
  const status = async (): Promise<{ sessions: StatusSession[] }> => {
    const result = await h.run(['status', '--json']);
    if (result.code !== 0) throw new Error(`pocket status --json failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as { sessions: StatusSession[] };
  };
  const waitPolling = () => emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to long-poll' });

  const start = async (args: string[]) => {
    const started = await h.run(args, options.processEnv === undefined ? {} : { env: options.processEnv });
    if (started.code !== 0) throw new Error(`pocket ${args.join(' ')} failed (${started.code}): ${started.stderr}${started.stdout}`);
    await waitPolling();
  };

  const rig: BotRig = {
    emu, h, socket, owner, stranger, dm, strangerDm, chat,
    tmux,
    capture,
    paneShows: (pane, pattern, timeoutMs = 10_000) =>
      eventually(async () => {
        const text = await capture(pane);
        return pattern.test(text) ? text : undefined;
      }, { timeoutMs, what: `pane ${pane} to show ${pattern}` }),
    async tmuxSessions() {
      try {
        return (await tmux('list-sessions', '-F', '#{session_name}')).split('\n').filter(Boolean);
      } catch {
        return []; // no server: no sessions
      }
    },
    sessions: async () => (await status()).sessions,
    async session(name) {
      const found = (await status()).sessions.find((s) => s.name === name);
      if (found === undefined) throw new Error(`no session ${name} in pocket status`);
      return found;
    },
    say(text, o = {}) {
      const update: Update = emu.sendText(o.chat ?? chat, o.from ?? owner, text, {
        ...(o.threadId === undefined ? {} : { threadId: o.threadId }),
        ...(o.replyTo === undefined ? {} : { replyTo: o.replyTo }),
      });
      return update.message!.message_id;
    },
    botMessage(pattern, o = {}) {
      const where = o.chat ?? chat;
      const filter = o.threadId === undefined ? {} : { threadId: o.threadId };
      return emu.waitFor(
        () => emu.messages(where, filter).find((m) => m.messageId > (o.afterId ?? 0) && pattern.test(m.text ?? m.caption ?? '')),
        { timeoutMs: o.timeoutMs ?? 15_000, description: `a bot message matching ${pattern}` },
      );
    },
    edited(messageId, pattern, o = {}) {
      const where = o.chat ?? chat;
      return emu.waitFor(
        () => {
          const m = emu.message(where, messageId);
          const text = m?.text ?? '';
          return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) ? m : undefined;
        },
        { timeoutMs: o.timeoutMs ?? 15_000, description: `message ${messageId} to show ${String(pattern)}` },
      );
    },
    button(messageId, label, where = chat) {
      const b = emu.message(where, messageId)?.replyMarkup?.inline_keyboard.flat().find((x) => x.text === label);
      if (b === undefined || !('callback_data' in b) || b.callback_data === undefined) {
        throw new Error(`message ${messageId} has no button ${label}: ${JSON.stringify(emu.message(where, messageId)?.replyMarkup)}`);
      }
      return b.callback_data;
    },
    press(messageId, label, o = {}) {
      const where = o.chat ?? chat;
      emu.pressButton(where, o.from ?? owner, messageId, rig.button(messageId, label, where));
    },
    reaction(messageId, where = chat) {
      return emu.waitFor(
        () => {
          const reactions = emu.message(where, messageId)?.reactions ?? [];
          return reactions.length > 0 ? reactions : undefined;
        },
        { timeoutMs: 10_000, description: `a reaction on message ${messageId}` },
      );
    },
    async drained() {
      await emu.waitFor(() => emu.pendingUpdates().length === 0 && emu.polling, { timeoutMs: 10_000, description: 'updates to be handled' });
    },
    receivedText() {
      const parts: string[] = [];
      for (const c of [dm, strangerDm, ...(chat === dm ? [] : [chat])]) {
        for (const m of emu.messages(c, { includeDeleted: true })) {
          parts.push(m.text ?? '', m.caption ?? '', ...m.history, JSON.stringify(m.replyMarkup ?? null));
          if (m.document !== undefined) parts.push(m.document.fileName, m.document.bytes.toString('utf8'));
        }
      }
      for (const call of emu.calls) parts.push(JSON.stringify(call.params));
      return parts.join('\n');
    },
    restart: () => start(['restart']),
    async close() {
      await h.run(['stop']).catch(() => undefined);
      await tmux('kill-server').catch(() => undefined);
      // tmux 3.3a leaves the socket file behind after kill-server.
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
      await emu.close();
      await h.cleanup();
    },
  };
  try {
    await start(['start']);
  } catch (error) {
    await rig.close();
    throw error;
  }
  return rig;
}

/** Every byte the daemon wrote under logs/ and the audit log. */
export function logsOf(rig: BotRig): string {
  return rig.h.logsText();
}

/** The file a pane writes, read by the test (e.g. a `tee` sink): empty while it does not exist. */
export function fileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export const homeFile = (rig: BotRig, name: string): string => join(rig.h.home, name);

/** What Telegram saw and the daemon logged, printed when a test fails (threads shown in forum chats). */
export function failureReport(rig: BotRig): string {
  const messages = rig.emu
    .messages(rig.chat, { from: 'all' })
    .map((m) => `${m.messageId}${m.threadId ? ` t${m.threadId}` : ''}${m.fromBot ? ' bot' : ' user'}: ${JSON.stringify(m.text ?? m.caption)}`);
  // A button's answer ("That prompt is no longer waiting…") says why a press did nothing.
  const calls = rig.emu.calls
    .filter((c) => c.method !== 'getUpdates')
    .map((c) => `${c.method} ${c.ok} ${JSON.stringify(c.error ?? '')}${c.method === 'answerCallbackQuery' ? ` ${JSON.stringify(c.params.text ?? '')}` : ''}`);
  return [...messages, ...calls, rig.h.logsText().slice(-4000)].join('\n');
}

/**
 * One rig for a whole test file: started before its first test, closed after its last, and its failure report
 * printed under any test that fails. `use` receives the rig once it runs.
 */
export function rigForFile(use: (rig: BotRig) => void, options: RigOptions = {}, closeTimeoutMs = 30_000): void {
  let rig: BotRig | undefined;
  beforeAll(async () => {
    rig = await startBotRig(options);
    use(rig);
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  }, closeTimeoutMs);
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail' || rig === undefined) return;
    console.log(failureReport(rig));
  });
}
