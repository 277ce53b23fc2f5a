import { describe, expect, it } from 'vitest';
import { findButton, findTopic, parseConsoleInput } from '../../src/demo/console-input.js';
import { buttons, line } from './lines.js';

describe('parseConsoleInput', () => {
  it('tells messages from the console’s own commands', () => {
    expect(parseConsoleInput('  ')).toEqual({ kind: 'empty' });
    expect(parseConsoleInput('/quit')).toEqual({ kind: 'quit' });
    expect(parseConsoleInput('!2')).toEqual({ kind: 'press', selector: '2' });
    expect(parseConsoleInput('!Ctrl-C')).toEqual({ kind: 'press', selector: 'Ctrl-C' });
    expect(parseConsoleInput('/topic build')).toEqual({ kind: 'topic', name: 'build' });
    expect(parseConsoleInput('/topic')).toEqual({ kind: 'topic', name: '' });
    expect(parseConsoleInput('/new build sleep 3; echo done\n')).toEqual({ kind: 'send', text: '/new build sleep 3; echo done' });
    // "!!" and "! x" are ordinary text, as is /topics.
    expect(parseConsoleInput('!! wow')).toEqual({ kind: 'send', text: '!! wow' });
    expect(parseConsoleInput('/topics')).toEqual({ kind: 'send', text: '/topics' });
  });
});

describe('findButton', () => {
  const lines = [line(1, { buttons: buttons('Old') }), line(2, { buttons: [...buttons('Refresh', 'Tail'), ...buttons('Kill')] }), line(3)];

  it('finds buttons of the newest message that has any, by number or label', () => {
    expect(findButton(lines, '3')).toEqual({ messageId: 2, button: { text: 'Kill', data: 'd:Kill', url: undefined } });
    expect(findButton(lines, 'tail')).toMatchObject({ messageId: 2, button: { data: 'd:Tail' } });
    expect(findButton(lines, 'fre')).toMatchObject({ button: { data: 'd:Refresh' } });
    expect(findButton(lines, 'Old')).toBe('no button "Old"; the newest buttons are: 1 Refresh, 2 Tail, 3 Kill');
    expect(findButton([line(1)], '1')).toBe('no message with buttons here yet');
  });

  it('skips URL buttons, which only a browser could follow', () => {
    const withUrl = [line(1, { buttons: [[{ text: 'Docs', data: undefined, url: 'https://x' }, { text: 'Ok', data: 'ok', url: undefined }]] })];
    expect(findButton(withUrl, '1')).toMatchObject({ button: { text: 'Ok' } });
  });
});

describe('findTopic', () => {
  const topics = [{ threadId: null, name: 'General' }, { threadId: 5, name: 'build' }];
  it('finds topics by name or position; empty means General', () => {
    expect(findTopic(topics, 'BUILD')).toEqual(topics[1]);
    // pocket names a session's topic "SESSION · HOST": the session part is enough.
    const hosted = [{ threadId: null, name: 'General' }, { threadId: 9, name: 'build · laptop' }];
    expect(findTopic(hosted, 'build')).toEqual(hosted[1]);
    expect(findTopic(topics, '2')).toEqual(topics[1]);
    expect(findTopic(topics, '')).toEqual(topics[0]);
    expect(findTopic(topics, 'x')).toBe('no topic "x"; topics: General, build');
  });
});
