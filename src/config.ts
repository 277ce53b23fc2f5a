// Settings: HOME/.env parsed, the process environment on top, validated with zod; every problem reported at once.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { PocketError } from './core/errors.js';

/** The shape of a bot token from @BotFather: `<bot id>:<secret>`. */
export const BOT_TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;

const onOff = z.enum(['on', 'off'], { error: 'expected "on" or "off"' });

const userIdList = (required: boolean) => z
  .string({ error: 'required: comma-separated Telegram user ids, e.g. 123456789,987654321' })
  .transform((raw, ctx) => {
    const parts = raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
    if (parts.length === 0 && required) {
      ctx.addIssue({ code: 'custom', message: 'must list at least one Telegram user id, e.g. 123456789' });
      return z.NEVER;
    }
    const bad = parts.filter((part) => !/^[1-9]\d{0,15}$/.test(part));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected positive numeric user ids separated by commas, got ${bad.map((b) => JSON.stringify(b.slice(0, 20))).join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(parts.map(Number))];
  });

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: 'expected a whole number' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `expected a number from ${min} to ${max}` });

const settingsSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(BOT_TOKEN_PATTERN, { error: 'expected a bot token from @BotFather, like 123456:ABC-DEF...' })
    .optional(),
  AUTHORIZED_USER_IDS: userIdList(true),
  POCKET_VIEWER_IDS: userIdList(false).optional(),
  TELEGRAM_CHAT_ID: z
    .string()
    .regex(/^-?\d{1,20}$/, { error: 'expected a numeric chat id (negative for groups)' })
    .transform(Number)
    .optional(),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.telegram.org' })
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
  POCKET_TMUX_SOCKET: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected a tmux socket name of letters, digits, "_", "." or "-"' })
    .optional(),
  POCKET_SHELL: onOff.default('off'),
  POCKET_SHELL_TIMEOUT_SECONDS: intString(1, 7 * 86_400).default(1800),
  POCKET_STALE_SECONDS: intString(1, 86_400).default(300),
  POCKET_REDACT: onOff.default('on'),
  POCKET_IDLE_SECONDS: intString(1, 86_400).default(30),
  POCKET_CODEX_PATH: z.string().min(1).optional(),
  POCKET_CLAUDE_PATH: z.string().min(1).optional(),
  // Absolute: a relative folder would depend on where `pocket start` happened to run (the detached daemon keeps that).
  POCKET_AGENT_CWD: z.string().regex(/^\//, { error: 'expected the absolute path of a folder, such as /home/you/src (~ is not expanded)' }).optional(),
  POCKET_OSASCRIPT: z.string().regex(/^\//, { error: 'expected the absolute path of an osascript executable' }).optional(),
  POCKET_HOST_LABEL: z
    .string()
    .regex(/^[^\x00-\x1f\x7f]{1,32}$/, { error: 'expected a short name for this machine (1 to 32 characters, no control characters)' })
    .optional(),
  POCKET_CODEX_SANDBOX: z
    .enum(['read-only', 'workspace-write', 'danger-full-access'], {
      error: 'expected read-only, workspace-write or danger-full-access',
    })
    .default('workspace-write'),
});

export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof typeof settingsSchema.shape)[];

export interface Config {
  home: string;
  botToken: string | undefined;
  authorizedUserIds: number[];
  /** POCKET_VIEWER_IDS: users who may only look (core/auth.ts decides what that covers); never an operator too. */
  viewerIds: number[];
  chatId: number;
  apiRoot: string;
  tmuxSocket: string | undefined;
  shellEnabled: boolean;
  /** A /shell session still running after this long is killed. */
  shellTimeoutS: number;
  staleSeconds: number;
  redact: boolean;
  idleSeconds: number;
  codexPath: string | undefined;
  claudePath: string | undefined;
  agentCwd: string | undefined;
  /** POCKET_OSASCRIPT: the osascript Terminal.app mirroring runs (/usr/bin/osascript on macOS when unset). */
  osascriptPath: string | undefined;
  /** This machine's name on topics, cards and /sessions, so several machines can share one group (POCKET_HOST_LABEL). */
  hostLabel: string;
  /** The sandbox Codex turns run in (`codex app-server`'s thread/start `sandbox`); escalations ask the chat. */
  codexSandbox: 'read-only' | 'workspace-write' | 'danger-full-access';
  /** Values that must never reach a log or Telegram: the token and anything in .env that looks like a secret. */
  secrets: string[];
}

export interface LoadConfigOptions {
  home: string;
  envFile: string;
  env?: NodeJS.ProcessEnv;
  /** `pocket demo` runs without a token; everything else needs one. */
  requireToken?: boolean;
}

