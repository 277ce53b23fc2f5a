// Button presses. The data is a server-side id (core/callback-registry.ts): looked up, bound to a session and one
// action, checked against the session's current state (an answer to a prompt that is gone is not typed), audited,
// and answered promptly so the button's spinner stops.
import { type Context, Composer } from 'grammy';
import { CARD_LINES, sessionLabel } from '../core/cards.js';
import type { CallbackEntry } from '../core/callback-registry.js';
import { DECISION_TEXT } from '../core/agent-cards.js';
import { resumeInto } from './features/agents.js';
import { announceAdopted, askKill } from './features/sessions.js';
import { describeError, displayName, type Kit, who } from './features/kit.js';
import { sendOutput } from './features/output.js';
import { sendScreen } from './features/screen.js';

export function callbackFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    const found = kit.registry.peek(query.data, kit.now());
    if (!found.ok) {
      kit.audit.record({ ...who(ctx), action: 'button', outcome: 'failed', reason: found.reason });
      await answer(kit, query.id, 'This button has expired. Use /sessions or the card’s Refresh.');
      return;
    }
    const entry = found.entry;
    if (entry.action.type === 'agent-resume') {
      // Not bound to a session yet: choosing it makes one.
      kit.registry.use(entry.id, kit.now());
      const message = query.message;
      const threadId = message?.is_topic_message === true ? message.message_thread_id : undefined;
      const place = { chatId: message?.chat.id ?? kit.chatId, ...(threadId === undefined ? {} : { threadId }) };
      await answer(kit, query.id, await resumeInto(kit, place, entry.action.kind, entry.action.agentSessionId, ctx));
      return;
    }
    if (entry.action.type === 'adopt-tab') {
      kit.registry.use(entry.id, kit.now());
      await answer(kit, query.id, await adoptTab(kit, ctx, entry.action.tty));
      return;
    }
    const view = kit.sessions.get(entry.sessionId);
    if (view === undefined) {
      kit.registry.forgetSession(entry.sessionId);
      await answer(kit, query.id, 'That session is gone.');
      return;
    }
    // One-shot buttons are consumed before acting, so a double tap cannot act twice.
    if (entry.once) kit.registry.use(entry.id, kit.now());
    const action = `button:${entry.action.type}`;
    try {
      const note = await run(kit, ctx, entry);
      kit.audit.record({ ...who(ctx), action, outcome: 'ok', sessionId: entry.sessionId, ...(note === '' ? {} : { detail: note }) });
      await answer(kit, query.id, note);
    } catch (error) {
      const text = describeError(kit, error);
      kit.audit.record({ ...who(ctx), action, outcome: 'failed', sessionId: entry.sessionId, reason: text.split('\n')[0] });
      await answer(kit, query.id, text);
    }
  });
  return composer;
}

