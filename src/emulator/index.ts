// The emulator's public surface: start it, talk to it with grammY, play the users, watch the bot.
export { type BotApiServerOptions, BotApiEmulator, DEFAULT_TOKEN, type EmulatedMessage, type MessagesFilter, type OtherBot, type OtherBotOptions, startBotApiServer } from './emulator.js';
export type { GroupOptions, SendTextOptions, UserOptions } from './client.js';
export type { InjectedError } from './faults.js';
export type { CallRecord, WaitOptions } from './observe.js';
export { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.js';
export { MAX_CALLBACK_DATA_BYTES, MAX_CAPTION, MAX_TEXT, REACTION_EMOJI } from './rules.js';
export { parseHtml } from './html.js';
export type { CallbackRecord, StoredDocument, TopicRecord } from './state.js';
