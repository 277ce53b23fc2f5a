// Mirroring a Terminal.app tab into a session's headless terminal (the same one a tmux pane feeds). Terminal's
// scripting interface gives text, not a byte stream: each poll returns the tab's visible rows (`contents`), and on
// demand the end of its scrollback (`history`). This module compares a poll with the one before and says which bytes
// to write into the headless terminal so that it shows what the tab shows and completes only the lines that are new:
// then cards, /tail, /summary, /screen and prompt detection read a tab exactly as they read a pane. Pure.
//
// How a poll is placed after the previous one: the previous screen's last complete lines (the anchor) are looked for
// in the new screen, at their latest position; what follows them is new. The last line of a screen may still be
// changing (a prompt being typed at), so it is always rewritten in place (CR, erase line), never completed early.
// - The anchor is not on the new screen (more than a screenful scrolled between two polls): the caller reads the
//   history and the anchor is looked for there.
// - Not in the history either, while a program runs in the tab (`busy`): a full-screen program repainted the screen
//   (vim, top, less). The mirror enters the headless terminal's alternate screen and repaints it, as the tab would;
//   when the program ends the normal screen comes back and the anchor is found again.
// - Not there and nothing runs: the screen was cleared (`clear`, Cmd-K); the new screen is all new.
// Repeated identical lines make the anchor ambiguous: the latest position assumes the least new output, so a line is
// at worst not reported, never reported twice.

/** One poll of a tab. */
export interface TabPoll {
  /** The visible rows as Terminal returns them (`contents`): lines joined by LF, blank rows at the bottom. */
  contents: string;
  /** A process other than the login shell runs in the tab (Terminal's `busy`). */
  busy: boolean;
}

/** The end of the tab's scrollback (`history`), cut to a size: `truncated` when its first line may be partial. */
export interface TabHistory {
  text: string;
  truncated: boolean;
}

export interface MirrorState {
  /** The normal screen last mirrored, as lines (trailing blank rows dropped). */
  lines: string[];
  /** The full-screen program's screen last painted, while one runs; null otherwise. */
  fullScreen: string[] | null;
}

export type MirrorStep =
  /** `bytes` (possibly empty) go into the headless terminal; `state` replaces the previous one. */
  | { kind: 'write'; bytes: string; state: MirrorState; how: 'append' | 'history' | 'repaint' | 'cleared' | 'skipped' }
  /** The anchor is not on the screen: call again with the tab's history. */
  | { kind: 'need-history' };

/** Complete lines that must match to place a poll; fewer when the previous screen had fewer. */
const ANCHOR_LINES = 3;

const ENTER_ALTERNATE = '\x1b[?1049h';
const LEAVE_ALTERNATE = '\x1b[?1049l';
const HOME_AND_CLEAR = '\x1b[H\x1b[2J';
const REWRITE_LINE = '\r\x1b[K';

export const EMPTY_MIRROR: MirrorState = { lines: [], fullScreen: null };

/** Terminal's text as lines: CR LF and CR normalised, control characters (ESC above all) removed, blank rows dropped. */
export function screenLines(text: string): string[] {
  // Terminal's text has no escape sequences; one that appeared anyway must not drive the headless terminal.
  const lines = text.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').split('\n').map((line) => line.trimEnd());
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  return lines.slice(0, end);
}

/** What the headless terminal starts from when a tab is adopted (or re-found after a restart): its history. */
export function startMirror(history: TabHistory, poll: TabPoll): { bytes: string; state: MirrorState } {
  const lines = historyLines(history);
  return { bytes: lines.join('\r\n'), state: { lines: screenLines(poll.contents), fullScreen: null } };
}

