// Which of pocket's sessions a tmux pane is, written on the pane itself (a tmux pane option, see tmux/format.ts).
//
// Pane ids are not identities: a new tmux server (after a reboot, or `kill-server`) numbers its panes from %0 again,
// so a saved `%0` may now be somebody else's shell. A mark lives and dies with its pane, so at start pocket re-attaches
// only to a pane that still carries the mark it set (same home, same session id, same nonce), and a lost or corrupt
// sessions.json is rebuilt from the marks of the panes that still run. The mark carries what a person would miss
// after such a rebuild (name, alias, topic, muted); it is rewritten whenever one of those changes.
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
