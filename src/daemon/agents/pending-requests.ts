// The agents' requests that wait for a person (an approval, a question): each has an id for its buttons and a
// deadline, so one nobody answers is refused rather than left hanging, and ends exactly once: answered, timed out,
// or settled with its turn (cancelled, ended).
import { randomBytes } from 'node:crypto';
import type { RequestSettlement } from '../../core/agent-sessions.js';
import type { AgentAnswer, AgentRequest } from '../../core/agents.js';

interface OpenRequest {
  sessionId: string;
  request: AgentRequest;
  settle: (answer: AgentAnswer, settlement: RequestSettlement) => void;
}

export interface RequestHooks {
  /** The request is open under `requestId` (its buttons can be sent). */
  opened(requestId: string): void;
  /** It closed, before the agent gets the answer. Runs once. */
  settled(requestId: string, settlement: RequestSettlement): void;
}

export class PendingRequests {
  readonly #open = new Map<string, OpenRequest>();

  constructor(private readonly timeoutMs: () => number) {}

  /** Opens a request; resolves with the person's answer, or a timeout answer after the deadline. */
  open(sessionId: string, request: AgentRequest, hooks: RequestHooks): Promise<AgentAnswer> {
    const requestId = randomBytes(6).toString('base64url');
    return new Promise<AgentAnswer>((resolve) => {
      const timeoutMs = this.timeoutMs();
      const timer = setTimeout(() => settle({ type: 'timeout' }, { kind: 'timeout', afterMs: timeoutMs }), timeoutMs);
      const settle = (answer: AgentAnswer, settlement: RequestSettlement): void => {
        if (!this.#open.delete(requestId)) return;
        clearTimeout(timer);
        hooks.settled(requestId, settlement);
        resolve(answer);
      };
      this.#open.set(requestId, { sessionId, request, settle });
      hooks.opened(requestId);
    });
  }

  get(requestId: string): { sessionId: string; request: AgentRequest } | undefined {
    const open = this.#open.get(requestId);
    return open === undefined ? undefined : { sessionId: open.sessionId, request: open.request };
  }

  /** Closes one request with `answer`; false when it is no longer open. */
  settle(requestId: string, answer: AgentAnswer, settlement: RequestSettlement): boolean {
    const open = this.#open.get(requestId);
    if (open === undefined) return false;
    open.settle(answer, settlement);
    return true;
  }

  /** Closes every open request of a session (its turn ended or was cancelled). */
  settleAllOf(sessionId: string, answer: AgentAnswer, settlement: RequestSettlement): void {
    for (const open of [...this.#open.values()]) if (open.sessionId === sessionId) open.settle(answer, settlement);
  }
}
