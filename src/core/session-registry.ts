// The known sessions and their names: lookups by name, alias or id, and the uniqueness rules. Pure data.
import { PocketError } from './errors.js';
import { assertValidName, freeNameFrom } from './names.js';
import type { AgentRecord, SessionRecord } from './sessions.js';

export interface RegistryData {
  nextId: number;
  sessions: SessionRecord[];
}

/** What a new session starts from; everything else in its record starts empty. */
export interface NewSession {
  id: string;
  name: string;
  paneId: string;
  command: string;
  adopted: boolean;
  createdAt: string;
  /** Random per session: the pane's identity mark carries it (core/pane-mark.ts). */
  nonce: string;
}

/** The one place a SessionRecord is built: a fresh session has no alias, topic, mute or exit yet. */
export function newSessionRecord(start: NewSession): SessionRecord {
  return { ...start, alias: null, kind: 'tmux', topicId: null, muted: false, exitCode: null, exitedAt: null };
}

/** An SDK-backed agent session: no pane, no command line; the agent's folder and conversation id instead. */
export function newAgentRecord(start: { id: string; name: string; kind: 'codex' | 'claude'; createdAt: string; agent: AgentRecord }): SessionRecord {
  return {
    id: start.id, name: start.name, alias: null, kind: start.kind, paneId: '', command: start.kind, adopted: false,
    createdAt: start.createdAt, topicId: null, muted: false, exitCode: null, exitedAt: null, agent: start.agent,
  };
}

/** A mirrored Terminal.app tab (kind `terminal`): its tty where a pane id would be; adopted, never started by pocket. */
export function newTerminalRecord(start: { id: string; name: string; tty: string; command: string; createdAt: string }): SessionRecord {
  return {
    id: start.id, name: start.name, alias: null, kind: 'terminal', paneId: start.tty, command: start.command, adopted: true,
    createdAt: start.createdAt, topicId: null, muted: false, exitCode: null, exitedAt: null,
  };
}

/** The number in a session id (`s12` -> 12), or null for anything else. */
export function sessionIdNumber(id: string): number | null {
  const match = /^s(\d{1,15})$/.exec(id);
  return match ? Number(match[1]) : null;
}

export class SessionRegistry {
  #nextId: number;
  readonly #byId = new Map<string, SessionRecord>();

  constructor(data: RegistryData = { nextId: 1, sessions: [] }) {
    this.#nextId = data.nextId;
    for (const record of data.sessions) this.#byId.set(record.id, record);
    this.skipPast(this.#byId.keys());
  }

  all(): SessionRecord[] {
    return [...this.#byId.values()];
  }

  get(id: string): SessionRecord | undefined {
    return this.#byId.get(id);
  }

  byPane(paneId: string): SessionRecord | undefined {
    return this.all().find((record) => record.paneId === paneId && record.exitedAt === null && record.agent === undefined);
  }

  /** A name, an alias or an id; names win over aliases, aliases over ids. */
  resolve(key: string): SessionRecord {
    const all = this.all();
    const found = all.find((r) => r.name === key) ?? all.find((r) => r.alias === key) ?? this.#byId.get(key);
    if (!found) {
      const known = all.map((r) => r.name).join(', ') || 'none yet';
      throw new PocketError('SESSION_NOT_FOUND', `No session named ${JSON.stringify(key.slice(0, 40))}.`, {
        hint: `Known sessions: ${known}. /sessions lists them.`,
      });
    }
    return found;
  }

  /** Throws when `name` is not valid or is already some session's name or alias. */
  assertFreeName(name: string, what = 'session name', except?: string): string {
    assertValidName(name, what);
    const clash = this.all().find((r) => r.id !== except && (r.name === name || r.alias === name));
    if (clash) {
      throw new PocketError('SESSION_EXISTS', `${JSON.stringify(name)} is already used by session ${clash.name}.`, {
        hint: 'Pick another name.',
      });
    }
    return name;
  }

  /** A free name derived from `raw` (an adopted pane's `session-window-pane`); no name or alias uses it yet. */
  freeNameFrom(raw: string): string {
    const taken = new Set(this.all().flatMap((r) => [r.name, r.alias]));
    return freeNameFrom(raw, (name) => taken.has(name));
  }

  /** Takes the next id now, for resources (log files) that must be named before the record exists. */
  reserveId(): string {
    return `s${this.#nextId++}`;
  }

  /**
   * Ids are never reused, even when sessions.json was lost: every id still in use somewhere (a pane's mark, a pane
   * log's file name) moves the next id past it, so a new session can never read an old pane's log.
   */
  skipPast(ids: Iterable<string>): void {
    for (const id of ids) {
      const n = sessionIdNumber(id);
      if (n !== null && n >= this.#nextId) this.#nextId = n + 1;
    }
  }

  add(record: SessionRecord): SessionRecord {
    this.#byId.set(record.id, record);
    return record;
  }

  update(id: string, patch: Partial<Omit<SessionRecord, 'id'>>): SessionRecord {
    const current = this.#byId.get(id);
    if (!current) throw new PocketError('SESSION_NOT_FOUND', `Session ${id} no longer exists.`);
    const next = { ...current, ...patch };
    this.#byId.set(id, next);
    return next;
  }

  remove(id: string): void {
    this.#byId.delete(id);
  }

  toJSON(): RegistryData {
    return { nextId: this.#nextId, sessions: this.all() };
  }
}
