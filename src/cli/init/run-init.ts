// `pocket init`, the steps: the token (checked with getMe), pairing (or --user-id), the chat, then HOME/.env merged and
// written atomically. The terminal side (plain lines for scripts, the Ink screen) is an InitIO: it shows events and
// answers the two questions (the token when none was given, whether to replace values already in .env).
import { BOT_TOKEN_PATTERN, readEnvFile } from '../../config.js';
import type { ChatFacts } from '../../core/doctor.js';
import { type EnvChange, planEnvUpdate } from '../../core/env-text.js';
import { PocketError } from '../../core/errors.js';
import { codeFromBytes, displayCode, PAIRING_TTL_MS, startPairing } from '../../core/pairing.js';
import type { Clock } from '../../core/ports.js';
import { readEnvText, writeEnvText } from '../../state/env-file.js';
import { inspectLock } from '../../state/lock.js';
import { homePaths } from '../../state/paths.js';
import { BotApiAnswerError, type BotApiClient, createBotApiClient } from '../../telegram/bot-api-client.js';
import { type BotIdentity, getMe, inspectChat } from '../../telegram/inspect-chat.js';
import { type Paired, waitForPairing } from './pairing-poller.js';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** What Ctrl-C (or SIGTERM) ends `pocket init` with: nothing is written before the last step. */
export function interrupted(): PocketError {
  return new PocketError('INVALID_INPUT', 'Interrupted: nothing was written.', { hint: 'Run `pocket init` again when you are ready.' });
}

export interface InitFlags {
  token?: string;
  userId?: string;
  chatId?: string;
  yes?: boolean;
}

export type InitEvent =
  | { kind: 'token-refused'; reason: string }
  | { kind: 'bot'; username: string; apiRoot: string }
  | { kind: 'code'; code: string; link: string; username: string; expiresAtMs: number }
  | { kind: 'wrong-code'; count: number }
  | { kind: 'paired'; userId: number; chatId: number; chatType: string }
  | { kind: 'chat'; chatId: number; facts: ChatFacts | undefined; warning?: string }
  | { kind: 'written'; path: string; changes: EnvChange[] };

export interface InitIO {
  show(event: InitEvent): void;
  /** Asked only when no token came from --token, the environment or .env; undefined when nobody can answer. */
  askToken?(): Promise<string>;
  /** Values already in .env would change: may they? Undefined when nobody can answer (then --yes is needed). */
  confirmReplace?(changes: EnvChange[]): Promise<boolean>;
}

export interface InitDeps {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  randomBytes: (size: number) => Uint8Array;
  signal?: AbortSignal;
  pairingTtlMs?: number;
}

export interface InitResult {
  envPath: string;
  username: string;
  userId: number;
  chatId: number;
  changes: EnvChange[];
}

export async function runInit(home: string, flags: InitFlags, io: InitIO, deps: InitDeps): Promise<InitResult> {
  const paths = homePaths(home);
  const userIdFlag = parseId('--user-id', flags.userId, false);
  const chatIdFlag = parseId('--chat-id', flags.chatId, true);
  // The daemon of this home polls the same token: a second poller would stop it (409) and steal its updates.
  const lock = inspectLock(paths.lock);
  if (lock.kind === 'held') {
    throw new PocketError('DAEMON_RUNNING', `pocket's daemon of ${home} is running (pid ${lock.record.pid}) and polls this bot.`, {
      hint: 'Run `pocket stop` first, then `pocket init`, then `pocket start`.',
    });
  }
  const existing = readEnvFile(paths.env);
  const apiRoot = (deps.env.TELEGRAM_API_ROOT || existing.TELEGRAM_API_ROOT || DEFAULT_API_ROOT).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(apiRoot)) {
    throw new PocketError('CONFIG_INVALID', `TELEGRAM_API_ROOT is not an http(s) URL: ${JSON.stringify(apiRoot.slice(0, 80))}`, {
      hint: 'Unset it for Telegram, or give the root of a local Bot API server such as http://127.0.0.1:8081.',
    });
  }
  const { token, client, bot } = await acceptedToken(flags, deps.env, existing, io, apiRoot);
  io.show({ kind: 'bot', username: bot.username ?? String(bot.id), apiRoot });

  let paired: Paired;
  if (userIdFlag !== undefined) {
    paired = { userId: userIdFlag, chatId: chatIdFlag ?? userIdFlag, chatType: 'private' };
  } else {
    const code = codeFromBytes(deps.randomBytes(32)) ?? codeFromBytes(deps.randomBytes(64));
    if (code === undefined) throw new PocketError('INTERNAL', 'Could not make a pairing code from the random source.');
    const state = startPairing(code, deps.clock.now(), deps.pairingTtlMs ?? PAIRING_TTL_MS);
    const username = bot.username ?? '';
    io.show({ kind: 'code', code: displayCode(code), link: `https://t.me/${username}?start=${code}`, username, expiresAtMs: state.expiresAtMs });
    paired = await waitForPairing({
      client, clock: deps.clock, state, onWrongCode: (count) => io.show({ kind: 'wrong-code', count }),
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    });
    io.show({ kind: 'paired', ...paired });
  }

  const chatId = chatIdFlag ?? paired.chatId;
  const chat = await describeChat(client, chatId, bot.id, chatIdFlag !== undefined);
  io.show({ kind: 'chat', chatId, ...chat });

  const values: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: token,
    AUTHORIZED_USER_IDS: withUser(existing.AUTHORIZED_USER_IDS, paired.userId),
  };
  // The person paired operates: a viewer until now leaves POCKET_VIEWER_IDS (a user in both lists stops the daemon).
  const viewers = withoutUser(existing.POCKET_VIEWER_IDS, paired.userId);
  if (viewers !== null) values.POCKET_VIEWER_IDS = viewers;
  // A private chat is the default (the first authorized user's); a group, or a chat asked for, is written down.
  if (chatIdFlag !== undefined || chatId !== paired.userId) values.TELEGRAM_CHAT_ID = String(chatId);
  if (apiRoot !== DEFAULT_API_ROOT) values.TELEGRAM_API_ROOT = apiRoot;

  const plan = planEnvUpdate(readEnvText(paths.env), values);
  const replaced = plan.changes.filter((change) => change.kind === 'replaced');
  if (replaced.length > 0 && !flags.yes) {
    const keys = replaced.map((change) => change.key).join(', ');
    if (io.confirmReplace === undefined) {
      throw new PocketError('USAGE', `${paths.env} already sets ${keys}; nothing was written. Rerun with --yes to replace them.`);
    }
    if (!(await io.confirmReplace(replaced))) {
      throw new PocketError('INVALID_INPUT', `Kept ${paths.env} as it was (${keys} not replaced).`, {
        hint: 'Run `pocket init` again and answer yes, or edit the file by hand.',
      });
    }
  }
  await writeEnvText(home, paths.env, plan.text);
  io.show({ kind: 'written', path: paths.env, changes: plan.changes });
  return { envPath: paths.env, username: bot.username ?? '', userId: paired.userId, chatId, changes: plan.changes };
}

