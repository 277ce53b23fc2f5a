// A session's state from what happens to it: output, input, time passing, exit. Pure: the caller feeds events with
// timestamps, arms one timer for nextDeadline() and sends the alerts it gets back.
//
// running: output is flowing. waiting: a prompt is on screen and output has paused for settleMs (a prompt seen
// mid-stream is not one yet), or output never pauses but the same prompt was on screen at two looks lookMs apart (a
// TUI redrawing a spinner or a counter beside its prompt). idle: quiet for idleMs. exited: final. While waiting,
// output that leaves the same prompt on screen (Codex CLI rewrites its window title every second at an approval)
// keeps the session waiting; anything else makes it running again. Each alert is raised once per episode: a TUI
// repainting the same prompt does not alert again; the same prompt after the person answered does.
//
// Exact signals (hook(), hookAsk(), hookSettled(): activity-hook-signals.ts): an agent that reports its own events
// says when it asks and when its turn ends. `signal` says which of the two, the agent's hook or pocket's own reading
// of the pane (screen rules, timers, the pane's exit), set the current state. What the tracker remembers between
// events, and the steps they share, are in activity-memory.ts; how long it lets things take, in activity-timing.ts.
import { hookAsked, hookRequestSettled, hookSaid } from './activity-hook-signals.js';
import { type ActivityAlert, type ActivityMemory, type ActivityOptions, advance, promptKey, type StateSignal, sameLines, startMemory, wait } from './activity-memory.js';
import { HOOK_QUIET_MS } from './activity-timing.js';
import type { HookMeaning } from './hook-events.js';
import type { PromptMatch } from './output/detect.js';
import type { SessionState } from './status.js';

export type { ActivityAlert, ActivityOptions, StateSignal } from './activity-memory.js';
export { DEFAULT_IDLE_MS, DEFAULT_LOOK_MS, DEFAULT_SETTLE_MS, ENDED_HOLD_MS, HOOK_QUIET_MS, HOOK_WINDOW_MS } from './activity-timing.js';

export interface ActivityUpdate {
  state: SessionState;
  alerts: ActivityAlert[];
  /**
   * The hook's request (hookAsk) is over some other way than its decision: its dialog left the screen, or pocket
   * typed into the pane. The caller releases the waiting hook.
   */
  hookAnsweredElsewhere?: true;
}

export class ActivityTracker {
  readonly #m: ActivityMemory;

  constructor(options: ActivityOptions) {
    this.#m = startMemory(options);
  }

  get state(): SessionState {
    return this.#m.state;
  }

  /** The prompt being waited on, while waiting. */
  get prompt(): PromptMatch | null {
    return this.#m.state === 'waiting' ? this.#m.prompt : null;
  }

  get exitCode(): number | null {
    return this.#m.exitCode;
  }

  get lastActivityAt(): number | null {
    return this.#m.lastActivityAt;
  }

  get signal(): StateSignal {
    return this.#m.signal;
  }

  /** The agent's own hook: 'asking', 'working', 'done' or 'ended' (activity-hook-signals.ts hookSaid). */
  hook(at: number, meaning: HookMeaning): ActivityUpdate {
    return this.#update(hookSaid(this.#m, at, meaning));
  }

  /** The agent's hook asks and waits for a decision, with its own prompt: waiting at once (hookAsked). */
  hookAsk(at: number, prompt: PromptMatch): ActivityUpdate {
    return this.#update(hookAsked(this.#m, at, prompt));
  }

  /** The hook's request is over (decided, released, timed out): the session runs on (hookRequestSettled). */
  hookSettled(at: number): ActivityUpdate {
    return this.#update(hookRequestSettled(this.#m, at));
  }

  /** When tick() next has something to decide; null when nothing will change without a new event. */
  nextDeadline(): number | null {
    const m = this.#m;
    if (m.settleAt === null) return m.idleAt;
    return m.idleAt === null ? m.settleAt : Math.min(m.settleAt, m.idleAt);
  }

