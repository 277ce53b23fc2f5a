// Button data as server-side ids. Telegram allows 1-64 bytes of callback_data and sends it back verbatim from
// anyone who can see the message, so the data is never a command: it is a short id looked up here, bound to one
// session and one action, expiring, and (for one-shot actions such as a prompt answer or "Yes, kill") usable once.
// Pure: ids come from the caller's generator, time from the caller.
import type { AgentKind, ApprovalDecision } from './agents.js';
import type { HookDecision } from './agent-hooks.js';
import type { PromptInput } from './output/prompt-rules.js';

export type CallbackAction =
  | { type: 'refresh' }
  | { type: 'tail' }
  /** A full-screen session's card: its screen as an image (/screen). */
  | { type: 'screen' }
  | { type: 'keys'; keys: string[] }
  | { type: 'kill' }
  | { type: 'kill-confirm' }
  | { type: 'kill-cancel' }
  /**
   * An answer to the prompt `ruleId` the session waited at when the alert was sent; not typed before `notBefore`
   * (epoch ms), when given.
   */
  | { type: 'answer'; ruleId: string; label: string; input: PromptInput; notBefore?: number }
  /** An agent session's card: cancel its running turn. */
  | { type: 'cancel' }
  /** A decision on an agent's open permission request. */
  | { type: 'agent-approval'; requestId: string; decision: ApprovalDecision }
  /** A decision on a tmux session's waiting PermissionRequest hook (core/agent-hooks.ts). */
  | { type: 'hook-decision'; requestId: string; decision: HookDecision }
  /** An option of an agent's open question. */
  | { type: 'agent-choice'; requestId: string; label: string }
  /** /resume's list: continue this stored conversation (not bound to a session yet: sessionId is ''). */
  | { type: 'agent-resume'; kind: AgentKind; agentSessionId: string }
  /** /sessions' Terminal.app tabs: mirror this tab as a session (not bound to a session yet: sessionId is ''). */
  | { type: 'adopt-tab'; tty: string };

export interface CallbackEntry {
  id: string;
  sessionId: string;
  action: CallbackAction;
  expiresAt: number;
  /** Removed when used (and its siblings with it: pressing "No" invalidates "Yes"). */
  once: boolean;
  /** Entries registered together (an alert's answers, Yes/No): one use consumes the whole group. */
  group: string | null;
}

export type Lookup = { ok: true; entry: CallbackEntry } | { ok: false; reason: 'unknown' | 'expired' };

export interface CallbackRegistryJSON {
  v: 1;
  entries: CallbackEntry[];
}

export const CARD_BUTTON_TTL_MS = 7 * 24 * 3600_000;
export const ONE_SHOT_TTL_MS = 24 * 3600_000;
const DEFAULT_CAPACITY = 5000;

export class CallbackRegistry {
  private readonly entries = new Map<string, CallbackEntry>();
  /** session + action -> id of its reusable button. */
  private readonly stableIds = new Map<string, string>();

  constructor(
    private readonly newId: () => string,
    readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /**
   * A reusable button (card buttons): the same session + action gets the same id again while it lives, so editing
   * a card a thousand times does not mint a thousand ids. Its expiry is pushed out on every call.
   */
  stable(sessionId: string, action: CallbackAction, nowMs: number, ttlMs = CARD_BUTTON_TTL_MS): string {
    const known = this.entries.get(this.stableIds.get(stableKey(sessionId, action)) ?? '');
    if (known !== undefined && known.expiresAt > nowMs) {
      known.expiresAt = nowMs + ttlMs;
      return known.id;
    }
    return this.put({ sessionId, action, expiresAt: nowMs + ttlMs, once: false, group: null });
  }

  /** A group of one-shot buttons (an alert's answers, Yes/No): using any one of them removes all. */
  oneShot(sessionId: string, actions: CallbackAction[], nowMs: number, ttlMs = ONE_SHOT_TTL_MS): string[] {
    const group = this.newId();
    return actions.map((action) => this.put({ sessionId, action, expiresAt: nowMs + ttlMs, once: true, group }));
  }

  /** Looks an id up without using it. */
  peek(id: string, nowMs: number): Lookup {
    const entry = this.entries.get(id);
    if (entry === undefined) return { ok: false, reason: 'unknown' };
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(id);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, entry };
  }

  /** Looks an id up and, when it is one-shot, consumes it and its group. */
  use(id: string, nowMs: number): Lookup {
    const found = this.peek(id, nowMs);
    if (found.ok && found.entry.once) this.dropGroup(found.entry.group);
    return found;
  }

  /** Forgets every button of a session (it was removed). */
  forgetSession(sessionId: string): void {
    for (const [id, entry] of this.entries) if (entry.sessionId === sessionId) this.entries.delete(id);
  }

  prune(nowMs: number): void {
    for (const [id, entry] of this.entries) if (entry.expiresAt <= nowMs) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  toJSON(): CallbackRegistryJSON {
    return { v: 1, entries: [...this.entries.values()] };
  }

  static fromJSON(value: CallbackRegistryJSON | undefined, newId: () => string, nowMs: number): CallbackRegistry {
    const registry = new CallbackRegistry(newId);
    for (const entry of value?.entries ?? []) {
      if (entry.expiresAt <= nowMs) continue;
      registry.entries.set(entry.id, entry);
      if (!entry.once) registry.stableIds.set(stableKey(entry.sessionId, entry.action), entry.id);
    }
    return registry;
  }

  private put(entry: Omit<CallbackEntry, 'id'>): string {
    let id = this.newId();
    while (this.entries.has(id)) id = this.newId();
    if (new TextEncoder().encode(id).length > 64 || id.length === 0) throw new RangeError('callback id must be 1-64 bytes');
    this.entries.set(id, { ...entry, id });
    if (!entry.once) this.stableIds.set(stableKey(entry.sessionId, entry.action), id);
    // Oldest first: insertion order. Card buttons are refreshed by stable(), so what goes is a long-answered alert.
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return id;
  }

  private dropGroup(group: string | null): void {
    if (group === null) return;
    for (const [id, entry] of this.entries) if (entry.group === group) this.entries.delete(id);
  }
}

function stableKey(sessionId: string, action: CallbackAction): string {
  return `${sessionId}|${JSON.stringify(action)}`;
}
