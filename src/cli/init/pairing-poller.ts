// Waits for the pairing code: long-polls getUpdates, hands each message to core/pairing.ts and does what it says.
// Every update read is confirmed (the next call's offset), so the code and the guesses are not handed to the daemon
// later as if they were commands.
import type { Update } from 'grammy/types';
import { PocketError } from '../../core/errors.js';
import {
  type PairingMessage,
  type PairingState,
  type PairingVerdict,
  isExpired,
  judgeMessage,
} from '../../core/pairing.js';
import type { Clock } from '../../core/ports.js';
import { BotApiAnswerError, type BotApiClient } from '../../telegram/bot-api-client.js';

export interface Paired {
  userId: number;
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup';
}

export interface PairingPollerOptions {
  client: BotApiClient;
  clock: Clock;
  state: PairingState;
  signal?: AbortSignal;
  /** Told about each wrong code, for the terminal ("a wrong code came from ..."). */
  onWrongCode?: (wrongCodes: number) => void;
  /** Longest single long poll; the remaining pairing time caps it too. */
  pollSeconds?: number;
}

const POLL_SECONDS = 25;

export async function waitForPairing(options: PairingPollerOptions): Promise<Paired> {
  const { client, clock } = options;
  let state = options.state;
  let offset: number | undefined;
  for (;;) {
    if (isExpired(state, clock.now())) throw expired();
    const remainingS = Math.ceil((state.expiresAtMs - clock.now()) / 1000);
    const timeout = Math.max(1, Math.min(options.pollSeconds ?? POLL_SECONDS, remainingS));
    const updates = await getUpdates(client, offset, timeout, options.signal);
    for (const update of updates) {
      offset = update.update_id + 1;
      const message = pairingMessage(update);
      if (message === undefined) continue;
      const judged = judgeMessage(state, message, clock.now());
      state = judged.state;
      const paired = await act(client, judged.verdict, state, options);
      if (paired !== undefined) {
        // Confirm what was read, so the daemon does not receive the code as its first message.
        await getUpdates(client, offset, 0, options.signal).catch(() => []);
        return paired;
      }
    }
  }
}

async function act(client: BotApiClient, verdict: PairingVerdict, state: PairingState, options: PairingPollerOptions) {
  switch (verdict.kind) {
    case 'paired':
      return { userId: verdict.userId, chatId: verdict.chatId, chatType: verdict.chatType };
    case 'expired':
      throw expired();
    case 'locked':
      throw new PocketError('INVALID_INPUT', `Pairing stopped after ${state.wrongCodes} wrong codes: someone may be guessing.`, {
        hint: 'Run `pocket init` again for a new code; if strangers write to the bot, consider a new token (@BotFather /revoke).',
      });
    case 'wrong':
      options.onWrongCode?.(state.wrongCodes);
      if (verdict.reply !== undefined) {
        // A courtesy, once per chat: failing to send it must not end the pairing.
        await client.call('sendMessage', { chat_id: verdict.reply.chatId, text: verdict.reply.text }).catch(() => undefined);
      }
      return undefined;
    case 'ignore':
      return undefined;
  }
}

async function getUpdates(client: BotApiClient, offset: number | undefined, timeout: number, signal?: AbortSignal): Promise<Update[]> {
  try {
    return await client.call<Update[]>(
      'getUpdates',
      { ...(offset === undefined ? {} : { offset }), timeout, allowed_updates: ['message'] },
      { timeoutMs: (timeout + 10) * 1000, ...(signal === undefined ? {} : { signal }) },
    );
  } catch (error) {
    if (error instanceof BotApiAnswerError && error.errorCode === 409) {
      throw new PocketError('DAEMON_RUNNING', `Another process polls this bot: ${error.description}`, {
        hint: 'Stop it first: `pocket stop` (for a pocket daemon of another home: `pocket --home DIR stop`), or delete its webhook.',
      });
    }
    throw error;
  }
}

function pairingMessage(update: Update): PairingMessage | undefined {
  const message = update.message;
  if (message?.from === undefined || message.text === undefined) return undefined;
  return {
    fromId: message.from.id,
    fromIsBot: message.from.is_bot,
    chatId: message.chat.id,
    chatType: message.chat.type,
    text: message.text,
    dateS: message.date,
  };
}

function expired(): PocketError {
  return new PocketError('INVALID_INPUT', 'The pairing code expired before it reached the bot.', {
    hint: 'Run `pocket init` again for a new code and send it to the bot within 10 minutes.',
  });
}
