// Terminal.app (macOS) behind the TerminalTabs port: list tabs, read them, type and press keys, each through one
// osascript call of jxa-script.ts with its inputs as argv. Elsewhere it is unavailable, said once when it is built;
// POCKET_OSASCRIPT names a stand-in osascript (how the tests run it on Linux).
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PocketError } from '../core/errors.js';
import type { TabHistory } from '../core/tab-mirror.js';
import type { TabInfo, TabRead, TabsAvailability, TerminalTabs } from '../core/terminal-tabs.js';
import { checkText } from '../core/typed-input.js';
import { JXA_SCRIPT } from './jxa-script.js';
import { keyArgs, onlyEnter } from './keys.js';
import { DEFAULT_OSASCRIPT_TIMEOUT_MS, type OsascriptRun, osascriptRunner } from './osascript.js';

export const SYSTEM_OSASCRIPT = '/usr/bin/osascript';

export interface TerminalAppOptions {
  /** process.platform. */
  platform: string;
  /** POCKET_OSASCRIPT: an osascript to use instead of /usr/bin/osascript, on any platform. */
  osascript?: string | undefined;
  /** A private folder for the script file (the home's .state/). */
  scriptDir: string;
  timeoutMs?: number;
}

/** Where osascript is, or why there is none. */
export function terminalAppAvailability(platform: string, override: string | undefined): { ok: true; bin: string } | { ok: false; reason: string } {
  if (override !== undefined && override !== '') {
    try {
      accessSync(override, constants.X_OK);
      return { ok: true, bin: override };
    } catch {
      return { ok: false, reason: `POCKET_OSASCRIPT (${override}) is not an executable file.` };
    }
  }
  if (platform !== 'darwin') return { ok: false, reason: `Terminal.app mirroring needs macOS; this machine runs ${platform}.` };
  return { ok: true, bin: SYSTEM_OSASCRIPT };
}

const tabSchema = z.object({
  windowId: z.number(),
  tabIndex: z.number().int().positive(),
  tty: z.string().min(1),
  processes: z.array(z.string()),
  busy: z.boolean(),
  title: z.string(),
  rows: z.number().int().positive(),
  columns: z.number().int().positive(),
});
const listSchema = z.object({ running: z.boolean(), tabs: z.array(tabSchema) });
const readSchema = z.object({
  running: z.boolean(),
  tabs: z.array(z.union([
    z.object({ tty: z.string(), closed: z.literal(true) }),
    z.object({ tty: z.string(), closed: z.literal(false), contents: z.string(), busy: z.boolean(), processes: z.array(z.string()) }),
  ])),
});
const oneTabSchema = z.object({ running: z.boolean(), closed: z.boolean(), text: z.string().optional(), truncated: z.boolean().optional() });
const checkSchema = z.object({ ok: z.boolean(), number: z.number().optional(), message: z.string().optional() }).nullable();
const probeSchema = z.object({ running: z.boolean(), automation: checkSchema, accessibility: checkSchema });
export type TerminalProbe = z.output<typeof probeSchema>;

export interface TerminalApp extends TerminalTabs {
  /** For `pocket doctor`: may pocket control Terminal (Automation) and press keys (Accessibility)? */
  probe(): Promise<TerminalProbe>;
}

export function createTerminalApp(options: TerminalAppOptions): TerminalApp {
  const found = terminalAppAvailability(options.platform, options.osascript);
  const availability: TabsAvailability = found.ok ? { ok: true } : found;
  let run: OsascriptRun | undefined;
  const call = async <T>(schema: z.ZodType<T>, args: readonly string[]): Promise<T> => {
    if (!found.ok) throw new PocketError('TERMINAL_APP_UNAVAILABLE', found.reason, { hint: 'Use tmux sessions here (/new, /attach).' });
    run ??= osascriptRunner({ bin: found.bin, scriptFile: writeScript(options.scriptDir), timeoutMs: options.timeoutMs ?? DEFAULT_OSASCRIPT_TIMEOUT_MS });
    const stdout = await run(args);
    try {
      return schema.parse(JSON.parse(stdout));
    } catch (error) {
      throw new PocketError('TERMINAL_APP_FAILED', `osascript (${args[0]}) answered something pocket cannot read: ${JSON.stringify(stdout.slice(0, 80))}.`, { cause: error });
    }
  };
  const closedTab = (tty: string): PocketError =>
    new PocketError('SESSION_NOT_FOUND', `No open Terminal tab has ${tty}.`, { hint: 'The tab was closed; /sessions lists the open ones.' });

  return {
    availability: () => availability,
    async listTabs(): Promise<TabInfo[]> {
      return (await call(listSchema, ['list'])).tabs;
    },
    async readTabs(ttys): Promise<TabRead[]> {
      if (ttys.length === 0) return [];
      return (await call(readSchema, ['read', ...ttys])).tabs;
    },
    async readHistory(tty, maxChars): Promise<TabHistory | null> {
      const answer = await call(oneTabSchema, ['history', tty, String(maxChars)]);
      return answer.closed ? null : { text: answer.text ?? '', truncated: answer.truncated ?? false };
    },
    async typeText(tty, text, typeOptions): Promise<void> {
      checkText(text);
      const answer = await call(oneTabSchema, ['type', tty, text, typeOptions?.enter === false ? 'no-enter' : 'enter']);
      if (answer.closed) throw closedTab(tty);
    },
    async pressKeys(tty, keys): Promise<void> {
      // Enter alone is `do script ""`: no Accessibility permission needed for the card's Enter button.
      if (onlyEnter(keys)) {
        for (const _ of keys) await this.typeText(tty, '', { enter: true });
        return;
      }
      const answer = await call(oneTabSchema, ['keys', tty, ...keyArgs(keys)]);
      if (answer.closed) throw closedTab(tty);
    },
    probe: () => call(probeSchema, ['probe']),
  };
}

/**
 * The script as a private file, written when missing or different (a new pocket version): osascript reads its
 * arguments after a script file as data, which `-e TEXT` would not guarantee for one that starts with '-'.
 */
function writeScript(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'terminal-app.js');
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // not written yet
  }
  if (current !== JXA_SCRIPT) writeFileSync(file, JXA_SCRIPT, { mode: 0o600 });
  return file;
}
