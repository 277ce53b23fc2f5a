import { describe, expect, it } from 'vitest';
import {
  CODE_LENGTH,
  codeFromBytes,
  displayCode,
  judgeMessage,
  MAX_WRONG_CODES,
  type PairingMessage,
  type PairingState,
  startPairing,
  WRONG_CODE_REPLY,
} from '../../src/core/pairing.js';

const T0 = 1_800_000_000_000;
const CODE = 'K7QM3XPA';
const fresh = () => startPairing(CODE, T0, 600_000);
const msg = (over: Partial<PairingMessage> = {}): PairingMessage => ({
  fromId: 42, fromIsBot: false, chatId: 42, chatType: 'private', text: 'K7QM-3XPA', dateS: T0 / 1000 + 5, ...over,
});

describe('codeFromBytes', () => {
  it('makes 8 characters of the unambiguous alphabet, skipping bytes that would bias the pick', () => {
    const bytes = Uint8Array.from([255, 250, 248, 0, 1, 2, 30, 31, 61, 100, 247, 9]);
    const code = codeFromBytes(bytes)!;
    expect(code).toHaveLength(CODE_LENGTH);
    // 255, 250, 248 are skipped; 0 -> A, 1 -> B, 2 -> C, 30 -> 9, 31 -> A (31 % 31), 61 -> 9, 100 -> H (100 % 31 = 7), 247 -> 9
    expect(code).toBe('ABC9A9H9');
    expect(code).not.toMatch(/[01ILO]/);
  });

  it('gives up when the bytes run out', () => {
    expect(codeFromBytes(Uint8Array.from([255, 255, 1]))).toBeUndefined();
  });

  it('shows the code in two groups of four', () => {
    expect(displayCode(CODE)).toBe('K7QM-3XPA');
  });
});

describe('judgeMessage', () => {
  it('pairs the sender of the right code in a private chat, whatever the case, spaces and dash', () => {
    for (const text of ['K7QM-3XPA', 'k7qm3xpa', ' k7qm 3xpa ', '/start K7QM3XPA']) {
      expect(judgeMessage(fresh(), msg({ text }), T0 + 1000).verdict).toEqual({ kind: 'paired', userId: 42, chatId: 42, chatType: 'private' });
    }
  });

  it('pairs in a group only through /pair or /start, with or without @bot', () => {
    const group = { chatId: -1001, chatType: 'supergroup' as const };
    expect(judgeMessage(fresh(), msg({ ...group, text: '/pair@pocket_bot K7QM-3XPA' }), T0).verdict).toEqual({
      kind: 'paired', userId: 42, chatId: -1001, chatType: 'supergroup',
    });
    // Plain talk in the group is no attempt: it neither pairs nor counts as a wrong code.
    const plain = judgeMessage(fresh(), msg({ ...group, text: 'K7QM-3XPA' }), T0);
    expect(plain.verdict).toEqual({ kind: 'ignore' });
    expect(plain.state.wrongCodes).toBe(0);
  });

  it('answers a wrong code in a private chat once, and counts every wrong code', () => {
    let state: PairingState = fresh();
    const first = judgeMessage(state, msg({ text: 'hello' }), T0);
    expect(first.verdict).toEqual({ kind: 'wrong', reply: { chatId: 42, text: WRONG_CODE_REPLY } });
    state = first.state;
    const second = judgeMessage(state, msg({ text: 'AAAA-BBBB' }), T0);
    expect(second.verdict).toEqual({ kind: 'wrong' });
    expect(second.state.wrongCodes).toBe(2);
  });

  it('says nothing to a wrong /pair in a group', () => {
    const judged = judgeMessage(fresh(), msg({ chatId: -5, chatType: 'group', text: '/pair NOPE1234' }), T0);
    expect(judged.verdict).toEqual({ kind: 'wrong' });
  });

  it('ignores bots, anonymous admins, channels, a bare /start and messages older than the code', () => {
    const cases: Partial<PairingMessage>[] = [
      { fromIsBot: true },
      { fromId: 1087968824, chatId: -7, chatType: 'supergroup', text: '/pair K7QM3XPA' },
      { chatType: 'channel', chatId: -9 },
      { text: '/start' },
      { dateS: T0 / 1000 - 1 },
    ];
    for (const over of cases) {
      const judged = judgeMessage(fresh(), msg(over), T0);
      expect(judged.verdict, JSON.stringify(over)).toEqual({ kind: 'ignore' });
      expect(judged.state.wrongCodes).toBe(0);
    }
  });

  it('refuses even the right code once the code has expired', () => {
    expect(judgeMessage(fresh(), msg(), T0 + 600_000).verdict).toEqual({ kind: 'expired' });
  });

  it('locks after MAX_WRONG_CODES wrong codes, so the code cannot be guessed', () => {
    let state = fresh();
    let verdict = judgeMessage(state, msg({ text: 'WRONG' }), T0).verdict;
    for (let i = 0; i < MAX_WRONG_CODES; i++) {
      const judged = judgeMessage(state, msg({ fromId: 1000 + i, chatId: 1000 + i, text: 'WRONG' }), T0);
      state = judged.state;
      verdict = judged.verdict;
    }
    expect(verdict).toEqual({ kind: 'locked' });
    expect(judgeMessage(state, msg(), T0).verdict).toEqual({ kind: 'locked' });
  });
});
