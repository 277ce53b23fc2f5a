// Claude Code's hooks for one run: loaded with its `--settings FILE` flag (the user's ~/.claude/settings.json and the
// project's settings stay untouched), each hook runs the spool script (hook-spool.ts) with pocket's session id in it.
// Pure: the file's text and the rewritten command; the daemon writes the file and starts the command.
import { CLAUDE_HOOK_EVENTS } from './hook-events.js';
import { spoolScript } from './hook-spool.js';
import { HOOK_APPROVAL_TIMEOUT_MS } from './permission-request.js';
import { shellWord } from './shell-word.js';

/**
 * Seconds Claude Code gives the hook before it moves on. The spool hook takes a few milliseconds; only a Notification
 * reads stdin, which Claude closes after writing the payload, so this is a ceiling that is never reached. (The
 * waiting PermissionRequest hook has its own: PERMISSION_HOOK_TIMEOUT_S.)
 */
export const HOOK_TIMEOUT_S = 5;

/** Claude's `timeout` for the waiting hook: past its own give-up time (the polls' forks add a few seconds). */
export const PERMISSION_HOOK_TIMEOUT_S = HOOK_APPROVAL_TIMEOUT_MS / 1000 + 60;

/** True when /new's command starts the Claude Code CLI: its first word's basename is `claude`. */
export function startsClaude(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return first.split('/').pop() === 'claude';
}

/** The settings file's JSON: only hooks, so every other setting comes from the user's own files. */
export function claudeHookSettings(spoolDir: string, sessionId: string): string {
  const hooks: Record<string, unknown> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const timeout = event === 'PermissionRequest' ? PERMISSION_HOOK_TIMEOUT_S : HOOK_TIMEOUT_S;
    hooks[event] = [{ matcher: '', hooks: [{ type: 'command', command: spoolScript(spoolDir, sessionId, event), timeout }] }];
  }
  return `${JSON.stringify({ hooks }, null, 2)}\n`;
}

/**
 * /new's command with `--settings FILE` right after the program, so the flag applies to claude itself and whatever
 * the user wrote after it (arguments, `; echo done`) stays as it was.
 */
export function withClaudeSettings(command: string, settingsFile: string): string {
  const trimmed = command.trim();
  const match = /^\S+/.exec(trimmed);
  if (match === null) return trimmed;
  return `${match[0]} --settings ${shellWord(settingsFile)}${trimmed.slice(match[0].length)}`;
}
