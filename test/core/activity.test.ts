import { describe, expect, it } from 'vitest';
import { ActivityTracker } from '../../src/core/activity.js';

const PROMPT = ['Removing 3 files', 'Continue? [y/N] '];
const OTHER_PROMPT = ['Overwrite config? [y/N] '];
const LOG = ['compiling a.ts', 'compiling b.ts'];

const make = () => new ActivityTracker({ now: 0, idleMs: 10_000, settleMs: 300 });

describe('ActivityTracker', () => {
  it('is running while output flows and goes idle, with one alert, after idleMs of quiet', () => {
    const a = make();
    expect(a.output(1_000, LOG)).toEqual({ state: 'running', alerts: [] });
    expect(a.output(2_000, LOG).state).toBe('running');
    expect(a.nextDeadline()).toBe(2_300);
    expect(a.tick(2_300)).toEqual({ state: 'running', alerts: [] });
    expect(a.nextDeadline()).toBe(12_000);
    expect(a.tick(11_999).alerts).toEqual([]);
    expect(a.tick(12_000)).toEqual({ state: 'idle', alerts: [{ kind: 'idle', at: 12_000 }] });
    expect(a.nextDeadline()).toBeNull();
    expect(a.tick(50_000).alerts).toEqual([]);
  });

  it('looks at what a command typed into a shell printed before the typing call returned (a prompt at once)', () => {
    const a = make();
    a.output(0, ['$ ']);
    expect(a.tick(10_000).state).toBe('idle');
    // The keys go at 19_990; the shell echoes the line and the command asks at once, read at 20_000, before input().
    a.output(20_000, ['$ read -p "Overwrite config? [y/N] " answer', ...OTHER_PROMPT]);
    expect(a.input(20_050, 19_990).state).toBe('running');
    expect(a.tick(20_300)).toMatchObject({ state: 'waiting', alerts: [{ kind: 'waiting', at: 20_300 }] });
    // Answering a prompt is not that: the prompt on screen stays answered until the program reacts.
    a.output(20_400, [...OTHER_PROMPT]);
    expect(a.input(20_500, 20_350).state).toBe('running');
    expect(a.tick(21_000)).toEqual({ state: 'running', alerts: [] });
  });

  it('does not call a quiet start "idle after activity"', () => {
    const a = make();
    expect(a.state).toBe('running');
    expect(a.tick(10_000)).toEqual({ state: 'idle', alerts: [] });
  });

  it('reports a prompt only once output has paused for settleMs', () => {
    const a = make();
    a.output(1_000, PROMPT);
    expect(a.tick(1_199).state).toBe('running');
    // More output before the pause: the prompt was mid-stream.
    a.output(1_200, [...PROMPT, 'y']);
    a.output(1_250, LOG);
    expect(a.tick(1_600)).toEqual({ state: 'running', alerts: [] });

    a.output(2_000, PROMPT);
    const update = a.tick(2_300);
    expect(update.state).toBe('waiting');
    expect(update.alerts).toHaveLength(1);
    expect(update.alerts[0]).toMatchObject({ kind: 'waiting', at: 2_300, prompt: { ruleId: 'yes-no-short' } });
    expect(a.prompt?.question).toBe('Continue? [y/N]');
    // Waiting does not turn into idle.
    expect(a.nextDeadline()).toBeNull();
    expect(a.tick(100_000)).toEqual({ state: 'waiting', alerts: [] });
  });

  it('does not alert again when the same prompt is repainted, and stays waiting through the repaint', () => {
    const a = make();
    a.output(1_000, PROMPT);
    expect(a.tick(1_300).alerts).toHaveLength(1);
    // The same text (a window title, a redraw of the same cells), or another screen with the same prompt on it.
    expect(a.output(5_000, PROMPT)).toEqual({ state: 'waiting', alerts: [] });
    expect(a.output(6_000, ['Removing 3 files (1s)', 'Continue? [y/N] '])).toEqual({ state: 'waiting', alerts: [] });
    expect(a.nextDeadline()).toBeNull();
    expect(a.lastActivityAt).toBe(1_000);
    // Something else on screen: running again; the prompt back after that is a new episode.
    expect(a.output(7_000, LOG).state).toBe('running');
    expect(a.prompt).toBeNull();
    a.output(8_000, PROMPT);
    expect(a.tick(8_300).alerts).toMatchObject([{ kind: 'waiting', at: 8_300 }]);
  });

  it('keeps a prompt waiting while its TUI rewrites the same screen every second (Codex CLI\'s title)', () => {
    const a = make();
    const states: string[] = [];
    a.output(1_000, PROMPT);
    expect(a.tick(1_300).alerts).toHaveLength(1);
    for (let at = 2_000; at <= 20_000; at += 1_000) {
      states.push(a.output(at, PROMPT).state, a.tick(at + 300).state);
      expect(a.nextDeadline()).toBeNull();
    }
    expect(new Set(states)).toEqual(new Set(['waiting']));
  });

  it('finds a prompt under output that never pauses, once the same prompt was there at two looks', () => {
    const a = make();
    const alerts: unknown[] = [];
    let at = 1_000;
    // A spinner beside the prompt, redrawn every 100 ms: never settleMs of quiet.
    for (; at < 3_000; at += 100) alerts.push(...a.output(at, [`${'|/-\\'[(at / 100) % 4]} working`, ...PROMPT]).alerts);
    // Looked at 2_000 (remembered) and 3_000 (the same prompt again).
    expect(a.state).toBe('running');
    alerts.push(...a.output(at, ['| working', ...PROMPT]).alerts);
    expect(a.state).toBe('waiting');
    expect(alerts).toMatchObject([{ kind: 'waiting', at: 3_000, prompt: { ruleId: 'yes-no-short' } }]);
    expect(a.prompt?.question).toBe('Continue? [y/N]');
    // The spinner goes on: still waiting, no second alert.
    for (at += 100; at < 6_000; at += 100) expect(a.output(at, [`${'|/-\\'[(at / 100) % 4]} working`, ...PROMPT])).toEqual({ state: 'waiting', alerts: [] });
    // Answered: the stale screen decides nothing, new output does.
    a.input(6_000);
    expect(a.output(6_050, LOG).state).toBe('running');
  });

  it('does not take a prompt scrolling past in a flood for one, and reads the screen about once a second of it', () => {
    let reads = 0;
    let detections = 0;
    const a = new ActivityTracker({
      now: 0,
      idleMs: 10_000,
      settleMs: 300,
      detect: (screen) => {
        detections++;
        return screen.at(-1)?.endsWith('[y/N] ')
          ? { ruleId: 'test', question: screen.at(-1) ?? '', answers: [], secret: false, rulesVersion: 0 }
          : null;
      },
    });
    for (let at = 1_000; at < 11_000; at += 10) {
      // Every 50th chunk ends on a prompt-looking line, different each time.
      const screen = at % 500 === 0 ? [`Continue ${at}? [y/N] `] : [`line ${at}`];
      const update = a.output(at, () => {
        reads++;
        return screen;
      });
      expect(update).toEqual({ state: 'running', alerts: [] });
    }
    expect(reads).toBeLessThanOrEqual(10);
    expect(detections).toBe(reads);
  });

  it('alerts for a new prompt, and for the same prompt after it was answered', () => {
    const a = make();
    a.output(1_000, PROMPT);
    a.tick(1_300);
    a.output(2_000, OTHER_PROMPT);
    expect(a.tick(2_300).alerts).toMatchObject([{ kind: 'waiting', prompt: { question: 'Overwrite config? [y/N]' } }]);

    expect(a.input(3_000)).toEqual({ state: 'running', alerts: [] });
    // The stale screen still shows the prompt: nothing is decided until the program prints.
    expect(a.nextDeadline()).toBe(13_000);
    a.output(3_100, OTHER_PROMPT);
    expect(a.tick(3_400).alerts).toMatchObject([{ kind: 'waiting' }]);
  });

  it('starts a new episode when the prompt left the screen in between', () => {
    const a = make();
    a.output(1_000, PROMPT);
    a.tick(1_300);
    a.output(2_000, LOG);
    a.tick(2_300);
    a.output(3_000, PROMPT);
    expect(a.tick(3_300).alerts).toHaveLength(1);
  });

  it('catches up on deadlines missed between events', () => {
    const a = make();
    a.output(1_000, PROMPT);
    // No tick came; the next output arrives much later and must not erase the fact that a prompt was waiting.
    const update = a.output(60_000, LOG);
    expect(update.state).toBe('running');
    expect(update.alerts).toMatchObject([{ kind: 'waiting', at: 1_300 }]);
  });

  it('goes quiet after input without alerting', () => {
    const a = make();
    a.output(1_000, PROMPT);
    a.tick(1_300);
    a.input(2_000);
    expect(a.tick(12_000)).toEqual({ state: 'idle', alerts: [] });
  });

  it('alerts on exit once, with the code, and then ignores everything', () => {
    const a = make();
    a.output(1_000, LOG);
    expect(a.exited(1_500, 2)).toEqual({ state: 'exited', alerts: [{ kind: 'exited', at: 1_500, exitCode: 2 }] });
    expect(a.exitCode).toBe(2);
    expect(a.exited(1_600, 2).alerts).toEqual([]);
    expect(a.output(2_000, PROMPT)).toEqual({ state: 'exited', alerts: [] });
    expect(a.tick(100_000)).toEqual({ state: 'exited', alerts: [] });
    expect(a.nextDeadline()).toBeNull();
  });

  it('uses the detector it is given and tracks the last activity', () => {
    const a = new ActivityTracker({
      now: 0,
      idleMs: 1_000,
      settleMs: 100,
      detect: (screen) =>
        screen.includes('ready>')
          ? { ruleId: 'test', question: 'ready>', answers: [], secret: false, rulesVersion: 0 }
          : null,
    });
    a.output(10, ['ready>']);
    expect(a.tick(110).alerts).toMatchObject([{ kind: 'waiting', prompt: { ruleId: 'test' } }]);
    a.input(200);
    expect(a.lastActivityAt).toBe(200);
    expect(() => new ActivityTracker({ now: 0, idleMs: 100, settleMs: 100 })).toThrow(RangeError);
  });
});
