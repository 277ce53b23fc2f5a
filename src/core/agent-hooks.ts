// Exact signals from the agents pocket starts in tmux: Claude Code's own hooks, loaded for that one run with its
// `--settings FILE` flag (the user's ~/.claude/settings.json and the project's settings stay untouched), and Codex's
// `notify` program, set for that one run with `-c notify=[...]` (the user's ~/.codex/config.toml stays untouched),
// run a few lines of sh that drop the event into the hook spool, a directory the daemon watches (below).
//
// Measured with Claude Code 2.1.332 in tmux (docs/facts.md): PermissionRequest fires 0.06-0.6 s before the permission
// dialog shows (and Claude does not wait for the hook to draw it), Notification ("permission_prompt") ~6 s later,
// Stop at the turn's end. The payload names Claude's session, not the tmux pane, so the settings file carries
// pocket's session id in the hook's command line.
//
// Pure: text and argv from plain inputs, and what a listing of the spool means; the daemon writes the file, starts
// the command and reads the spool.

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

/** Every event a hook hands to the daemon. */
export const HOOK_EVENTS = [...CLAUDE_HOOK_EVENTS, CODEX_NOTIFY_EVENT] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isHookEvent(value: string): value is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(value);
}

/**
 * Seconds Claude Code gives the hook before it moves on. The spool hook takes a few milliseconds; only a Notification
 * reads stdin, which Claude closes after writing the payload, so this is a ceiling that is never reached.
 */
export const HOOK_TIMEOUT_S = 5;

/**
 * How Codex 0.171.0's own title turn begins (its notify fires for it too, on another thread, often before the
 * person's turn has ended): not a turn of the session's, so not a signal. Captured from the real binary.
 */
export const CODEX_TITLE_TURN = 'Generate a concise, single-line task title';

/** True when /new's command starts the Claude Code CLI: its first word's basename is `claude`. */
export function startsClaude(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return first.split('/').pop() === 'claude';
}

/** A word for `sh -c`: single-quoted, so spaces, `$` or quotes in a path stay data. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

// ---- The hook spool ----
//
// The hook is a few lines of POSIX sh (no bash-isms: dash, macOS's /bin/sh) that creates one EMPTY file in the
// spool directory (.state/hooks/in/, 0700) whose name is the whole event: SESSION.EVENT.TYPE.PID. The daemon watches
// that directory, reads the names, deletes the files and acts on the fresh ones (daemon/hook-spool.ts).
//
// Why a file and not the daemon's socket: a sh client for a unix socket needs `nc -U` (not installed everywhere), and
// starting node for `pocket hook` cost 150-400 ms on the shared 2-core machine (docs/performance.md, bench/hook); sh
// starts in ~1 ms. Why an empty file named by its content: creating it is one open(O_CREAT), so the daemon can never
// see half of it (no temp name and `mv`, one more program to start, are needed), and nothing the agent sent stays
// on disk beyond the one word pocket reads (Claude's notification_type, Codex's notification type). The file's mtime
// is when the hook fired, stamped by the kernel (with its coarse clock: up to a tick, ~4 ms here, early).
//
// The hook never blocks or fails the agent: with the daemon down the files wait (and are discarded as stale when it
// starts), a full or missing directory drops the event, nothing goes to stdout (Claude reads a hook's stdout as a
// decision), and it always exits 0: Claude reads exit 2 as a refusal, and dash exits 2 when a redirection of the
// special built-in `:` fails, so the file is created by `true`.

/**
 * At most this many files wait in the spool: a hook that finds it full drops its event. With the daemon running the
 * directory is empty between events; with it down for long, agents still firing hooks cannot fill the disk.
 */
export const SPOOL_MAX_FILES = 256;

/**
 * An event older than this is deleted, not acted on: the daemon was down when it fired (or stalled), and the dialog
 * it announced may be answered by now. A few seconds: a running daemon wakes within milliseconds (bench/hook).
 */
export const SPOOL_STALE_MS = 5_000;

/** Claude's Notification payload is ~0.5 kB; the hook reads no more than this of it. */
export const NOTIFICATION_PAYLOAD_CAP_BYTES = 16 * 1024;

/** The longest notification type a file name carries; a longer one is dropped (pocket knows none that long). */
const TYPE_MAX = 64;

/**
 * The sh script a hook runs for `event` of pocket's session `sessionId`. Claude Code runs it with `/bin/sh -c` and
 * the event's JSON on stdin; Codex runs `/bin/sh -c SCRIPT pocket-hook JSON`, so its notification is `$1`. A JSON
 * field is found as `"key":"` (both CLIs write compact JSON; a quote inside a string value is escaped, so a value
 * cannot pose as a key).
 */
