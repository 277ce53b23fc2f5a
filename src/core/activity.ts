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
// Exact signals (hook()): an agent that reports its own events (Claude Code's hooks, agent-hooks.ts) says when it
// asks and when its turn ends. Asking shortens the settle time to HOOK_QUIET_MS: the screen is read once the pane has
// been quiet that long (at once when it already was), and if the dialog has not reached the screen yet, the output
// that draws it is the question once it pauses that long. `signal` says which of the two, the
// agent's hook or pocket's own reading of the pane (screen rules, timers, the pane's exit), set the current state.
import type { HookMeaning } from './agent-hooks.js';
import { detectPrompt, type PromptMatch } from './output/detect.js';
import type { SessionState } from './status.js';

export const DEFAULT_IDLE_MS = 30_000;
export const DEFAULT_SETTLE_MS = 300;
export const DEFAULT_LOOK_MS = 1_000;
/**
 * After a PermissionRequest hook, how long its word holds for output that follows: the dialog is not on screen yet
 * when the hook arrives. Claude Code 2.1.332 fires the hook first and draws the dialog 0.08-0.6 s later (docs/facts.md;
 * more on a loaded machine), and the hook spool hands the event over within ~20 ms, so the window starts before the
 * dialog; 2 s leaves room for a machine several times slower than the one measured.
 */
export const HOOK_WINDOW_MS = 2_000;
/**
 * With a hook saying the agent asks, how long the pane must be quiet before its screen is read: the chunks of one
 * frame (tmux hands the pipe-pane log a frame in pieces of up to 4 kB; Claude Code's permission dialog is ~8 kB of
 * redraw) arrive within a few ms of each other. Read mid-frame, a dialog drawn up to its second option alerted with
 * two of its four answers, and the rest of the frame then looked like a new screen: the session was running again
 * and a press on the alert was refused (test/core/activity-hooks.test.ts, from the CI run that caught it).
 */
export const HOOK_QUIET_MS = 50;
/**
 * After a turn's end that nothing will follow with a turn's start (Codex's notify, HookMeaning 'ended'): how long
 * output still counts as the end's repaint. Measured with Codex 0.171.0 in tmux: its repaint comes within 30 ms of
 * the notify, and its own title turn retitles the terminal a second or two after a short turn.
 */
export const ENDED_HOLD_MS = 5_000;

/** Where the current state came from: the agent's own hook, or pocket reading the pane. */
export type StateSignal = 'hook' | 'screen';

export interface ActivityOptions {
  /** When the tracker starts, epoch ms. */
  now: number;
  idleMs?: number;
  settleMs?: number;
  /** While output never pauses, look for a prompt at most once per lookMs of it. */
  lookMs?: number;
  detect?: (screen: readonly string[]) => PromptMatch | null;
}

