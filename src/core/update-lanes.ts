// Which updates may overtake, or run alongside, the ones before them. Commands run in the order they were sent because
// a person expects `/new a` then `/send a hi` to type into a. But:
// - a command that changes nothing and names no session depends on nothing before it: /sessions, /help, /start,
//   /logs run at once ('free'). 150 `/new` in a burst took the daemon 28-55 s (docs/performance.md, bench/burst), and
//   the /sessions sent after them waited all of it;
// - `/new NAME` touches only the session it creates: /new of different names may run side by side ('parallel', keyed
//   by the name), so the waits of one (a tmux process start, mostly time spent waiting for a loaded CPU) overlap with
//   the others'. A /new waits for every 'ordered' update before it and for an earlier /new of the same name;
// - everything else ('ordered': other commands, plain text typed into a session, buttons, anything unknown) waits
//   for every update before it, and every update after it waits for it.
import type { TgUpdate } from './auth.js';
import { isValidName } from './names.js';

export type UpdateLane = { kind: 'free' } | { kind: 'parallel'; key: string } | { kind: 'ordered' };

/** Read-only, about no session in particular: what they answer does not depend on an earlier command finishing. */
const FREE_COMMANDS: ReadonlySet<string> = new Set(['sessions', 'help', 'start', 'logs']);

/** `/name` or `/name@bot` at the very start of the text, then whitespace or the end; the rest is the arguments. */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+|$)([\s\S]*)$/;

const ORDERED: UpdateLane = { kind: 'ordered' };
const FREE: UpdateLane = { kind: 'free' };

export function laneOf(update: TgUpdate): UpdateLane {
  // Only a new message: a button press or an edit is about something already on screen, so it keeps its place.
  const message = update.message;
  if (message === undefined || update.callback_query !== undefined) return ORDERED;
  const match = COMMAND.exec(message.text ?? '');
  if (match === null) return ORDERED;
  const [, name = '', args = ''] = match;
  if (FREE_COMMANDS.has(name)) return FREE;
  if (name === 'new') {
    // The session name as parseCommand reads it (the first word); anything it would refuse stays in order.
    const word = /^\S+/.exec(args)?.[0];
    if (word !== undefined && isValidName(word)) return { kind: 'parallel', key: word };
  }
  return ORDERED;
}
