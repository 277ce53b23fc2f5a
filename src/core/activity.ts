// A session's state from what happens to it: output, input, time passing, exit. Pure: the caller feeds events with
// timestamps, arms one timer for nextDeadline() and sends the alerts it gets back.
//
// running: output is flowing. waiting: a prompt is on screen and output has paused for settleMs (a prompt seen
// mid-stream is not one yet). idle: quiet for idleMs. exited: final. Each alert is raised once per episode: a TUI
// repainting the same prompt does not alert again; the same prompt after the person answered does.
import { detectPrompt, type PromptMatch } from './output/detect.js';
import type { SessionState } from './status.js';

export const DEFAULT_IDLE_MS = 30_000;
export const DEFAULT_SETTLE_MS = 300;

export interface ActivityOptions {
  /** When the tracker starts, epoch ms. */
  now: number;
  idleMs?: number;
  settleMs?: number;
  detect?: (screen: readonly string[]) => PromptMatch | null;
}

export type ActivityAlert =
  | { kind: 'waiting'; at: number; prompt: PromptMatch }
  | { kind: 'idle'; at: number }
  | { kind: 'exited'; at: number; exitCode: number | null };

export interface ActivityUpdate {
  state: SessionState;
  alerts: ActivityAlert[];
}

export class ActivityTracker {
  readonly #idleMs: number;
  readonly #settleMs: number;
  readonly #detect: (screen: readonly string[]) => PromptMatch | null;
  #state: SessionState = 'running';
  /** Read only when a prompt is looked for: rendering the screen on every chunk of a flood is wasted work. */
  #screen: () => readonly string[] = () => [];
  #prompt: PromptMatch | null = null;
  #exitCode: number | null = null;
  #lastActivityAt: number | null = null;
  /** Look for a prompt on the screen at this time; null when the screen has been looked at. */
  #settleAt: number | null = null;
  #idleAt: number | null;
  /** Idle alerts only follow output, not a quiet start or a keystroke that printed nothing. */
  #outputSinceIdle = false;
  /** The prompt of the current waiting episode that was already alerted. */
  #alerted: string | null = null;

  constructor(options: ActivityOptions) {
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
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

  /** When tick() next has something to decide; null when nothing will change without a new event. */
  nextDeadline(): number | null {
    if (this.#settleAt === null) return this.#idleAt;
    return this.#idleAt === null ? this.#settleAt : Math.min(this.#settleAt, this.#idleAt);
  }

  /** New output arrived; screen is the visible screen after it (or a way to read the current screen later). */
  output(at: number, screen: readonly string[] | (() => readonly string[])): ActivityUpdate {
    const alerts = this.#advance(at);
    if (this.#state === 'exited') return this.#update(alerts);
    this.#state = 'running';
    this.#screen = typeof screen === 'function' ? screen : () => screen;
    this.#prompt = null;
    this.#lastActivityAt = at;
    this.#outputSinceIdle = true;
    this.#settleAt = at + this.#settleMs;
    this.#idleAt = at + this.#idleMs;
    return this.#update(alerts);
  }

  tick(at: number): ActivityUpdate {
    return this.#update(this.#advance(at));
  }

  /** Pocket typed into the session: whatever prompt is on screen counts as answered. */
  input(at: number): ActivityUpdate {
    const alerts = this.#advance(at);
    if (this.#state === 'exited') return this.#update(alerts);
    this.#lastActivityAt = at;
    this.#alerted = null;
    this.#prompt = null;
    this.#outputSinceIdle = false;
    // The screen still shows the prompt until the program reacts: look again only after new output.
    this.#settleAt = null;
    if (this.#state !== 'running') {
      this.#state = 'running';
      this.#idleAt = at + this.#idleMs;
    }
    return this.#update(alerts);
  }

  exited(at: number, exitCode: number | null): ActivityUpdate {
    if (this.#state === 'exited') return this.#update([]);
    this.#state = 'exited';
    this.#exitCode = exitCode;
    this.#prompt = null;
    this.#settleAt = null;
    this.#idleAt = null;
    return this.#update([{ kind: 'exited', at, exitCode }]);
  }

  #advance(at: number): ActivityAlert[] {
    const alerts: ActivityAlert[] = [];
    if (this.#settleAt !== null && at >= this.#settleAt) {
      const settledAt = this.#settleAt;
      this.#settleAt = null;
      const prompt = this.#detect(this.#screen());
      if (prompt) {
        this.#state = 'waiting';
        this.#prompt = prompt;
        this.#idleAt = null;
        const key = promptKey(prompt);
        if (key !== this.#alerted) alerts.push({ kind: 'waiting', at: settledAt, prompt });
        this.#alerted = key;
      } else {
        // The prompt is gone from the screen: the next one is a new episode even if it reads the same.
        this.#alerted = null;
      }
    }
    if (this.#idleAt !== null && at >= this.#idleAt && this.#state === 'running') {
      if (this.#outputSinceIdle) alerts.push({ kind: 'idle', at: this.#idleAt });
      this.#state = 'idle';
      this.#idleAt = null;
      this.#outputSinceIdle = false;
    }
    return alerts;
  }

  #update(alerts: ActivityAlert[]): ActivityUpdate {
    return { state: this.#state, alerts };
  }
}

function promptKey(prompt: PromptMatch): string {
  return JSON.stringify([prompt.ruleId, prompt.question, prompt.answers.map((a) => a.label)]);
}
