// One running terminal session inside the daemon (a tmux pane, or a mirrored Terminal.app tab): raw output bytes ->
// terminal text -> activity state, with one timer for the state machine's next deadline instead of any polling.
import type { HookMeaning } from '../../core/agent-hooks.js';
import { ActivityTracker, type ActivityUpdate, type StateSignal } from '../../core/activity.js';
import type { Clock } from '../../core/ports.js';
import type { PromptMatch } from '../../core/output/detect.js';
import type { ScreenSnapshot } from '../../core/screen.js';
import { TerminalRenderer } from '../../terminal/terminal.js';
import type { AlertKind, FullScreen, PromptView, SessionEvent, SessionView } from '../../core/sessions.js';
import type { SessionState } from '../../core/status.js';
import type { StallClock } from '../stall-watch.js';

export interface LiveSessionEvents {
  output(lines: string[], at: number): void;
  /** The screen of a full-screen program (alternate screen) changed, or the program left it. */
  screen(): void;
  state(state: SessionState, previous: SessionState, at: number): void;
  alert(kind: AlertKind, at: number): void;
}

/** What the pane and tab followers are given to report the sessions they follow. */
export interface SessionReporting {
  idleMs: number;
  clock: Clock;
  /** Told 'changed' whenever something `pocket status` shows may have moved. */
  changes: { emit(event: 'changed'): unknown };
  /** Where output, state changes and alerts go. */
  emit(event: SessionEvent): void;
  /** The session as shown now, for the events that carry it. */
  view(sessionId: string): SessionView;
}

/**
 * The LiveSession of a followed pane or tab, at its size, its events reported as session events. `stalls`: the time
 * the daemon did not run (stall-watch.ts), which the pane follower watches; the tab follower gives none.
 */
export function reportingLiveSession(
  sessionId: string,
  size: { cols: number; rows: number },
  to: SessionReporting,
  stalls?: StallClock,
): LiveSession {
  return new LiveSession({ ...size, idleMs: to.idleMs, clock: to.clock, stalls, events: sessionEventsFor(sessionId, to) });
}

/** A live session's events as session events; `changes` is told of state changes (`pocket status` shows them). */
function sessionEventsFor(sessionId: string, to: SessionReporting): LiveSessionEvents {
  const { emit, view, changes } = to;
  return {
    output: (lines, at) => emit({ type: 'output', sessionId, lines, at }),
    // The card shows the screen of a full-screen program (the view carries it): redraw it as the screen changes.
    screen: () => emit({ type: 'updated', session: view(sessionId) }),
    state: (_state, previous, at) => {
      emit({ type: 'state', session: view(sessionId), previous, at });
      changes.emit('changed');
    },
    alert: (kind, at) => emit({ type: 'alert', session: view(sessionId), kind, at }),
  };
}

export interface LiveSessionOptions {
  cols: number;
  rows: number;
  idleMs: number;
  settleMs?: number;
  clock: Clock;
  events: LiveSessionEvents;
  /** Time the daemon did not run, which must not count as the pane being quiet (see stall-watch.ts). */
  stalls?: StallClock;
}

/**
 * After the daemon was not running, deadlines move by that time plus this much, so that the pane log watchers read
 * what the panes printed meanwhile before anything is judged quiet (the events queued while stopped are handled
 * within milliseconds of resuming; a second leaves room on a loaded machine).
 */
const RESUME_GRACE_MS = 1_000;

export class LiveSession {
  readonly renderer: TerminalRenderer;
  readonly #tracker: ActivityTracker;
  readonly #clock: Clock;
  readonly #events: LiveSessionEvents;
  readonly #stalls: StallClock | undefined;
  #timer: NodeJS.Timeout | undefined;
  #disposed = false;
  #wasFullScreen = false;
  /** Waiting for the pane's next output (outputSoon). */
  readonly #outputWaiters = new Set<() => void>();

