// The emulator marks commands as Telegram does (tdlib's match_bot_commands): punctuation ends a command, so a bot
// runs `/logs.`; the permission gate must see the same command (test/security/adversarial.test.ts).
import { describe, expect, it } from 'vitest';
import { detectEntities } from '../../src/emulator/incoming.js';

const commands = (text: string): string[] =>
  detectEntities(text).filter((e) => e.type === 'bot_command').map((e) => text.slice(e.offset, e.offset + e.length));

describe('detectEntities: bot commands', () => {
  it('ends a command at punctuation, as Telegram does', () => {
    expect(commands('/logs.')).toEqual(['/logs']);
    expect(commands('/shell;id')).toEqual(['/shell']);
    expect(commands('/kill,now')).toEqual(['/kill']);
    expect(commands('/tail@pocket_bot 5')).toEqual(['/tail@pocket_bot']);
    expect(commands('/new build make')).toEqual(['/new']);
  });

  it('marks no command inside a word, a path or a tag', () => {
    expect(commands('a/b')).toEqual([]);
    expect(commands('see /usr/bin')).toEqual([]);
    expect(commands('<b>/x</b>')).toEqual([]);
    expect(commands('/')).toEqual([]);
    expect(commands('/é')).toEqual([]);
  });
});