/** Does what the button says; returns the short note shown to the presser. */
async function run(kit: Kit, ctx: Context, entry: CallbackEntry): Promise<string> {
  const sessionId = entry.sessionId;
  const view = kit.sessions.get(sessionId)!;
  const message = ctx.callbackQuery?.message;
  const chatId = message?.chat.id ?? kit.chatId;
  const threadId = message?.is_topic_message === true ? message.message_thread_id : undefined;
  const place = { chatId, sessionId, ...(threadId === undefined ? {} : { threadId }) };
  switch (entry.action.type) {
    case 'refresh':
      await kit.cards.refresh(sessionId);
      return 'Refreshed';
    case 'tail': {
      const lines = await kit.sessions.tail(sessionId, CARD_LINES * 2);
      void sendOutput(kit, place, `${view.name}.txt`, lines);
      return '';
    }
    case 'screen':
      await sendScreen(kit, view, place);
      return '';
    case 'keys':
      await kit.sessions.sendKeys(sessionId, entry.action.keys);
      return `Sent ${entry.action.keys.join(' ')}`;
    case 'kill':
      void askKill(kit, view, { chatId, threadId });
      return '';
    case 'kill-confirm':
      await kit.sessions.kill(sessionId);
      if (message !== undefined) void kit.delivery.edit(chatId, `m:${message.message_id}`, message.message_id, `Killed ${sessionLabel(view)}.`, false, []);
      return `Killed ${view.name}`;
    case 'kill-cancel':
      if (message !== undefined) void kit.delivery.edit(chatId, `m:${message.message_id}`, message.message_id, `Not killed: ${sessionLabel(view)} keeps running.`, false, []);
      return 'Cancelled';
    case 'answer': {
      const { ruleId, label, input } = entry.action;
      // The screen may have moved on since the alert: typing "y" into whatever comes next would be wrong.
      if (view.state !== 'waiting' || view.prompt?.ruleId !== ruleId) return 'That prompt is no longer waiting; nothing was sent.';
      // Pressed just after the alert: the dialog may still drop keys (alerts.ts FRESH_DIALOG_DEAF_MS).
      const early = (entry.action.notBefore ?? 0) - kit.now();
      if (early > 0) {
        await new Promise((resolve) => setTimeout(resolve, early));
        const now = kit.sessions.get(sessionId);
        if (now?.state !== 'waiting' || now.prompt?.ruleId !== ruleId) return 'That prompt is no longer waiting; nothing was sent.';
      }
      // A dialog that ignores keys for a moment after it opens (Claude Code 2.1.33x): the answer waits that long.
      if (input.delayMs !== undefined && input.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, input.delayMs));
      if ('text' in input) await kit.sessions.sendText(sessionId, input.text);
      else await kit.sessions.sendKeys(sessionId, input.keys);
      if (message !== undefined && 'text' in message && typeof message.text === 'string') {
        void kit.delivery.edit(chatId, `m:${message.message_id}`, message.message_id, `${message.text}\n→ answered: ${label}`, false, []);
      }
      return `Answered: ${label}`;
    }
    case 'cancel': {
      if (kit.agents === null) return 'No agents run here.';
      const outcome = await kit.agents.cancel(sessionId);
      return outcome.wasRunning ? 'Cancelling the turn' : 'No turn is running';
    }
    case 'agent-approval': {
      const { requestId, decision } = entry.action;
      const settled = kit.agents?.answer(requestId, { type: 'approval', decision }, displayName(ctx)) ?? false;
      return settled ? DECISION_TEXT[decision] : 'That request is no longer open.';
    }
    case 'hook-decision': {
      const { requestId, decision } = entry.action;
      const decided = kit.sessions.decideHook(sessionId, requestId, decision, displayName(ctx));
      return decided ? (decision === 'allow' ? 'Allowed' : 'Denied') : 'That request is no longer open.';
    }
    case 'agent-choice': {
      const { requestId, label } = entry.action;
      const settled = kit.agents?.answer(requestId, { type: 'question', answers: [label] }, displayName(ctx)) ?? false;
      return settled ? `Answered: ${label}` : 'That question is no longer open.';
    }
    case 'agent-resume':
    case 'adopt-tab':
      return '';
  }
}

/** A /sessions tab button: mirror that tab; returns the note shown to the presser. */
async function adoptTab(kit: Kit, ctx: Context, tty: string): Promise<string> {
  const message = ctx.callbackQuery?.message;
  const threadId = message?.is_topic_message === true ? message.message_thread_id : undefined;
  const place = { chatId: message?.chat.id ?? kit.chatId, ...(threadId === undefined ? {} : { threadId }) };
  try {
    const view = await kit.sessions.attach(tty);
    kit.audit.record({ ...who(ctx), action: 'button:adopt-tab', outcome: 'ok', sessionId: view.id, detail: tty });
    announceAdopted(kit, place, view, tty);
    return `Mirroring ${view.name}`;
  } catch (error) {
    const text = describeError(kit, error);
    kit.audit.record({ ...who(ctx), action: 'button:adopt-tab', outcome: 'failed', reason: text.split('\n')[0], detail: tty });
    return text;
  }
}

async function answer(kit: Kit, queryId: string, text: string): Promise<void> {
  try {
    await kit.answerCallback(queryId, text === '' ? undefined : text);
  } catch (error) {
    kit.log.debug('bot.callback_answer_failed', { error: describeError(kit, error) });
  }
}
