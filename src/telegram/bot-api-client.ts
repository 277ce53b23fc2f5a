// One-shot Bot API calls for the CLI (`pocket init`, `pocket doctor`): plain fetch, a deadline on every call, and
// errors that never carry the token. The daemon talks to Telegram through grammY (src/bot/); these commands make a
// handful of calls, and an error here must be safe to print as it is: fetch's own errors hold the request URL, and
// the URL holds the token.
import { PocketError } from '../core/errors.js';
import { Redactor } from '../core/redact.js';

export interface BotApiCallOptions {
  /** Deadline for the whole call; long polls add their own timeout to it. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Telegram answered, with an error: the code and its description (e.g. 401 Unauthorized, 409 Conflict). */
export class BotApiAnswerError extends PocketError {
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super('TELEGRAM_FAILED', `Telegram ${method}: ${errorCode} ${description}`, { hint: hintFor(errorCode) });
    this.name = 'BotApiAnswerError';
  }
}

/** No answer at all: the network, a proxy, a wrong TELEGRAM_API_ROOT, or the deadline. */
export class BotApiUnreachableError extends PocketError {
  constructor(
    readonly method: string,
    readonly apiRoot: string,
    reason: string,
  ) {
    super('TELEGRAM_FAILED', `Cannot reach the Bot API at ${apiRoot} (${method}): ${reason}`, {
      hint: 'Check the network, a proxy, or TELEGRAM_API_ROOT.',
    });
    this.name = 'BotApiUnreachableError';
  }
}

function hintFor(code: number): string | undefined {
  if (code === 401 || code === 404) return 'The token was rejected: copy it again from @BotFather (/mybots > the bot > API Token).';
  if (code === 409) return 'Another process polls this bot (or a webhook is set): stop it first (`pocket stop` for a pocket daemon).';
  return undefined;
}

export interface BotApiClient {
  readonly apiRoot: string;
  call<T>(method: string, params?: Record<string, unknown>, options?: BotApiCallOptions): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createBotApiClient(apiRoot: string, token: string): BotApiClient {
  const root = apiRoot.replace(/\/+$/, '');
  const redactor = new Redactor([token]);
  return {
    apiRoot: root,
    async call<T>(method: string, params: Record<string, unknown> = {}, options: BotApiCallOptions = {}): Promise<T> {
      const deadline = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const signal = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
      let response: Response;
      let body: { ok?: boolean; result?: T; error_code?: number; description?: string };
      try {
        response = await fetch(`${root}/bot${token}/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
          signal,
        });
        body = (await response.json()) as typeof body;
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        throw new BotApiUnreachableError(method, root, redactor.text(reasonOf(error, deadline.aborted)));
      }
      if (body.ok === true) return body.result as T;
      throw new BotApiAnswerError(method, body.error_code ?? response.status, redactor.text(body.description ?? response.statusText));
    },
  };
}

function reasonOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'no answer before the deadline';
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
