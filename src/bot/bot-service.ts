// The bot as a daemon service: builds the poller, guard, outbox delivery, topics, cards, alerts and the feature
// composers around one SessionUseCases, and keeps the bot's own state (card message ids, which message belongs to
// which session, button ids) in .state/bot.json so a restart edits the same cards and old buttons still work.
// The composition root (daemon/compose.ts) opens the stores and hands in only what the bot needs.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Api, type Context } from 'grammy';
import { z } from 'zod';
import type { AgentUseCases } from '../core/agent-sessions.js';
import { CallbackRegistry } from '../core/callback-registry.js';
import { COMMAND_HELP } from '../core/commands.js';
import type { OutboxLimits } from '../core/outbox.js';
import { MessageIndex } from '../core/routing.js';
import type { SessionUseCases } from '../core/sessions.js';
import type { DaemonService, Logger, Store } from '../core/ports.js';
import type { Redactor } from '../core/redact.js';
import type { ScreenImageRenderer } from '../core/screen.js';
import type { BotStatus, OutboxCounters } from '../core/status.js';
import type { UpdateLedgerJSON } from '../core/update-guard.js';
import { type Access, knownUsers, roleOf, type TgUpdate } from '../core/auth.js';
import { laneOf } from '../core/update-lanes.js';
import { AgentMessages } from './agent-messages.js';
import { Alerts } from './alerts.js';
import { type AuditLog, fileAuditLog } from './audit.js';
import { ShellResults } from './shell-results.js';
import { callbackFeature } from './callbacks.js';
import { Cards } from './cards.js';
import { redactedErrorText } from './api-errors.js';
import { Poller, requestTimeoutSeconds } from './create-bot.js';
import { Delivery } from './delivery.js';
import { agentsFeature } from './features/agents.js';
import { helpFeature } from './features/help.js';
import { inputFeature } from './features/input.js';
import { type Kit, reply, routeOf } from './features/kit.js';
import { muteFeature } from './features/mute.js';
import { outputFeature } from './features/output.js';
import { screenFeature } from './features/screen.js';
import { sessionsFeature } from './features/sessions.js';
import { shellFeature } from './features/shell.js';
import { createGuard, ledgerSchema } from './guard.js';
import { Messenger, type MessengerApi } from './messenger.js';
import { redactRequests } from './outgoing.js';
import { permissionGate } from './permissions.js';
import { Topics } from './topics.js';
import type { BotTelemetry } from './telemetry.js';
import { UpdateScheduler } from './update-scheduler.js';
import { type BotHealth, troubleOf } from '../core/cockpit.js';

export interface BotServiceOptions {
  /** Outbox pacing; tests shorten it. */
  outboxLimits?: Partial<OutboxLimits>;
  pollTimeoutS?: number;
  /** Deadline of each Bot API call, in seconds (default pollTimeoutS + 15); uploads get at least UPLOAD_TIMEOUT_S. */
  requestTimeoutS?: number;
  backoffMs?: { first: number; max: number };
  /** How long start() waits for Telegram's first answer (Poller's startWaitMs). */
  startWaitMs?: number;
  now?: () => number;
}

/** The settings the bot reads (a part of the daemon's Config). */
export interface BotSettings {
  botToken: string | undefined;
  apiRoot: string;
  chatId: number;
  authorizedUserIds: readonly number[];
  /** POCKET_VIEWER_IDS: may look, never act (core/auth.ts). */
  viewerIds: readonly number[];
  staleSeconds: number;
  shellEnabled: boolean;
  shellTimeoutS: number;
  /** This machine's name on topics, cards and /sessions (POCKET_HOST_LABEL). */
  hostLabel: string;
}

export interface BotDeps {
  settings: BotSettings;
  log: Logger;
  /** The daemon's one redactor (daemon/compose.ts): every request to Telegram and every error goes through it. */
  redactor: Redactor;
  stores: BotStores;
  /** .logs/audit.log, written by the bot; .logs/daemon.log, which /logs uploads. */
  files: { auditLog: string; daemonLog: string; env: string };
  /** Something `pocket status` shows changed (the poller's connection). */
  onStatusChange: () => void;
  /** Agent sessions (codex, claude), when the daemon runs them. */
  agents?: AgentUseCases;
  /** Draws a screen for /screen (src/screen/, loaded on first use by the composition root). */
  renderScreen: ScreenImageRenderer;
  /** The audit log to write (the daemon shares one with IPC actions, teed into telemetry); by default one on files.auditLog. */
  audit?: AuditLog;
  /** Where what the bot does is told for the `pocket status` cockpit. */
  telemetry?: BotTelemetry;
}

