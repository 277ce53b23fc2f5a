// The session records: the registry (core/session-registry.ts) as persisted in .state/ by store.ts, looked up with the
// errors a user reads, and the session events told to whoever subscribed. The service and the kinds of session it
// runs (pane-sessions.ts, tab-sessions.ts) share one; none of them keeps records of its own.
import type { EventEmitter } from 'node:events';
import { PocketError } from '../../core/errors.js';
import { describeWriteError, type Health } from '../../core/health.js';
import type { Clock, Logger } from '../../core/ports.js';
import { SessionRegistry } from '../../core/session-registry.js';
import type { SessionEvent, SessionRecord, SessionView } from '../../core/sessions.js';
import { createSessionStore, type SessionStore } from './store.js';

export interface SessionRecordsOptions {
  stateDir: string;
  log: Logger;
  clock: Clock;
  /** Where a state file that cannot be written is reported (pocket status); none in some tests. */
  health?: Health | undefined;
}

/** What the service gives each kind of session it runs in a terminal (pane-sessions.ts, tab-sessions.ts). */
export interface SessionKindOptions {
  idleMs: number;
  clock: Clock;
  log: Logger;
  /** Told 'changed' whenever something `pocket status` shows may have moved. */
  changes: EventEmitter;
  /** Where a pipe or a Terminal.app that fails is reported (pocket status). */
  health?: Health | undefined;
  records: Pick<SessionRecords, 'registry' | 'store' | 'save' | 'emit' | 'nowIso'>;
  /** The session as shown now. */
  view(sessionId: string): SessionView;
  /** The pane or tab is gone: the service marks the session exited (exitCode null when none is known). */
  markExited(sessionId: string, exitCode: number | null): Promise<void>;
}

export class SessionRecords {
  /** sessions.json, and the tail positions and tab anchors written behind it. */
  readonly store: SessionStore;
  readonly #options: SessionRecordsOptions;
  #registry = new SessionRegistry();
  readonly #listeners = new Set<(event: SessionEvent) => void>();

  constructor(options: SessionRecordsOptions) {
    this.#options = options;
    this.store = createSessionStore(options.stateDir, options.log, { onWriteResult: reportTo(options.health) });
  }

  /** The records as saved (at start): empty until then. */
  load(): void {
    this.#registry = new SessionRegistry(this.store.readRegistry());
  }

  get registry(): SessionRegistry {
    return this.#registry;
  }

  get(sessionId: string): SessionRecord | undefined {
    return this.#registry.get(sessionId);
  }

  /** The session's record; throws SESSION_NOT_FOUND when there is none. */
  existing(sessionId: string): SessionRecord {
    const record = this.#registry.get(sessionId);
    if (!record) throw new PocketError('SESSION_NOT_FOUND', `Session ${sessionId} no longer exists.`, { hint: '/sessions lists them.' });
    return record;
  }

  /** The record of a session that has not exited; throws SESSION_NOT_FOUND or INVALID_INPUT. */
  running(sessionId: string): SessionRecord {
    const record = this.existing(sessionId);
    if (record.exitedAt !== null) {
      throw new PocketError('INVALID_INPUT', `Session ${record.name} has exited (code ${record.exitCode ?? 'unknown'}).`, {
        hint: `/summary ${record.name} shows how it ended; /kill ${record.name} removes it.`,
      });
    }
    return record;
  }

  async save(): Promise<void> {
    await this.store.writeRegistry(this.#registry.toJSON());
  }

  nowIso(): string {
    return new Date(this.#options.clock.now()).toISOString();
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every subscriber; one that throws is logged and the others are told still. */
  emit(event: SessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.log.error('sessions.listener_failed', { type: event.type, error });
      }
    }
  }
}

/** A store's write outcomes as a degraded-state problem (pocket status) under the file's name. */
function reportTo(health: Health | undefined): ((error: unknown) => void) | undefined {
  if (health === undefined) return undefined;
  return (error) => {
    if (error === null) health.clear('state:sessions');
    else health.set('state:sessions', `cannot write .state/sessions.json or tails.json: ${describeWriteError(error)}`);
  };
}