/** Reads .env (if present) and returns its key/value pairs; a missing file is an empty file. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new PocketError('CONFIG_INVALID', `Cannot read ${path}.`, { cause: error, hint: 'Check its permissions.' });
  }
  return parseEnv(text) as Record<string, string>;
}

const SECRET_KEY = /TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE/i;

export function loadConfig(options: LoadConfigOptions): Config {
  const fileValues = readEnvFile(options.envFile);
  const env = options.env ?? process.env;
  const merged: Record<string, string> = {};
  for (const key of SETTING_KEYS) {
    const value = env[key] ?? fileValues[key];
    if (value !== undefined && value !== '') merged[key] = value;
    else if (value === '' && key === 'AUTHORIZED_USER_IDS') merged[key] = value;
  }
  const parsed = settingsSchema.safeParse(merged);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message}`);
  // Someone in both lists was most likely being demoted to viewer and left in the operators by mistake: letting
  // operator win would silently keep the power that was meant to go, so pocket refuses to start instead.
  // Judged from the two lists alone, so that it is reported with the other problems, not only once they are fixed.
  const operators = settingsSchema.shape.AUTHORIZED_USER_IDS.safeParse(merged.AUTHORIZED_USER_IDS);
  const viewers = settingsSchema.shape.POCKET_VIEWER_IDS.safeParse(merged.POCKET_VIEWER_IDS);
  const both = operators.success && viewers.success ? (viewers.data ?? []).filter((id) => operators.data.includes(id)) : [];
  if (both.length > 0) {
    problems.push(`POCKET_VIEWER_IDS: ${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} also in AUTHORIZED_USER_IDS; a user is either an operator or a viewer: remove ${both.length === 1 ? 'it' : 'them'} from one of the two lists`);
  }
  if (options.requireToken !== false && merged.TELEGRAM_BOT_TOKEN === undefined) {
    problems.unshift('TELEGRAM_BOT_TOKEN: required: the bot token from @BotFather');
  }
  if (!parsed.success || problems.length > 0) {
    throw new PocketError('CONFIG_INVALID', `Invalid settings in ${options.envFile}:\n  - ${problems.join('\n  - ')}`, {
      hint: 'Fix these keys in .env (or the environment) and try again; see .env.example and docs/telegram-setup.md.',
    });
  }
  const s = parsed.data;
  const secrets = new Set<string>();
  for (const [key, value] of Object.entries({ ...fileValues, ...pickDefined(env) })) {
    if (SECRET_KEY.test(key) && value.length >= 6) secrets.add(value);
  }
  return {
    home: options.home,
    botToken: s.TELEGRAM_BOT_TOKEN,
    authorizedUserIds: s.AUTHORIZED_USER_IDS,
    viewerIds: s.POCKET_VIEWER_IDS ?? [],
    chatId: s.TELEGRAM_CHAT_ID ?? s.AUTHORIZED_USER_IDS[0]!,
    apiRoot: s.TELEGRAM_API_ROOT,
    tmuxSocket: s.POCKET_TMUX_SOCKET,
    shellEnabled: s.POCKET_SHELL === 'on',
    shellTimeoutS: s.POCKET_SHELL_TIMEOUT_SECONDS,
    staleSeconds: s.POCKET_STALE_SECONDS,
    redact: s.POCKET_REDACT === 'on',
    idleSeconds: s.POCKET_IDLE_SECONDS,
    codexPath: s.POCKET_CODEX_PATH,
    claudePath: s.POCKET_CLAUDE_PATH,
    agentCwd: s.POCKET_AGENT_CWD,
    osascriptPath: s.POCKET_OSASCRIPT,
    hostLabel: s.POCKET_HOST_LABEL?.trim() || defaultHostLabel(),
    codexSandbox: s.POCKET_CODEX_SANDBOX,
    secrets: [...secrets],
  };
}

/** The hostname without its domain ("ada-laptop", not "ada-laptop.local"), cut to the label's 32 characters. */
export function defaultHostLabel(name: string = hostname()): string {
  const short = name.split('.')[0]?.replace(/[\x00-\x1f\x7f]/g, '') ?? '';
  return [...(short || 'pocket')].slice(0, 32).join('');
}

function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of SETTING_KEYS) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** `.env` holds the bot token: refuse to run when anyone but the owner can read it. */
export function assertEnvFilePrivate(path: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    throw new PocketError(
      'ENV_PERMISSIONS',
      `${path} is readable by others (mode ${mode.toString(8).padStart(3, '0')}); it holds the bot token.`,
      { hint: `Run: chmod 600 ${path}` },
    );
  }
}
