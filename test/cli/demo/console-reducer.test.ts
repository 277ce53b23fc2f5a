import { describe, expect, it } from 'vitest';
import { effectOfSubmit } from '../../../src/cli/tui/demo/console-effects.js';
import { type ConsoleState, consoleReducer, initialConsoleState, unreadCounts } from '../../../src/cli/tui/demo/console-reducer.js';
import { clipText, windowOf } from '../../../src/cli/tui/demo/view-window.js';
import { buttons, line, view } from '../../demo/lines.js';

const run = (state: ConsoleState, ...actions: Parameters<typeof consoleReducer>[1][]) => actions.reduce(consoleReducer, state);

const lines = [
  line(1, { buttons: buttons('Yes', 'No') }),
  line(2, { from: 'you', text: 'hi' }),
  line(3, { text: 'card', buttons: [...buttons('Refresh', 'Tail'), ...buttons('Kill')] }),
  line(4, { text: 'plain' }),
];

describe('consoleReducer', () => {
  it('edits the input line; pasted newlines become spaces; submit clears it and the reply', () => {
    const s = run(initialConsoleState(view(lines)), { type: 'typed', text: '/send b' }, { type: 'typed', text: 'x\ny' }, { type: 'erased' });
    expect(s.input).toBe('/send bx ');
    expect(run(s, { type: 'submitted' })).toMatchObject({ input: '', replyTo: undefined, focus: { kind: 'input' } });
  });

  it('Tab focuses the buttons of the newest message with buttons; arrows cycle and move between such messages', () => {
    let s = run(initialConsoleState(view(lines)), { type: 'focusButtons' });
    expect(s.focus).toEqual({ kind: 'buttons', messageId: 3, index: 0 });
    s = run(s, { type: 'moved', direction: 'left' });
    expect(s.focus).toEqual({ kind: 'buttons', messageId: 3, index: 2 });
    expect(effectOfSubmit(s)).toEqual({ kind: 'press', messageId: 3, data: 'd:Kill', label: 'Kill' });
    s = run(s, { type: 'moved', direction: 'up' });
    expect(s.focus).toEqual({ kind: 'buttons', messageId: 1, index: 0 });
    expect(run(s, { type: 'back' }).focus).toEqual({ kind: 'input' });
  });

  it('selects messages with ↑ and replies to the selected one', () => {
    const s = run(initialConsoleState(view(lines)), { type: 'selectMessages' }, { type: 'moved', direction: 'up' }, { type: 'moved', direction: 'up' });
    expect(s.focus).toEqual({ kind: 'messages', messageId: 2 });
    const replying = run(s, { type: 'replyToFocused' }, { type: 'typed', text: 'yes' });
    expect(replying).toMatchObject({ replyTo: 2, focus: { kind: 'input' } });
    expect(effectOfSubmit(replying)).toEqual({ kind: 'send', text: 'yes', threadId: undefined, replyTo: 2 });
  });

  it('drops a focus or reply whose message was deleted, and shows a new toast', () => {
    const s = run(initialConsoleState(view(lines)), { type: 'focusButtons' });
    const gone = run(s, { type: 'viewChanged', view: view(lines.filter((l) => l.id !== 3), { notices: [{ text: 'killed', alert: true }] }) });
    expect(gone.focus).toEqual({ kind: 'input' });
    expect(gone.notice).toEqual({ text: 'killed', tone: 'alert' });
  });

  it('cycles forum topics and shows only the current topic’s messages', () => {
    const topics = [{ threadId: null, name: 'General' }, { threadId: 10, name: 'build' }];
    const inTopics = view([line(11, { threadId: 10, text: 'in build' }), line(12, { text: 'in general' })], { topics });
    const s = run(initialConsoleState(inTopics), { type: 'topicCycled', delta: 1 }, { type: 'typed', text: 'hello' });
    expect(s.topic).toBe(10);
    expect(effectOfSubmit(s)).toMatchObject({ kind: 'send', threadId: 10 });
    expect(run(s, { type: 'topicCycled', delta: 1 }).topic).toBeNull();
    expect(unreadCounts(initialConsoleState(inTopics))).toEqual({ '10': 1 });
    expect(unreadCounts(s)).toEqual({});
    // The topic is deleted: back to General.
    expect(run(s, { type: 'viewChanged', view: view([], { topics: [topics[0]!] }) }).topic).toBeNull();
  });

  it('turns !N, /topic and /quit into effects, and explains a missing button', () => {
    const typed = (text: string) => run(initialConsoleState(view(lines)), { type: 'typed', text });
    expect(effectOfSubmit(typed('!2'))).toEqual({ kind: 'press', messageId: 3, data: 'd:Tail', label: 'Tail' });
    expect(effectOfSubmit(typed('!7'))).toMatchObject({ kind: 'notice', notice: { tone: 'error' } });
    expect(effectOfSubmit(typed('/quit'))).toEqual({ kind: 'quit' });
    expect(effectOfSubmit(typed('/topic'))).toEqual({ kind: 'topic', threadId: null });
  });
});

describe('view window', () => {
  it('clips long texts to head and tail', () => {
    const text = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n');
    expect(clipText(text, 8)).toEqual(['l0', 'l1', 'l2', '… 23 more lines …', 'l26', 'l27', 'l28', 'l29']);
  });

  it('shows the newest messages that fit, or keeps the selected one in view', () => {
    const many = Array.from({ length: 10 }, (_, i) => line(i + 1));
    expect(windowOf(many, 3).lines.map((l) => l.id)).toEqual([8, 9, 10]);
    expect(windowOf(many, 3, 2)).toEqual({ lines: many.slice(0, 3), hiddenAbove: 0 });
    expect(windowOf(many, 3, 5).lines.map((l) => l.id)).toEqual([3, 4, 5]);
  });
});
