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
 * reads stdin, which Claude closes after writing the payload, so this is a ceiling that is never reached. (The
 * waiting PermissionRequest hook has its own: PERMISSION_HOOK_TIMEOUT_S.)
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
// special built-in `:` fails, so the file is created by `true`. The one exception is the PermissionRequest hook of
// sessions started since it waits for the phone (below): its file holds Claude's payload and it prints a decision.

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
  if (event === 'PermissionRequest') return permissionRequestScript(spoolDir, sessionId);
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

// ---- The PermissionRequest hook waits for the phone's decision ----
//
// Claude Code reads a PermissionRequest hook's stdout as its answer to the dialog (measured with 2.1.332: it draws the
// dialog meanwhile, ~0.2 s after the hook starts, and at `{"hookSpecificOutput":{..."decision":{"behavior":"allow"}}}`
// closes it with "Allowed by PermissionRequest hook" and runs the tool). So the hook hands its payload to the daemon
// and waits: the daemon raises the alert from the payload at once (Allow / Deny), and a press writes the decision
// file the hook prints. Answered at the desk meanwhile, Claude goes on and leaves the hook running (its later output
// is ignored): the daemon then writes an empty decision, and the hook exits without a word.
//
// The payload is written under the spool's sibling `tmp/` and renamed into the spool (rename(2) in one file system:
// the daemon sees all of it or nothing; the spool's junk rule still deletes anything else). The daemon deletes what it
// reads, so a file still there after ~1 s means no daemon took it: the hook takes it back and exits with no output
// (the dialog at the desk and the screen rules still work). Polls are `sleep 0.1` (POSIX sleep takes whole seconds;
// GNU, BSD/macOS and busybox sleep take fractions): a decision reaches Claude within ~0.1 s of the press.

/** The spool type of a PermissionRequest that waits for a decision (its file holds the payload). */
export const WAITING_REQUEST_TYPE = 'wait';

/** How much of the PermissionRequest payload reaches the daemon (a Write's content can be large; the rest is drained). */
export const PERMISSION_PAYLOAD_CAP_BYTES = 64 * 1024;

/** How long the hook waits for the daemon to take its request before it gives up on it (polls of 0.1 s). */
export const REQUEST_TAKEN_WITHIN_MS = 1_000;

/** How long a request waits for the phone: as long as the SDK agents' approvals (APPROVAL_TIMEOUT_MS). */
export const HOOK_APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** Claude's `timeout` for the waiting hook: past its own give-up time (the polls' forks add a few seconds). */
export const PERMISSION_HOOK_TIMEOUT_S = HOOK_APPROVAL_TIMEOUT_MS / 1000 + 60;

/** The spool's sibling folders: where the waiting hook writes its payload before the rename, and reads its decision. */
export function hookReplyDirs(spoolDir: string): { pending: string; decisions: string } {
  const parent = spoolDir.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  return { pending: `${parent}/tmp`, decisions: `${parent}/out` };
}

function permissionRequestScript(spoolDir: string, sessionId: string): string {
  const dir = shellWord(spoolDir);
  const { pending, decisions } = hookReplyDirs(spoolDir);
  const tmp = shellWord(pending);
  const out = shellWord(decisions);
  const takenPolls = REQUEST_TAKEN_WITHIN_MS / 100;
  const waitPolls = HOOK_APPROVAL_TIMEOUT_MS / 100;
  return [
    'umask 077',
    `n=${sessionId}.PermissionRequest.${WAITING_REQUEST_TYPE}.$$`,
    `set -- ${dir}/*`,
    `[ $# -lt ${SPOOL_MAX_FILES} ] || exit 0`,
    `head -c ${PERMISSION_PAYLOAD_CAP_BYTES} 2>/dev/null >${tmp}/$n`,
    `mv -f ${tmp}/$n ${dir}/$n 2>/dev/null || { rm -f ${tmp}/$n 2>/dev/null; cat >/dev/null 2>&1; exit 0; }`,
    // Whatever head left unread is drained (Claude's write must not meet a closed pipe), after the hand-over: one
    // program less before the daemon sees the request.
    'cat >/dev/null 2>&1',
    `i=0; while [ -e ${dir}/$n ]; do [ $i -lt ${takenPolls} ] || { rm -f ${dir}/$n 2>/dev/null; exit 0; }; sleep 0.1; i=$((i+1)); done`,
    `i=0; until [ -e ${out}/$n ]; do [ $i -lt ${waitPolls} ] || exit 0; sleep 0.1; i=$((i+1)); done`,
    `cat ${out}/$n 2>/dev/null; rm -f ${out}/$n 2>/dev/null`,
    'exit 0',
  ].join('; ');
}

/** What a PermissionRequest asks, as the alert shows it. */
export interface PermissionAsk {
  tool: string;
  command: string | null;
  path: string | null;
  /** Another tool's input, shortened (a URL, a pattern...), when it has no command or path. */
  preview: string | null;
}

