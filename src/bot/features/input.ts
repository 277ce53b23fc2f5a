// Input into sessions: /send, /keys, and plain text in a session's topic or in reply to its card, alert or output.
// Every typed message gets a delivery receipt: a 👍 reaction once the text is in the pane, 👎 and a reply with the
// reason when it is not, so nobody wonders whether the input arrived.
import { type Context, Composer } from 'grammy';
import { sendToAgent } from './agents.js';
import { act, describeError, displayName, type Kit, parsed, reply, resolveOrReply, routeOf, who } from './kit.js';

export const RECEIPT_OK = '👍';
export const RECEIPT_FAILED = '👎';

export function inputFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();

  composer.command('send', async (ctx) => {
    const command = parsed(kit, ctx, 'send', 'send');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'send');
    if (view === null) return;
    await typeText(kit, ctx, view.id, command.text, 'send');
  });

  composer.command('keys', async (ctx) => {
    const command = parsed(kit, ctx, 'keys', 'keys');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'keys');
    if (view === null) return;
    await withReceipt(kit, ctx, 'keys', view.id, command.keys.join(' '), () => kit.sessions.sendKeys(view.id, command.keys));
  });

  // Anything that reaches this point is not one of our commands.
  composer.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith('/')) {
      kit.audit.record({ ...who(ctx), action: 'unknown-command', outcome: 'failed', detail: text.split(/\s/, 1)[0] ?? '' });
      void reply(kit, ctx, 'Unknown command. /help lists what pocket can do.');
      return;
    }
    // A reply to an agent's question answers it (one line per question when it asked several).
    const repliedTo = ctx.message.reply_to_message?.message_id;
    const requestId = repliedTo === undefined ? undefined : kit.agentMessages?.requestOfMessage(ctx.chat.id, repliedTo);
    const open = requestId === undefined ? undefined : kit.agents?.openRequest(requestId);
    if (requestId !== undefined && open?.request.type === 'question') {
      const count = open.request.questions.length;
      const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
      const answers = count === 1 ? [text.trim()] : lines;
      if (answers.length !== count) {
        void reply(kit, ctx, `It asked ${count} questions: answer with ${count} lines, one per question.`);
        return;
      }
      const ok = kit.agents!.answer(requestId, { type: 'question', answers }, displayName(ctx));
      kit.audit.record({ ...who(ctx), action: 'agent-answer', outcome: ok ? 'ok' : 'failed', sessionId: open.sessionId, ...(ok ? {} : { reason: 'settled' }) });
      if (!ok) void reply(kit, ctx, 'That question is no longer open.');
      return;
    }
    const route = routeOf(kit, ctx);
    if (route === null) {
      kit.audit.record({ ...who(ctx), action: 'text', outcome: 'failed', reason: 'no session' });
      // In a group, people also talk to each other: only a private chat is surely talking to pocket.
      if (ctx.chat.type === 'private') {
        void reply(kit, ctx, 'Which session? Reply to a session’s card or alert, write in its topic, or use /send SESSION TEXT.');
      }
      return;
    }
    if (kit.sessions.get(route.sessionId) === undefined) {
      void reply(kit, ctx, 'That session is gone. /sessions lists the current ones.');
      return;
    }
    await typeText(kit, ctx, route.sessionId, text, `text:${route.via}`);
  });

  return composer;
}

function typeText(kit: Kit, ctx: Context, sessionId: string, text: string, action: string): Promise<void> {
  if (kit.sessions.get(sessionId)?.agent !== undefined) return sendToAgent(kit, ctx, sessionId, { text, images: [] }, action);
  return withReceipt(kit, ctx, action, sessionId, text, () => kit.sessions.sendText(sessionId, text));
}

async function withReceipt(kit: Kit, ctx: Context, action: string, sessionId: string, detail: string, run: () => Promise<void>): Promise<void> {
  const chatId = ctx.chat?.id;
  const messageId = ctx.msg?.message_id;
  const ok = await act(kit, ctx, action, { sessionId, detail }, run);
  if (chatId === undefined || messageId === undefined) return;
  // The reaction is the receipt; when it cannot be set (an old client, no rights) a failure still got its reply.
  void kit.react(chatId, messageId, ok ? RECEIPT_OK : RECEIPT_FAILED).catch((error: unknown) => {
    kit.log.debug('bot.receipt_failed', { error: describeError(kit, error) });
  });
}
