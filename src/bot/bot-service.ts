// The bot as a daemon service: builds the poller, guard, outbox delivery, topics, cards, alerts and the feature
// composers around one SessionUseCases, and keeps the bot's own state (card message ids, which message belongs to
// which session, button ids) in .state/bot.json so a restart edits the same cards and old buttons still work.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Api } from 'grammy';
import { z } from 'zod';
import { CallbackRegistry } from '../core/callback-registry.js';
import { COMMAND_HELP } from '../core/commands.js';
import type { OutboxLimits } from '../core/outbox.js';
import { MessageIndex } from '../core/routing.js';
import type { SessionUseCases } from '../core/sessions.js';
import type { BotStatus, OutboxCounters } from '../core/status.js';
import type { DaemonContext, DaemonService } from '../daemon/main.js';
import { jsonStore } from '../state/json-store.js';
import { Alerts } from './alerts.js';
import { fileAuditLog } from './audit.js';
import { callbackFeature } from './callbacks.js';
import { Cards } from './cards.js';
import { Poller, requestTimeoutSeconds } from './create-bot.js';
import { Delivery } from './delivery.js';
import { helpFeature } from './features/help.js';
import { inputFeature } from './features/input.js';
import type { Kit } from './features/kit.js';
import { muteFeature } from './features/mute.js';
import { outputFeature } from './features/output.js';
import { sessionsFeature } from './features/sessions.js';
import { createGuard } from './guard.js';
import { Messenger, type MessengerApi } from './messenger.js';
import { Topics } from './topics.js';

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

const stateSchema = z.object({
  v: z.literal(1),
  cards: z.record(z.string(), z.object({ chatId: z.number(), messageId: z.number() })),
  messages: z.object({ v: z.literal(1), entries: z.array(z.tuple([z.number(), z.number(), z.string()])) }),
  callbacks: z.object({ v: z.literal(1), entries: z.array(z.any()) }),
  /** /mute without a session: sessions created later start muted too, until /unmute. Absent in older files. */
  muteNew: z.boolean().optional(),
});
type BotState = z.output<typeof stateSchema>;

/** A /logs upload is up to 20 MB: at this deadline that still goes through an uplink of about 0.6 Mbit/s. */
const UPLOAD_TIMEOUT_S = 300;

