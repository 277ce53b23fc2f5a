// Pairing for `pocket init`: who may operate the bot is learned from a one-time code the terminal shows and the person
// sends to the bot. Pure decisions on plain data; the CLI polls Telegram and does what the verdicts say.
//
// Why the code is 8 characters of a 31-letter alphabet (31^8, ~2^39.6) and wrong guesses are capped: anyone who finds
// the bot's username can write to it while pairing runs. Ten accounts at a message a second for the 10 minutes try
// 6,000 codes: a 6-digit code would fall with a 0.6% chance. 31^8 codes and a cap of MAX_WRONG_CODES wrong codes
// (from anyone, after which pairing stops) make it 20 in 8.5e11. Ambiguous characters (0/O, 1/I/L) are left out so the
// code can be typed from a screen.

export const PAIRING_TTL_MS = 10 * 60 * 1000;
export const MAX_WRONG_CODES = 20;
export const CODE_LENGTH = 8;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A message as pairing sees it (taken from a Telegram update by the adapter). */
export interface PairingMessage {
  fromId: number;
  fromIsBot: boolean;
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup' | 'channel';
  text: string;
  /** Unix seconds, as Telegram dates messages. */
  dateS: number;
}

export interface PairingState {
  code: string;
  startedAtMs: number;
  expiresAtMs: number;
  wrongCodes: number;
  /** Private chats already told once that their text is not the code: they are told nothing more. */
  toldWrong: number[];
}

export type PairingVerdict =
  | { kind: 'paired'; userId: number; chatId: number; chatType: 'private' | 'group' | 'supergroup' }
  /** Nothing to do: not a pairing attempt, a bot, an old message, or a sender already answered once. */
  | { kind: 'ignore' }
  /** A wrong code in a private chat, answered once. */
  | { kind: 'wrong'; reply?: { chatId: number; text: string } }
  | { kind: 'expired' }
  | { kind: 'locked' };

/** Telegram's anonymous group admin: the real sender is hidden, so no user id can be learned from it. */
const ANONYMOUS_ADMIN_ID = 1087968824;
export const WRONG_CODE_REPLY = 'That is not the pairing code shown by `pocket init`.';

/**
 * A code from random bytes (at least CODE_LENGTH): each byte picks a letter by rejection sampling over the 31
 * distinct letters, so no letter is likelier than another; bytes that would bias the pick (>= 248) are skipped.
 */
export function codeFromBytes(bytes: Uint8Array): string | undefined {
  let code = '';
  for (const byte of bytes) {
    if (byte >= CODE_ALPHABET.length * 8) continue;
    code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    if (code.length === CODE_LENGTH) return code;
  }
  return undefined;
}

/** How the code is shown: two groups of four, e.g. `K7QM-3XPA`. */
export function displayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function startPairing(code: string, nowMs: number, ttlMs = PAIRING_TTL_MS): PairingState {
  return { code, startedAtMs: nowMs, expiresAtMs: nowMs + ttlMs, wrongCodes: 0, toldWrong: [] };
}

export function isExpired(state: PairingState, nowMs: number): boolean {
  return nowMs >= state.expiresAtMs;
}

/**
 * What a message sent during pairing means. Accepted forms: the code alone (`K7QM-3XPA`, any case, spaces and dashes
 * ignored), `/start CODE` (the t.me deep link) and `/pair CODE`, with an optional `@botname` on the command (groups
 * with privacy mode on deliver only commands to the bot).
 */
export function judgeMessage(state: PairingState, message: PairingMessage, nowMs: number): { state: PairingState; verdict: PairingVerdict } {
  if (isExpired(state, nowMs)) return { state, verdict: { kind: 'expired' } };
  if (state.wrongCodes >= MAX_WRONG_CODES) return { state, verdict: { kind: 'locked' } };
  if (message.fromIsBot || message.fromId === ANONYMOUS_ADMIN_ID || message.chatType === 'channel') {
    return { state, verdict: { kind: 'ignore' } };
  }
  // Written before the code existed (queued while nothing polled): it cannot be an answer to it.
  if (message.dateS < Math.floor(state.startedAtMs / 1000)) return { state, verdict: { kind: 'ignore' } };
  const attempt = codeAttempt(message.text, message.chatType === 'private');
  // A bare /start is the Start button of a first chat, not a guess: the code usually follows.
  if (attempt === undefined || attempt === '') return { state, verdict: { kind: 'ignore' } };
  if (attempt === state.code) {
    return { state, verdict: { kind: 'paired', userId: message.fromId, chatId: message.chatId, chatType: message.chatType } };
  }
  const wrongCodes = state.wrongCodes + 1;
  if (wrongCodes >= MAX_WRONG_CODES) return { state: { ...state, wrongCodes }, verdict: { kind: 'locked' } };
  const answerOnce = message.chatType === 'private' && !state.toldWrong.includes(message.chatId);
  if (!answerOnce) return { state: { ...state, wrongCodes }, verdict: { kind: 'wrong' } };
  return {
    state: { ...state, wrongCodes, toldWrong: [...state.toldWrong, message.chatId] },
    verdict: { kind: 'wrong', reply: { chatId: message.chatId, text: WRONG_CODE_REPLY } },
  };
}

/**
 * The code a text offers, normalised, or undefined when the text is no attempt. In a private chat any text is an
 * attempt (the chat exists only to pair); in a group only `/pair` and `/start` are, so the group's talk is left alone.
 */
function codeAttempt(text: string, isPrivate: boolean): string | undefined {
  const trimmed = text.trim();
  const command = /^\/(start|pair)(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$/s.exec(trimmed);
  if (command !== null) return normalise(command[2] ?? '');
  if (!isPrivate) return undefined;
  return normalise(trimmed);
}

function normalise(raw: string): string {
  return raw.replace(/[\s-]+/g, '').toUpperCase();
}
