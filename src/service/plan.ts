// What install and uninstall know about the machine (injected, so tests build it from literals) and what they
// decide: the steps, the notes to print after them, and what to say when done.
import { WRITTEN_BY } from '../core/service-files.js';
import type { CommandRunner } from './runner.js';
import type { Step } from './steps.js';

export interface ServiceHost {
  run: CommandRunner;
  /** A file's text, or null when it does not exist. */
  readFile: (path: string) => string | null;
  userName: string;
  uid: number;
  /** $XDG_CONFIG_HOME or ~/.config (systemd's user unit path). */
  configHome: string;
  /** ~/Library/LaunchAgents (launchd). */
  launchAgents: string;
  /** The pid of a daemon of this home started by `pocket start` (its lock is held), or null. */
  daemonPid: number | null;
  dryRun: boolean;
}

export interface Plan {
  /** The service file. */
  file: string;
  steps: Step[];
  /** Said after the steps (linger, where the logs are) or before them in a dry run (a missing manager). */
  notes: string[];
  done: string;
}

/** Only files that say install wrote them are replaced or removed. */
export function isOurs(text: string): boolean {
  return text.split('\n', 3).some((line) => line.includes(WRITTEN_BY));
}
