// How install and uninstall run systemctl, launchctl, loginctl and npm: one injectable function, array arguments,
// a deadline, and the outcome as plain data (tests pass a fake or put fake executables on PATH).
import { execa } from 'execa';
import { shellWord } from '../core/shell-word.js';

export interface CommandResult {
  /** Exit code; null when the command could not run or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The executable was not found. */
  missing: boolean;
}

export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

/** systemctl and launchctl answer in well under a second; `systemctl --user restart` waits for readiness (90 s). */
const COMMAND_TIMEOUT_MS = 120_000;

export function createCommandRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return async (argv) => {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('createCommandRunner: empty command');
    const result = await execa(file, args, { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: COMMAND_TIMEOUT_MS });
    return {
      code: result.exitCode ?? null,
      stdout: String(result.stdout ?? '').trim(),
      stderr: String(result.stderr ?? '').trim(),
      missing: (result as { code?: string }).code === 'ENOENT',
    };
  };
}

/** `systemctl --user restart pocket.service`: for messages and --dry-run. */
export function showCommand(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}
