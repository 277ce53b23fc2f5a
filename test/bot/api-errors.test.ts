import { Api, GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { classifyApiError, redactedErrorText, TelegramApiError, toTelegramApiError } from '../../src/bot/api-errors.js';
import { Redactor } from '../../src/core/redact.js';

const grammyError = (error_code: number, description: string, parameters = {}) =>
  new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code, description, parameters }, 'sendMessage', {});

describe('classifyApiError', () => {
  it.each([
    [grammyError(429, 'Too Many Requests: retry after 17', { retry_after: 17 }), { kind: 'retry_after', seconds: 17 }],
    [grammyError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same'), { kind: 'not_modified' }],
    [grammyError(400, "Bad Request: can't parse entities: Unsupported start tag \"foo\" at byte offset 0"), { kind: 'parse_entities' }],
    [grammyError(400, 'Bad Request: message thread not found'), { kind: 'thread_not_found' }],
    [grammyError(400, 'Bad Request: message to edit not found'), { kind: 'message_not_found' }],
    [grammyError(400, 'Bad Request: message to react not found'), { kind: 'message_not_found' }],
    [grammyError(401, 'Unauthorized'), { kind: 'unauthorized' }],
    [grammyError(409, 'Conflict: terminated by other getUpdates request'), { kind: 'conflict' }],
    [grammyError(403, 'Forbidden: bot was blocked by the user'), { kind: 'forbidden', description: 'Forbidden: bot was blocked by the user' }],
    [grammyError(502, 'Bad Gateway'), { kind: 'server' }],
    [grammyError(400, 'Bad Request: chat not found'), { kind: 'bad_request', description: 'Bad Request: chat not found' }],
    [new HttpError("Network request for 'sendMessage' failed!", new Error('socket hang up')), { kind: 'network' }],
    [new Error('a bug'), { kind: 'unknown' }],
    ['thrown string', { kind: 'unknown' }],
  ])('%s', (err, expected) => {
    expect(classifyApiError(err)).toEqual(expected);
  });

  it('reads the classification back from a wrapped error', () => {
    const wrapped = toTelegramApiError('sendMessage', grammyError(429, 'Too Many Requests', { retry_after: 3 }), new Redactor());
    expect(wrapped).toBeInstanceOf(TelegramApiError);
    expect(wrapped.code).toBe('TELEGRAM_FAILED');
    expect(classifyApiError(wrapped)).toEqual({ kind: 'retry_after', seconds: 3 });
  });
});

describe('redactedErrorText never lets the bot token out', () => {
  // Not token-shaped on purpose: only the literal-secret path can catch it.
  const CANARY = '4242:canary-SECRET';
  // Token-shaped: caught even when nobody passed it in.
  const SHAPED = '7654321:AAHcanaryCanaryCanaryCanaryCanary01';

  it('on a real grammY HttpError from an unreachable Bot API (token in the fetch error URL)', async () => {
    for (const sensitiveLogs of [false, true]) {
      const api = new Api(CANARY, { apiRoot: 'http://127.0.0.1:1', sensitiveLogs });
      const err = await api.getMe().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpError);
      // The raw error does carry the token: this is what the redaction is for.
      expect(String((err as HttpError).error)).toContain(CANARY);
      const text = redactedErrorText(err, new Redactor([CANARY]));
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('canary-SECRET');
      expect(text).toContain('ECONNREFUSED');
      expect(text).toContain('[REDACTED]');
      const wrapped = toTelegramApiError('getMe', err, new Redactor([CANARY]));
      expect(`${wrapped.message} ${wrapped.stack} ${JSON.stringify(wrapped)} ${String(wrapped.cause)}`).not.toContain('canary-SECRET');
    }
  });

  it('removes token-shaped strings and URL-encoded secrets too, through the cause chain', () => {
    const fetchError = new Error(`request to https://api.telegram.org/bot${SHAPED}/getUpdates failed`, {
      cause: new Error(`retrying https://x/bot${encodeURIComponent(CANARY)}/getMe`),
    });
    const text = redactedErrorText(new HttpError('Network request failed!', fetchError), new Redactor([CANARY]));
    expect(text).not.toContain('canaryCanary');
    expect(text).not.toContain('canary-SECRET');
    expect(text).not.toContain(encodeURIComponent(CANARY));
    expect(text).toContain('getUpdates failed');
  });

  it('describes a GrammyError by code and description', () => {
    expect(redactedErrorText(grammyError(400, 'Bad Request: chat not found'), new Redactor([CANARY]))).toBe('400: Bad Request: chat not found');
  });
});
