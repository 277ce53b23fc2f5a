// Codex's `notify` program for one run: set with `-c notify=[...]` (the user's ~/.codex/config.toml stays untouched),
// it runs the spool script (hook-spool.ts) with pocket's session id in it. Pure: argv and the rewritten command.
import { CODEX_NOTIFY_EVENT } from './hook-events.js';
import { spoolScript } from './hook-spool.js';
import { shellWord } from './shell-word.js';

/** True when /new's command starts the Codex CLI: its first word's basename is `codex`. */
export function startsCodex(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return first.split('/').pop() === 'codex';
}

/** The argv of Codex's notify program for pocket's session `sessionId`: sh and the spool script (no PATH look-up). */
export function codexNotifyArgv(spoolDir: string, sessionId: string): string[] {
  return ['/bin/sh', '-c', spoolScript(spoolDir, sessionId, CODEX_NOTIFY_EVENT), 'pocket-hook'];
}

/**
 * /new's command with `-c notify=[...]` right after the program: Codex reads `-c key=value` as a TOML value over its
 * config for this run only. The argv goes in as a TOML array of literal strings when it can ('...' keeps `\` and
 * `"` as they are), else as basic strings with escapes; the whole value is one shell word.
 */
export function withCodexNotify(command: string, spoolDir: string, sessionId: string): string {
  const trimmed = command.trim();
  const match = /^\S+/.exec(trimmed);
  if (match === null) return trimmed;
  const array = `[${codexNotifyArgv(spoolDir, sessionId).map(tomlString).join(', ')}]`;
  return `${match[0]} -c ${shellWord(`notify=${array}`)}${trimmed.slice(match[0].length)}`;
}

function tomlString(value: string): string {
  if (!/['\n\r]/.test(value) && !/[\u0000-\u001f\u007f]/.test(value)) return `'${value}'`;
  // A basic string: JSON's escapes (\" \\ \n \uXXXX) are TOML's.
  return JSON.stringify(value);
}