export type ActivityAlert =
  | { kind: 'waiting'; at: number; prompt: PromptMatch }
  | { kind: 'idle'; at: number }
  | { kind: 'exited'; at: number; exitCode: number | null };

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
  readonly #idleMs: number;
  readonly #settleMs: number;
  readonly #lookMs: number;
  readonly #detect: (screen: readonly string[]) => PromptMatch | null;
  #state: SessionState = 'running';
  /** Read only when a prompt is looked for: rendering the screen on every chunk of a flood is wasted work. */
  #screen: () => readonly string[] = () => [];
  #prompt: PromptMatch | null = null;
  /** The screen #prompt was found on, while waiting: output that leaves it as it is changes nothing. */
  #promptScreen: readonly string[] | null = null;
  #exitCode: number | null = null;
  #lastActivityAt: number | null = null;
  /** Look for a prompt on the screen at this time; null when the screen has been looked at. */
  #settleAt: number | null = null;
  /** The pending look comes from a hook (HOOK_QUIET_MS after the pane paused), so what it finds is the hook's. */
  #settleByHook = false;
  /** When output last arrived: a hook's look waits until the pane has been quiet HOOK_QUIET_MS. */
  #lastOutputAt: number | null = null;
  /** While output flows without a pause: when to look at the screen next, and the prompt the last look found. */
  #lookAt: number | null = null;
  #lookedKey: string | null = null;
  #idleAt: number | null;
  /** Idle alerts only follow output, not a quiet start or a keystroke that printed nothing. */
  #outputSinceIdle = false;
  /** The prompt of the current waiting episode that was already alerted. */
  #alerted: string | null = null;
  #signal: StateSignal = 'screen';
  /** A hook said the agent asks: until then, output that shows a prompt is the question, without settling. */
  #askedUntil: number | null = null;
  /**
   * A hook said the turn ended: output (Claude Code repaints its input box and status line after a turn, seconds
   * later too) leaves the session idle until a hook says a turn started, a dialog is up, or pocket types into it.
   */
  #heldIdle = false;
  /** Until when the hold lasts: for ever after 'done', ENDED_HOLD_MS after 'ended'. */
  #heldUntil = Number.POSITIVE_INFINITY;
  /** The hook already told this turn's end: the idle timer that follows its repaint does not tell it again. */
  #idleTold = false;
  /**
   * A hook's request waits for a decision (hookAsk): the session waits at it whatever the screen shows, and the screen's
   * own dialog (drawn after the hook) raises no second alert. `dialogKey` is that dialog's, once seen on screen.
   */
  #hookRequest: { dialogKey: string | null } | null = null;
  /**
   * After a hook's request ended, a prompt on screen is its dialog closing (Claude redraws it part by part: one look
   * found "Do you want to proceed?" without its options, a new key) until a look finds none, or this time passes.
   */
  #dialogClosingUntil: number | null = null;

  constructor(options: ActivityOptions) {
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.#lookMs = options.lookMs ?? DEFAULT_LOOK_MS;
    if (!(this.#settleMs < this.#idleMs)) throw new RangeError('settleMs must be shorter than idleMs');
    this.#detect = options.detect ?? detectPrompt;
    this.#idleAt = options.now + this.#idleMs;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The prompt being waited on, while waiting. */
  get prompt(): PromptMatch | null {
    return this.#state === 'waiting' ? this.#prompt : null;
  }

  get exitCode(): number | null {
    return this.#exitCode;
  }

  get lastActivityAt(): number | null {
    return this.#lastActivityAt;
  }

  get signal(): StateSignal {
    return this.#signal;
  }

  /**
   * The agent's own hook: 'asking' (a permission dialog is up), 'working', or 'done' / 'ended' (its turn ended; 'done'
   * holds idle through the repaints that follow until a turn starts, 'ended' for ENDED_HOLD_MS). Asking with no prompt
   * readable on screen changes nothing yet: the screen rules give the question its exact answers, so the alert waits
   * for the screen, but not for the settle time.
   */
  hook(at: number, meaning: HookMeaning): ActivityUpdate {
    const alerts = this.#advance(at);
    if (this.#state === 'exited') return this.#update(alerts);
    if (meaning === 'done' || meaning === 'ended') {
      this.#askedUntil = null;
      if (this.#state === 'running') {
        if (this.#outputSinceIdle) alerts.push({ kind: 'idle', at });
        this.#becomeIdle();
        this.#signal = 'hook';
        this.#idleTold = true;
        this.#heldIdle = true;
        this.#heldUntil = meaning === 'done' ? Number.POSITIVE_INFINITY : at + ENDED_HOLD_MS;
      }
      return this.#update(alerts);
    }
    this.#heldIdle = false;
    if (meaning === 'working') {
      this.#askedUntil = null;
      if (this.#state !== 'running') {
        this.#state = 'running';
        this.#signal = 'hook';
        this.#prompt = null;
        this.#promptScreen = null;
        this.#idleAt = at + this.#idleMs;
      }
      this.#lastActivityAt = at;
      return this.#update(alerts);
    }
    if (this.#state === 'waiting') return this.#update(alerts);
    this.#askedUntil = at + HOOK_WINDOW_MS;
    const quietSince = this.#lastOutputAt ?? Number.NEGATIVE_INFINITY;
    if (at - quietSince < HOOK_QUIET_MS) {
      // A frame may be arriving in pieces: look once it has all come.
      this.#lookSoon(quietSince + HOOK_QUIET_MS);
      return this.#update(alerts);
    }
    const screen = this.#screen();
    const prompt = this.#detect(screen);
    if (prompt) {
      this.#askedUntil = null;
      this.#wait(at, prompt, screen, alerts, 'hook');
    }
    return this.#update(alerts);
  }

  /**
   * The agent's hook asks and waits for a decision, with its own question and answers (built from its payload, not
   * the screen): waiting at once, with its alert. The dialog it announces is drawn later; while the request is open,
   * output is its drawing (or a repaint) until the dialog, once seen, leaves the screen: answered at the desk.
   */
  hookAsk(at: number, prompt: PromptMatch): ActivityUpdate {
    const alerts = this.#advance(at);
    if (this.#state === 'exited') return this.#update(alerts);
    this.#heldIdle = false;
    this.#askedUntil = null;
    this.#hookRequest = { dialogKey: null };
    this.#wait(at, prompt, this.#screen(), alerts, 'hook');
    this.#promptScreen = null;
    return this.#update(alerts);
  }

  /**
   * The hook's request is over (decided, released, timed out): the session runs on. The dialog still on screen for a
   * moment is the one already alerted, so it raises no second alert.
   */
  hookSettled(at: number): ActivityUpdate {
    const request = this.#hookRequest;
    const alerts = this.#advance(at);
    this.#hookRequest = null;
    if (request === null || this.#state !== 'waiting') return this.#update(alerts);
    this.#state = 'running';
    this.#signal = 'hook';
    this.#prompt = null;
    this.#promptScreen = null;
    this.#alerted = request.dialogKey;
    this.#dialogClosingUntil = at + HOOK_WINDOW_MS;
    this.#lastActivityAt = at;
    this.#settleAt = at + this.#settleMs;
    this.#settleByHook = false;
    this.#idleAt = at + this.#idleMs;
    return this.#update(alerts);
  }

  /** While a hook's request is open: a look at the settled screen for its dialog. */
  #lookForHookDialog(): boolean {
    const request = this.#hookRequest!;
    const prompt = this.#detect(this.#screen());
    if (prompt !== null) {
      request.dialogKey = promptKey(prompt);
      return false;
    }
    return request.dialogKey !== null;
  }

  /** A hook's look at the screen, at `at` or sooner if the settle time already ends before it. */
  #lookSoon(at: number): void {
    if (this.#settleAt !== null && this.#settleAt <= at && !this.#settleByHook) return;
    this.#settleAt = at;
    this.#settleByHook = true;
  }

  /** When tick() next has something to decide; null when nothing will change without a new event. */
  nextDeadline(): number | null {
    if (this.#settleAt === null) return this.#idleAt;
    return this.#idleAt === null ? this.#settleAt : Math.min(this.#settleAt, this.#idleAt);
  }

  /** New output arrived; screen is the visible screen after it (or a way to read the current screen later). */
  output(at: number, screen: readonly string[] | (() => readonly string[])): ActivityUpdate {
    // Unsettled output before this one: the stream has not paused since.
    const flowing = this.#settleAt !== null;
    const alerts = this.#advance(at);
    if (this.#state === 'exited') return this.#update(alerts);
    this.#lastOutputAt = at;
    this.#screen = typeof screen === 'function' ? screen : () => screen;
    if (this.#hookRequest !== null && this.#state === 'waiting') {
      // Read once the frame has all come (a dialog read mid-frame may look gone); not the settle time: Claude's
      // spinner repaints more often than that, and the desk's answer would go unseen until the turn's end.
      this.#settleAt = at + HOOK_QUIET_MS;
      this.#lastActivityAt = at;
      return this.#update(alerts);
    }
    if (this.#state === 'waiting' && this.#stillWaiting()) return this.#update(alerts);
    const asked = this.#askedUntil !== null && at <= this.#askedUntil;
    if (!asked) this.#askedUntil = null;
    if (this.#heldIdle && this.#state === 'idle' && at <= this.#heldUntil) {
      this.#lastActivityAt = at;
      return this.#update(alerts);
    }
    this.#heldIdle = false;
    this.#signal = 'screen';
    this.#state = 'running';
    this.#prompt = null;
    this.#promptScreen = null;
    this.#lastActivityAt = at;
    this.#outputSinceIdle = true;
    this.#settleAt = asked ? at + HOOK_QUIET_MS : at + this.#settleMs;
    this.#settleByHook = asked;
    this.#idleAt = at + this.#idleMs;
    if (!flowing || this.#lookAt === null) {
      this.#lookAt = at + this.#lookMs;
      this.#lookedKey = null;
    } else if (at >= this.#lookAt) {
      // Output that never pauses still gets looked at, at most once per lookMs: the same prompt at two looks in a
      // row is a prompt being redrawn, not one scrolling past.
      this.#lookAt = at + this.#lookMs;
      const screenNow = this.#screen();
      const prompt = this.#detect(screenNow);
      const key = prompt ? promptKey(prompt) : null;
      const closing = this.#dialogClosingUntil !== null && at <= this.#dialogClosingUntil;
      if (prompt && key === this.#lookedKey && !closing) this.#wait(at, prompt, screenNow, alerts, 'screen');
      else this.#lookedKey = key;
    }
    return this.#update(alerts);
  }

  /** Output while waiting: true when the prompt is still what the screen shows (a repaint, a title, a spinner). */
  #stillWaiting(): boolean {
    const screen = this.#screen();
    if (this.#promptScreen !== null && sameLines(screen, this.#promptScreen)) return true;
    const prompt = this.#detect(screen);
    if (prompt === null || this.#prompt === null || promptKey(prompt) !== promptKey(this.#prompt)) return false;
    this.#prompt = prompt;
    this.#promptScreen = screen;
    return true;
  }

  /** A prompt was found on screen: waiting, with an alert unless this episode already had one. */
  #wait(at: number, prompt: PromptMatch, screen: readonly string[], alerts: ActivityAlert[], signal: StateSignal): void {
    this.#state = 'waiting';
    this.#signal = signal;
    this.#idleTold = false;
    this.#prompt = prompt;
    this.#promptScreen = screen;
    this.#settleAt = null;
    this.#lookAt = null;
    this.#idleAt = null;
    const key = promptKey(prompt);
    if (key !== this.#alerted) alerts.push({ kind: 'waiting', at, prompt });
    this.#alerted = key;
  }

  /**
   * The daemon did not run for `ms` (stopped, or its event loop stalled): output may have arrived unseen meanwhile,
   * so that time does not count as quiet. Every pending deadline moves later by `ms`.
   */
  paused(ms: number): void {
    if (!(ms > 0)) return;
    if (this.#settleAt !== null) this.#settleAt += ms;
    if (this.#lookAt !== null) this.#lookAt += ms;
    if (this.#idleAt !== null) this.#idleAt += ms;
  }

  tick(at: number): ActivityUpdate {
    return this.#update(this.#advance(at));
  }

  /** Pocket typed into the session: whatever prompt is on screen counts as answered. */
  input(at: number): ActivityUpdate {
    const alerts = this.#advance(at);
    if (this.#state === 'exited') return this.#update(alerts);
    const hookOpen = this.#hookRequest !== null;
    this.#hookRequest = null;
    this.#lastActivityAt = at;
    this.#alerted = null;
    this.#idleTold = false;
    this.#askedUntil = null;
    this.#heldIdle = false;
    this.#prompt = null;
    this.#promptScreen = null;
    this.#outputSinceIdle = false;
    // The screen still shows the prompt until the program reacts: look again only after new output.
    this.#settleAt = null;
    if (this.#state !== 'running') {
      this.#state = 'running';
      this.#signal = 'screen';
      this.#idleAt = at + this.#idleMs;
    }
    return hookOpen ? { ...this.#update(alerts), hookAnsweredElsewhere: true } : this.#update(alerts);
  }

  exited(at: number, exitCode: number | null): ActivityUpdate {
    if (this.#state === 'exited') return this.#update([]);
    this.#state = 'exited';
    this.#signal = 'screen';
    this.#hookRequest = null;
    this.#exitCode = exitCode;
    this.#prompt = null;
    this.#promptScreen = null;
    this.#settleAt = null;
    this.#lookAt = null;
    this.#idleAt = null;
    return this.#update([{ kind: 'exited', at, exitCode }]);
  }

  #advance(at: number): ActivityAlert[] {
    const alerts: ActivityAlert[] = [];
    if (this.#hookRequest !== null && this.#state === 'waiting') {
      if (this.#settleAt !== null && at >= this.#settleAt) {
        this.#settleAt = null;
        if (this.#lookForHookDialog()) this.#dialogLeft = true;
      }
      return alerts;
    }
    if (this.#settleAt !== null && at >= this.#settleAt) {
      const settledAt = this.#settleAt;
      const byHook = this.#settleByHook && this.#askedUntil !== null;
      this.#settleAt = null;
      this.#settleByHook = false;
      this.#lookAt = null;
      const screen = this.#screen();
      const prompt = this.#detect(screen);
      if (prompt === null || settledAt > (this.#dialogClosingUntil ?? Number.NEGATIVE_INFINITY)) this.#dialogClosingUntil = null;
      if (prompt && this.#dialogClosingUntil !== null) {
        // The decided dialog, closing.
      } else if (prompt) {
        if (byHook) this.#askedUntil = null;
        this.#wait(settledAt, prompt, screen, alerts, byHook ? 'hook' : 'screen');
      } else if (byHook) {
        // The dialog is not on screen yet: the output that draws it comes within the hook's window.
        if (this.#state === 'running') this.#settleAt = settledAt - HOOK_QUIET_MS + this.#settleMs;
      } else {
        // The prompt is gone from the screen: the next one is a new episode even if it reads the same.
        this.#alerted = null;
      }
    }
    if (this.#idleAt !== null && at >= this.#idleAt && this.#state === 'running') {
      if (this.#outputSinceIdle && !this.#idleTold) alerts.push({ kind: 'idle', at: this.#idleAt });
      this.#becomeIdle();
      this.#signal = 'screen';
    }
    return alerts;
  }

  #becomeIdle(): void {
    this.#state = 'idle';
    this.#prompt = null;
    this.#promptScreen = null;
    this.#settleAt = null;
    this.#lookAt = null;
    this.#idleAt = null;
    this.#outputSinceIdle = false;
  }

  /** Set by a look that found the hook request's dialog gone from the screen; reported once by #update. */
  #dialogLeft = false;

  #update(alerts: ActivityAlert[]): ActivityUpdate {
    if (!this.#dialogLeft) return { state: this.#state, alerts };
    this.#dialogLeft = false;
    return { state: this.#state, alerts, hookAnsweredElsewhere: true };
  }
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function promptKey(prompt: PromptMatch): string {
  return JSON.stringify([prompt.ruleId, prompt.question, prompt.answers.map((a) => a.label)]);
}
