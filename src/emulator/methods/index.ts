// Every Bot API method the emulator answers, by lower-cased name (Telegram's method names are case-insensitive).
import { botMethods } from './bot.js';
import type { MethodHandler } from './context.js';
import { fileMethods } from './files.js';
import { interactionMethods } from './interactions.js';
import { messageMethods } from './messages.js';
import { topicMethods } from './topics.js';

const all: Record<string, MethodHandler> = {
  ...botMethods, ...messageMethods, ...fileMethods, ...topicMethods, ...interactionMethods,
};

export const METHODS: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries(all).map(([name, handler]) => [name.toLowerCase(), handler]),
);

export type { MethodContext, MethodHandler } from './context.js';
