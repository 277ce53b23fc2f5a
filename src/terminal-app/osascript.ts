// The one way pocket runs osascript: the script file and an argument array (never a shell string, never script text
// built from input), a timeout on every call (osascript waits for Terminal, which can hang on a dialog), and failures
// in one sentence with what to do, read from the error number osascript prints.
import { execa } from 'execa';
import { PocketError } from '../core/errors.js';
import { NOT_IN_FRONT } from './jxa-script.js';

export type OsascriptRun = (args: readonly string[]) => Promise<string>;

export interface OsascriptOptions {
  /** /usr/bin/osascript, or a stand-in (POCKET_OSASCRIPT). */
  bin: string;
  /** The JXA file (jxa-script.ts), already written. */
  scriptFile: string;
  timeoutMs: number;
}

/** Long enough for Terminal to read a large scrollback; a hung Terminal is given up on after this. */
export const DEFAULT_OSASCRIPT_TIMEOUT_MS = 10_000;

export function osascriptRunner(options: OsascriptOptions): OsascriptRun {
  return async (args) => {
    const result = await execa(options.bin, ['-l', 'JavaScript', options.scriptFile, ...args], {
      timeout: options.timeoutMs,
      forceKillAfterDelay: 1_000,
      reject: false,
      stdin: 'ignore',
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => ({ spawnError: error }));
    if ('spawnError' in result) throw failure('TERMINAL_APP_FAILED', `osascript could not be run: ${oneLine(String(result.spawnError))}.`, result.spawnError);
    const op = args[0] ?? '';
    if (result.timedOut) {
      throw new PocketError('TERMINAL_APP_TIMEOUT', `osascript (${op}) did not answer within ${Math.round(options.timeoutMs / 1000)} s.`, {
        hint: 'Terminal may be busy or showing a dialog; pocket tries again at the next poll.',
      });
    }
    if (result.code === 'ENOENT' || (result.failed && result.exitCode === undefined && result.signal === undefined)) {
      throw new PocketError('TERMINAL_APP_UNAVAILABLE', `osascript was not found at ${options.bin}.`, {
        hint: 'Terminal.app mirroring needs macOS (osascript is part of it).',
      });
    }
    if (result.exitCode !== 0) throw osascriptFailure(op, String(result.stderr ?? ''));
    return String(result.stdout ?? '');
  };
}

/** Apple's numbers for the failures a user can fix (osascript prints "... (NUMBER)" at the end of the message). */
const NOT_AUTHORIZED = -1743;
const NO_ASSISTIVE_ACCESS = [-1719, -25211, 1002];
const NOT_RUNNING = -600;

/** What an osascript that exited non-zero means, from its stderr: one sentence and a fix. */
export function osascriptFailure(op: string, stderr: string): PocketError {
  const message = lastMessage(stderr);
  const number = /\((-?\d+)\)\s*$/.exec(message)?.[1];
  const code = number === undefined ? null : Number(number);
  if (code === NOT_AUTHORIZED) {
    // Keys go through System Events, which needs its own Automation consent: the message names the application.
    const target = /Apple events to (.+?)\.?\s*\(-1743\)/.exec(message)?.[1] ?? 'Terminal';
    return failure('TERMINAL_APP_DENIED', `macOS does not allow pocket to control ${target} (Automation).`, undefined,
      `Open System Settings > Privacy & Security > Automation and allow the app that runs pocket (your terminal, or node for the background service) to control ${target}.`);
  }
  if (code !== null && NO_ASSISTIVE_ACCESS.includes(code)) {
    return failure('TERMINAL_APP_DENIED', 'macOS does not allow pocket to press keys in Terminal (osascript is not allowed assistive access).', undefined,
      'Open System Settings > Privacy & Security > Accessibility, add the app that runs pocket (your terminal, or node for the background service) and switch it on; /send still works without it.');
  }
  if (code === NOT_RUNNING) return failure('TERMINAL_APP_FAILED', 'Terminal is not running.', undefined, 'Open Terminal, then try again.');
  if (message.includes(NOT_IN_FRONT)) {
    return failure('TERMINAL_APP_FAILED', 'Terminal did not come to the front, so no key was pressed (another application has the focus).', undefined,
      'Send the keys again once nothing else holds the focus (a dialog, a full-screen app); /send types text without it.');
  }
  return failure('TERMINAL_APP_FAILED', `osascript (${op}) failed: ${message === '' ? 'no message' : message}`, undefined);
}

function failure(code: 'TERMINAL_APP_FAILED' | 'TERMINAL_APP_DENIED', message: string, cause: unknown, hint?: string): PocketError {
  return new PocketError(code, message, { ...(hint === undefined ? {} : { hint }), ...(cause === undefined ? {} : { cause }) });
}

/** The last non-empty line, without the script path osascript puts first ("/x/terminal.js: execution error: ..."). */
function lastMessage(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? '';
  return oneLine(line.replace(/^.*?execution error:\s*/, '').replace(/^(Error:\s*)+/, ''));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
