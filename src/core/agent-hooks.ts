// Exact signals from the agents pocket starts in tmux: Claude Code's own hooks, loaded for that one run with its
// `--settings FILE` flag, and Codex's `notify` program, set for that one run with `-c notify=[...]`, run a few lines
// of sh that drop the event into the hook spool, a directory the daemon watches. Pure: text and argv from plain
// inputs, and what a listing of the spool means; the daemon writes the file, starts the command and reads the spool.
//
// One file a concept; this module gathers them under the name the daemon and the bot import:
// - hook-events.ts: the events and what each means for the session's state (HookMeaning, HookSignal);
// - hook-spool.ts: the hooks' sh scripts, the waiting PermissionRequest hook's among them, and the spool's names;
// - claude-hook-settings.ts, codex-notify.ts: how each agent is given its hooks for one run;
// - permission-request.ts: a waiting PermissionRequest's payload, its alert, and the decision the hook prints;
// - shell-word.ts: quoting for sh.
export { claudeHookSettings, HOOK_TIMEOUT_S, PERMISSION_HOOK_TIMEOUT_S, startsClaude, withClaudeSettings } from './claude-hook-settings.js';
export { codexNotifyArgv, startsCodex, withCodexNotify } from './codex-notify.js';
export {
  CLAUDE_HOOK_EVENTS,
  CODEX_NOTIFY_EVENT,
  CODEX_TITLE_TURN,
  type ClaudeHookEvent,
  HOOK_EVENTS,
  type HookEvent,
  type HookMeaning,
  type HookSignal,
  hookMeaning,
  isClaudeHookEvent,
  isHookEvent,
} from './hook-events.js';
export {
  hookReplyDirs,
  NOTIFICATION_PAYLOAD_CAP_BYTES,
  parseSpoolName,
  PERMISSION_PAYLOAD_CAP_BYTES,
  planSpool,
  REQUEST_TAKEN_WITHIN_MS,
  SPOOL_MAX_FILES,
  SPOOL_STALE_MS,
  type SpoolEntry,
  type SpoolEvent,
  type SpoolPlan,
  spoolScript,
  WAITING_REQUEST_TYPE,
} from './hook-spool.js';
export {
  HOOK_APPROVAL_TIMEOUT_MS,
  type HookDecision,
  type HookRequestEnd,
  hookDecisionOf,
  hookEndLine,
  hookOutput,
  hookRequestOf,
  hookRequestPrompt,
  type PermissionAsk,
  parsePermissionPayload,
  permissionDecisionJson,
} from './permission-request.js';
export { shellWord } from './shell-word.js';
