// Which of pocket's sessions a tmux pane is, written on the pane itself (a tmux pane option, see tmux/format.ts).
//
// Pane ids are not identities: a new tmux server (after a reboot, or `kill-server`) numbers its panes from %0 again,
// so a saved `%0` may now be somebody else's shell. A mark lives and dies with its pane, so at start pocket re-attaches
// only to a pane that still carries the mark it set (same home, same session id, same nonce), and a lost or corrupt
// sessions.json is rebuilt from the marks of the panes that still run. The mark carries what a person would miss
// after such a rebuild (name, alias, topic, muted); it is rewritten whenever one of those changes.
import type { PaneInfo } from './ports.js';
import type { SessionRegistry } from './session-registry.js';
import type { SessionRecord } from './sessions.js';
import type { SessionKind } from './status.js';

export interface PaneMark {
  v: 1;
  /** The pocket home that owns the pane: two homes may share a tmux server. */
  home: string;
  id: string;
  /** Random per pane and session: a pane that carries it is the one pocket marked, whatever its %id now. */
  nonce: string;
  name: string;
  alias: string | null;
  kind: SessionKind;
  adopted: boolean;
  createdAt: string;
  command: string;
  topicId: number | null;
  muted: boolean;
}

const KINDS: readonly SessionKind[] = ['tmux', 'codex', 'claude', 'terminal'];

/** The mark of a session's pane; the nonce is the record's own. */
export function paneMarkOf(record: SessionRecord & { nonce: string }, home: string): PaneMark {
  return {
    v: 1,
    home,
    id: record.id,
    nonce: record.nonce,
    name: record.name,
    alias: record.alias,
    kind: record.kind,
    adopted: record.adopted,
    createdAt: record.createdAt,
    command: record.command,
    topicId: record.topicId,
    muted: record.muted,
  };
}

export function encodePaneMark(mark: PaneMark): string {
  return JSON.stringify(mark);
}

/** The mark in a pane option, or null when it is absent, foreign or not one of ours (never throws). */
export function decodePaneMark(text: string | null): PaneMark | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const str = (key: string): boolean => typeof m[key] === 'string';
  const ok =
    m.v === 1 && str('home') && str('id') && str('nonce') && str('name') && str('createdAt') && str('command') &&
    (m.alias === null || str('alias')) &&
    KINDS.includes(m.kind as SessionKind) &&
    typeof m.adopted === 'boolean' && typeof m.muted === 'boolean' &&
    (m.topicId === null || Number.isInteger(m.topicId));
  return ok ? (m as unknown as PaneMark) : null;
}

/** Whether `mark` says the pane is exactly this session of this home. */
export function markMatches(mark: PaneMark | null, record: { id: string; nonce?: string }, home: string): boolean {
  return mark !== null && mark.home === home && mark.id === record.id && mark.nonce === record.nonce;
}

/** A session record rebuilt from a pane's mark (sessions.json was lost): running on that pane. */
export function recordFromMark(mark: PaneMark, paneId: string): SessionRecord & { nonce: string } {
  return {
    id: mark.id,
    nonce: mark.nonce,
    name: mark.name,
    alias: mark.alias,
    kind: mark.kind,
    paneId,
    command: mark.command,
    adopted: mark.adopted,
    createdAt: mark.createdAt,
    topicId: mark.topicId,
    muted: mark.muted,
    exitCode: null,
    exitedAt: null,
  };
}

export type PaneVerdict =
  | { kind: 'ours' }
  | { kind: 'dead'; exitCode: number | null }
  /** Not this session's pane any more: it is exited, and its owner told why. */
  | { kind: 'gone'; why: string };

/**
 * What the pane a saved session points at is now (at start). Sessions saved before marks existed carry no nonce:
 * their pane is taken as theirs only while it has no mark and still pipes output (pocket's pipe outlives the daemon;
 * a new server's pane has none), and is then marked.
 */
export function judgePane(record: { id: string; nonce?: string; paneId: string }, pane: PaneInfo | undefined, home: string): PaneVerdict {
  if (pane === undefined) {
    return { kind: 'gone', why: `its pane ${record.paneId} no longer exists (tmux was restarted, or the pane was closed while pocket was stopped)` };
  }
  const ours = record.nonce === undefined ? pane.mark === null && pane.piped : markMatches(decodePaneMark(pane.mark), record, home);
  if (!ours) {
    return { kind: 'gone', why: `pane ${pane.paneId} now runs something else (tmux was restarted and gave the id to a new pane)` };
  }
  return pane.dead ? { kind: 'dead', exitCode: pane.exitCode } : { kind: 'ours' };
}

export interface Reconciliation {
  /** Sessions the registry had lost (sessions.json gone or broken), rebuilt from their panes' marks. */
  rebuilt: SessionRecord[];
  /** Each session that was running when pocket stopped, with what its pane is now. */
  verdicts: Array<{ record: SessionRecord; verdict: PaneVerdict; pane: PaneInfo | undefined }>;
  /** Every session id found on a pane of this home: none may be given out again. */
  markedIds: string[];
}

/**
 * At start, the saved sessions against the panes tmux has now (one list, not a poll): sessions missing from the
 * registry but marked on a pane of this home are added back (names, aliases, topics, mutes as the mark has them), and
 * every running session is judged by its pane. Adds to `registry`; changes nothing else.
 */
export function reconcileWithPanes(registry: SessionRegistry, panes: readonly PaneInfo[], home: string): Reconciliation {
  const rebuilt: SessionRecord[] = [];
  const markedIds: string[] = [];
  for (const pane of panes) {
    const mark = decodePaneMark(pane.mark);
    if (mark === null || mark.home !== home) continue;
    markedIds.push(mark.id);
    if (registry.get(mark.id) !== undefined) continue;
    const record = recordFromMark(mark, pane.paneId);
    // A name or alias given to another session since (only possible if both were lost and reused) yields.
    const taken = (name: string | null) => name !== null && registry.all().some((r) => r.name === name || r.alias === name);
    if (taken(record.name)) record.name = registry.freeNameFrom(record.name);
    if (taken(record.alias)) record.alias = null;
    rebuilt.push(registry.add(record));
  }
  const byPane = new Map(panes.map((pane) => [pane.paneId, pane]));
  const verdicts = registry
    .all()
    // Agent sessions and mirrored Terminal.app tabs have no pane: nothing here can say they are gone.
    .filter((record) => record.exitedAt === null && record.agent === undefined && record.kind !== 'terminal')
    .map((record) => {
      const pane = byPane.get(record.paneId);
      return { record, verdict: judgePane(record, pane, home), pane };
    });
  return { rebuilt, verdicts, markedIds };
}
