// Answers to the user: callback query answers (once, and only while the query is fresh) and reactions.
import { badRequest } from '../errors.js';
import { REACTION_EMOJI } from '../rules.js';
import { existingMessage, type MethodHandler, targetChat } from './context.js';

/** How long Telegram waits for an answer before the query is "too old". */
export const CALLBACK_ANSWER_WINDOW_MS = 15_000;
const TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';

const answerCallbackQuery: MethodHandler = (ctx) => {
  const id = ctx.params.requiredString('callback_query_id', 'QUERY_ID_INVALID');
  const query = ctx.state.callbacks.get(id);
  if (query === undefined || query.answered || ctx.nowMs() - query.atMs > CALLBACK_ANSWER_WINDOW_MS) {
    throw badRequest(TOO_OLD);
  }
  const text = ctx.params.string('text');
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  query.answered = true;
  const url = ctx.params.string('url');
  query.answer = {
    showAlert: ctx.params.bool('show_alert'),
    ...(text === undefined ? {} : { text }),
    ...(url === undefined ? {} : { url }),
  };
  return true;
};

interface ReactionInput {
  type?: string;
  emoji?: string;
}

const setMessageReaction: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const record = existingMessage(ctx, chat, 'message to react not found');
  const reactions = ctx.params.json<ReactionInput[]>('reaction') ?? [];
  if (!Array.isArray(reactions)) throw badRequest('field "reaction" must be an Array');
  // A bot is not a premium user: one reaction at most, and only from the standard emoji list.
  if (reactions.length > 1) throw badRequest('REACTIONS_TOO_MANY');
  for (const reaction of reactions) {
    if (reaction?.type !== 'emoji' || !REACTION_EMOJI.has(reaction.emoji ?? '')) throw badRequest('REACTION_INVALID');
  }
  record.reactions = reactions.map((r) => r.emoji!);
  return true;
};

export const interactionMethods: Record<string, MethodHandler> = { answerCallbackQuery, setMessageReaction };
