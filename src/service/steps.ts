// An install or uninstall as a list of steps, carried out in order or only printed (--dry-run). Each step says
// what it does in words a user can check; a failed command stops the list with its own stderr in the message.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PocketError } from '../core/errors.js';
import { type CommandResult, type CommandRunner, showCommand } from './runner.js';

export type Step =
  | { kind: 'write'; path: string; text: string; mode: number }
  | { kind: 'mkdir'; path: string; mode: number }
  | { kind: 'remove'; path: string }
  /** `tolerate`: exit codes that are fine (already stopped, not loaded); `hint` for a failure. */
  | { kind: 'run'; argv: string[]; tolerate?: number[]; hint?: string; retry?: Retry }
  /** Stop the daemon that runs outside the service (`pocket start`), so the service can take the home's lock. */
  | { kind: 'stop-daemon'; pid: number };

/** launchctl's "Bootstrap failed: 5": the old job is still going away; wait until `until` fails, then once more. */
export interface Retry {
  onCode: number;
  until: string[];
  waitMs: number;
}

export interface StepDeps {
  run: CommandRunner;
  stopDaemon: () => Promise<string>;
  say: (line: string) => void;
  /** Waits between retries; tests pass one that does not. */
  sleep?: (ms: number) => Promise<void>;
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'write':
      return `write ${step.path} (mode ${step.mode.toString(8)}):\n${step.text.replace(/^/gm, '    ')}`;
    case 'mkdir':
      return `create the folder ${step.path} (mode ${step.mode.toString(8)}) if it is missing`;
    case 'remove':
      return `remove ${step.path}`;
    case 'run':
      return `run: ${showCommand(step.argv)}`;
    case 'stop-daemon':
      return `stop the pocket daemon running outside the service (pid ${step.pid}): the service starts its own`;
  }
}

export function printSteps(steps: readonly Step[], say: (line: string) => void): void {
  for (const step of steps) say(`would ${describeStep(step)}`);
}

export async function runSteps(steps: readonly Step[], deps: StepDeps): Promise<void> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (const step of steps) {
    switch (step.kind) {
      case 'write':
        mkdirSync(dirname(step.path), { recursive: true });
        writeFileSync(step.path, step.text, { mode: step.mode });
        chmodSync(step.path, step.mode);
        deps.say(`wrote ${step.path}`);
        break;
      case 'mkdir':
        mkdirSync(step.path, { recursive: true, mode: step.mode });
        break;
      case 'remove':
        rmSync(step.path, { force: true });
        deps.say(`removed ${step.path}`);
        break;
      case 'stop-daemon':
        deps.say(`pocket daemon (pid ${step.pid}) ${await deps.stopDaemon()}; the service runs it from now on`);
        break;
      case 'run': {
        let result = await deps.run(step.argv);
        if (step.retry !== undefined && result.code === step.retry.onCode) {
          const end = Date.now() + step.retry.waitMs;
          // No event says the old job is gone: ask launchctl until it no longer knows it, up to waitMs.
          while (Date.now() < end && (await deps.run(step.retry.until)).code === 0) await sleep(200);
          result = await deps.run(step.argv);
        }
        if (result.code !== 0 && !(result.code !== null && step.tolerate?.includes(result.code))) throw commandFailed(step, result);
        deps.say(`ran: ${showCommand(step.argv)}`);
        break;
      }
    }
  }
}

function commandFailed(step: Extract<Step, { kind: 'run' }>, result: CommandResult): PocketError {
  const why = result.missing ? 'not found' : (result.stderr || result.stdout || `exit code ${result.code}`).split('\n').slice(0, 3).join(' / ');
  return new PocketError('SERVICE_FAILED', `\`${showCommand(step.argv)}\` failed: ${why}`, {
    hint: step.hint ?? 'Nothing after this step was done; fix the cause and run the same pocket command again (it is safe to repeat).',
  });
}