  /** New output arrived; screen is the visible screen after it (or a way to read the current screen later). */
  output(at: number, screen: readonly string[] | (() => readonly string[])): ActivityUpdate {
    const m = this.#m;
    // Unsettled output before this one: the stream has not paused since.
    const flowing = m.settleAt !== null;
    const alerts = advance(m, at);
    if (m.state === 'exited') return this.#update(alerts);
    m.lastOutputAt = at;
    m.screen = typeof screen === 'function' ? screen : () => screen;
    if (m.hookRequest !== null && m.state === 'waiting') {
      // Read once the frame has all come (a dialog read mid-frame may look gone); not the settle time: Claude's
      // spinner repaints more often than that, and the desk's answer would go unseen until the turn's end.
      m.settleAt = at + HOOK_QUIET_MS;
      m.lastActivityAt = at;
      return this.#update(alerts);
    }
    if (m.state === 'waiting' && this.#stillWaiting()) return this.#update(alerts);
    const asked = m.askedUntil !== null && at <= m.askedUntil;
    if (!asked) m.askedUntil = null;
    if (m.heldIdle && m.state === 'idle' && at <= m.heldUntil) {
      m.lastActivityAt = at;
      return this.#update(alerts);
    }
    m.heldIdle = false;
    m.signal = 'screen';
    m.state = 'running';
    m.prompt = null;
    m.promptScreen = null;
    m.lastActivityAt = at;
    m.outputSinceIdle = true;
    m.settleAt = asked ? at + HOOK_QUIET_MS : at + m.settleMs;
    m.settleByHook = asked;
    m.idleAt = at + m.idleMs;
    if (!flowing || m.lookAt === null) {
      m.lookAt = at + m.lookMs;
      m.lookedKey = null;
    } else if (at >= m.lookAt) {
      // Output that never pauses still gets looked at, at most once per lookMs: the same prompt at two looks in a
      // row is a prompt being redrawn, not one scrolling past.
      m.lookAt = at + m.lookMs;
      const screenNow = m.screen();
      const prompt = m.detect(screenNow);
      const key = prompt ? promptKey(prompt) : null;
      const closing = m.dialogClosingUntil !== null && at <= m.dialogClosingUntil;
      if (prompt && key === m.lookedKey && !closing) wait(m, at, prompt, screenNow, alerts, 'screen');
      else m.lookedKey = key;
    }
    return this.#update(alerts);
  }

  /** Output while waiting: true when the prompt is still what the screen shows (a repaint, a title, a spinner). */
  #stillWaiting(): boolean {
    const m = this.#m;
    const screen = m.screen();
    if (m.promptScreen !== null && sameLines(screen, m.promptScreen)) return true;
    const prompt = m.detect(screen);
    if (prompt === null || m.prompt === null || promptKey(prompt) !== promptKey(m.prompt)) return false;
    m.prompt = prompt;
    m.promptScreen = screen;
    return true;
  }

  /**
   * The daemon did not run for `ms` (stopped, or its event loop stalled): output may have arrived unseen meanwhile,
   * so that time does not count as quiet. Every pending deadline moves later by `ms`.
   */
  paused(ms: number): void {
    if (!(ms > 0)) return;
    const m = this.#m;
    if (m.settleAt !== null) m.settleAt += ms;
    if (m.lookAt !== null) m.lookAt += ms;
    if (m.idleAt !== null) m.idleAt += ms;
  }

  tick(at: number): ActivityUpdate {
    return this.#update(advance(this.#m, at));
  }

  /**
   * Pocket typed into the session (the keys went from `typedAt` on): whatever prompt is on screen counts as answered.
   * Output that came since the keys went is the program's answer to them already (a command typed into a shell that
   * asks at once: `rm -i`, `read -p`), read before the typing call returned: it is looked at once it settles. Not
   * when a prompt was answered: that prompt is still on screen until the program reacts.
   */
  input(at: number, typedAt: number = at): ActivityUpdate {
    const m = this.#m;
    const alerts = advance(m, at);
    if (m.state === 'exited') return this.#update(alerts);
    const answeredAlready = m.state !== 'waiting' && m.lastOutputAt !== null && m.lastOutputAt >= typedAt;
    const hookOpen = m.hookRequest !== null;
    m.hookRequest = null;
    m.lastActivityAt = at;
    m.alerted = null;
    m.idleTold = false;
    m.askedUntil = null;
    m.heldIdle = false;
    m.prompt = null;
    m.promptScreen = null;
    m.outputSinceIdle = false;
    // The screen still shows the prompt until the program reacts: look again only after new output.
    m.settleAt = answeredAlready ? Math.max(at, m.lastOutputAt! + m.settleMs) : null;
    if (m.state !== 'running') {
      m.state = 'running';
      m.signal = 'screen';
      m.idleAt = at + m.idleMs;
    }
    return hookOpen ? { ...this.#update(alerts), hookAnsweredElsewhere: true } : this.#update(alerts);
  }

  exited(at: number, exitCode: number | null): ActivityUpdate {
    const m = this.#m;
    if (m.state === 'exited') return this.#update([]);
    m.state = 'exited';
    m.signal = 'screen';
    m.hookRequest = null;
    m.exitCode = exitCode;
    m.prompt = null;
    m.promptScreen = null;
    m.settleAt = null;
    m.lookAt = null;
    m.idleAt = null;
    return this.#update([{ kind: 'exited', at, exitCode }]);
  }

  /** The state after an event, with the hook request's dialog leaving the screen (advance) reported once. */
  #update(alerts: ActivityAlert[]): ActivityUpdate {
    const m = this.#m;
    if (!m.dialogLeft) return { state: m.state, alerts };
    m.dialogLeft = false;
    return { state: m.state, alerts, hookAnsweredElsewhere: true };
  }
}
