// Wires the daemon's services: what runs inside `pocket __daemon`.
import type { SessionStatus } from '../core/status.js';
import type { SessionView } from '../core/sessions.js';
import { createBotService } from '../bot/bot-service.js';
import { createTmuxCli } from '../tmux/tmux-cli.js';
import type { DaemonContext, DaemonService, StatusSources } from './main.js';
import { SessionService } from './sessions/service.js';

export interface BuiltServices {
  services: DaemonService[];
  status: StatusSources;
  sessions: SessionService;
}

export async function buildServices(context: DaemonContext): Promise<BuiltServices> {
  const { config, paths, log } = context;
  const tmux = createTmuxCli({ socket: config.tmuxSocket });
  const sessions = new SessionService({
    tmux,
    stateDir: paths.state,
    panesDir: paths.panes,
    log: log.child({ area: 'sessions' }),
    changes: context.changes,
    idleMs: config.idleSeconds * 1000,
  });
  const services: DaemonService[] = [sessions];
  const status: StatusSources = { sessions: () => sessions.list().map(toSessionStatus) };
  // `pocket demo` and the tests give a token for the embedded Bot API; without one there is nothing to poll.
  if (config.botToken !== undefined) {
    const bot = createBotService(context, sessions);
    services.push(bot.service);
    status.bot = bot.status;
  }
  return { services, status, sessions };
}

export function toSessionStatus(view: SessionView): SessionStatus {
  return {
    id: view.id,
    name: view.name,
    alias: view.alias,
    kind: view.kind,
    target: view.paneId,
    state: view.state,
    exitCode: view.exitCode,
    lastActivityAt: view.lastActivityAt,
    topicId: view.topicId,
  };
}
