// The tracker with a hook that waits for a decision (hookAsk): waiting at once with the hook's own question, the
// dialog Claude draws after it raises no second alert, the dialog leaving the screen is the desk's answer, and once
// the request ends the closing dialog alerts nothing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ActivityTracker, HOOK_QUIET_MS, HOOK_WINDOW_MS } from '../../src/core/activity.js';
import { hookRequestPrompt } from '../../src/core/agent-hooks.js';

const DIALOG = readFileSync(new URL('../fixtures/screens/claude-2.1.332-bash.txt', import.meta.url), 'utf8').split('\n');
const INPUT_BOX = ['⏺ Bash(touch /x/ran.txt)', '  ⎿  (No output)', '', '❯ '];
const ASK = hookRequestPrompt('r1', { tool: 'Bash', command: 'touch /x/ran.txt', path: null, preview: null }, (text) => text);
const make = () => new ActivityTracker({ now: 0, idleMs: 10_000, settleMs: 300 });

describe('ActivityTracker with a waiting hook request', () => {
  it("waits at once with the hook's question and one alert; the dialog drawn after it raises none", () => {
    const a = make();
    a.output(1_000, ['⏺ thinking']);
    const update = a.hookAsk(1_010, { ...ASK });
    expect(update).toEqual({ state: 'waiting', alerts: [expect.objectContaining({ kind: 'waiting', at: 1_010 })] });
    expect(a.signal).toBe('hook');
    expect(a.prompt?.question).toBe('Claude asks to use Bash:\n$ touch /x/ran.txt');
    // Claude draws its dialog ~0.2 s later, in pieces, and repaints its spinner: still waiting at the hook's question.
    expect(a.output(1_200, DIALOG.slice(0, 10))).toEqual({ state: 'waiting', alerts: [] });
    expect(a.output(1_204, DIALOG)).toEqual({ state: 'waiting', alerts: [] });
    expect(a.tick(1_204 + HOOK_QUIET_MS)).toEqual({ state: 'waiting', alerts: [] });
    expect(a.prompt?.ruleId).toBe(ASK.ruleId);
    expect(a.tick(20_000)).toEqual({ state: 'waiting', alerts: [] });
  });

  it('the dialog, once seen, leaving the screen is the desk answering: reported once', () => {
    const a = make();
    a.hookAsk(1_000, { ...ASK });
    a.output(1_200, DIALOG);
    expect(a.tick(1_200 + HOOK_QUIET_MS).hookAnsweredElsewhere).toBeUndefined();
    a.output(3_000, INPUT_BOX);
    const update = a.tick(3_000 + HOOK_QUIET_MS);
    expect(update.hookAnsweredElsewhere).toBe(true);
    expect(a.tick(3_100).hookAnsweredElsewhere).toBeUndefined();
    // The caller lets the hook go: the session runs on.
    expect(a.hookSettled(3_100)).toEqual({ state: 'running', alerts: [] });
  });

  it('a screen without the dialog before it was ever drawn is not an answer', () => {
    const a = make();
    a.hookAsk(1_000, { ...ASK });
    a.output(1_100, ['⏺ thinking…']);
    expect(a.tick(1_100 + HOOK_QUIET_MS).hookAnsweredElsewhere).toBeUndefined();
  });

  it('pocket typing into the pane while the request is open answers it', () => {
    const a = make();
    a.hookAsk(1_000, { ...ASK });
    expect(a.input(1_500)).toEqual({ state: 'running', alerts: [], hookAnsweredElsewhere: true });
  });

  it('after a decision the dialog closing on screen, even half drawn, raises no alert; a dialog later does', () => {
    const a = make();
    a.hookAsk(1_000, { ...ASK });
    a.output(1_200, DIALOG);
    a.tick(1_200 + HOOK_QUIET_MS);
    expect(a.hookSettled(2_000)).toEqual({ state: 'running', alerts: [] });
    // Claude erases the dialog part by part: "Do you want to proceed?" without its options is another prompt's key.
    const question = DIALOG.findIndex((line) => line.includes('Do you want to proceed?'));
    a.output(2_050, DIALOG.slice(0, question + 1));
    expect(a.tick(2_050 + 300)).toEqual({ state: 'running', alerts: [] });
    a.output(2_500, INPUT_BOX);
    expect(a.tick(2_800).alerts).toEqual([]);
    // A new dialog well after: the screen rules raise it.
    a.output(2_000 + HOOK_WINDOW_MS + 1_000, DIALOG);
    expect(a.tick(2_000 + HOOK_WINDOW_MS + 1_300).alerts).toEqual([expect.objectContaining({ kind: 'waiting' })]);
  });

  it('a second request while one is open raises its own alert', () => {
    const a = make();
    a.hookAsk(1_000, { ...ASK });
    a.hookSettled(1_500);
    const second = hookRequestPrompt('r2', { tool: 'Bash', command: 'touch /x/ran.txt', path: null, preview: null }, (text) => text);
    expect(a.hookAsk(1_500, second).alerts).toEqual([expect.objectContaining({ kind: 'waiting' })]);
    expect(a.prompt?.ruleId).toBe(second.ruleId);
  });

  it('an exit ends the request with the session', () => {
    const a = make();
    a.hookAsk(1_000, { ...ASK });
    expect(a.exited(1_200, 0).state).toBe('exited');
    expect(a.hookSettled(1_300)).toEqual({ state: 'exited', alerts: [] });
  });
});