const TOOL_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const PREVIEW_MAX = 300;

/**
 * The ask in a PermissionRequest payload, or null when it is not one. A payload cut at the cap is not valid JSON: its
 * first fields (tool_name comes before tool_input) are read from the text.
 */
export function parsePermissionPayload(text: string): PermissionAsk | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fromCutPayload(text);
  }
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  const tool = record.tool_name;
  if (typeof tool !== 'string' || !TOOL_NAME.test(tool)) return null;
  const input = typeof record.tool_input === 'object' && record.tool_input !== null ? (record.tool_input as Record<string, unknown>) : {};
  const command = typeof input.command === 'string' ? input.command : null;
  const path = typeof input.file_path === 'string' ? input.file_path : typeof input.notebook_path === 'string' ? input.notebook_path : null;
  const rest = command === null && path === null && Object.keys(input).length > 0 ? JSON.stringify(input) : null;
  return { tool, command, path, preview: rest === null ? null : clipText(rest, PREVIEW_MAX) };
}

function fromCutPayload(text: string): PermissionAsk | null {
  const field = (key: string): string | null => {
    const match = new RegExp(`"${key}":\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(text);
    if (match === null) return null;
    try {
      return JSON.parse(match[1]!) as string;
    } catch {
      return null;
    }
  };
  const tool = field('tool_name');
  if (tool === null || !TOOL_NAME.test(tool)) return null;
  return { tool, command: field('command'), path: field('file_path'), preview: null };
}

function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A decision as Claude Code reads it from the hook's stdout. */
export function permissionDecisionJson(decision: 'allow' | { deny: string }): string {
  const body = decision === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: decision.deny };
  return JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: body } });
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

// ---- The alert of a waiting PermissionRequest ----

/** The rule id of a hook request's prompt: this prefix and the request's id (so each request is its own episode). */
const HOOK_REQUEST_RULE = 'claude-permission-hook:';

export type HookDecision = 'allow' | 'deny';

/** The prompt a waiting PermissionRequest puts the session at: the hook's ask, answered by the hook's decision. */
export function hookRequestPrompt(requestId: string, ask: PermissionAsk): {
  ruleId: string;
  question: string;
  answers: { label: string; input: { keys: string[] } }[];
  secret: false;
  rulesVersion: number;
} {
  const lines = [
    `Claude asks to use ${ask.tool}:`,
    ...(ask.command === null ? [] : [`$ ${clipText(ask.command, 1500)}`]),
    ...(ask.path === null ? [] : [`file: ${ask.path}`]),
    ...(ask.preview === null ? [] : [ask.preview]),
  ];
  // The buttons decide through the hook (HookDecision), never by keys: these inputs are not typed.
  const answers = (['Allow', 'Deny'] as const).map((label) => ({ label, input: { keys: [] } }));
  return { ruleId: `${HOOK_REQUEST_RULE}${requestId}`, question: lines.join('\n'), answers, secret: false, rulesVersion: 0 };
}

/** The request id of a hook request's prompt, or null for a prompt the screen rules found. */
export function hookRequestOf(ruleId: string): string | null {
  return ruleId.startsWith(HOOK_REQUEST_RULE) ? ruleId.slice(HOOK_REQUEST_RULE.length) : null;
}

/** The decision of the alert's answer `label` (hookRequestPrompt's). */
export function hookDecisionOf(label: string): HookDecision {
  return label === 'Allow' ? 'allow' : 'deny';
}

/** How a hook's request ended. */
export type HookRequestEnd =
  | { kind: 'decided'; decision: HookDecision; by: string }
  | { kind: 'desk' }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'ended'; why: 'exited' | 'replaced' | 'stopped' };

/** The hook's output for how its request ended: a decision, or nothing (the dialog at the desk stays). */
export function hookOutput(end: HookRequestEnd): string {
  if (end.kind === 'decided') {
    return permissionDecisionJson(end.decision === 'allow' ? 'allow' : { deny: `Refused from Telegram by ${end.by}.` });
  }
  if (end.kind === 'timeout') return permissionDecisionJson({ deny: `Nobody answered from Telegram within ${Math.round(end.afterMs / 60_000)} min.` });
  return '';
}

/** The last line of the alert once its request ended. */
export function hookEndLine(end: HookRequestEnd): string {
  switch (end.kind) {
    case 'decided':
      return `→ answered: ${end.decision === 'allow' ? 'Allow' : 'Deny'} by ${end.by}`;
    case 'desk':
      return '→ answered at the desk';
    case 'timeout':
      return `→ not answered in ${Math.round(end.afterMs / 60_000) || '<1'} min: refused`;
    case 'ended':
      return end.why === 'exited' ? '→ not answered: the session ended'
        : end.why === 'replaced' ? '→ not answered here: a newer request came'
        : '→ not answered here: pocket stopped; answer at the desk';
  }
}
