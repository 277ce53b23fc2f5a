// Exact signals from the agents pocket starts in tmux: Claude Code's own hooks, loaded for that one run with its
// `--settings FILE` flag (the user's ~/.claude/settings.json and the project's settings stay untouched), run
// `pocket hook`, which hands the event to the daemon over its socket.
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

/** The command line a hook runs for `event` of pocket's session `sessionId`. */
export function hookCommandLine(pocket: HookCommand, sessionId: string, event: ClaudeHookEvent): string {
  return [pocket.nodePath, pocket.entryPath, '--home', pocket.home, 'hook', '--session', sessionId, event].map(shellWord).join(' ');
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

/** A dialog is up; a turn started (typed in the pane or sent by pocket); the turn ended. */
export type HookMeaning = 'asking' | 'working' | 'done';

/** What a hook tells the daemon; the rest of Claude's payload (tool input, transcript path) stays in `pocket hook`. */
export interface HookSignal {
  event: ClaudeHookEvent;
  /** Notification's `notification_type` (`permission_prompt`, `idle_prompt`...). */
  notificationType?: string;
  /** Epoch ms when `pocket hook` started: the hook fired at most a node start-up before. */
  firedAt: number;
}

/** What a hook means for the session: a question is on screen, a turn started or ended, or nothing pocket acts on. */
export function hookMeaning(signal: Pick<HookSignal, 'event' | 'notificationType'>): HookMeaning | 'none' {
  if (signal.event === 'PermissionRequest') return 'asking';
  if (signal.event === 'UserPromptSubmit') return 'working';
  if (signal.event === 'Stop') return 'done';
  // Notification comes ~6 s after the dialog: a fallback for a PermissionRequest hook that did not reach the daemon.
  return signal.notificationType === 'permission_prompt' || signal.notificationType === 'elicitation_dialog' ? 'asking' : 'none';
}
