// The composition root: load config, take the lock, build the services, serve IPC, handle signals.
// It never exits the process itself: runDaemon resolves once the daemon has shut down cleanly.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { assertEnvFilePrivate, type Config, loadConfig } from '../config.js';
import { PocketError, toPocketError } from '../core/errors.js';
import { Health } from '../core/health.js';
import { Redactor } from '../core/redact.js';
import type { DaemonService, Logger } from '../core/ports.js';
import { type BotStatus, daemonWarnings, type SessionStatus, type StatusSnapshot } from '../core/status.js';
import { AUDIT_LOG_ROTATION, createFileLogger, rotatingAppender } from '../log.js';
import { jsonStore } from '../state/json-store.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { homePaths, type HomePaths } from '../state/paths.js';
import { ensurePrivateDir } from '../state/private-dirs.js';
import { pocketVersion } from '../version.js';
import { redactorFor } from './compose.js';
import { startIpcServer } from './ipc/server.js';
import { sessionHandlers } from './ipc/session-handlers.js';
import { type CockpitSources, cockpitHandlers } from './ipc/cockpit-handlers.js';
import { type AuditLog, fileAuditLog } from '../bot/audit.js';
import { BotTelemetry } from '../bot/telemetry.js';
import { userInfo } from 'node:os';
import type { SessionUseCases } from '../core/sessions.js';
import { signalReadiness } from './readiness.js';


export interface DaemonContext {
  config: Config;
  paths: HomePaths;
  log: Logger;
  redactor: Redactor;
  /** Emit 'changed' whenever something `pocket status` shows has changed. */
  changes: EventEmitter;
  /** What is degraded now (state writes, pane pipes): shown by `pocket status`. */
  health: Health;
}

/** What the services contribute to the status snapshot. */
export interface StatusSources {
  bot?: () => BotStatus;
  sessions?: () => SessionStatus[];
}

export interface RunDaemonOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  requireToken?: boolean;
  /** Builds the services once config, log and lock are in place (the bot and sessions plug in here). */
  buildServices?: (context: DaemonContext) => Promise<{
    services: DaemonService[];
    status: StatusSources;
    sessions?: SessionUseCases;
    cockpit?: CockpitSources;
    audit?: AuditLog;
  }>;
  /** Also write log lines to stderr (foreground mode). */
  echoLog?: boolean;
  /** Stop (the same clean way as `pocket stop`) when this aborts; its reason is logged as the stop reason. */
  stopSignal?: AbortSignal;
  /** Leave the readiness channel open: an owner link watches it (owner-link.ts). */
  keepChannel?: boolean;
}

