// Wires the daemon's services: what runs inside `pocket __daemon`. Adapters meet only here: the bot gets its
// stores (src/state) and settings handed in, never reaching for them itself.
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createClaudeBackend } from '../agents/claude/claude-backend.js';
import { CodexBackend } from '../agents/codex/codex-backend.js';
import { codexEnvironment } from '../agents/codex/environment.js';
import { type AuditLog, fileAuditLog } from '../bot/audit.js';
import { BOT_STATE_FILES, type BotStores, createBotService } from '../bot/bot-service.js';
import { BotTelemetry } from '../bot/telemetry.js';
import type { Config } from '../config.js';
import { agentEnvironment, withoutSecretValues } from '../core/agent-env.js';
import type { AgentBackend, AgentKind } from '../core/agents.js';
import { describeWriteError, type Health } from '../core/health.js';
import { Redactor } from '../core/redact.js';
import type { DaemonService, Logger } from '../core/ports.js';
import { toSessionStatus } from '../core/status.js';
import { AUDIT_LOG_ROTATION, rotatingAppender } from '../log.js';
import { jsonStore } from '../state/json-store.js';
import { serviceServerLauncher } from '../tmux/service-scope.js';
import { createTerminalApp } from '../terminal-app/terminal-app.js';
import { createTmuxCli } from '../tmux/tmux-cli.js';
import { AgentSessions } from './agents/agent-sessions.js';
import type { CockpitSources } from './ipc/cockpit-handlers.js';
import type { DaemonContext, StatusSources } from './main.js';
import { HookSpool } from './hook-spool.js';
import { SessionService } from './sessions/service.js';

export interface BuiltServices {
  services: DaemonService[];
  status: StatusSources;
  sessions: SessionService;
  cockpit: CockpitSources;
  /** The audit log the bot and IPC actions share. */
  audit: AuditLog;
}

/**
 * The daemon's one redactor, built once from the settings and handed to everything that lets text out: the daemon
 * log, the audit log, every request to Telegram (bot/outgoing.ts, Delivery), error messages, IPC answers. The .env
 * secrets and the bot token always; the secret shapes unless POCKET_REDACT=off.
 */
export function redactorFor(config: Pick<Config, 'secrets' | 'botToken' | 'redact'>): Redactor {
  return new Redactor([...config.secrets, ...(config.botToken === undefined ? [] : [config.botToken])], { shapes: config.redact });
}

export async function buildServices(context: DaemonContext): Promise<BuiltServices> {
  const { config, paths, log } = context;
  const scope = await serviceServerLauncher(process.env);
  if (scope.problem !== null) log.warn('tmux.scope_unavailable', { problem: scope.problem });
  const tmux = createTmuxCli({ socket: config.tmuxSocket, ...(scope.launcher === null ? {} : { serverLauncher: scope.launcher }) });
  const sessions = new SessionService({
    tmux,
    stateDir: paths.state,
    panesDir: paths.panes,
    log: log.child({ area: 'sessions' }),
    changes: context.changes,
    idleMs: config.idleSeconds * 1000,
    health: context.health,
    shell: config.shellEnabled ? { program: loginShell(), timeoutMs: config.shellTimeoutS * 1000 } : undefined,
    hookSpoolDir: paths.hookSpool,
    // macOS only (or a stand-in osascript): elsewhere it says once why it is unavailable, and /sessions offers no tabs.
    terminal: createTerminalApp({ platform: process.platform, osascript: config.osascriptPath, scriptDir: paths.state }),
    redact: (text) => context.redactor.text(text),
  });
  const agentEnv = agentEnvironments(process.env, config.secrets);
  const agents = new AgentSessions({
    sessions,
    backends: buildAgentBackends(config, agentEnv.codex),
    env: agentEnv,
    defaultCwd: config.agentCwd ?? homedir(),
    imagesDir: join(paths.state, 'agent-images'),
    log: log.child({ area: 'agents' }),
    redactor: context.redactor,
  });
  const services: DaemonService[] = [sessions];
  const status: StatusSources = { sessions: () => sessions.list().map(toSessionStatus) };
  const sessionName = (id: string): string | undefined => sessions.get(id)?.name;
  const telemetry = new BotTelemetry(Date.now, sessionName);
  const audit = telemetry.auditing(fileAuditLog(rotatingAppender(paths.auditLog, AUDIT_LOG_ROTATION), context.redactor, log, Date.now, sessionName));
  const cockpit: CockpitSources = { telemetry };
  // `pocket demo` and the tests give a token for the embedded Bot API; without one there is nothing to poll.
  if (config.botToken !== undefined) {
    const bot = createBotService({
      settings: config,
      log,
      redactor: context.redactor,
      stores: openBotStores(paths.state, log, context.health),
      files: { auditLog: paths.auditLog, daemonLog: paths.daemonLog, env: paths.env },
      onStatusChange: () => context.changes.emit('changed'),
      agents,
      // Loaded on the first /screen: `pocket start` and every other command never read the font.
      renderScreen: async (screen) => (await import('../screen/index.js')).renderScreenPng(screen),
      audit,
      telemetry,
    }, sessions);
    services.push(bot.service);
    status.bot = bot.status;
    cockpit.health = bot.health;
  }
  // After the sessions and the bot: what waited in the spool while the daemon was down reaches a running bot (or is
  // discarded as stale), and it stops before either.
  services.push(new HookSpool({ dir: paths.hookSpool, deliver: (id, signal) => sessions.hook(id, signal, 'spool'), log: log.child({ area: 'hooks' }) }));
  // Last, so stopped first (services stop newest first): running turns are cancelled, and their end reported, while
  // the bot can still send; the sessions' registry, which holds their records, stops after them.
  services.push(agents);
  return { services, status, sessions, cockpit, audit };
}