export interface BotStores {
  /** .state/bot.json: cards, message index, buttons; written behind. */
  state: Store<BotState>;
  /** .state/updates.json: the update ledger; written ahead of each update (guard.ts). */
  ledger: Store<UpdateLedgerJSON>;
}

const stateSchema = z.object({
  v: z.literal(1),
  cards: z.record(z.string(), z.object({ chatId: z.number(), messageId: z.number() })),
  messages: z.object({ v: z.literal(1), entries: z.array(z.tuple([z.number(), z.number(), z.string()])) }),
  callbacks: z.object({ v: z.literal(1), entries: z.array(z.any()) }),
  /** /mute without a session: sessions created later start muted too, until /unmute. Absent in older files. */
  muteNew: z.boolean().optional(),
  /** /shell results still owed (bot/shell-results.ts). Absent in older files. */
  shellResults: z.array(z.object({
    sessionId: z.string(),
    place: z.object({ chatId: z.number(), threadId: z.number().optional(), topicOf: z.string().optional(), sessionId: z.string().optional() }),
    replyTo: z.number().optional(),
  })).optional(),
  /** One-time notices already given (the first Terminal.app adoption's warning); absent in older files. */
  notices: z.array(z.string()).optional(),
});
export type BotState = z.output<typeof stateSchema>;

/** The files of BotStores, for the composition root to open: name in .state/, schema, value when absent. */
export const BOT_STATE_FILES = {
  state: { name: 'bot.json', schema: stateSchema, empty: (): BotState => ({ v: 1, cards: {}, messages: { v: 1, entries: [] }, callbacks: { v: 1, entries: [] } }) },
  ledger: { name: 'updates.json', schema: ledgerSchema, empty: (): UpdateLedgerJSON => ({ v: 1, floor: 0, recent: [] }) },
} as const;

/**
 * How long stop() lets queued messages go out before dropping them. Replies wait their turn at Telegram's pace (one
 * message per group every 3 s, core/outbox.ts): the earlier 3 s window sent two of four replies queued in a group
 * and dropped the rest. 10 s sends four, and stays inside the 15 s `pocket stop` waits before it signals.
 */
const SHUTDOWN_DRAIN_MS = 10_000;
/**
 * The window when the last poll could not reach Telegram (network) or was refused (401): the queue would only wait
 * out its backoff there, so `pocket stop` and restarts took the whole 10 s for nothing (measured: a stop with one
 * unsent card, Bot API unreachable, 10.4 s). One more attempt's worth, in case the network just came back.
 */
const UNREACHABLE_DRAIN_MS = 1_000;
/** Poll failures after which sends fail too (a 409 conflict still sends; a 429 is paced by the queue). */
const UNREACHABLE_KINDS: ReadonlySet<string> = new Set(['network', 'unauthorized']);

/** A /logs upload is up to 20 MB: at this deadline that still goes through an uplink of about 0.6 Mbit/s. */
const UPLOAD_TIMEOUT_S = 300;

