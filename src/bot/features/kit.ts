// What every feature composer needs: the use cases, delivery, audit, routing, and the few helpers that keep the
// handlers short (parse a command with its topic/reply context, answer where the user wrote, report errors).
import type { Context } from 'grammy';
import type { AgentUseCases } from '../../core/agent-sessions.js';
import type { Role } from '../../core/auth.js';
import type { CallbackRegistry } from '../../core/callback-registry.js';
import { type BotCommand, parseCommand } from '../../core/commands.js';
import { isPocketError } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import type { ScreenImageRenderer } from '../../core/screen.js';
import { type MessageIndex, type Route, routeMessage } from '../../core/routing.js';
import type { SessionUseCases, SessionView } from '../../core/sessions.js';
import type { Logger } from '../../core/ports.js';
import type { AgentMessages } from '../agent-messages.js';
import { type AuditEntry, type AuditLog, whoOf } from '../audit.js';
import type { Cards } from '../cards.js';
import type { ShellResults } from '../shell-results.js';
import type { Delivery, Place, TextParams } from '../delivery.js';
import type { Topics } from '../topics.js';

export interface Kit {
  chatId: number;
  /** This machine's name (POCKET_HOST_LABEL): answers that list sessions say whose they are. */
  hostLabel: string;
  sessions: SessionUseCases;
  delivery: Delivery;
  audit: AuditLog;
  registry: CallbackRegistry;
  index: MessageIndex;
  topics: Topics;
  cards: Cards;
  log: Logger;
  redactor: Redactor;
  /** The role of a user the permission gate let through (a stranger gets nothing before this runs). */
  roleOf: (userId: number | undefined) => Role;
  now: () => number;
  /** The daemon log, for /logs. */
  daemonLogFile: string;
  /** /shell: whether POCKET_SHELL=on, its time limit, and the .env to name when it is off. */
  shell: { enabled: boolean; timeoutS: number; envFile: string };
  /** /shell results still owed to the chat (kept across restarts). */
  shellResults: ShellResults;
  /** Commands admitted before (or with) this one that have not finished: /sessions says they are still coming. */
  commandsStillRunning: () => number;
  answerCallback: (queryId: string, text?: string) => Promise<void>;
  react: (chatId: number, messageId: number, emoji: string) => Promise<void>;
  /** Whether sessions created from now on start muted (/mute without a session); persisted with the bot's state. */
  muteNewSessions: { get(): boolean; set(on: boolean): void };
  /** True the first time it is asked about `notice` in this home (remembered in the bot's state), false after. */
  firstTime: (notice: string) => boolean;
  /** Agent sessions (codex, claude); null in a daemon that runs none. */
  agents: AgentUseCases | null;
  /** Requests and answers of agent sessions in the chat; null with agents. */
  agentMessages: AgentMessages | null;
  /** Draws a screen as a PNG (/screen); rejects with the reason when the renderer cannot load. */
  renderScreen: ScreenImageRenderer;
  /** The bytes of a file a user sent (a photo), from Telegram. */
  download: (fileId: string) => Promise<Uint8Array>;
}

/** The name of whoever pressed or wrote, as the chat shows it ("answered by ..."). */
export function displayName(ctx: Context): string {
  const from = ctx.from;
  if (from === undefined) return 'someone';
  return from.username !== undefined ? `@${from.username}` : [from.first_name, from.last_name].filter(Boolean).join(' ') || String(from.id);
}

/** The session a message is about through its topic or the message it replies to. */
export function routeOf(kit: Kit, ctx: Context): Route {
  const msg = ctx.msg;
  if (msg === undefined || ctx.chat === undefined) return null;
  return routeMessage(
    {
      chatId: ctx.chat.id,
      threadId: msg.message_thread_id,
      isTopicMessage: msg.is_topic_message === true,
      replyToMessageId: msg.reply_to_message?.message_id,
    },
    {
      sessionForTopic: (chatId, threadId) => kit.topics.sessionForTopic(chatId, threadId),
      sessionForMessage: (chatId, messageId) => kit.index.get(chatId, messageId),
    },
  );
}

/** Parses the command of this message; answers the usage itself and returns null when it is wrong. */
export function parsed<K extends BotCommand['kind']>(kit: Kit, ctx: Context, name: string, _kind?: K): Extract<BotCommand, { kind: K }> | null {
  const route = routeOf(kit, ctx);
  const result = parseCommand(name, typeof ctx.match === 'string' ? ctx.match : '', {
    implied: route?.sessionId ?? null,
    isSession: (word) => {
      try {
        kit.sessions.resolve(word);
        return true;
      } catch {
        return false;
      }
    },
  });
  if (result === null) return null;
  if (!result.ok) {
    void reply(kit, ctx, result.usage);
    kit.audit.record({ ...who(ctx), action: name, outcome: 'failed', reason: 'usage' });
    return null;
  }
  return result.command as Extract<BotCommand, { kind: K }>;
}

/** Where an answer to this message goes: the same chat and topic. */
export function placeOf(ctx: Context, sessionId?: string): Place {
  const msg = ctx.msg;
  const threadId = msg?.is_topic_message === true ? msg.message_thread_id : undefined;
  return {
    chatId: ctx.chat?.id ?? 0,
    ...(threadId === undefined ? {} : { threadId }),
    ...(sessionId === undefined ? {} : { sessionId }),
  };
}

export function reply(kit: Kit, ctx: Context, text: string, params: TextParams & { sessionId?: string } = {}): Promise<number[]> {
  const { sessionId, ...rest } = params;
  const replyTo = ctx.msg?.message_id;
  return kit.delivery.text(placeOf(ctx, sessionId), text, { ...(replyTo === undefined ? {} : { replyTo }), ...rest });
}

/** A PocketError's message and hint are written for people; anything else is redacted and kept short. */
export function describeError(kit: Kit, error: unknown): string {
  if (isPocketError(error)) return error.hint === undefined ? error.message : `${error.message}\n${error.hint}`;
  return `Something went wrong: ${kit.redactor.text(error instanceof Error ? error.message : String(error)).slice(0, 300)}`;
}

export function who(ctx: Context): Pick<AuditEntry, 'userId' | 'userName' | 'chatId' | 'updateId'> {
  return whoOf(ctx);
}

/** Runs a session action for a command: audits it, and on failure tells the user why. */
export async function act(
  kit: Kit,
  ctx: Context,
  action: string,
  detail: { sessionId?: string | null; detail?: string },
  run: () => Promise<void>,
): Promise<boolean> {
  try {
    await run();
    kit.audit.record({ ...who(ctx), action, outcome: 'ok', ...detail });
    return true;
  } catch (error) {
    kit.audit.record({ ...who(ctx), action, outcome: 'failed', reason: describeError(kit, error).split('\n')[0], ...detail });
    void reply(kit, ctx, describeError(kit, error));
    return false;
  }
}

/** Resolves SESSION, answering the user when it does not exist. */
export function resolveOrReply(kit: Kit, ctx: Context, name: string, action: string): SessionView | null {
  try {
    return kit.sessions.resolve(name);
  } catch (error) {
    kit.audit.record({ ...who(ctx), action, outcome: 'failed', reason: 'session not found', detail: name });
    void reply(kit, ctx, describeError(kit, error));
    return null;
  }
}
