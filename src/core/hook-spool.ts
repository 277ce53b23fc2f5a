// The hook spool: the few lines of sh every hook of pocket's runs (Claude Code's hooks, Codex's notify), and what a
// listing of the spool directory means. Pure: text from plain inputs; the daemon creates the folders and reads them.
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
import { CODEX_NOTIFY_EVENT, CODEX_TITLE_TURN, type HookEvent, type HookSignal, isHookEvent } from './hook-events.js';
import { HOOK_APPROVAL_TIMEOUT_MS } from './permission-request.js';
import { shellWord } from './shell-word.js';

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

/** sh that sets `t` to the string value of `"field":"` in the JSON held by the variable `name`, or to nothing. */
function jsonFieldInto(name: string, field: string): string {
  const key = shellWord(`"${field}":"`);
  return `case $${name} in *${key}*) t=\${${name}#*${key}}; t=\${t%%'"'*};; *) t=;; esac`;
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
