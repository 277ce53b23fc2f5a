// "Allow for this session": what a person allowed from the chat for the rest of an agent session, asked again, is
// allowed without a message. Kept with the session's record (.state/sessions.json, agent.allowedTools), so it
// outlives a daemon restart, which the agent's own memory of it does not. What one press allows: allowanceKey.
import { type AgentKind, allowanceKey } from '../../core/agents.js';
import type { Logger } from '../../core/ports.js';
import type { AgentRecord, SessionView } from '../../core/sessions.js';

/** What of the session service the allowances use: the records, to read and keep them. */
export interface AllowanceRecords {
  get(sessionId: string): SessionView | undefined;
  updateAgent(sessionId: string, patch: Partial<AgentRecord>): Promise<void>;
}

type Asked = { tool: string; command: string | null };

export class SessionAllowances {
  readonly #sets = new Map<string, Set<string>>();

  constructor(private readonly records: AllowanceRecords, private readonly log: Logger) {}

  /** Whether this request was allowed for the session before. */
  has(sessionId: string, request: Asked): boolean {
    return this.#of(sessionId).has(this.#key(sessionId, request));
  }

  /** Allows this request (its key) for the rest of the session, and keeps that with the session's record. */
  allow(sessionId: string, request: Asked): void {
    const allowed = this.#of(sessionId);
    const key = this.#key(sessionId, request);
    if (allowed.has(key)) return;
    allowed.add(key);
    this.records.updateAgent(sessionId, { allowedTools: [...allowed] })
      .catch((error: unknown) => this.log.warn('agents.allowed_tools_unsaved', { sessionId, error }));
  }

  /** The session is gone: nothing of it is kept here (its record went with it). */
  forget(sessionId: string): void {
    this.#sets.delete(sessionId);
  }

  #of(sessionId: string): Set<string> {
    let allowed = this.#sets.get(sessionId);
    if (allowed === undefined) {
      allowed = new Set(this.records.get(sessionId)?.agent?.allowedTools ?? []);
      this.#sets.set(sessionId, allowed);
    }
    return allowed;
  }

  #key(sessionId: string, request: Asked): string {
    const kind: AgentKind = this.records.get(sessionId)?.kind === 'codex' ? 'codex' : 'claude';
    return allowanceKey(kind, request);
  }
}
