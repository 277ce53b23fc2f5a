// The events agents' hooks hand to the daemon, and what each means for the session's state.
//
// Measured with Claude Code 2.1.332 in tmux (docs/facts.md): PermissionRequest fires 0.06-0.6 s before the permission
// dialog shows (and Claude does not wait for the hook to draw it), Notification ("permission_prompt") ~6 s later,
// Stop at the turn's end. The payload names Claude's session, not the tmux pane, so the settings file carries
// pocket's session id in the hook's command line (claude-hook-settings.ts).

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

/**
 * How Codex 0.171.0's own title turn begins (its notify fires for it too, on another thread, often before the
 * person's turn has ended): not a turn of the session's, so not a signal. Captured from the real binary.
 */
export const CODEX_TITLE_TURN = 'Generate a concise, single-line task title';

/** Every event a hook hands to the daemon. */
export const HOOK_EVENTS = [...CLAUDE_HOOK_EVENTS, CODEX_NOTIFY_EVENT] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isHookEvent(value: string): value is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(value);
}

/**
 * A dialog is up; a turn started (typed in the pane or sent by pocket); the turn ended and the agent will say when the
 * next starts (Claude: idle is held through its repaints); the turn ended and nothing will say when the next starts
 * (Codex's notify: idle is held through the repaints of the next few seconds only, core/activity-timing.ts
 * ENDED_HOLD_MS).
 */
export type HookMeaning = 'asking' | 'working' | 'done' | 'ended';

/** What a hook tells the daemon; the rest of the agent's payload never leaves the hook. */
export interface HookSignal {
  event: HookEvent;
  /** Claude's Notification's `notification_type` (`permission_prompt`, `idle_prompt`...), Codex's notification's `type`. */
  notificationType?: string;
  /**
   * Epoch ms when the hook fired: its spool file's mtime, or when `pocket hook` (the node client that sessions
   * started before the spool still run) started.
   */
  firedAt: number;
  /** A PermissionRequest hook that waits for a decision: its spool name (the decision file's) and its payload. */
  request?: { name: string; payload: string };
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