/** The user's login shell for /shell: $SHELL when it is an absolute path, else the account's, else /bin/sh. */
export function loginShell(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SHELL;
  if (fromEnv?.startsWith('/')) return fromEnv;
  try {
    const account = userInfo().shell;
    if (account?.startsWith('/')) return account;
  } catch {
    // no passwd entry (some containers)
  }
  return '/bin/sh';
}

/**
 * What each agent's processes get of the daemon's environment: the common allow-list (core/agent-env.ts), and for
 * Codex also the key variables its config.toml's providers name; never pocket's settings or a .env secret's value.
 */
export function agentEnvironments(source: Record<string, string | undefined>, secrets: readonly string[]): Record<AgentKind, Record<string, string>> {
  const common = agentEnvironment(source, secrets);
  return { claude: common, codex: withoutSecretValues({ ...common, ...codexEnvironment(source) }, secrets) };
}

/**
 * The coding agents pocket can drive. Both are always built: whether each can run here (SDK installed, executable
 * found) is their availability(), which /claude, /codex and `pocket doctor` report with the install command.
 * `env` is the allow-listed environment (core/agent-env.ts): Codex's look-ups outside a turn get nothing more.
 */
export function buildAgentBackends(config: Pick<Config, 'claudePath' | 'codexPath' | 'codexSandbox'>, env: Record<string, string>): Record<AgentKind, AgentBackend> {
  return {
    claude: createClaudeBackend({ claudePath: config.claudePath }),
    codex: new CodexBackend({ env, sandbox: config.codexSandbox, ...(config.codexPath === undefined ? {} : { executable: config.codexPath }) }),
  };
}

/** The bot's files in stateDir; a file that cannot be written is a degraded-state problem until it can again. */
export function openBotStores(stateDir: string, log: Logger, health?: Health): BotStores {
  const { state, ledger } = BOT_STATE_FILES;
  return {
    // With a last good copy: without bot.json every card would be posted again and the old ones orphaned.
    state: jsonStore(join(stateDir, state.name), state.schema, state.empty, log, { backup: true, onWriteResult: reportWrites(health, state.name) }),
    ledger: jsonStore(join(stateDir, ledger.name), ledger.schema, ledger.empty, log, { onWriteResult: reportWrites(health, ledger.name) }),
  };
}

/** A store's write outcomes as a degraded-state problem keyed by its file. */
export function reportWrites(health: Health | undefined, file: string): ((error: unknown) => void) | undefined {
  if (health === undefined) return undefined;
  const key = `state:${file}`;
  return (error) => {
    if (error === null) health.clear(key);
    else health.set(key, `cannot write .state/${file}: ${describeWriteError(error)}`);
  };
}
