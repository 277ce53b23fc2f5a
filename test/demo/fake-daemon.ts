// A stand-in for the daemon in demo tests: a tiny grammY bot that reads the throwaway .env exactly as the daemon
// would (token, API root, chat) and answers like a pocket bot might — help, a card with buttons that it edits, toasts,
// a reaction and a document. It lets the demo be tested without depending on the real bot's internals.
import { Bot, InputFile } from 'grammy';
import { readEnvFile } from '../../src/config.js';
import type { DaemonControl } from '../../src/demo/run-demo.js';
import type { HomePaths } from '../../src/state/paths.js';

const card = (name: string, state: string) => ({
  text: `▶ ${name}: ${state}`,
  markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: `r:${name}` }, { text: 'Kill', callback_data: `k:${name}` }]] },
});

export function fakeBot(token: string, apiRoot: string, chatId: number): Bot {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.command('help', (ctx) => ctx.reply('pocket commands:\n/new NAME [COMMAND]\n/logs'));
  bot.command('new', async (ctx) => {
    const name = ctx.match.split(' ')[0] || 'shell';
    const first = card(name, 'starting');
    const sent = await ctx.api.sendMessage(chatId, first.text, { reply_markup: first.markup });
    const done = card(name, 'running\nhello-from-fake');
    await ctx.api.editMessageText(chatId, sent.message_id, done.text, { reply_markup: done.markup });
  });
  bot.command('logs', (ctx) => ctx.replyWithDocument(new InputFile(Buffer.from('line one\nline two\n'), 'pocket.log')));
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery({ text: `did ${ctx.callbackQuery.data}`, show_alert: ctx.callbackQuery.data.startsWith('k:') });
  });
  bot.on('message:text', async (ctx) => {
    await ctx.react('👍');
  });
  return bot;
}

export interface FakeDaemon extends DaemonControl {
  started: HomePaths[];
  stopped: HomePaths[];
}

/** Starts the fake bot from the .env the demo wrote; `failStart` makes start throw after reading it. */
export function fakeDaemon(options: { failStart?: Error } = {}): FakeDaemon {
  let bot: Bot | undefined;
  const self: FakeDaemon = {
    started: [],
    stopped: [],
    async start(paths) {
      self.started.push(paths);
      if (options.failStart) throw options.failStart;
      const env = readEnvFile(paths.env);
      bot = fakeBot(env.TELEGRAM_BOT_TOKEN!, env.TELEGRAM_API_ROOT!, Number(env.TELEGRAM_CHAT_ID));
      const running = bot;
      // Ready once polling, like the real daemon's readiness; a rejection after stop() is not a test failure.
      await new Promise<void>((resolve) => {
        running.start({ onStart: () => resolve() }).catch(() => undefined);
      });
      return { pid: process.pid };
    },
    async stop(paths) {
      self.stopped.push(paths);
      if (bot?.isRunning()) await bot.stop();
      return 'stopped';
    },
  };
  return self;
}
