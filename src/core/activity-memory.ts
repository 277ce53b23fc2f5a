// What the activity tracker (activity.ts) remembers between events, as plain data, and the steps every kind of event
// shares: time passing (the settle look, the idle timer), finding a prompt (waiting, with one alert an episode), going
// idle. The events themselves are the tracker's (output, input, exit) and activity-hook-signals.ts's (the agent's own
// hooks); each takes this memory and changes it in place.
import { DEFAULT_IDLE_MS, DEFAULT_LOOK_MS, DEFAULT_SETTLE_MS, HOOK_QUIET_MS } from './activity-timing.js';
import { detectPrompt, type PromptMatch } from './output/detect.js';
import type { SessionState } from './status.js';

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

export interface ActivityMemory {
  readonly idleMs: number;
  readonly settleMs: number;
  readonly lookMs: number;
  readonly detect: (screen: readonly string[]) => PromptMatch | null;
  state: SessionState;
  /** Read only when a prompt is looked for: rendering the screen on every chunk of a flood is wasted work. */
  screen: () => readonly string[];
  prompt: PromptMatch | null;
  /** The screen `prompt` was found on, while waiting: output that leaves it as it is changes nothing. */
  promptScreen: readonly string[] | null;
  exitCode: number | null;
  lastActivityAt: number | null;
  /** Look for a prompt on the screen at this time; null when the screen has been looked at. */
  settleAt: number | null;
  /** The pending look comes from a hook (HOOK_QUIET_MS after the pane paused), so what it finds is the hook's. */
  settleByHook: boolean;
  /** When output last arrived: a hook's look waits until the pane has been quiet HOOK_QUIET_MS. */
  lastOutputAt: number | null;
  /** While output flows without a pause: when to look at the screen next, and the prompt the last look found. */
  lookAt: number | null;
  lookedKey: string | null;
  idleAt: number | null;
  /** Idle alerts only follow output, not a quiet start or a keystroke that printed nothing. */
  outputSinceIdle: boolean;
  /** The prompt of the current waiting episode that was already alerted. */
  alerted: string | null;
  signal: StateSignal;
  /** A hook said the agent asks: until then, output that shows a prompt is the question, without settling. */
  askedUntil: number | null;
  /**
   * A hook said the turn ended: output (Claude Code repaints its input box and status line after a turn, seconds
   * later too) leaves the session idle until a hook says a turn started, a dialog is up, or pocket types into it.
   */
  heldIdle: boolean;
  /** Until when the hold lasts: for ever after 'done', ENDED_HOLD_MS after 'ended'. */
  heldUntil: number;
  /** The hook already told this turn's end: the idle timer that follows its repaint does not tell it again. */
  idleTold: boolean;
  /**
   * A hook's request waits for a decision (hookAsk): the session waits at it whatever the screen shows, and the screen's
   * own dialog (drawn after the hook) raises no second alert. `dialogKey` is that dialog's, once seen on screen.
   */
  hookRequest: { dialogKey: string | null } | null;
  /**
   * After a hook's request ended, a prompt on screen is its dialog closing (Claude redraws it part by part: one look
   * found "Do you want to proceed?" without its options, a new key) until a look finds none, or this time passes.
   */
  dialogClosingUntil: number | null;
  /** Set by a look that found the hook request's dialog gone from the screen; reported once by the next update. */
  dialogLeft: boolean;
}

/** A tracker's memory at its start: running, with the idle timer armed. */
export function startMemory(options: ActivityOptions): ActivityMemory {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  if (!(settleMs < idleMs)) throw new RangeError('settleMs must be shorter than idleMs');
  return {
    idleMs,
    settleMs,
    lookMs: options.lookMs ?? DEFAULT_LOOK_MS,
    detect: options.detect ?? detectPrompt,
    state: 'running',
    screen: () => [],
    prompt: null,
    promptScreen: null,
    exitCode: null,
    lastActivityAt: null,
    settleAt: null,
    settleByHook: false,
    lastOutputAt: null,
    lookAt: null,
    lookedKey: null,
    idleAt: options.now + idleMs,
    outputSinceIdle: false,
    alerted: null,
    signal: 'screen',
    askedUntil: null,
    heldIdle: false,
    heldUntil: Number.POSITIVE_INFINITY,
    idleTold: false,
    hookRequest: null,
    dialogClosingUntil: null,
    dialogLeft: false,
  };
}

