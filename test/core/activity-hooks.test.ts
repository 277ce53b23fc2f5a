// The tracker with an agent's exact signals (hook()): asking shortens the settle time to a frame's quiet, a turn's
// end is idle at once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ActivityTracker, ENDED_HOLD_MS, HOOK_QUIET_MS, HOOK_WINDOW_MS } from '../../src/core/activity.js';

const PROMPT = ['Removing 3 files', 'Continue? [y/N] '];
const LOG = ['compiling a.ts', 'compiling b.ts'];
const make = () => new ActivityTracker({ now: 0, idleMs: 10_000, settleMs: 300 });

describe('ActivityTracker with hooks', () => {
  it('waits at once when a hook says the agent asks and the prompt is on a quiet screen, without the settle time', () => {
    const a = make();
    a.output(1_000, PROMPT);
    expect(a.signal).toBe('screen');
    const update = a.hook(1_000 + HOOK_QUIET_MS, 'asking');
    expect(update.state).toBe('waiting');
    expect(update.alerts).toEqual([expect.objectContaining({ kind: 'waiting', at: 1_000 + HOOK_QUIET_MS })]);
    expect(a.signal).toBe('hook');
    expect(a.prompt?.question).toContain('Continue?');
    // The settle deadline that follows raises nothing more.
    expect(a.tick(1_300).alerts).toEqual([]);
  });

  it('a hook right after output reads the screen once the pane has been quiet HOOK_QUIET_MS', () => {
    const a = make();
    a.output(1_000, PROMPT);
    expect(a.hook(1_010, 'asking')).toEqual({ state: 'running', alerts: [] });
    expect(a.nextDeadline()).toBe(1_000 + HOOK_QUIET_MS);
    expect(a.tick(1_000 + HOOK_QUIET_MS).alerts).toEqual([expect.objectContaining({ kind: 'waiting', at: 1_000 + HOOK_QUIET_MS })]);
    expect(a.signal).toBe('hook');
  });

  it('takes the output that shows a prompt as the question, once it pauses, when the hook came before the screen', () => {
    const a = make();
    a.output(1_000, LOG);
    expect(a.hook(1_100, 'asking')).toEqual({ state: 'running', alerts: [] });
    expect(a.output(1_130, PROMPT)).toEqual({ state: 'running', alerts: [] });
    expect(a.nextDeadline()).toBe(1_130 + HOOK_QUIET_MS);
    const update = a.tick(1_130 + HOOK_QUIET_MS);
    expect(update.state).toBe('waiting');
    expect(update.alerts).toEqual([expect.objectContaining({ kind: 'waiting', at: 1_130 + HOOK_QUIET_MS })]);
    expect(a.signal).toBe('hook');
  });

  // Caught by CI with the real Claude Code 2.1.332: the hook arrived while its permission dialog reached the pane log
  // in pieces. Read at once, the screen held the dialog up to its second option: the alert offered two of its four
  // answers, the rest of the frame made the session running again, and "Yes" pressed on the alert was refused.
  it("a dialog arriving in pieces after the hook alerts once, with all its answers, and stays waiting", () => {
    const full = readFileSync(new URL('../fixtures/screens/claude-2.1.332-bash.txt', import.meta.url), 'utf8').split('\n');
    const second = full.findIndex((line) => line.includes('2. Yes, and always'));
    const a = make();
    a.output(1_000, full.slice(0, second - 3));
    a.hook(1_200, 'asking');
    expect(a.output(1_210, full.slice(0, second + 1))).toEqual({ state: 'running', alerts: [] });
    expect(a.output(1_214, full)).toEqual({ state: 'running', alerts: [] });
    const update = a.tick(1_214 + HOOK_QUIET_MS);
    expect(update.state).toBe('waiting');
    expect(update.alerts).toHaveLength(1);
    const [alert] = update.alerts;
    expect(alert?.kind === 'waiting' ? alert.prompt.answers.map((answer) => answer.label) : []).toEqual([
      'Yes',
      'Yes, and always allow access to /tmp/pocket-cap…',
      'Yes, and switch to auto mode · auto mode handle…',
      'No',
    ]);
    // Its repaints keep it waiting.
    expect(a.output(1_400, full)).toEqual({ state: 'waiting', alerts: [] });
  });

  it("a turn's end that nothing will follow with a start (Codex's notify): idle through its repaints, for a while", () => {
    const a = make();
    a.output(1_000, LOG);
    const ended = a.hook(2_000, 'ended');
    expect(ended).toEqual({ state: 'idle', alerts: [expect.objectContaining({ kind: 'idle', at: 2_000 })] });
    expect(a.signal).toBe('hook');
    // The repaint and the retitle that follow the end.
    expect(a.output(2_030, [...LOG, 'Worked for 1s']).state).toBe('idle');
    expect(a.output(2_000 + ENDED_HOLD_MS, [...LOG, 'Worked for 1s']).state).toBe('idle');
    // Later output is a turn the person typed in the pane: running, as in any session.
    expect(a.output(2_001 + ENDED_HOLD_MS, [...LOG, 'compiling c.ts']).state).toBe('running');
    // Its idle deadline does not tell the end of the turn a second time.
    expect(a.tick(2_001 + ENDED_HOLD_MS + 10_000)).toEqual({ state: 'idle', alerts: [] });
  });

  it('waits for a dialog Claude draws well after its hook: 0.6 s measured, 1.5 s on a loaded machine', () => {
    const a = make();
    a.hook(1_000, 'asking');
    // The hook's word still holds: the question is the hook's, well before the screen rules' 300 ms settle.
    const alerts = [...a.output(1_000 + 1_500, PROMPT).alerts, ...a.tick(1_000 + 1_500 + 100).alerts];
    expect(alerts).toEqual([expect.objectContaining({ kind: 'waiting' })]);
    expect(a.signal).toBe('hook');
  });

  it('forgets a hook whose prompt never reached the screen within the window', () => {
    const a = make();
    a.hook(1_000, 'asking');
    expect(a.output(1_000 + HOOK_WINDOW_MS + 1, PROMPT)).toEqual({ state: 'running', alerts: [] });
    // The screen rule still finds it after the settle time, as for any session.
    expect(a.tick(1_000 + HOOK_WINDOW_MS + 301).alerts).toEqual([expect.objectContaining({ kind: 'waiting' })]);
    expect(a.signal).toBe('screen');
  });

  it("is idle at a turn's end, tells it once, and repaints keep it idle until a turn starts", () => {
    const a = make();
    a.output(1_000, LOG);
    expect(a.hook(2_000, 'done')).toEqual({ state: 'idle', alerts: [{ kind: 'idle', at: 2_000 }] });
    expect(a.signal).toBe('hook');
    expect(a.output(2_050, LOG).state).toBe('idle');
    expect(a.output(9_000, LOG).state).toBe('idle');
    // A turn typed in the pane itself: its hook makes it running, its output keeps it so.
    expect(a.hook(10_000, 'working')).toEqual({ state: 'running', alerts: [] });
    expect(a.output(10_100, LOG).state).toBe('running');
    expect(a.signal).toBe('screen');
    // Its quiet after output is not told again: the hook's Stop tells turns' ends.
    expect(a.tick(30_000)).toEqual({ state: 'idle', alerts: [] });
  });

  it('pocket typing into a held-idle session makes it running', () => {
    const a = make();
    a.output(1_000, LOG);
    a.hook(2_000, 'done');
    expect(a.input(3_000).state).toBe('running');
    expect(a.output(3_100, LOG).state).toBe('running');
  });

  it('a repeated hook for the same prompt alerts once; after input the same prompt is a new episode', () => {
    const a = make();
    a.output(1_000, PROMPT);
    expect(a.hook(1_100, 'asking').alerts).toHaveLength(1);
    expect(a.hook(7_000, 'asking').alerts).toEqual([]);
    a.input(8_000);
    a.output(8_100, PROMPT);
    expect(a.hook(8_200, 'asking').alerts).toHaveLength(1);
  });

  it('changes nothing after exit', () => {
    const a = make();
    a.output(1_000, PROMPT);
    a.exited(1_100, 0);
    expect(a.hook(1_200, 'asking')).toEqual({ state: 'exited', alerts: [] });
    expect(a.hook(1_300, 'done')).toEqual({ state: 'exited', alerts: [] });
  });
});
