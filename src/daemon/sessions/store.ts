// What the session service keeps on disk: the registry (sessions, aliases, topic bindings) and each session's tail
// position. Positions change with every read, so they are written behind (coalesced) and flushed on stop.
import { z } from 'zod';
import type { RegistryData } from '../../core/session-registry.js';
import type { Logger } from '../../core/ports.js';
import { type JsonStore, jsonStore } from '../../state/json-store.js';
import type { TailPosition } from '../../tmux/pane-log.js';

const recordSchema = z.object({
  id: z.string(),
  name: z.string(),
  alias: z.string().nullable(),
  kind: z.enum(['tmux', 'codex', 'claude', 'terminal']),
  paneId: z.string(),
  command: z.string(),
  adopted: z.boolean(),
  createdAt: z.string(),
  topicId: z.number().nullable(),
  muted: z.boolean(),
  exitCode: z.number().nullable(),
  exitedAt: z.string().nullable(),
  /** Absent in files written before pane marks. */
  nonce: z.string().optional(),
  deadlineAt: z.string().optional(),
  /** Agent sessions only; absent in files written before them. */
  agent: z.object({ cwd: z.string(), agentSessionId: z.string().nullable(), fork: z.boolean(), allowedTools: z.array(z.string()).optional() }).optional(),
});

const registrySchema = z.object({ nextId: z.number().int().positive(), sessions: z.array(recordSchema) });
const positionsSchema = z.record(z.string(), z.object({ file: z.string(), offset: z.number().int().nonnegative() }));
/** Fingerprints of a mirrored tab's last lines (core/tab-mirror.ts lineHash): where a restart picks up. */
const anchorsSchema = z.record(z.string(), z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(8));

export interface SessionStore {
  readRegistry(): RegistryData;
  writeRegistry(data: RegistryData): Promise<void>;
  position(sessionId: string): TailPosition | undefined;
  /** Remembers a position; written within `delayMs`, or at flush. */
  setPosition(sessionId: string, position: TailPosition): void;
  forget(sessionId: string): void;
  /** A mirrored Terminal.app tab's anchor (line fingerprints, never text); undefined when none was saved. */
  tabAnchor(sessionId: string): string[] | undefined;
  /** Remembers a tab's anchor; written within `delayMs`, or at flush. */
  setTabAnchor(sessionId: string, anchor: string[]): void;
  flush(): Promise<void>;
}

export interface SessionStoreOptions {
  /** How long a position waits before it is written (default 200 ms). */
  delayMs?: number;
  /** Told the outcome of every write (see json-store.ts). */
  onWriteResult?: ((error: unknown) => void) | undefined;
}

export function createSessionStore(stateDir: string, log: Logger, options: SessionStoreOptions = {}): SessionStore {
  const { delayMs = 200, onWriteResult } = options;
  // With a last good copy; what even that cannot give back is rebuilt from the panes' marks (core/pane-mark.ts).
  const registry: JsonStore<RegistryData> = jsonStore(`${stateDir}/sessions.json`, registrySchema, () => ({ nextId: 1, sessions: [] }), log, { backup: true, onWriteResult });
  const positionsFile = jsonStore(`${stateDir}/tails.json`, positionsSchema, () => ({}), log, { delayMs, onWriteResult });
  const positions: Record<string, TailPosition> = positionsFile.read();
  const snapshot = (): Record<string, TailPosition> => ({ ...positions });
  const anchorsFile = jsonStore(`${stateDir}/tab-anchors.json`, anchorsSchema, () => ({}), log, { delayMs, onWriteResult });
  const anchors: Record<string, string[]> = anchorsFile.read();
  const anchorSnapshot = (): Record<string, string[]> => ({ ...anchors });

  return {
    readRegistry: () => registry.read(),
    writeRegistry: (data) => registry.write(data),
    position: (id) => positions[id],
    setPosition(id, position) {
      positions[id] = position;
      positionsFile.writeSoon(snapshot);
    },
    forget(id) {
      delete positions[id];
      positionsFile.writeSoon(snapshot);
      void positionsFile.flush();
      if (id in anchors) {
        delete anchors[id];
        anchorsFile.writeSoon(anchorSnapshot);
      }
    },
    tabAnchor: (id) => anchors[id],
    setTabAnchor(id, anchor) {
      anchors[id] = anchor;
      anchorsFile.writeSoon(anchorSnapshot);
    },
    flush: async () => {
      positionsFile.writeSoon(snapshot);
      anchorsFile.writeSoon(anchorSnapshot);
      await Promise.all([positionsFile.flush(), anchorsFile.flush()]);
    },
  };
}