/** Time passed up to `at`: the settle look and the idle timer that fell due, with the alerts they raise. */
export function advance(m: ActivityMemory, at: number): ActivityAlert[] {
  const alerts: ActivityAlert[] = [];
  if (m.hookRequest !== null && m.state === 'waiting') {
    if (m.settleAt !== null && at >= m.settleAt) {
      m.settleAt = null;
      if (lookForHookDialog(m, m.hookRequest)) m.dialogLeft = true;
    }
    return alerts;
  }
  if (m.settleAt !== null && at >= m.settleAt) {
    const settledAt = m.settleAt;
    const byHook = m.settleByHook && m.askedUntil !== null;
    m.settleAt = null;
    m.settleByHook = false;
    m.lookAt = null;
    const screen = m.screen();
    const prompt = m.detect(screen);
    if (prompt === null || settledAt > (m.dialogClosingUntil ?? Number.NEGATIVE_INFINITY)) m.dialogClosingUntil = null;
    if (prompt && m.dialogClosingUntil !== null) {
      // The decided dialog, closing.
    } else if (prompt) {
      if (byHook) m.askedUntil = null;
      wait(m, settledAt, prompt, screen, alerts, byHook ? 'hook' : 'screen');
    } else if (byHook) {
      // The dialog is not on screen yet: the output that draws it comes within the hook's window.
      if (m.state === 'running') m.settleAt = settledAt - HOOK_QUIET_MS + m.settleMs;
    } else {
      // The prompt is gone from the screen: the next one is a new episode even if it reads the same.
      m.alerted = null;
    }
  }
  if (m.idleAt !== null && at >= m.idleAt && m.state === 'running') {
    if (m.outputSinceIdle && !m.idleTold) alerts.push({ kind: 'idle', at: m.idleAt });
    becomeIdle(m);
    m.signal = 'screen';
  }
  return alerts;
}

/** While a hook's request is open: a look at the settled screen for its dialog; true when, once seen, it left. */
function lookForHookDialog(m: ActivityMemory, request: { dialogKey: string | null }): boolean {
  const prompt = m.detect(m.screen());
  if (prompt !== null) {
    request.dialogKey = promptKey(prompt);
    return false;
  }
  return request.dialogKey !== null;
}

/** A prompt was found on screen: waiting, with an alert unless this episode already had one. */
export function wait(m: ActivityMemory, at: number, prompt: PromptMatch, screen: readonly string[], alerts: ActivityAlert[], signal: StateSignal): void {
  m.state = 'waiting';
  m.signal = signal;
  m.idleTold = false;
  m.prompt = prompt;
  m.promptScreen = screen;
  m.settleAt = null;
  m.lookAt = null;
  m.idleAt = null;
  const key = promptKey(prompt);
  if (key !== m.alerted) alerts.push({ kind: 'waiting', at, prompt });
  m.alerted = key;
}

export function becomeIdle(m: ActivityMemory): void {
  m.state = 'idle';
  m.prompt = null;
  m.promptScreen = null;
  m.settleAt = null;
  m.lookAt = null;
  m.idleAt = null;
  m.outputSinceIdle = false;
}

export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What makes two prompts the same one: its rule, its question and its answers' labels. */
export function promptKey(prompt: PromptMatch): string {
  return JSON.stringify([prompt.ruleId, prompt.question, prompt.answers.map((a) => a.label)]);
}