  constructor(options: LiveSessionOptions) {
    this.renderer = new TerminalRenderer({ cols: Math.max(options.cols, 20), rows: Math.max(options.rows, 5) });
    this.#clock = options.clock;
    this.#events = options.events;
    this.#stalls = options.stalls;
    this.#tracker = new ActivityTracker({
      now: options.clock.now(),
      idleMs: options.idleMs,
      settleMs: Math.min(options.settleMs ?? 300, options.idleMs - 1),
    });
    this.#schedule();
  }

  get state(): SessionState {
    return this.#tracker.state;
  }

  get lastActivityAt(): number | null {
    return this.#tracker.lastActivityAt;
  }

  get signal(): StateSignal {
    return this.#tracker.signal;
  }

  get prompt(): PromptView | null {
    return toPromptView(this.#tracker.prompt);
  }

  get fullScreen(): FullScreen | null {
    return this.renderer.alternateScreen ? { lines: this.screenLines(), cursorRow: this.renderer.cursorRow } : null;
  }

  /** The last `count` lines of output; a full-screen program's screen instead, as its lines are not a history. */
  tailLines(count: number): string[] {
    return this.renderer.alternateScreen ? withoutTrailingBlanks(this.renderer.screen()) : this.renderer.lines(count);
  }

  /** The visible screen cell by cell (/screen). */
  snapshot(): ScreenSnapshot {
    return this.renderer.snapshot();
  }

  /** The visible screen without the empty rows below the last text. */
  screenLines(): string[] {
    return withoutTrailingBlanks(this.renderer.screen());
  }

  /** Rebuilds the screen from output that was already reported before a restart, without reporting it again. */
  replay(bytes: Uint8Array): void {
    this.renderer.write(bytes);
    this.renderer.takeNewLines();
  }

  /** Synchronous: the pane tail's read buffer is only lent for the call (see PaneLogTail's onData). */
  feed(bytes: Uint8Array): void {
    if (this.#disposed) return;
    for (const waiter of this.#outputWaiters) waiter();
    // The terminal keeps a bounded history: a large read fed whole would push lines out before they are taken.
    let lines: string[] = [];
    for (const slice of slicesByLines(bytes, LINES_PER_SLICE)) {
      this.renderer.write(slice);
      const taken = this.renderer.takeNewLines();
      lines = lines.length === 0 ? taken : lines.concat(taken);
    }
    const at = this.#clock.now();
    if (lines.length > 0) this.#events.output(lines, at);
    const fullScreen = this.renderer.alternateScreen;
    if (fullScreen || this.#wasFullScreen) this.#events.screen();
    this.#wasFullScreen = fullScreen;
    this.#apply(this.#tracker.output(at, () => this.renderer.screen()));
  }

  /** Pocket typed into the session; `typedAt`: when the keys started to go (see ActivityTracker.input). */
  input(typedAt?: number): void {
    const now = this.#clock.now();
    this.#apply(this.#tracker.input(now, typedAt ?? now));
  }

  /** The agent's own hook said it asks (a dialog is up) or its turn ended: see ActivityTracker.hook. */
  hook(meaning: HookMeaning): void {
    if (this.#disposed) return;
    this.#apply(this.#tracker.hook(this.#clock.now(), meaning));
  }

  /**
   * The agent's hook asks and waits for a decision (ActivityTracker.hookAsk); `answeredElsewhere` runs once if the
   * request ends another way first (its dialog left the screen, pocket typed into the pane).
   */
  hookAsk(prompt: PromptMatch, answeredElsewhere: () => void): void {
    if (this.#disposed) return;
    this.#answeredElsewhere = answeredElsewhere;
    this.#apply(this.#tracker.hookAsk(this.#clock.now(), prompt));
  }

  /** The hook's request is over: the session runs on (ActivityTracker.hookSettled). */
  hookSettled(): void {
    this.#answeredElsewhere = null;
    if (this.#disposed) return;
    this.#apply(this.#tracker.hookSettled(this.#clock.now()));
  }

  #answeredElsewhere: (() => void) | null = null;

  exited(exitCode: number | null): void {
    this.#apply(this.#tracker.exited(this.#clock.now(), exitCode));
  }

  /**
   * Resolves at the pane's next output, or after `timeoutMs` without any (true when output came). Output is seen
   * when pocket reads the pane log: ~20 ms after tmux wrote it (docs/facts.md).
   */
  outputSoon(timeoutMs: number): Promise<boolean> {
    if (this.#disposed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (came: boolean): void => {
        clearTimeout(timer);
        this.#outputWaiters.delete(waiter);
        resolve(came);
      };
      const waiter = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#outputWaiters.add(waiter);
    });
  }

  dispose(): void {
    for (const waiter of this.#outputWaiters) waiter();
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.renderer.dispose();
  }

  #apply(update: ActivityUpdate): void {
    const previous = this.#lastState;
    this.#lastState = update.state;
    const at = this.#clock.now();
    if (update.state !== previous) this.#events.state(update.state, previous, at);
    for (const alert of update.alerts) this.#events.alert(alert.kind, alert.at);
    this.#schedule();
    if (update.hookAnsweredElsewhere === true) {
      const answered = this.#answeredElsewhere;
      this.#answeredElsewhere = null;
      answered?.();
    }
  }

  #lastState: SessionState = 'running';

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = this.#tracker.nextDeadline();
    if (deadline === null || this.#disposed) return;
    const armedAt = this.#clock.now();
    const stalledBefore = this.#stalls?.stalledMs(armedAt) ?? 0;
    this.#timer = setTimeout(() => {
      const now = this.#clock.now();
      const notRunning = (this.#stalls?.stalledMs(now) ?? 0) - stalledBefore;
      if (notRunning > 0) {
        this.#tracker.paused(notRunning + RESUME_GRACE_MS);
        this.#schedule();
        return;
      }
      this.#apply(this.#tracker.tick(now));
    }, Math.max(0, deadline - armedAt));
    this.#timer.unref();
  }
}

/** Well under the renderer's scrollback (2000 rows), so no line scrolls away between two takes. */
const LINES_PER_SLICE = 500;

/** Cuts bytes after every `maxLines`-th newline; wrapped long lines are bounded by the byte cap. */
export function* slicesByLines(bytes: Uint8Array, maxLines: number, maxBytes = 64 * 1024): Generator<Uint8Array> {
  let start = 0;
  while (start < bytes.length) {
    let end = start;
    let newlines = 0;
    const limit = Math.min(bytes.length, start + maxBytes);
    while (end < limit && newlines < maxLines) {
      const next = bytes.indexOf(0x0a, end);
      if (next === -1 || next >= limit) {
        end = limit;
        break;
      }
      end = next + 1;
      newlines++;
    }
    yield bytes.subarray(start, end);
    start = end;
  }
}

function withoutTrailingBlanks(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}

function toPromptView(match: PromptMatch | null): PromptView | null {
  if (match === null) return null;
  const program = match.program === undefined ? {} : { program: match.program };
  return { ruleId: match.ruleId, question: match.question, answers: match.secret ? [] : match.answers, secret: match.secret, ...program };
}
