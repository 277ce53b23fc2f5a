// Which updates may overtake the ones before them. Commands run in the order they were sent, one at a time, because a
// person expects `/new a` then `/send a hi` to type into a. But a command that changes nothing and names no session
// depends on nothing before it: /sessions, /help, /start, /logs. Waiting behind slow work helps nobody there — 150
// `/new` in a burst take the daemon 28-55 s to run (one tmux process start each, on a loaded 2-core machine; see
// docs/performance.md, bench/burst), and the /sessions sent after them waited all of it. These run at once, in the
// 'free' lane; everything else (other commands, plain text typed into a session, buttons, anything unknown) keeps
// its place in the 'ordered' lane.
import type { TgUpdate } from './auth.js';

export type UpdateLane = 'ordered' | 'free';

/** Read-only, about no session in particular: what they answer does not depend on an earlier command finishing. */
const FREE_COMMANDS: ReadonlySet<string> = new Set(['sessions', 'help', 'start', 'logs']);

/** `/name` or `/name@bot` at the very start of the text, then whitespace or the end. */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s|$)/;

export function laneOf(update: TgUpdate): UpdateLane {
  // Only a new message: a button press or an edit is about something already on screen, so it keeps its place.
  const message = update.message;
  if (message === undefined || update.callback_query !== undefined) return 'ordered';
  const name = COMMAND.exec(message.text ?? '')?.[1];
  return name !== undefined && FREE_COMMANDS.has(name) ? 'free' : 'ordered';
}
