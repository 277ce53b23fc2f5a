// `pocket doctor`: each check passes or fails with a hint. New checks (token, Bot API, service) append here.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { assertEnvFilePrivate, loadConfig } from '../../config.js';
import { PocketError } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import { inspectLock } from '../../state/lock.js';
import { type HomePaths, homePaths } from '../../state/paths.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

type Check = (paths: HomePaths) => Promise<CheckResult> | CheckResult;

const checkTmux: Check = async () => {
  try {
    const { stdout } = await promisify(execFile)('tmux', ['-V'], { timeout: 3000 });
    const version = stdout.trim();
    const match = /tmux (\d+)\.(\d+)/.exec(version);
    const tooOld = match !== null && (Number(match[1]) < 3 || (Number(match[1]) === 3 && Number(match[2]) < 2));
    return tooOld
      ? { name: 'tmux', ok: false, detail: `${version} is older than 3.2`, hint: 'Install tmux 3.2 or newer.' }
      : { name: 'tmux', ok: true, detail: version };
  } catch {
    return { name: 'tmux', ok: false, detail: 'tmux not found', hint: 'Install it: apt-get install tmux / brew install tmux.' };
  }
};

const checkEnvPermissions: Check = (paths) => {
  if (!existsSync(paths.env)) {
    return { name: '.env', ok: false, detail: `${paths.env} does not exist`, hint: 'Run `pocket init`, or copy .env.example there (chmod 600).' };
  }
  try {
    assertEnvFilePrivate(paths.env);
    return { name: '.env permissions', ok: true, detail: 'readable by the owner only' };
  } catch (error) {
    return fromError('.env permissions', error);
  }
};

const checkConfig: Check = (paths) => {
  try {
    const config = loadConfig({ home: paths.home, envFile: paths.env });
    return { name: 'config', ok: true, detail: `${config.authorizedUserIds.length} authorized user(s), API ${config.apiRoot}` };
  } catch (error) {
    return fromError('config', error);
  }
};

const checkPrivateDirs: Check = (paths) => {
  const loose = [paths.state, paths.logs].filter((dir) => existsSync(dir) && (statSync(dir).mode & 0o077) !== 0);
  return loose.length === 0
    ? { name: 'state and log directories', ok: true, detail: 'private (0700) or not created yet' }
    : { name: 'state and log directories', ok: false, detail: `${loose.join(', ')} readable by others`, hint: `Run: chmod 700 ${loose.join(' ')}` };
};

const checkLock: Check = (paths) => {
  const verdict = inspectLock(paths.lock);
  if (verdict.kind === 'held') return { name: 'daemon', ok: true, detail: `running (pid ${verdict.record.pid})` };
  if (verdict.kind === 'free') return { name: 'daemon', ok: true, detail: 'not running (no lock)' };
  return { name: 'daemon', ok: true, detail: `not running; a stale lock (${verdict.reason}) will be recovered at start` };
};

/** The token works and the Bot API answers: one getMe, with a deadline, its errors redacted. */
const checkBotApi: Check = async (paths) => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ home: paths.home, envFile: paths.env });
  } catch {
    return { name: 'Telegram', ok: false, detail: 'skipped: the settings are invalid' };
  }
  const redactor = new Redactor(config.secrets);
  try {
    const response = await fetch(`${config.apiRoot}/bot${config.botToken}/getMe`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { ok: boolean; result?: { username?: string }; description?: string };
    if (body.ok) return { name: 'Telegram', ok: true, detail: `token accepted: @${body.result?.username ?? '?'} via ${config.apiRoot}` };
    const hint = response.status === 401 ? 'The token was rejected: copy it again from @BotFather.' : undefined;
    return { name: 'Telegram', ok: false, detail: redactor.text(`${response.status} ${body.description ?? ''}`), hint };
  } catch (error) {
    const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
    return {
      name: 'Telegram',
      ok: false,
      detail: `cannot reach ${config.apiRoot}: ${redactor.text(reason)}`,
      hint: 'Check the network, a proxy, or TELEGRAM_API_ROOT.',
    };
  }
};

/**
 * One line per coding agent: works (and which executable), or why not and the exact install command. The agents are
 * optional, so one that is not installed is reported, not failed.
 */
async function checkAgents(paths: HomePaths): Promise<CheckResult[]> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ home: paths.home, envFile: paths.env });
  } catch {
    return [{ name: 'coding agents', ok: true, detail: 'skipped: the settings are invalid' }];
  }
  const { agentAvailability } = await import('../../daemon/agents/availability-report.js');
  return (await agentAvailability(config)).map(({ kind, availability }) => ({
    name: `agent ${kind}`,
    ok: true,
    detail: availability.ok
      ? `works: ${availability.executable}${availability.version === null ? '' : ` (${availability.version})`}`
      : `not available (${availability.reason}); to use /${kind}, install it: ${availability.install}`,
  }));
}

export const CHECKS: Check[] = [checkTmux, checkEnvPermissions, checkConfig, checkPrivateDirs, checkLock, checkBotApi];

export async function doctor(home: string): Promise<void> {
  const paths = homePaths(home);
  let failed = 0;
  process.stdout.write(`pocket doctor (home ${home})\n`);
  const results = async function* () {
    for (const check of CHECKS) yield await check(paths);
    yield* await checkAgents(paths);
  };
  for await (const result of results()) {
    if (!result.ok) failed++;
    process.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name}: ${result.detail}\n`);
    if (!result.ok && result.hint) process.stdout.write(`     hint: ${result.hint}\n`);
  }
  if (failed > 0) {
    throw new PocketError('CONFIG_INVALID', `${failed} check(s) failed.`, { hint: 'Fix the items marked FAIL above.' });
  }
}

function fromError(name: string, error: unknown): CheckResult {
  if (error instanceof PocketError) return { name, ok: false, detail: error.message, hint: error.hint };
  return { name, ok: false, detail: String(error) };
}
