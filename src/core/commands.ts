// Bot command parsing: `/cmd@bot args` into a typed command, or a usage message. Pure and table-tested.
// Quoting: argument tokens are split on whitespace; a token in "double" or 'single' quotes keeps its spaces (a
// space key, a name). Free text (/send TEXT, /new NAME COMMAND) is the rest of the message taken literally: it is
// typed into a terminal, so pocket never interprets quotes, `$(...)` or anything else in it.
import { isValidName } from './names.js';
import { SPECIAL_KEYS } from './ports.js';

export type BotCommand =
  | { kind: 'help' }
  | { kind: 'sessions' }
  | { kind: 'new'; name: string; command: string | undefined }
  | { kind: 'attach'; target: string; name: string | undefined }
  | { kind: 'send'; session: string; text: string }
  | { kind: 'keys'; session: string; keys: string[] }
  | { kind: 'tail'; session: string; lines: number }
  | { kind: 'summary'; session: string }
  | { kind: 'screen'; session: string }
  | { kind: 'alias'; session: string; alias: string }
  | { kind: 'kill'; session: string }
  | { kind: 'logs' }
  | { kind: 'shell'; command: string }
  | { kind: 'mute'; session: string | undefined }
  | { kind: 'unmute'; session: string | undefined }
  /** /codex, /claude: a new agent session in `folder` (the default folder when absent), its first turn `prompt`. */
  | { kind: 'agent'; agent: 'codex' | 'claude'; folder: string | undefined; prompt: string }
  | { kind: 'cancel'; session: string | undefined }
  | { kind: 'resume'; agent: 'codex' | 'claude' | undefined; id: string | undefined };

export type ParseResult = { ok: true; command: BotCommand } | { ok: false; usage: string };

/** What the parser may know about its surroundings: the session of the topic or reply, and which names exist. */
export interface ParseContext {
  /** Session id (or name) implied by the topic or the replied-to message; lets SESSION be left out. */
  implied: string | null;
  /** True when the word names a session (name or alias): decides whether the first word is SESSION or TEXT. */
  isSession: (word: string) => boolean;
}

export const DEFAULT_TAIL = 30;
export const MAX_TAIL = 500;
/** A Codex thread id or a Claude session id (uuids, in practice). */
const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
// A session name in a target never starts with a dash, like NAME (core/names.ts).
const TARGET_PATTERN = /^(%\d{1,9}|[A-Za-z0-9_][A-Za-z0-9_-]{0,31}(:\d{1,4}(\.\d{1,4})?)?|\/dev\/ttys\d{1,4})$/;

/** The command list; PRODUCT.md is the contract. /help and setMyCommands are built from it. */
export const COMMAND_HELP: ReadonlyArray<{ command: string; args: string; description: string }> = [
  { command: 'sessions', args: '', description: 'Sessions pocket knows and panes it could adopt' },
  { command: 'new', args: 'NAME [COMMAND...]', description: 'New tmux session running COMMAND (or a shell)' },
  { command: 'attach', args: 'TARGET [NAME]', description: 'Adopt an existing tmux pane (%12, work:1.0) or Terminal.app tab (ttys003)' },
  { command: 'send', args: 'SESSION TEXT', description: 'Type TEXT literally, then Enter' },
  { command: 'keys', args: 'SESSION KEY...', description: 'Press keys: C-c Enter Esc Tab Up Down... or characters' },
  { command: 'tail', args: 'SESSION [N]', description: 'Last N lines of output' },
  { command: 'summary', args: 'SESSION', description: 'State, runtime, exit code, errors, last lines' },
  { command: 'screen', args: 'SESSION', description: 'The current screen as an image' },
  { command: 'alias', args: 'SESSION NAME', description: 'Another name for a session' },
  { command: 'kill', args: 'SESSION', description: 'Kill a session (asks first)' },
  { command: 'logs', args: '', description: 'The daemon log as a document' },
  { command: 'shell', args: 'COMMAND', description: 'Run COMMAND in your login shell (only with POCKET_SHELL=on)' },
  { command: 'claude', args: '[@FOLDER] [PROMPT]', description: 'New Claude session (continue: reply, its topic, /send)' },
  { command: 'codex', args: '[@FOLDER] [PROMPT]', description: 'New Codex session (continue: reply, its topic, /send)' },
  { command: 'resume', args: '[codex|claude] [ID]', description: 'Continue a recent Codex / Claude conversation' },
  { command: 'cancel', args: '[SESSION]', description: 'Stop the running agent turn' },
  { command: 'mute', args: '[SESSION]', description: 'Alerts off (without SESSION: all, new ones too)' },
  { command: 'unmute', args: '[SESSION]', description: 'Alerts on' },
  { command: 'help', args: '', description: 'This help' },
];

/** Whitespace-separated tokens; quotes group. An unbalanced quote is taken as a literal character. */
export function tokenize(input: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of input.matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
  return tokens;
}

/** The first token and the text after it, the text kept exactly (leading blanks of the first line trimmed). */
function firstWord(rest: string): { word: string; after: string } {
  const m = /^[ \t]*(\S+)(?:[ \t]+|\n|$)([\s\S]*)$/.exec(rest);
  return m === null ? { word: '', after: '' } : { word: m[1]!, after: m[2] ?? '' };
}

