// Exact signals from the agents pocket starts in tmux: Claude Code's own hooks, loaded for that one run with its
// `--settings FILE` flag (the user's ~/.claude/settings.json and the project's settings stay untouched), and Codex's
// `notify` program, set for that one run with `-c notify=[...]` (the user's ~/.codex/config.toml stays untouched),
// run `pocket hook`, which hands the event to the daemon over its socket.
//
// Measured with Claude Code 2.1.332 in tmux (docs/facts.md): PermissionRequest fires about when the permission dialog
// shows, Notification ("permission_prompt") ~6 s later, Stop at the turn's end. The payload names Claude's session,
// not the tmux pane, so the settings file carries pocket's session id in the hook's command line.
//
// Pure: text and argv from plain inputs; the daemon writes the file and starts the command.

/** The hook events pocket listens to, and what each means for the session's state. */
export const CLAUDE_HOOK_EVENTS = ['PermissionRequest', 'Notification', 'UserPromptSubmit', 'Stop'] as const;
export type ClaudeHookEvent = (typeof CLAUDE_HOOK_EVENTS)[number];

export function isClaudeHookEvent(value: string): value is ClaudeHookEvent {
  return (CLAUDE_HOOK_EVENTS as readonly string[]).includes(value);
}

/**
 * Codex's notify program: Codex 0.171.0 runs it with its notification as one more argument, JSON whose `type` is
 * `agent-turn-complete` at a turn's end (the only type it sends there: approvals go to the terminal, not to notify;
 * checked in the real binary and its docs).
 */
export const CODEX_NOTIFY_EVENT = 'codex-notify';

/** Every event `pocket hook` hands to the daemon. */
export const HOOK_EVENTS = [...CLAUDE_HOOK_EVENTS, CODEX_NOTIFY_EVENT] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isHookEvent(value: string): value is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(value);
}

/**
 * Seconds Claude Code gives the hook before it moves on. `pocket hook` itself gives up on the daemon after ~1 s, so
 * this is only the ceiling for a machine too loaded to start node at all.
 */
export const HOOK_TIMEOUT_S = 5;

/** Where `pocket hook` comes from: absolute node and entry point, as in the service unit (service-files.ts). */
export interface HookCommand {
  nodePath: string;
  entryPath: string;
  home: string;
}

/** True when /new's command starts the Claude Code CLI: its first word's basename is `claude`. */
export function startsClaude(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return first.split('/').pop() === 'claude';
}

/** A word for `sh -c`: single-quoted, so spaces, `$` or quotes in a path stay data. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The argv a hook runs for `event` of pocket's session `sessionId`. */
export function hookArgv(pocket: HookCommand, sessionId: string, event: HookEvent): string[] {
  return [pocket.nodePath, pocket.entryPath, '--home', pocket.home, 'hook', '--session', sessionId, event];
}

/** The command line a hook runs for `event` of pocket's session `sessionId`. */
export function hookCommandLine(pocket: HookCommand, sessionId: string, event: HookEvent): string {
  return hookArgv(pocket, sessionId, event).map(shellWord).join(' ');
}

/** True when /new's command starts the Codex CLI: its first word's basename is `codex`. */
export function startsCodex(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return first.split('/').pop() === 'codex';
}

/**
 * /new's command with `-c notify=[...]` right after the program: Codex reads `-c key=value` as a TOML value over its
 * config for this run only. The argv goes in as a TOML array of literal strings when it can ('...' keeps `\` and
 * `"` as they are), else as basic strings with escapes; the whole value is one shell word.
 */
export function withCodexNotify(command: string, pocket: HookCommand, sessionId: string): string {
  const trimmed = command.trim();
  const match = /^\S+/.exec(trimmed);
  if (match === null) return trimmed;
  const array = `[${hookArgv(pocket, sessionId, CODEX_NOTIFY_EVENT).map(tomlString).join(', ')}]`;
  return `${match[0]} -c ${shellWord(`notify=${array}`)}${trimmed.slice(match[0].length)}`;
}

function tomlString(value: string): string {
  if (!/['\n\r]/.test(value) && !/[\u0000-\u001f\u007f]/.test(value)) return `'${value}'`;
  // A basic string: JSON's escapes (\" \\ \n \uXXXX) are TOML's.
  return JSON.stringify(value);
}

/** The settings file's JSON: only hooks, so every other setting comes from the user's own files. */
export function claudeHookSettings(pocket: HookCommand, sessionId: string): string {
  const hooks: Record<string, unknown> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    hooks[event] = [{ matcher: '', hooks: [{ type: 'command', command: hookCommandLine(pocket, sessionId, event), timeout: HOOK_TIMEOUT_S }] }];
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

/**
 * A dialog is up; a turn started (typed in the pane or sent by pocket); the turn ended and the agent will say when the
 * next starts (Claude: idle is held through its repaints); the turn ended and nothing will say when the next starts
 * (Codex's notify: idle is held through the repaints of the next few seconds only, core/activity.ts ENDED_HOLD_MS).
 */
export type HookMeaning = 'asking' | 'working' | 'done' | 'ended';

/** What a hook tells the daemon; the rest of Claude's payload (tool input, transcript path) stays in `pocket hook`. */
export interface HookSignal {
  event: HookEvent;
  /** Claude's Notification's `notification_type` (`permission_prompt`, `idle_prompt`...), Codex's notification's `type`. */
  notificationType?: string;
  /** Epoch ms when `pocket hook` started: the hook fired at most a node start-up before. */
  firedAt: number;
}

/** What a hook means for the session: a question is on screen, a turn started or ended, or nothing pocket acts on. */
export function hookMeaning(signal: Pick<HookSignal, 'event' | 'notificationType'>): HookMeaning | 'none' {
  if (signal.event === 'PermissionRequest') return 'asking';
  if (signal.event === 'UserPromptSubmit') return 'working';
  if (signal.event === 'Stop') return 'done';
  if (signal.event === CODEX_NOTIFY_EVENT) return signal.notificationType === 'agent-turn-complete' ? 'ended' : 'none';
  // Notification comes ~6 s after the dialog: a fallback for a PermissionRequest hook that did not reach the daemon.
  return signal.notificationType === 'permission_prompt' || signal.notificationType === 'elicitation_dialog' ? 'asking' : 'none';
}