/** How often a typed token may be refused before init gives up: a person retyping, not a loop. */
const TOKEN_TRIES = 3;

/**
 * The token from --token, the environment or .env, else typed; checked with getMe. A typed token that is malformed
 * or rejected is asked for again (the person sees why); a given one is not, since asking cannot fix a flag.
 */
async function acceptedToken(flags: InitFlags, env: NodeJS.ProcessEnv, existing: Record<string, string>, io: InitIO, apiRoot: string) {
  const given = flags.token ?? (env.TELEGRAM_BOT_TOKEN || undefined) ?? (existing.TELEGRAM_BOT_TOKEN || undefined);
  for (let attempt = 1; ; attempt++) {
    const typed = given === undefined && io.askToken !== undefined;
    try {
      const token = checkShape(given ?? (io.askToken === undefined ? undefined : await io.askToken()));
      const client = createBotApiClient(apiRoot, token);
      return { token, client, bot: await checkToken(client) };
    } catch (error) {
      const refused = error instanceof PocketError && (error.code === 'CONFIG_INVALID' || error.code === 'USAGE');
      if (!typed || !refused || attempt >= TOKEN_TRIES) throw error;
      io.show({ kind: 'token-refused', reason: error.message });
    }
  }
}

function checkShape(raw: string | undefined): string {
  const token = raw?.trim();
  if (token === undefined || token === '') {
    throw new PocketError('USAGE', 'No bot token: pass --token, set TELEGRAM_BOT_TOKEN, or run `pocket init` in a terminal to type it.');
  }
  // The token is never repeated back, even when it is malformed: it may be a real one with a typo.
  if (!BOT_TOKEN_PATTERN.test(token)) {
    throw new PocketError('CONFIG_INVALID', 'That does not look like a bot token (expected <digits>:<35 or so letters>).', {
      hint: 'Copy the token again from @BotFather (/mybots > the bot > API Token).',
    });
  }
  return token;
}

async function checkToken(client: BotApiClient): Promise<BotIdentity> {
  try {
    return await getMe(client);
  } catch (error) {
    if (error instanceof BotApiAnswerError && (error.errorCode === 401 || error.errorCode === 404)) {
      throw new PocketError('CONFIG_INVALID', `Telegram rejected the token (${error.errorCode} ${error.description}); nothing was written.`, {
        hint: 'Copy it again from @BotFather (/mybots > the bot > API Token); a revoked token stops working at once.',
      });
    }
    throw error;
  }
}

/** The chat's facts; a chat the bot cannot see is an error only when it was asked for with --chat-id. */
async function describeChat(client: BotApiClient, chatId: number, botId: number, required: boolean): Promise<{ facts: ChatFacts | undefined; warning?: string }> {
  try {
    return { facts: await inspectChat(client, chatId, botId) };
  } catch (error) {
    if (!(error instanceof BotApiAnswerError) || error.errorCode >= 500) throw error;
    if (required) {
      throw new PocketError('CONFIG_INVALID', `The bot cannot see chat ${chatId} (${error.errorCode} ${error.description}); nothing was written.`, {
        hint: 'Add the bot to the group (as an admin for topics) first, or check the id.',
      });
    }
    return { facts: undefined, warning: `the bot cannot write to chat ${chatId} yet (${error.description}): open the bot in Telegram and press Start` };
  }
}

function withUser(list: string | undefined, userId: number): string {
  const ids = (list ?? '').split(',').map((id) => id.trim()).filter((id) => id.length > 0);
  return ids.includes(String(userId)) ? ids.join(',') : [...ids, String(userId)].join(',');
}

/** The list without `userId`; null when it does not hold it (nothing to change). */
function withoutUser(list: string | undefined, userId: number): string | null {
  const ids = (list ?? '').split(',').map((id) => id.trim()).filter((id) => id.length > 0);
  return ids.includes(String(userId)) ? ids.filter((id) => id !== String(userId)).join(',') : null;
}

function parseId(flag: string, raw: string | undefined, negativeAllowed: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const pattern = negativeAllowed ? /^-?[1-9]\d{0,15}$/ : /^[1-9]\d{0,15}$/;
  if (!pattern.test(raw.trim())) {
    throw new PocketError('USAGE', `${flag} expects a numeric Telegram id${negativeAllowed ? ' (negative for groups)' : ''}, got ${JSON.stringify(raw.slice(0, 24))}.`);
  }
  return Number(raw.trim());
}