export function mirrorStep(state: MirrorState, poll: TabPoll, history?: TabHistory): MirrorStep {
  const screen = screenLines(poll.contents);
  let prefix = '';
  if (state.fullScreen !== null) {
    if (poll.busy) {
      if (sameLines(screen, state.fullScreen)) return { kind: 'write', bytes: '', state, how: 'repaint' };
      return { kind: 'write', bytes: HOME_AND_CLEAR + screen.join('\r\n'), state: { ...state, fullScreen: screen }, how: 'repaint' };
    }
    // The program ended: the tab shows its normal screen again, placed after the normal lines as usual.
    prefix = LEAVE_ALTERNATE;
    state = { ...state, fullScreen: null };
  }
  const onScreen = findAfterAnchor(state.lines, screen);
  if (onScreen !== null) return { kind: 'write', bytes: prefix + newPart(state.lines, screen, onScreen), state: { lines: screen, fullScreen: null }, how: 'append' };
  if (history === undefined) return { kind: 'need-history' };
  const scrollback = historyLines(history);
  const inHistory = findAfterAnchor(state.lines, scrollback);
  if (inHistory !== null) {
    return { kind: 'write', bytes: prefix + newPart(state.lines, scrollback, inHistory), state: { lines: screen, fullScreen: null }, how: 'history' };
  }
  if (history.truncated) {
    // More output than the history read holds came since the last poll: what was read is new, the rest is lost.
    return { kind: 'write', bytes: `${prefix}\r\n${scrollback.join('\r\n')}`, state: { lines: screen, fullScreen: null }, how: 'skipped' };
  }
  if (poll.busy && prefix === '') {
    return {
      kind: 'write',
      bytes: ENTER_ALTERNATE + HOME_AND_CLEAR + screen.join('\r\n'),
      state: { lines: state.lines, fullScreen: screen },
      how: 'repaint',
    };
  }
  // Cleared: the line the cursor was on is complete, and everything now on the screen is new.
  const previous = state.lines.length === 0 ? '' : '\r\n';
  return { kind: 'write', bytes: prefix + previous + screen.join('\r\n'), state: { lines: screen, fullScreen: null }, how: 'cleared' };
}

/**
 * Where the previous screen's last (partial) line continues in `lines`: the index after the latest occurrence of
 * its last complete lines. 0 when it had no complete line; null when the anchor is not there.
 */
export function findAfterAnchor(previous: readonly string[], lines: readonly string[]): number | null {
  const complete = Math.max(0, previous.length - 1);
  const size = Math.min(ANCHOR_LINES, complete);
  if (size === 0) return 0;
  return findSequenceEnd(previous.slice(complete - size, complete), lines);
}

/** The index after the latest occurrence of `sequence` in `lines`; null when it does not occur. */
function findSequenceEnd(sequence: readonly string[], lines: readonly string[]): number | null {
  for (let end = lines.length; end >= sequence.length; end--) {
    let match = true;
    for (let i = 0; i < sequence.length && match; i++) match = lines[end - sequence.length + i] === sequence[i];
    if (match) return end;
  }
  return null;
}

/**
 * A line's fingerprint (two 32-bit FNV-1a variants): what pocket keeps on disk to find its place in a tab after a
 * restart. Never the text: a tab's output is not written to disk.
 */
export function lineHash(line: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Where a restart picks up: the fingerprints of the last complete lines mirrored (none before the first). */
export function mirrorAnchor(state: MirrorState): string[] {
  const complete = Math.max(0, state.lines.length - 1);
  return state.lines.slice(Math.max(0, complete - ANCHOR_LINES), complete).map(lineHash);
}

/**
 * After a restart: the history up to the saved anchor rebuilds the screen without being reported (it was reported
 * before), and what the tab printed after it, while pocket was stopped, is new output. Null when the anchor is no
 * longer in the history (cleared, or scrolled past what was read): then the tab starts over as if just adopted.
 */
export function resumeMirror(history: TabHistory, poll: TabPoll, anchor: readonly string[]): { replay: string; fresh: string; state: MirrorState } | null {
  if (anchor.length === 0) return null;
  const lines = historyLines(history);
  const at = findSequenceEnd(anchor, lines.map(lineHash));
  if (at === null) return null;
  // The anchor lines are completed in the replay; the line the cursor was on, and everything after, is fresh.
  return { replay: `${lines.slice(0, at).join('\r\n')}\r\n`, fresh: lines.slice(at).join('\r\n'), state: { lines: screenLines(poll.contents), fullScreen: null } };
}

/** The bytes that turn the previous screen's last line into `lines[from]` and add what follows it. */
function newPart(previous: readonly string[], lines: readonly string[], from: number): string {
  const rest = lines.slice(from);
  const partial = previous.length === 0 ? undefined : previous[previous.length - 1];
  if (rest.length === 0) return partial === undefined || partial === '' ? '' : REWRITE_LINE;
  if (rest.length === 1 && rest[0] === partial) return '';
  return REWRITE_LINE + rest.join('\r\n');
}

function historyLines(history: TabHistory): string[] {
  const lines = screenLines(history.text);
  // A history cut to size may start inside a line: that piece is not a line of its own.
  return history.truncated ? lines.slice(1) : lines;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
