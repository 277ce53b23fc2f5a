// The doctor's checks of Telegram: the Bot API answers, the token is valid, nothing else polls this bot, the chat is
// reachable, the bot's rights in a forum, and what privacy mode means for plain text in topics.
import type { ChatFacts, CheckResult } from '../../core/doctor.js';
import { forumRightsVerdict, privacyVerdict } from '../../core/doctor.js';
import { BotApiAnswerError } from '../../telegram/bot-api-client.js';
import { inspectChat } from '../../telegram/inspect-chat.js';
import { type DoctorCheck, type DoctorContext, skipped } from './context.js';

type Outcome = Omit<CheckResult, 'id' | 'title'>;

const needSettings = 'skipped: the settings are invalid (see "settings")';

export const botApiCheck: DoctorCheck = {
  id: 'bot-api',
  title: 'Bot API reachable',
  async run(ctx) {
    const answer = await ctx.bot();
    const root = ctx.client()?.apiRoot;
    if (answer === undefined) return skipped(needSettings);
    // Any answer from Telegram, even a refusal of the token, means the server is reachable.
    if ('bot' in answer || answer.error instanceof BotApiAnswerError) return { status: 'pass', detail: `${root} answers` };
    return {
      status: 'fail',
      detail: answer.error instanceof Error ? answer.error.message : String(answer.error),
      fix: 'Check the network, a proxy or firewall, or TELEGRAM_API_ROOT.',
    };
  },
};

export const tokenCheck: DoctorCheck = {
  id: 'token',
  title: 'bot token',
  async run(ctx) {
    const answer = await ctx.bot();
    if (answer === undefined) return skipped(needSettings);
    if ('bot' in answer) return { status: 'pass', detail: `accepted: this is @${answer.bot.username ?? answer.bot.id}` };
    if (!(answer.error instanceof BotApiAnswerError)) return skipped('skipped: the Bot API did not answer');
    const rejected = answer.error.errorCode === 401 || answer.error.errorCode === 404;
    return {
      status: 'fail',
      detail: `${rejected ? 'rejected' : 'getMe failed'}: ${answer.error.errorCode} ${answer.error.description}`,
      fix: rejected
        ? 'The token is wrong or was revoked: get the current one from @BotFather (/mybots > the bot > API Token), then `pocket init --token ...` (or edit TELEGRAM_BOT_TOKEN in .env).'
        : 'Try again later; if it persists, check TELEGRAM_API_ROOT.',
    };
  },
};

/**
 * Another process polling the same token makes Telegram end one of the two long polls with 409, and pocket stops
 * polling on 409. The probe is one getUpdates with timeout 0 and no offset: it confirms nothing, so it takes no
 * update from anyone, but a long poll another process holds at that moment may be ended by it. That is why it is
 * skipped while this home's daemon runs: it would stop our own daemon's polling.
 */
export const pollerCheck: DoctorCheck = {
  id: 'other-poller',
  title: 'no other poller on this token',
  async run(ctx) {
    const pid = ctx.daemonPid();
    if (pid !== undefined) return skipped(`skipped: this home's daemon (pid ${pid}) polls the token; probing would end its long poll`);
    const answer = await ctx.bot();
    const client = ctx.client();
    if (answer === undefined || client === undefined || !('bot' in answer)) return skipped('skipped: the token is not usable');
    try {
      await client.call('getUpdates', { timeout: 0, limit: 1 }, { timeoutMs: 5000 });
      return { status: 'pass', detail: 'getUpdates answered: no webhook, no conflict seen' };
    } catch (error) {
      if (error instanceof BotApiAnswerError && error.errorCode === 409) {
        const webhook = /webhook/i.test(error.description);
        return {
          status: 'fail',
          detail: `409 ${error.description}`,
          fix: webhook
            ? 'A webhook is set on this bot; pocket uses long polling. Remove it with the Bot API method deleteWebhook, or use another bot for pocket.'
            : 'Another process polls this bot: stop it (`pocket stop`, or `pocket --home DIR stop` for another home; another machine needs its own bot).',
        };
      }
      return { status: 'warn', detail: `the probe failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  },
};

/** getChat and getChatMember once, for the three chat checks. */
const chatFacts = new WeakMap<DoctorContext, Promise<{ facts: ChatFacts } | { outcome: Outcome }>>();

function factsFor(ctx: DoctorContext): Promise<{ facts: ChatFacts } | { outcome: Outcome }> {
  let facts = chatFacts.get(ctx);
  if (facts === undefined) {
    facts = (async () => {
      const answer = await ctx.bot();
      const client = ctx.client();
      const loaded = ctx.config();
      if (answer === undefined || client === undefined || !('bot' in answer) || !('config' in loaded)) {
        return { outcome: skipped('skipped: the token is not usable') };
      }
      const chatId = loaded.config.chatId;
      try {
        return { facts: await inspectChat(client, chatId, answer.bot.id) };
      } catch (error) {
        const described = error instanceof BotApiAnswerError ? `${error.errorCode} ${error.description}` : String(error);
        const isPrivate = chatId > 0;
        return {
          outcome: {
            status: 'fail',
            detail: `chat ${chatId} is not reachable: ${described}`,
            fix: isPrivate
              ? `Open @${answer.bot.username} in Telegram and press Start (a bot cannot write first).`
              : 'Add the bot to the group (an admin with "Manage topics"), or fix TELEGRAM_CHAT_ID.',
          },
        };
      }
    })();
    chatFacts.set(ctx, facts);
  }
  return facts;
}

export const chatCheck: DoctorCheck = {
  id: 'chat',
  title: 'chat reachable',
  async run(ctx) {
    const result = await factsFor(ctx);
    if ('outcome' in result) return result.outcome;
    const kind = result.facts.isForum ? 'forum supergroup' : result.facts.type;
    return { status: 'pass', detail: `${kind} "${result.facts.title}"` };
  },
};

export const forumRightsCheck: DoctorCheck = {
  id: 'forum-rights',
  title: 'bot rights in the chat',
  async run(ctx) {
    const result = await factsFor(ctx);
    return 'outcome' in result ? skipped('skipped: the chat is not reachable') : forumRightsVerdict(result.facts);
  },
};

export const privacyCheck: DoctorCheck = {
  id: 'privacy-mode',
  title: 'privacy mode',
  async run(ctx) {
    const answer = await ctx.bot();
    if (answer === undefined || !('bot' in answer)) return skipped('skipped: the token is not usable');
    const result = await factsFor(ctx);
    return privacyVerdict(answer.bot.can_read_all_group_messages === true, 'facts' in result ? result.facts : undefined);
  },
};
