// /resume: the conversations the agents keep on disk (newest first, of every agent that works here), and continuing
// one as a pocket session: the running session that already continues it, or a new one, as a copy (fork) when the
// conversation changed in the last minutes (it may still be open at the desk).
import { agentSessionName, isRecentlyChanged } from '../../core/agent-sessions.js';
import type { AgentAvailability, AgentBackend, AgentKind, RecentAgentSession } from '../../core/agents.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { SessionView } from '../../core/sessions.js';
import type { SessionService } from '../sessions/service.js';

export interface ResumeDeps {
  sessions: SessionService;
  backends: Partial<Record<AgentKind, AgentBackend>>;
  defaultCwd: string;
  clock: Clock;
  log: Logger;
  availability(kind: AgentKind): Promise<AgentAvailability>;
  /** The kind's backend, or a PocketError that says why it cannot run here. */
  backendOrExplain(kind: AgentKind): Promise<AgentBackend>;
}

export type Resumed = { session: SessionView; last: Awaited<ReturnType<AgentBackend['lastExchange']>>; fork: boolean; reused: boolean };

/** A name for a new session of `kind` that no session or alias has (`claude`, `claude-2`...). */
export function freeAgentName(sessions: SessionService, kind: AgentKind): string {
  return agentSessionName(kind, (n) => sessions.list().some((s) => s.name === n || s.alias === n));
}

export async function recentConversations(deps: ResumeDeps, kind: AgentKind | undefined, limit: number): Promise<RecentAgentSession[]> {
  const kinds = kind === undefined ? (Object.keys(deps.backends) as AgentKind[]) : [kind];
  if (kind !== undefined) await deps.backendOrExplain(kind);
  const found = await Promise.all(kinds.map(async (k) => {
    const backend = deps.backends[k];
    if (backend === undefined || !(await deps.availability(k)).ok) return [];
    return backend.listRecent(deps.defaultCwd, limit).catch((error: unknown) => {
      deps.log.warn('agents.list_recent_failed', { kind: k, error });
      return [];
    });
  }));
  return found.flat().sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
}

export async function resumeConversation(deps: ResumeDeps, kind: AgentKind, agentSessionId: string): Promise<Resumed> {
  const { sessions } = deps;
  const backend = await deps.backendOrExplain(kind);
  const existing = sessions.list().find((s) => s.kind === kind && s.agent?.agentSessionId === agentSessionId && s.exitedAt === null);
  const last = await backend.lastExchange(agentSessionId).catch(() => null);
  if (existing !== undefined) return { session: existing, last, fork: false, reused: true };
  const stored = (await backend.listRecent(deps.defaultCwd, 200).catch(() => [])).find((r) => r.agentSessionId === agentSessionId);
  const fork = stored !== undefined && isRecentlyChanged(stored.updatedAt, deps.clock.now());
  const session = await sessions.createAgent(kind, freeAgentName(sessions, kind), { cwd: stored?.cwd ?? deps.defaultCwd, agentSessionId, fork });
  deps.log.info('agents.resumed', { sessionId: session.id, kind, fork });
  return { session, last, fork, reused: false };
}