const runtimeSchema = z.object({
  pid: z.number(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  cleanShutdown: z.boolean(),
});

export async function runDaemon(options: RunDaemonOptions): Promise<void> {
  const paths = homePaths(options.home);
  let log: Logger | undefined;
  let lock: HeldLock | undefined;
  let redactor: Redactor | undefined;
  try {
    assertEnvFilePrivate(paths.env);
    const config = loadConfig({ home: paths.home, envFile: paths.env, env: options.env, requireToken: options.requireToken });
    ensurePrivateDir(paths.state);
    ensurePrivateDir(paths.logs);
    redactor = redactorFor(config);
    log = createFileLogger({
      file: paths.daemonLog,
      redactor,
      echo: options.echoLog ? (line) => process.stderr.write(line) : undefined,
    });
    const acquired = acquireLock(paths.lock, pocketVersion());
    if ('heldBy' in acquired) {
      throw new PocketError('DAEMON_RUNNING', `A pocket daemon is already running for ${paths.home} (pid ${acquired.heldBy.pid}).`, {
        hint: 'Use `pocket status` to inspect it or `pocket stop` to stop it.',
      });
    }
    lock = acquired;
    // In the log at every start, so that a /shell left on is seen by whoever reads it.
    for (const warning of daemonWarnings(config)) log.warn('daemon.warning', { warning });
    const changes = new EventEmitter();
    const health = new Health({ onChange: () => changes.emit('changed') });
    await serve({ config, paths, log, redactor, changes, health }, options, lock);
  } catch (error) {
    const pocketError = toPocketError(error, 'DAEMON_START_FAILED');
    log?.error('daemon.failed', { code: pocketError.code, error });
    // The starting CLI prints this: cleaned like everything else that leaves (with the shapes, when the settings
    // could not be read to say more).
    const told = (redactor ?? new Redactor()).value(pocketError.toJSON()) as ReturnType<PocketError['toJSON']>;
    await signalReadiness({ type: 'failed', error: told }, { keepChannel: options.keepChannel });
    throw pocketError;
  } finally {
    lock?.release();
  }
}

async function serve(context: DaemonContext, options: RunDaemonOptions, lock: HeldLock): Promise<void> {
  const { paths, log } = context;
  const startedAtMs = Date.now();
  const runtime = jsonStore(`${paths.state}/daemon.json`, runtimeSchema, () => null as never, log);
  context.changes.setMaxListeners(100);
  const built = (await options.buildServices?.(context)) ?? { services: [], status: {} };
  const sessions: SessionUseCases = built.sessions ?? unavailableSessions();
  // Before the services start, so that the event backlog holds what a resumed session reports at once.
  const audit = built.audit ?? fileAuditLog(rotatingAppender(paths.auditLog, AUDIT_LOG_ROTATION), context.redactor, log, Date.now, (id) => sessions.get(id)?.name);
  const handlersForSessions = sessionHandlers(sessions, Date.now, { audit, localUser: localUserName() });
  const handlersForCockpit = cockpitHandlers(sessions, built.cockpit ?? { telemetry: new BotTelemetry() });

  const snapshot = (): StatusSnapshot => ({
    daemon: {
      running: true, pid: process.pid, uptimeS: Math.round((Date.now() - startedAtMs) / 1000), version: pocketVersion(),
      degraded: context.health.list(),
      warnings: daemonWarnings(context.config),
    },
    bot: built.status.bot?.() ?? { username: null, connected: false, lastPollAt: null, lastError: null },
    sessions: built.status.sessions?.() ?? [],
  });

  let stopRequested: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const onStopSignal = (): void => stopRequested(String(options.stopSignal?.reason));
  // Before the services start: an owner that dies during start-up still gets its daemon stopped once it is up.
  if (options.stopSignal?.aborted) onStopSignal();
  else options.stopSignal?.addEventListener('abort', onStopSignal, { once: true });

  const started: DaemonService[] = [];
  try {
    for (const service of built.services) {
      await service.start();
      started.push(service);
      log.info('service.started', { service: service.name });
    }
  } catch (error) {
    // A service that cannot start fails the whole start: the ones already running finish their work first.
    await stopServices(started, log);
    throw error;
  }

  const ipc = await startIpcServer(paths.socket, {
    ...handlersForSessions,
    ...handlersForCockpit,
    hello: () => ({ version: pocketVersion(), protocol: 1, pid: process.pid }),
    status: () => snapshot(),
    stop: () => {
      setImmediate(() => stopRequested('ipc'));
      return { stopping: true as const };
    },
    subscribe: (_params, request, connection) => {
      let timer: NodeJS.Timeout | undefined;
      // Coalesce bursts of changes into one snapshot per 100 ms.
      const onChange = (): void => {
        timer ??= setTimeout(() => {
          timer = undefined;
          connection.push(request.id, { event: 'status', data: snapshot() });
        }, 100);
      };
      context.changes.on('changed', onChange);
      connection.onClose(() => {
        context.changes.off('changed', onChange);
        if (timer) clearTimeout(timer);
      });
      setImmediate(() => connection.push(request.id, { event: 'status', data: snapshot() }));
      return { subscribed: true as const };
    },
  }, log, context.redactor);

  const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onSignal);

  runtime.writeSync({ pid: process.pid, startedAt: new Date(startedAtMs).toISOString(), stoppedAt: null, cleanShutdown: false });
  log.info('daemon.started', { pid: process.pid, version: pocketVersion(), home: paths.home, lockStartKey: lock.record.startKey });
  await signalReadiness({ type: 'ready', pid: process.pid, botUsername: built.status.bot?.().username ?? null }, { keepChannel: options.keepChannel });

  const reason = await stopped;
  log.info('daemon.stopping', { reason });
  // Each service finishes its in-flight work, newest first; subscribers keep receiving what that work produces,
  // so the control socket closes last.
  await stopServices(started, log);
  await ipc.close();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('SIGHUP', onSignal);
  options.stopSignal?.removeEventListener('abort', onStopSignal);
  runtime.writeSync({ pid: process.pid, startedAt: new Date(startedAtMs).toISOString(), stoppedAt: new Date().toISOString(), cleanShutdown: true });
  log.info('daemon.stopped', { reason });
}

/** The OS user the daemon runs as: who a local action was taken by when the client names nobody. */
function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Newest first, each finishing its in-flight work; one that fails to stop does not keep the others running. */
async function stopServices(started: readonly DaemonService[], log: Logger): Promise<void> {
  for (const service of [...started].reverse()) {
    try {
      await service.stop();
      log.info('service.stopped', { service: service.name });
    } catch (error) {
      log.error('service.stop_failed', { service: service.name, error });
    }
  }
}

/** Sessions for a daemon built without them (tests of the lifecycle alone): every use says so clearly. */
export function unavailableSessions(): SessionUseCases {
  const fail = (): never => {
    throw new PocketError('INTERNAL', 'This daemon runs without the session service.');
  };
  return {
    list: () => [],
    adoptable: async () => [],
    resolve: fail,
    get: () => undefined,
    create: fail,
    runShell: fail,
    attach: fail,
    adoptableTabs: fail,
    sendText: fail,
    sendKeys: fail,
    tail: fail,
    screen: fail,
    snapshot: fail,
    summary: fail,
    setAlias: fail,
    kill: fail,
    setTopic: fail,
    setMuted: fail,
    hook: fail,
    decideHook: () => false,
    subscribe: () => () => {},
  };
}
