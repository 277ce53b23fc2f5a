// `pocket doctor`'s judgements: what the facts a check gathered mean, and the exact fix when they are wrong. The CLI
// gathers the facts (files, processes, Bot API answers); these functions decide pass, warn or fail on plain data.

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable, for scripts reading `pocket doctor --json`. */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail, exactly: a command, a setting, a BotFather step. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: CheckResult[];
}

/** Healthy unless a check failed; warnings are worth reading but pocket runs with them. */
export function doctorReport(checks: CheckResult[]): DoctorReport {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) counts[check.status]++;
  return { ok: counts.fail === 0, counts, checks };
}

export const MIN_NODE = [20, 19] as const;

export function nodeVersionVerdict(version: string): Pick<CheckResult, 'status' | 'detail' | 'fix'> {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  const [major, minor] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])];
  const tooOld = major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1]);
  return tooOld
    ? { status: 'fail', detail: `Node.js ${version} is older than ${MIN_NODE.join('.')}`, fix: 'Install Node.js 20.19 or newer (22 or 24 are fine), then reinstall pocket.' }
    : { status: 'pass', detail: `Node.js ${version}` };
}

/** What the bot may do in the chat, from getChat and getChatMember(bot). */
export interface ChatFacts {
  type: 'private' | 'group' | 'supergroup' | 'channel';
  isForum: boolean;
  title: string;
  botStatus?: string;
  canManageTopics?: boolean;
  canPinMessages?: boolean;
}

/** A forum needs the bot as admin with "Manage topics" (one topic per session); pinning keeps each card on top. */
export function forumRightsVerdict(chat: ChatFacts): Pick<CheckResult, 'status' | 'detail' | 'fix'> {
  if (chat.type === 'private') return { status: 'pass', detail: 'a private chat: no rights needed' };
  if (chat.type === 'channel') {
    return { status: 'fail', detail: `"${chat.title}" is a channel`, fix: 'Use a private chat or a forum supergroup for TELEGRAM_CHAT_ID.' };
  }
  if (!chat.isForum) {
    return {
      status: 'warn',
      detail: `"${chat.title}" is a group without topics: every session shares one thread`,
      fix: 'Turn on Topics in the group settings for one topic per session (docs/telegram-setup.md).',
    };
  }
  const missing = [chat.canManageTopics ? undefined : 'Manage topics', chat.canPinMessages ? undefined : 'Pin messages'].filter(
    (right): right is string => right !== undefined,
  );
  if (chat.botStatus !== 'administrator' && chat.botStatus !== 'creator') {
    return {
      status: 'fail',
      detail: `the bot is ${chat.botStatus ?? 'not a member'} in the forum "${chat.title}", not an admin`,
      fix: 'In the group: Manage group > Administrators > Add admin > the bot, with "Manage topics" and "Pin messages".',
    };
  }
  if (!chat.canManageTopics) {
    return { status: 'fail', detail: 'the bot may not manage topics', fix: 'Give the bot the "Manage topics" admin right in the group.' };
  }
  if (missing.length > 0) {
    return { status: 'warn', detail: 'the bot may not pin messages: cards are not pinned', fix: 'Give the bot the "Pin messages" admin right.' };
  }
  return { status: 'pass', detail: `admin in the forum "${chat.title}" with Manage topics and Pin messages` };
}

/**
 * Privacy mode decides whether plain text in a topic reaches the bot: with it on, a bot that is not an admin sees
 * only commands, replies to its messages and mentions (docs/facts.md). Admins see everything either way.
 */
export function privacyVerdict(canReadAllGroupMessages: boolean, chat: ChatFacts | undefined): Pick<CheckResult, 'status' | 'detail' | 'fix'> {
  if (canReadAllGroupMessages) return { status: 'pass', detail: 'privacy mode off: the bot sees all group messages (keep the group to trusted members)' };
  if (chat === undefined || chat.type === 'private') {
    return { status: 'pass', detail: 'privacy mode on (it only matters in groups)' };
  }
  if (chat.botStatus === 'administrator' || chat.botStatus === 'creator') {
    return { status: 'pass', detail: 'privacy mode on, but the bot is an admin in the group and sees plain text in topics' };
  }
  return {
    status: 'warn',
    detail: 'privacy mode on and the bot is no admin: plain text in a topic does not reach it (commands and replies do)',
    fix: 'Make the bot an admin of the group, or in @BotFather: /setprivacy > the bot > Disable.',
  };
}

const MiB = 1024 * 1024;
export const PANE_LOGS_WARN_BYTES = 1024 * MiB;