/** Parses a command of pocket; null when the name is not one of pocket's commands. */
export function parseCommand(name: string, rest: string, context: ParseContext): ParseResult | null {
  const args = tokenize(rest);
  const usage = (u: string): ParseResult => ({ ok: false, usage: `Usage: /${name} ${u}`.trimEnd() });
  const ok = (command: BotCommand): ParseResult => ({ ok: true, command });
  // SESSION first, unless the topic or reply implies it and the first word is not a session.
  const session = (): { session: string; args: string[]; after: string } | null => {
    const { word, after } = firstWord(rest);
    if (word !== '' && (context.isSession(word) || context.implied === null)) {
      return { session: word, args: args.slice(1), after };
    }
    if (context.implied === null) return null;
    return { session: context.implied, args, after: rest.replace(/^[ \t]+/, '') };
  };

  switch (name) {
    case 'help':
    case 'start':
      return ok({ kind: 'help' });
    case 'sessions':
      return ok({ kind: 'sessions' });
    case 'logs':
      return ok({ kind: 'logs' });
    case 'shell': {
      // Free text like /send's: the shell interprets it, pocket passes it on untouched (as one argv element).
      const command = rest.trim();
      if (command === '') return usage('COMMAND');
      return ok({ kind: 'shell', command });
    }
    case 'new': {
      const { word, after } = firstWord(rest);
      if (word === '') return usage('NAME [COMMAND...]');
      if (!isValidName(word)) return { ok: false, usage: invalidName(word) };
      const command = after.trim() === '' ? undefined : after.trim();
      return ok({ kind: 'new', name: word, command });
    }
    case 'attach': {
      const [target, alias, extra] = args;
      if (target === undefined || extra !== undefined) return usage('TARGET [NAME]');
      if (!TARGET_PATTERN.test(target)) return { ok: false, usage: 'TARGET is a pane id like %12 or session:window.pane, or a Terminal.app tab like ttys003.' };
      if (alias !== undefined && !isValidName(alias)) return { ok: false, usage: invalidName(alias) };
      return ok({ kind: 'attach', target, name: alias });
    }
    case 'send': {
      const s = session();
      if (s === null || s.after.trim() === '') return usage('SESSION TEXT');
      return ok({ kind: 'send', session: s.session, text: s.after });
    }
    case 'keys': {
      const s = session();
      if (s === null || s.args.length === 0) return usage(`SESSION KEY... (keys: ${SPECIAL_KEYS.join(' ')}, or one character)`);
      const bad = s.args.find((k) => !isKey(k));
      if (bad !== undefined) return { ok: false, usage: `Unknown key ${JSON.stringify(bad.slice(0, 20))}. Keys: ${SPECIAL_KEYS.join(' ')}, or one character.` };
      return ok({ kind: 'keys', session: s.session, keys: s.args.map(canonicalKey) });
    }
    case 'tail': {
      const s = session();
      if (s === null || s.args.length > 1) return usage('SESSION [N]');
      const n = s.args[0] === undefined ? DEFAULT_TAIL : Number(s.args[0]);
      if (!Number.isInteger(n) || n < 1) return usage('SESSION [N]  (N: a number of lines)');
      return ok({ kind: 'tail', session: s.session, lines: Math.min(n, MAX_TAIL) });
    }
    case 'summary':
    case 'screen':
    case 'kill': {
      const s = session();
      if (s === null || s.args.length > 0) return usage('SESSION');
      return ok({ kind: name, session: s.session });
    }
    case 'alias': {
      const s = session();
      if (s === null || s.args.length !== 1) return usage('SESSION NAME');
      const alias = s.args[0]!;
      if (!isValidName(alias)) return { ok: false, usage: invalidName(alias) };
      return ok({ kind: 'alias', session: s.session, alias });
    }
    case 'mute':
    case 'unmute': {
      if (args.length > 1) return usage('[SESSION]');
      return ok({ kind: name, session: args[0] ?? context.implied ?? undefined });
    }
    case 'codex':
    case 'claude': {
      // The folder is marked with a leading @ so it can never be mistaken for the first word of a prompt.
      const { word, after } = firstWord(rest);
      if (word.startsWith('@')) {
        if (word.length === 1) return usage('[@FOLDER] [PROMPT]  (for example /codex @~/src/app fix the tests)');
        return ok({ kind: 'agent', agent: name, folder: word.slice(1), prompt: after.trim() });
      }
      return ok({ kind: 'agent', agent: name, folder: undefined, prompt: rest.trim() });
    }
    case 'cancel': {
      if (args.length > 1) return usage('[SESSION]');
      return ok({ kind: 'cancel', session: args[0] ?? context.implied ?? undefined });
    }
    case 'resume': {
      const rest = [...args];
      const agent = rest[0] === 'codex' || rest[0] === 'claude' ? rest.shift() as 'codex' | 'claude' : undefined;
      const [id, extra] = rest;
      if (extra !== undefined || (id !== undefined && !AGENT_ID_PATTERN.test(id))) return usage('[codex|claude] [ID]');
      return ok({ kind: 'resume', agent, id });
    }
    default:
      return null;
  }
}

const KEY_NAMES = new Map<string, string>(SPECIAL_KEYS.map((k) => [k.toLowerCase(), k]));

function isKey(key: string): boolean {
  return KEY_NAMES.has(key.toLowerCase()) || [...key].length === 1;
}

/** `enter` -> `Enter`, `c-c` -> `C-c`; a single character stays as typed (`y` and `Y` differ). */
function canonicalKey(key: string): string {
  if ([...key].length === 1) return key;
  return KEY_NAMES.get(key.toLowerCase()) ?? key;
}

function invalidName(name: string): string {
  return `Invalid name ${JSON.stringify(name.slice(0, 40))}: use 1-32 characters from A-Z, a-z, 0-9, "_" and "-", starting with a letter or digit.`;
}
