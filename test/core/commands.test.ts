import { describe, expect, it } from 'vitest';
import { type ParseContext, parseCommand, tokenize } from '../../src/core/commands.js';

const known = new Set(['build', 'web', 'b']);
const plain: ParseContext = { implied: null, isSession: (w) => known.has(w) };
const inTopic: ParseContext = { implied: 's9', isSession: (w) => known.has(w) };

/** `/name rest` as grammY's command() hands it to the bot: the name, and ctx.match (the text after one blank). */
function parse(text: string, context: ParseContext = plain) {
  const split = /^\/([a-z_]+)(?:[ \t\n]([\s\S]*))?$/.exec(text);
  if (split === null) return null;
  return parseCommand(split[1]!, split[2] ?? '', context);
}

describe('tokenize', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ["'x y' \" \"", ['x y', ' ']],
    ['"unbalanced a', ['"unbalanced', 'a']],
    ['', []],
  ])('%j', (input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });
});

describe('parseCommand', () => {
  it.each([
    ['/help', { kind: 'help' }],
    ['/start', { kind: 'help' }],
    ['/sessions', { kind: 'sessions' }],
    ['/logs', { kind: 'logs' }],
    ['/new build', { kind: 'new', name: 'build', command: undefined }],
    ['/new build npm run "x y" $(id)', { kind: 'new', name: 'build', command: 'npm run "x y" $(id)' }],
    ['/attach %12', { kind: 'attach', target: '%12', name: undefined }],
    ['/attach work:1.0 w', { kind: 'attach', target: 'work:1.0', name: 'w' }],
    ['/send build  echo  "$HOME" ;', { kind: 'send', session: 'build', text: 'echo  "$HOME" ;' }],
    ['/send build\nline1\nline2', { kind: 'send', session: 'build', text: 'line1\nline2' }],
    ['/keys build C-c enter y " "', { kind: 'keys', session: 'build', keys: ['C-c', 'Enter', 'y', ' '] }],
    ['/keys web pageup ESC', { kind: 'keys', session: 'web', keys: ['PageUp', 'Esc'] }],
    ['/tail build', { kind: 'tail', session: 'build', lines: 30 }],
    ['/tail build 5', { kind: 'tail', session: 'build', lines: 5 }],
    ['/tail build 99999', { kind: 'tail', session: 'build', lines: 500 }],
    ['/summary web', { kind: 'summary', session: 'web' }],
    ['/screen web', { kind: 'screen', session: 'web' }],
    ['/alias build b2', { kind: 'alias', session: 'build', alias: 'b2' }],
    ['/kill web', { kind: 'kill', session: 'web' }],
    ['/mute', { kind: 'mute', session: undefined }],
    ['/unmute web', { kind: 'unmute', session: 'web' }],
    // An unknown first word outside a topic is still SESSION: resolving it says "no such session".
    ['/send nope hi', { kind: 'send', session: 'nope', text: 'hi' }],
  ])('%j', (text, command) => {
    expect(parse(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['/send hello there', { kind: 'send', session: 's9', text: 'hello there' }],
    ['/send build hi', { kind: 'send', session: 'build', text: 'hi' }],
    ['/tail', { kind: 'tail', session: 's9', lines: 30 }],
    ['/tail 5', { kind: 'tail', session: 's9', lines: 5 }],
    ['/keys C-c', { kind: 'keys', session: 's9', keys: ['C-c'] }],
    ['/kill', { kind: 'kill', session: 's9' }],
    ['/screen', { kind: 'screen', session: 's9' }],
    ['/mute', { kind: 'mute', session: 's9' }],
    ['/alias b3', { kind: 'alias', session: 's9', alias: 'b3' }],
  ])('in a topic: %j', (text, command) => {
    expect(parse(text, inTopic)).toEqual({ ok: true, command });
  });

  it.each([
    ['/new', /Usage: \/new NAME/],
    ['/new x#(touch f)', /Invalid name/],
    [`/new ${'a'.repeat(33)}`, /Invalid name/],
    ['/attach', /Usage: \/attach TARGET/],
    ['/attach ;rm', /TARGET is a pane id/],
    ['/attach %1 bad!name', /Invalid name/],
    ['/send build', /Usage: \/send SESSION TEXT/],
    ['/send', /Usage/],
    ['/keys build', /Usage: \/keys/],
    ['/keys build NotAKey', /Unknown key "NotAKey"/],
    ['/tail build x', /Usage: \/tail/],
    ['/screen', /Usage: \/screen SESSION/],
    ['/screen web extra', /Usage: \/screen SESSION/],
    ['/tail build 0', /Usage/],
    ['/tail', /Usage/],
    ['/kill', /Usage: \/kill SESSION/],
    ['/kill a b', /Usage/],
    ['/alias build', /Usage/],
    ['/alias build $(x)', /Invalid name/],
    ['/mute a b', /Usage/],
  ])('usage: %j', (text, usage) => {
    const result = parse(text);
    expect(result?.ok).toBe(false);
    expect(result !== null && !result.ok ? result.usage : '').toMatch(usage);
  });

  it('returns null for commands pocket does not have', () => {
    for (const name of ['nope', 'record']) expect(parseCommand(name, 'x', plain)).toBeNull();
  });

  it('parses /codex and /claude with an optional @FOLDER that cannot be mistaken for the prompt', () => {
    expect(parseCommand('codex', '@~/src/app fix the tests', plain)).toEqual({ ok: true, command: { kind: 'agent', agent: 'codex', folder: '~/src/app', prompt: 'fix the tests' } });
    expect(parseCommand('claude', 'fix @mentions in the parser', plain)).toEqual({ ok: true, command: { kind: 'agent', agent: 'claude', folder: undefined, prompt: 'fix @mentions in the parser' } });
    expect(parseCommand('claude', '', plain)).toEqual({ ok: true, command: { kind: 'agent', agent: 'claude', folder: undefined, prompt: '' } });
    expect(parseCommand('codex', '@ fix', plain)?.ok).toBe(false);
  });

  it('parses /cancel [SESSION] and /resume [codex|claude] [ID]', () => {
    expect(parseCommand('cancel', '', { ...plain, implied: 's3' })).toEqual({ ok: true, command: { kind: 'cancel', session: 's3' } });
    expect(parseCommand('cancel', 'claude-2', plain)).toEqual({ ok: true, command: { kind: 'cancel', session: 'claude-2' } });
    expect(parseCommand('resume', '', plain)).toEqual({ ok: true, command: { kind: 'resume', agent: undefined, id: undefined } });
    expect(parseCommand('resume', 'codex 0199a-b2', plain)).toEqual({ ok: true, command: { kind: 'resume', agent: 'codex', id: '0199a-b2' } });
    expect(parseCommand('resume', 'f3e1c2d4-aaaa', plain)).toEqual({ ok: true, command: { kind: 'resume', agent: undefined, id: 'f3e1c2d4-aaaa' } });
    expect(parseCommand('resume', 'codex a b', plain)?.ok).toBe(false);
    expect(parseCommand('resume', 'claude $(rm)', plain)?.ok).toBe(false);
  });
});
