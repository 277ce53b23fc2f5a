// The folder an agent session works in: the one named in /claude or /codex (`@FOLDER`), checked to be a folder on
// this machine, or POCKET_AGENT_CWD / HOME.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PocketError } from '../../core/errors.js';

/** `~` and `~/…` are the user's home; relative folders start at `defaultCwd`. */
export function agentFolder(folder: string | undefined, defaultCwd: string): string {
  if (folder === undefined) {
    // Checked here, not left to the agent: Node reports a child spawned in a missing folder as `spawn EXECUTABLE
    // ENOENT`, which reads as the agent not being installed.
    if (!isFolder(defaultCwd)) {
      throw new PocketError('INVALID_INPUT', `The agent folder ${JSON.stringify(defaultCwd.slice(0, 200))} (POCKET_AGENT_CWD, else your home) is not a folder on this machine.`, {
        hint: 'Set POCKET_AGENT_CWD in .env to an existing folder and run `pocket restart`, or name one: /codex @~/src/app PROMPT.',
      });
    }
    return defaultCwd;
  }
  const expanded = folder === '~' ? homedir() : folder.startsWith('~/') ? join(homedir(), folder.slice(2)) : folder;
  const absolute = isAbsolute(expanded) ? expanded : resolve(defaultCwd, expanded);
  if (!isFolder(absolute)) {
    throw new PocketError('INVALID_INPUT', `No folder ${JSON.stringify(folder.slice(0, 200))} on this machine.`, {
      hint: 'Name an existing folder: /codex @~/src/app PROMPT (relative folders start at the agent folder).',
    });
  }
  return absolute;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