export function paneLogsVerdict(bytes: number, files: number, panesDir: string): Pick<CheckResult, 'status' | 'detail' | 'fix'> {
  const size = bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
  const detail = `${size} in ${files} pane log(s) under ${panesDir}`;
  return bytes > PANE_LOGS_WARN_BYTES
    ? {
        status: 'warn',
        detail,
        // docs/operations.md (Disk): the daemon deletes each chunk once it has read it, so a pile is unread output.
        fix: 'The daemon deletes each log chunk once read: a pile means it is stopped or behind. `pocket start`, then watch `pocket status`.',
      }
    : { status: 'pass', detail };
}

/** What pocket doctor's Terminal.app probe found (src/terminal-app/jxa-script.ts `probe`); null: not checked. */
export interface TerminalAppFacts {
  running: boolean;
  automation: { ok: boolean; number?: number | undefined; message?: string | undefined } | null;
  accessibility: { ok: boolean; number?: number | undefined; message?: string | undefined } | null;
}

const AUTOMATION_FIX = 'System Settings > Privacy & Security > Automation: allow the app that runs pocket (your terminal, or node for the background service) to control Terminal.';
const ACCESSIBILITY_FIX = 'System Settings > Privacy & Security > Accessibility: add the app that runs pocket (your terminal, or node for the background service) and switch it on.';

/** Mirroring needs Automation (reading and typing); keys other than Enter need Accessibility (System Events). */
export function terminalAppVerdict(facts: TerminalAppFacts): Pick<CheckResult, 'status' | 'detail' | 'fix'> {
  if (facts.automation?.ok === false) {
    return { status: 'warn', detail: `pocket may not control Terminal: ${facts.automation.message ?? 'Automation denied'} (${facts.automation.number ?? '?'})`, fix: AUTOMATION_FIX };
  }
  if (facts.accessibility?.ok === false && facts.accessibility.number === -1743) {
    return {
      status: 'warn',
      detail: `tabs can be mirrored and typed into, but /keys cannot press keys: pocket may not control System Events (${facts.accessibility.message ?? 'Automation denied'})`,
      fix: 'System Settings > Privacy & Security > Automation: allow the app that runs pocket to control System Events.',
    };
  }
  if (facts.accessibility?.ok === false) {
    return {
      status: 'warn',
      detail: `tabs can be mirrored and typed into, but /keys and the Ctrl-C button cannot press keys: ${facts.accessibility.message ?? 'no Accessibility permission'} (${facts.accessibility.number ?? '?'})`,
      fix: ACCESSIBILITY_FIX,
    };
  }
  const keys = facts.accessibility?.ok === true ? 'keys allowed (Accessibility granted)' : 'Accessibility not checked';
  return facts.running
    ? { status: 'pass', detail: `Terminal tabs can be mirrored; ${keys}` }
    : { status: 'pass', detail: `Terminal is not running, so Automation was not checked (run pocket doctor again with it open); ${keys}` };
}

/**
 * Names in .env that look like pocket's settings but are none of them (a typo: POCKET_SHEL=on is ignored, and /shell
 * stays off without a word), each with the setting it most likely meant: at most two letters away. Other names are
 * the person's own business and are not judged.
 */
export function unknownSettings(names: readonly string[], known: readonly string[]): { name: string; meant: string | null }[] {
  return names
    .filter((name) => /^(?:POCKET_|TELEGRAM_|AUTHORIZED_)/.test(name) && !known.includes(name))
    .map((name) => {
      const near = known.map((key) => ({ key, distance: editDistance(name, key) })).sort((a, b) => a.distance - b.distance)[0];
      return { name, meant: near !== undefined && near.distance <= 2 ? near.key : null };
    });
}

/** Letters to insert, delete or change to make one name the other (Levenshtein). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The settings check when the settings are valid: a warning for names in .env that pocket does not read. */
export function unknownSettingsVerdict(unknown: readonly { name: string; meant: string | null }[]): Pick<CheckResult, 'status' | 'detail' | 'fix'> | null {
  if (unknown.length === 0) return null;
  const listed = unknown.map(({ name, meant }) => (meant === null ? name : `${name} (did you mean ${meant}?)`)).join(', ');
  return {
    status: 'warn',
    detail: `.env sets ${unknown.length === 1 ? 'a name' : 'names'} pocket does not read: ${listed}`,
    fix: 'Rename or remove them in .env (the settings are listed in .env.example), then `pocket restart`.',
  };
}
