// The known sessions and their names: lookups by name, alias or id, and the uniqueness rules. Pure data.
import { PocketError } from './errors.js';
import { assertValidName } from './names.js';
import type { SessionRecord } from './sessions.js';

export interface RegistryData {
  nextId: number;
  sessions: SessionRecord[];
}

export class SessionRegistry {
  #nextId: number;
  readonly #byId = new Map<string, SessionRecord>();

  constructor(data: RegistryData = { nextId: 1, sessions: [] }) {
    this.#nextId = data.nextId;
    for (const record of data.sessions) this.#byId.set(record.id, record);
  }

  all(): SessionRecord[] {
    return [...this.#byId.values()];
  }

  get(id: string): SessionRecord | undefined {
    return this.#byId.get(id);
  }

  byPane(paneId: string): SessionRecord | undefined {
    return this.all().find((record) => record.paneId === paneId && record.exitedAt === null);
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

  /** Takes the next id now, for resources (log files) that must be named before the record exists. */
  reserveId(): string {
    return `s${this.#nextId++}`;
  }

  add(fields: Omit<SessionRecord, 'id'>, id = this.reserveId()): SessionRecord {
    const record: SessionRecord = { id, ...fields };
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