export function spoolScript(spoolDir: string, sessionId: string, event: HookEvent): string {
  if (!/^s\d{1,9}$/.test(sessionId)) throw new Error(`not a session id: ${JSON.stringify(sessionId)}`);
  const lines = ['umask 077'];
  if (event === 'Notification') {
    // The one Claude event whose payload pocket reads; the others leave stdin unread, as `pocket hook` did.
    lines.push(`t=$(head -c ${NOTIFICATION_PAYLOAD_CAP_BYTES} 2>/dev/null)`, jsonFieldInto('t', 'notification_type'));
  } else if (event === CODEX_NOTIFY_EVENT) {
    lines.push(`case $1 in *${shellWord(`"input-messages":["${CODEX_TITLE_TURN}`)}*) exit 0;; esac`, jsonFieldInto('1', 'type'));
  } else lines.push('t=');
  if (event === 'Notification' || event === CODEX_NOTIFY_EVENT) {
    // Only a plain word goes into the file name: no `.`, `/` or anything the daemon would have to unquote.
    lines.push('case $t in *[!A-Za-z0-9_-]*) t=;; esac', `[ \${#t} -le ${TYPE_MAX} ] || t=`);
  }
  const dir = shellWord(spoolDir);
  lines.push(`set -- ${dir}/*`, `[ $# -lt ${SPOOL_MAX_FILES} ] && true 2>/dev/null >${dir}/${sessionId}.${event}.$t.$$`, 'exit 0');
  return lines.join('; ');
}

/** sh that sets `t` to the string value of `"field":"` in the JSON held by the variable `name`, or to nothing. */
function jsonFieldInto(name: string, field: string): string {
  const key = shellWord(`"${field}":"`);
  return `case $${name} in *${key}*) t=\${${name}#*${key}}; t=\${t%%'"'*};; *) t=;; esac`;
}

const SPOOL_NAME = new RegExp(`^(s\\d{1,9})\\.([A-Za-z-]{1,40})\\.([A-Za-z0-9_-]{0,${TYPE_MAX}})\\.(\\d{1,10})$`);

/** What one spool file says. */
export interface SpoolEvent {
  sessionId: string;
  event: HookEvent;
  notificationType?: string;
}

/** The event a spool file's name says, or null for a name no hook of pocket's writes. */
export function parseSpoolName(name: string): SpoolEvent | null {
  const match = SPOOL_NAME.exec(name);
  if (match === null) return null;
  const [, sessionId = '', event = '', type = ''] = match;
  if (!isHookEvent(event)) return null;
  return { sessionId, event, ...(type === '' ? {} : { notificationType: type }) };
}

/** One entry of the spool directory, as the daemon found it. */
export interface SpoolEntry {
  name: string;
  /** Its mtime, epoch ms: when the hook created it. */
  mtimeMs: number;
  /** False for a directory, a symlink or anything else no hook creates. */
  regular: boolean;
}

export interface SpoolPlan {
  /** Fresh events, oldest first (ties by name, so that the order is the same on every run). */
  signals: { name: string; sessionId: string; signal: HookSignal }[];
  /** Deleted without acting: too old (or stamped in the future: the clock moved), or not a hook's file. */
  discarded: { name: string; reason: 'stale' | 'junk' }[];
}

/** What to do with the spool's entries at `now`: each is acted on or discarded, and every one is deleted. */
export function planSpool(entries: readonly SpoolEntry[], now: number, staleMs = SPOOL_STALE_MS): SpoolPlan {
  const fresh: { entry: SpoolEntry; event: SpoolEvent }[] = [];
  const discarded: SpoolPlan['discarded'] = [];
  for (const entry of entries) {
    const event = entry.regular ? parseSpoolName(entry.name) : null;
    if (event === null) discarded.push({ name: entry.name, reason: 'junk' });
    else if (!(Math.abs(now - entry.mtimeMs) <= staleMs)) discarded.push({ name: entry.name, reason: 'stale' });
    else fresh.push({ entry, event });
  }
  fresh.sort((a, b) => a.entry.mtimeMs - b.entry.mtimeMs || (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0));
  const signals = fresh.map(({ entry, event: { sessionId, ...event } }) => ({
    name: entry.name,
    sessionId,
    signal: { ...event, firedAt: Math.round(entry.mtimeMs) },
  }));
  return { signals, discarded };
}

// ---- What the agents are given ----

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

/** The settings file's JSON: only hooks, so every other setting comes from the user's own files. */
export function claudeHookSettings(spoolDir: string, sessionId: string): string {
  const hooks: Record<string, unknown> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    hooks[event] = [{ matcher: '', hooks: [{ type: 'command', command: spoolScript(spoolDir, sessionId, event), timeout: HOOK_TIMEOUT_S }] }];
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
