// What a failed Bot API call means for pocket, and how to talk about it without leaking the token.
// grammY throws GrammyError when Telegram answered with an error, HttpError when the request itself failed; the
// HttpError wraps the fetch error, whose text holds the request URL — and that URL holds the bot token.
import { GrammyError, HttpError } from 'grammy';
import { PocketError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';

export type ApiErrorInfo =
  | { kind: 'retry_after'; seconds: number }
  | { kind: 'not_modified' }
  | { kind: 'parse_entities' }
  | { kind: 'thread_not_found' }
  | { kind: 'message_not_found' }
  /** 401: the token is wrong or revoked. Stop; retrying only spins. */
  | { kind: 'unauthorized' }
  /** 409: another process polls with this token. */
  | { kind: 'conflict' }
  /** 403: blocked by the user, removed from the group, not allowed to post here. */
  | { kind: 'forbidden'; description: string }
  | { kind: 'network' }
  | { kind: 'server' }
  | { kind: 'bad_request'; description: string }
  /** Not a Bot API error at all (a bug, a thrown string): do not retry. */
  | { kind: 'unknown' };

/** A failed Bot API call as pocket reports it: a redacted message, the classification, and no token anywhere. */
export class TelegramApiError extends PocketError {
  readonly api: ApiErrorInfo;
  readonly method: string;

  constructor(method: string, api: ApiErrorInfo, message: string) {
    super('TELEGRAM_FAILED', message, { hint: hintFor(api) });
    this.name = 'TelegramApiError';
    this.method = method;
    this.api = api;
  }
}

export function classifyApiError(err: unknown): ApiErrorInfo {
  if (err instanceof TelegramApiError) return err.api;
  if (err instanceof GrammyError) return classifyTelegramAnswer(err.error_code, err.description, err.parameters.retry_after);
  if (err instanceof HttpError) return { kind: 'network' };
  return { kind: 'unknown' };
}

/** Same rules for anything shaped like a Bot API error answer (`{error_code, description, parameters}`). */
export function classifyTelegramAnswer(code: number, description: string, retryAfter?: number): ApiErrorInfo {
  const text = description.toLowerCase();
  if (code === 429 || retryAfter !== undefined) return { kind: 'retry_after', seconds: retryAfter ?? 1 };
  if (code === 401) return { kind: 'unauthorized' };
  if (code === 409) return { kind: 'conflict' };
  if (code === 403) return { kind: 'forbidden', description };
  if (code >= 500) return { kind: 'server' };
  if (text.includes('message is not modified')) return { kind: 'not_modified' };
  if (text.includes("can't parse entities") || text.includes('can not parse entities')) return { kind: 'parse_entities' };
  if (text.includes('message thread not found') || text.includes('topic_deleted') || text.includes('topic not found')) {
    return { kind: 'thread_not_found' };
  }
  if (/message to (edit|delete|react|forward|copy|reply) not found|message not found|message_id_invalid/.test(text)) {
    return { kind: 'message_not_found' };
  }
  return { kind: 'bad_request', description };
}

/** Wraps what grammY threw into a TelegramApiError whose message is safe to log and to show. */
export function toTelegramApiError(method: string, err: unknown, redactor: Redactor): TelegramApiError {
  if (err instanceof TelegramApiError) return err;
  return new TelegramApiError(method, classifyApiError(err), `Telegram ${method} failed: ${redactedErrorText(err, redactor)}`);
}

/**
 * One line describing an error, through the daemon's redactor (which knows the token, also URL-encoded, and anything
 * token-shaped). Walks HttpError's wrapped
 * `error` and the `cause` chain, because the useful part (ECONNREFUSED, a timeout) is in there — next to the URL.
 */
export function redactedErrorText(err: unknown, redactor: Redactor): string {
  return redactor.text(describe(err, 0));
}

function describe(err: unknown, depth: number): string {
  if (depth > 4) return '…';
  if (err instanceof GrammyError) return `${err.error_code}: ${err.description}`;
  if (err instanceof HttpError) return `${err.message}${inner(err.error, depth)}`;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const head = typeof code === 'string' ? `${err.message} [${code}]` : err.message;
    return `${head}${inner(err.cause, depth)}`;
  }
  return typeof err === 'string' ? err : String(err);
}

function inner(wrapped: unknown, depth: number): string {
  return wrapped === undefined ? '' : ` <- ${describe(wrapped, depth + 1)}`;
}

function hintFor(api: ApiErrorInfo): string | undefined {
  switch (api.kind) {
    case 'unauthorized':
      return 'The bot token was rejected: check TELEGRAM_BOT_TOKEN (BotFather /token).';
    case 'conflict':
      return 'Another process is polling with this bot token: stop it, or revoke the token.';
    case 'network':
      return 'Telegram could not be reached: check the network or TELEGRAM_API_ROOT.';
    case 'thread_not_found':
      return 'The forum topic was deleted.';
    default:
      return undefined;
  }
}