export function createBotService(
  context: DaemonContext,
  sessions: SessionUseCases,
  options: BotServiceOptions = {},
): { service: DaemonService; status: () => BotStatus } {
  const { config, paths, redactor } = context;
  const log = context.log.child({ component: 'bot' });
  const now = options.now ?? Date.now;
  const token = config.botToken ?? '';
  const secrets = [...config.secrets, token];
  const store = jsonStore(join(paths.state, 'bot.json'), stateSchema, (): BotState => ({
    v: 1, cards: {}, messages: { v: 1, entries: [] }, callbacks: { v: 1, entries: [] },
  }), log);
  const saved = store.read();
  const newId = () => randomBytes(6).toString('base64url');
  const registry = CallbackRegistry.fromJSON(saved.callbacks as never, newId, now());
  const index = MessageIndex.fromJSON(saved.messages);
  const audit = fileAuditLog(paths.auditLog, redactor, log, now);

  // A second Api without the poller's transformers: sends are retried by the outbox, never twice over.
  const timeoutSeconds = requestTimeoutSeconds(options);
  const api = new Api(token, { apiRoot: config.apiRoot, timeoutSeconds });
  // Uploads alone get a longer deadline: the short one would fail a big file on a slow uplink on every retry.
  const uploads = new Api(token, { apiRoot: config.apiRoot, timeoutSeconds: Math.max(timeoutSeconds, UPLOAD_TIMEOUT_S) });
  const messengerApi: MessengerApi = {
    sendMessage: api.sendMessage.bind(api),
    editMessageText: api.editMessageText.bind(api),
    setMessageReaction: api.setMessageReaction.bind(api),
    answerCallbackQuery: api.answerCallbackQuery.bind(api),
    sendDocument: uploads.sendDocument.bind(uploads),
  };
  const messenger = new Messenger(messengerApi, { secrets });
  const topics = new Topics(api, config.chatId, sessions, log);
  let saveQueued = false;
  let stopped = false;
  let writing: Promise<void> = Promise.resolve();
  // Coalesced: a burst of sends costs one write. stop() waits for the write in flight, then writes the final
  // state synchronously, so an older snapshot never lands after the last one.
  const save = (): void => {
    if (saveQueued || stopped) return;
    saveQueued = true;
    setImmediate(() => {
      saveQueued = false;
      if (stopped) return;
      writing = writing.then(() => store.write(snapshot())).catch((error: unknown) => {
        if (!stopped) log.warn('bot.state_write_failed', { error });
      });
    });
  };
  const delivery = new Delivery(messenger, api, topics, index, log, {
    limits: options.outboxLimits, clock: { now }, secrets,
    // POCKET_REDACT=off lets the other .env secrets through; the bot's own token never goes out.
    outgoingSecrets: config.redact ? secrets : [token],
  }, save);
  const cards = new Cards(config.chatId, sessions, delivery, registry, log, now, save, saved.cards);
  const alerts = new Alerts(config.chatId, delivery, registry, log, now);
  let muteNew = saved.muteNew ?? false;
  const snapshot = (): BotState => ({ v: 1, cards: cards.toJSON(), messages: index.toJSON(), callbacks: registry.toJSON(), muteNew });

  let poller: Poller;
  const guard = createGuard({
    allowedUserIds: config.authorizedUserIds,
    botUsername: () => (poller.bot.isInited() ? poller.bot.botInfo.username : ''),
    staleSeconds: config.staleSeconds,
    ledgerFile: join(paths.state, 'updates.json'),
    audit,
    log,
    now,
    onStale: (ctx, ageS) => {
      const minutes = Math.max(1, Math.round(ageS / 60));
      const where = ctx.chat?.id;
      if (where === undefined) return;
      const threadId = ctx.msg?.is_topic_message === true ? ctx.msg.message_thread_id : undefined;
      void delivery.text({ chatId: where, ...(threadId === undefined ? {} : { threadId }) },
        `Not run: this message is ${minutes} min old (limit ${config.staleSeconds} s). Send it again if you still want it.`,
        ctx.msg === undefined ? {} : { replyTo: ctx.msg.message_id });
    },
  });
  poller = new Poller({
    token,
    apiRoot: config.apiRoot,
    log,
    secrets,
    pollTimeoutS: options.pollTimeoutS,
    requestTimeoutS: timeoutSeconds,
    startWaitMs: options.startWaitMs,
    backoffMs: options.backoffMs,
    initialOffset: () => guard.nextOffset(),
    onConfirmed: (offset) => guard.confirm(offset),
    onConnected: async () => {
      await api.setMyCommands(COMMAND_HELP.map((c) => ({ command: c.command, description: c.description })));
    },
    onStatus: () => context.changes.emit('changed'),
  });

  const kit: Kit = {
    chatId: config.chatId, sessions, delivery, audit, registry, index, topics, cards, log, redactor, now,
    daemonLogFile: paths.daemonLog,
    answerCallback: (id, text) => messenger.answerCallback(id, text),
    react: (chatId, messageId, emoji) => messenger.react(chatId, messageId, emoji),
    muteNewSessions: {
      get: () => muteNew,
      set: (on) => {
        muteNew = on;
        save();
      },
    },
  };
  const bot = poller.bot;
  bot.use(guard.middleware);
  bot.use(callbackFeature(kit));
  // Only messages in the configured chat or a private chat with an authorized user reach the features.
  bot.use(helpFeature(kit), sessionsFeature(kit), outputFeature(kit), muteFeature(kit), inputFeature(kit));

  let unsubscribe: () => void = () => {};
  const service: DaemonService = {
    name: 'bot',
    async start() {
      stopped = false;
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
      for (const view of sessions.list()) void cards.refresh(view.id).catch(() => {});
      await poller.start();
    },
    async stop() {
      unsubscribe();
      await poller.stop();
      await delivery.runner.flush(3000);
      delivery.runner.stop();
      registry.prune(now());
      stopped = true;
      await writing;
      store.writeSync(snapshot());
    },
  };
  const outbox = (): OutboxCounters => {
    const { sent, merged, superseded, unchanged, dropped, failed, retried } = delivery.runner.stats;
    return { pending: delivery.runner.pendingCount, sent, merged, superseded, unchanged, dropped, failed, retried };
  };
  return { service, status: () => ({ ...poller.status(), outbox: outbox() }) };
}