export function createBotService(
  deps: BotDeps,
  sessions: SessionUseCases,
  options: BotServiceOptions = {},
): { service: DaemonService; status: () => BotStatus; health: () => BotHealth } {
  const { settings: config, redactor, stores } = deps;
  const log = deps.log.child({ component: 'bot' });
  const now = options.now ?? Date.now;
  const token = config.botToken ?? '';
  const saved = stores.state.read();
  const newId = () => randomBytes(6).toString('base64url');
  const registry = CallbackRegistry.fromJSON(saved.callbacks as never, newId, now());
  const index = MessageIndex.fromJSON(saved.messages);
  const telemetry = deps.telemetry;
  // The daemon hands in the one it shares with IPC actions, already teed into the telemetry (and rotated by size).
  const audit = deps.audit
    ?? fileAuditLog((line) => appendFileSync(deps.files.auditLog, line, { mode: 0o600 }), redactor, log, now, (id) => sessions.get(id)?.name);
  const access: Access = { operators: new Set(config.authorizedUserIds), viewers: new Set(config.viewerIds) };

  // A second Api without the poller's transformers: sends are retried by the outbox, never twice over.
  const timeoutSeconds = requestTimeoutSeconds(options);
  const api = new Api(token, { apiRoot: config.apiRoot, timeoutSeconds });
  // Uploads alone get a longer deadline: the short one would fail a big file on a slow uplink on every retry.
  const uploads = new Api(token, { apiRoot: config.apiRoot, timeoutSeconds: Math.max(timeoutSeconds, UPLOAD_TIMEOUT_S) });
  redactRequests(api, redactor);
  redactRequests(uploads, redactor);
  const messengerApi: MessengerApi = {
    sendMessage: api.sendMessage.bind(api),
    editMessageText: api.editMessageText.bind(api),
    setMessageReaction: api.setMessageReaction.bind(api),
    answerCallbackQuery: api.answerCallbackQuery.bind(api),
    sendDocument: uploads.sendDocument.bind(uploads),
    sendPhoto: uploads.sendPhoto.bind(uploads),
  };
  const messenger = new Messenger(messengerApi, { redactor });
  const topics = new Topics(api, config.chatId, sessions, log, config.hostLabel);
  // Written behind: a burst of sends costs one write; stop() writes the final state (Store.close).
  const save = (): void => stores.state.writeSoon(snapshot);
  const delivery = new Delivery(messenger, api, topics, index, log, {
    limits: options.outboxLimits, clock: { now }, redactor,
    ...(telemetry === undefined ? {} : {
      onSent: (report) => telemetry.sent(report),
      onRetry: (why) => telemetry.retry(why),
      onChange: () => telemetry.changed(),
    }),
  }, save);
  const cards = new Cards(config.chatId, sessions, delivery, registry, log, now, save, saved.cards, config.hostLabel);
  const alerts = new Alerts(config.chatId, delivery, registry, log, now);
  const agents = deps.agents ?? null;
  const agentMessages = agents === null ? null : new AgentMessages(config.chatId, sessions, agents, delivery, registry, log, now);
  let muteNew = saved.muteNew ?? false;
  const shellResults = new ShellResults({ sessions, delivery, redactor, log, save }, saved.shellResults ?? []);
  const notices = new Set(saved.notices ?? []);
  const snapshot = (): BotState => ({
    v: 1, cards: cards.toJSON(), messages: index.toJSON(), callbacks: registry.toJSON(), muteNew, shellResults: shellResults.toJSON(),
    notices: [...notices],
  });

  let poller: Poller;
  // Errors of a scheduled update no longer reach grammY's bot.catch (it returned at admission): logged the same way.
  const scheduler = new UpdateScheduler((error) => log.error('bot.handler_failed', { error: redactedErrorText(error, redactor) }));
  const guard = createGuard({
    allowedUserIds: [...knownUsers(access)],
    botUsername: () => (poller.bot.isInited() ? poller.bot.botInfo.username : ''),
    staleSeconds: config.staleSeconds,
    ledger: stores.ledger,
    audit,
    log,
    now,
    onStale: (ctx, ageS) => {
      const minutes = Math.max(1, Math.round(ageS / 60));
      tellSender(ctx, `Not run: this message is ${minutes} min old (limit ${config.staleSeconds} s). Send it again if you still want it.`);
    },
    schedule: (update, run) => scheduler.submit(laneOf(update), run),
    onNotRun: (ctx, why) => {
      tellSender(ctx, `Not run: pocket cannot write its state (${why}), so it cannot make sure this runs only once. `
        + 'Free space or fix .state/ on the machine, then send it again; `pocket status` shows what is wrong.');
    },
  });
  /** Answers the person behind an update that was not run: on the button they pressed, or under their message. */
  const tellSender = (ctx: Context, text: string): void => {
    const callbackId = ctx.callbackQuery?.id;
    if (callbackId !== undefined) {
      void messenger.answerCallback(callbackId, text);
      return;
    }
    const where = ctx.chat?.id;
    if (where === undefined) return;
    const threadId = ctx.msg?.is_topic_message === true ? ctx.msg.message_thread_id : undefined;
    void delivery.text({ chatId: where, ...(threadId === undefined ? {} : { threadId }) }, text,
      ctx.msg === undefined ? {} : { replyTo: ctx.msg.message_id });
  };
  poller = new Poller({
    token,
    apiRoot: config.apiRoot,
    log,
    redactor,
    pollTimeoutS: options.pollTimeoutS,
    requestTimeoutS: timeoutSeconds,
    startWaitMs: options.startWaitMs,
    backoffMs: options.backoffMs,
    initialOffset: () => guard.nextOffset(),
    onConfirmed: (offset) => guard.confirm(offset),
    beforeBatch: (updates) => guard.admit(updates as unknown as TgUpdate[]),
    onConnected: async () => {
      await api.setMyCommands(COMMAND_HELP.map((c) => ({ command: c.command, description: c.description })));
    },
    onStatus: () => {
      deps.onStatusChange();
      telemetry?.changed();
    },
  });

  const kit: Kit = {
    chatId: config.chatId, hostLabel: config.hostLabel, sessions, delivery, audit, registry, index, topics, cards, log, redactor, now,
    roleOf: (userId) => (userId === undefined ? null : roleOf(userId, access)) ?? 'viewer',
    daemonLogFile: deps.files.daemonLog,
    shell: { enabled: config.shellEnabled, timeoutS: config.shellTimeoutS, envFile: deps.files.env },
    shellResults,
    commandsStillRunning: () => scheduler.orderedPending,
    answerCallback: (id, text) => messenger.answerCallback(id, text),
    react: (chatId, messageId, emoji) => messenger.react(chatId, messageId, emoji),
    agents,
    agentMessages,
    renderScreen: deps.renderScreen,
    download: async (fileId) => {
      const file = await api.getFile(fileId);
      if (file.file_path === undefined) throw new Error('Telegram gave no path for the file');
      const response = await fetch(`${config.apiRoot}/file/bot${token}/${file.file_path}`, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
      if (!response.ok) throw new Error(`Telegram answered ${response.status} for the file`);
      return new Uint8Array(await response.arrayBuffer());
    },
    firstTime: (notice) => {
      if (notices.has(notice)) return false;
      notices.add(notice);
      save();
      return true;
    },
    muteNewSessions: {
      get: () => muteNew,
      set: (on) => {
        muteNew = on;
        save();
      },
    },
  };
  const bot = poller.bot;
  // The poller's Api sends too (setMyCommands; anything a handler does with ctx): the same gate.
  redactRequests(bot.api, redactor);
  bot.use(guard.middleware);
  bot.use(permissionGate({
    access, registry, audit, now,
    answerCallback: (id, text) => messenger.answerCallback(id, text),
    replyTo: (ctx, text) => void reply(kit, ctx, text),
    routesToSession: (ctx) => routeOf(kit, ctx) !== null,
  }));
  bot.use(callbackFeature(kit));
  // Only messages in the configured chat or a private chat with an authorized user reach the features.
  bot.use(helpFeature(kit), sessionsFeature(kit), outputFeature(kit), screenFeature(kit), muteFeature(kit), shellFeature(kit), agentsFeature(kit), inputFeature(kit));

  let unsubscribe: () => void = () => {};
  let unsubscribeAgents: () => void = () => {};
  const service: DaemonService = {
    name: 'bot',
    async start() {
      unsubscribe = sessions.subscribe((event) => {
        if (event.type === 'created' && muteNew && !event.session.muted) {
          void sessions.setMuted(event.session.id, true).catch((error: unknown) => {
            log.warn('bot.mute_new_failed', { sessionId: event.session.id, error });
          });
        }
        cards.handle(event);
        alerts.handle(event);
        if (event.type === 'removed') index.forgetSession(event.sessionId);
      });
      if (agents !== null && agentMessages !== null) unsubscribeAgents = agents.subscribe((event) => agentMessages.handle(event));
      for (const view of sessions.list()) void cards.refresh(view.id).catch(() => {});
      shellResults.resume();
      try {
        await poller.start();
      } catch (error) {
        // Not started, so the daemon will not stop() this service: leave nothing running behind the refusal.
        unsubscribe();
        unsubscribeAgents();
        delivery.runner.stop();
        await stores.state.close(snapshot);
        throw error;
      }
    },
    async stop() {
      unsubscribe();
      unsubscribeAgents();
      const trouble = poller.troubleKind();
      const windowMs = trouble !== null && UNREACHABLE_KINDS.has(trouble) ? UNREACHABLE_DRAIN_MS : SHUTDOWN_DRAIN_MS;
      await poller.stop();
      // Admitted updates are recorded as handled: they run before the bot stops, or they would never run.
      await scheduler.drain();
      const drained = await delivery.runner.flush(windowMs);
      if (!drained.complete) log.warn('bot.shutdown_unsent', { dropped: drained.dropped, inFlight: drained.inFlight, windowMs, trouble });
      delivery.runner.stop();
      registry.prune(now());
      await stores.state.close(snapshot);
    },
  };
  const outbox = (): OutboxCounters => {
    const { sent, merged, superseded, unchanged, dropped, failed, retried } = delivery.runner.stats;
    return { pending: delivery.runner.pendingCount, sent, merged, superseded, unchanged, dropped, failed, retried };
  };
  const health = (): BotHealth => {
    const polled = poller.status();
    const trouble = poller.troubleKind();
    return {
      connected: polled.connected,
      trouble: polled.connected || trouble === null ? null : troubleOf(trouble),
      lastError: polled.lastError,
      lastPollAt: polled.lastPollAt,
      outbox: { pending: delivery.runner.pendingCount, oldestQueuedAt: delivery.runner.oldestPendingAt },
      ...(telemetry?.counts() ?? { rateLimitedLastHour: 0, retriedLastHour: 0 }),
    };
  };
  return { service, status: () => ({ ...poller.status(), outbox: outbox() }), health };
}
