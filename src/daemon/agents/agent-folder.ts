// The folder an agent session works in: the one named in /claude or /codex (`@FOLDER`), checked to be a folder on
// this machine, or POCKET_AGENT_CWD / HOME.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PocketError } from '../../core/errors.js';

/** `~` and `~/…` are the user's home; relative folders start at `defaultCwd`. */
export function agentFolder(folder: string | undefined, defaultCwd: string): string {
  if (folder === undefined) return defaultCwd;
  const expanded = folder === '~' ? homedir() : folder.startsWith('~/') ? join(homedir(), folder.slice(2)) : folder;
  const absolute = isAbsolute(expanded) ? expanded : resolve(defaultCwd, expanded);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) {
    throw new PocketError('INVALID_INPUT', `No folder ${JSON.stringify(folder.slice(0, 200))} on this machine.`, {
      hint: 'Name an existing folder: /codex @~/src/app PROMPT (relative folders start at the agent folder).',
    });
  }
  return absolute;
}
