// The tab mirror on plain data: each poll's bytes written into a real headless terminal, whose completed lines must
// be exactly the new output, and whose screen must be what the tab shows.
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_MIRROR, lineHash, type MirrorState, mirrorAnchor, mirrorStep, resumeMirror, screenLines, startMirror, type TabPoll } from '../../src/core/tab-mirror.js';
import { TerminalRenderer } from '../../src/terminal/terminal.js';

const renderers: TerminalRenderer[] = [];
afterEach(() => {
  for (const renderer of renderers.splice(0)) renderer.dispose();
});

/** Terminal's `contents`: the visible rows, blank rows below the text. */
function contents(lines: string[], rows = 8): string {
  return [...lines, ...Array(Math.max(0, rows - lines.length)).fill('')].join('\n');
}

function mirror() {
  const renderer = new TerminalRenderer({ cols: 80, rows: 8 });
  renderers.push(renderer);
  let state: MirrorState = EMPTY_MIRROR;
  return {
    renderer,
    /** One poll; returns the lines it completed. A need-history answer is given `history`. */
    poll(poll: TabPoll, history?: string, truncated = false): { lines: string[]; how: string } {
      let step = mirrorStep(state, poll);
      if (step.kind === 'need-history') {
        if (history === undefined) throw new Error('needed history');
        step = mirrorStep(state, poll, { text: history, truncated });
      }
      if (step.kind !== 'write') throw new Error('no write');
      state = step.state;
      renderer.write(step.bytes);
      return { lines: renderer.takeNewLines(), how: step.how };
    },
    get state() {
      return state;
    },
  };
}

describe('screenLines', () => {
  it('drops blank rows at the bottom, CRs and control characters, and keeps tabs', () => {
    expect(screenLines('a\r\nb\x1b[31m\tc  \n\n\n')).toEqual(['a', 'b[31m\tc']);
  });
});

describe('mirrorStep', () => {
  it('completes only the lines that are new, and rewrites the prompt line in place', () => {
    const m = mirror();
    expect(m.poll({ contents: contents(['Last login: Mon', 'ada@mac ~ % ']), busy: false }).lines).toEqual(['Last login: Mon']);
    // Typing at the prompt changes the last line only: nothing completes.
    expect(m.poll({ contents: contents(['Last login: Mon', 'ada@mac ~ % ls']), busy: false }).lines).toEqual([]);
    const after = m.poll({ contents: contents(['Last login: Mon', 'ada@mac ~ % ls', 'a.txt  b.txt', 'ada@mac ~ % ']), busy: false });
    expect(after).toEqual({ lines: ['ada@mac ~ % ls', 'a.txt  b.txt'], how: 'append' });
    expect(m.renderer.screen().slice(0, 4)).toEqual(['Last login: Mon', 'ada@mac ~ % ls', 'a.txt  b.txt', 'ada@mac ~ %']);
    // The same screen again writes nothing.
    const same = mirrorStep(m.state, { contents: contents(['Last login: Mon', 'ada@mac ~ % ls', 'a.txt  b.txt', 'ada@mac ~ % ']), busy: false });
    expect(same).toMatchObject({ kind: 'write', bytes: '' });
  });

  it('follows a screen that scrolled by less than its height', () => {
    const m = mirror();
    const lines = Array.from({ length: 8 }, (_, i) => `line ${i}`);
    m.poll({ contents: contents(lines), busy: true });
    const scrolled = [...lines.slice(3), 'line 8', 'line 9', 'line 10'];
    expect(m.poll({ contents: contents(scrolled), busy: true }).lines).toEqual(['line 7', 'line 8', 'line 9']);
  });

  it('asks for the history when more than a screen scrolled, and reads the missed lines from it', () => {
    const m = mirror();
    const all = Array.from({ length: 30 }, (_, i) => `out ${i}`);
    m.poll({ contents: contents(all.slice(0, 5)), busy: true });
    expect(mirrorStep(m.state, { contents: contents(all.slice(22, 30)), busy: true })).toEqual({ kind: 'need-history' });
    const caught = m.poll({ contents: contents(all.slice(22, 30)), busy: true }, all.join('\n'));
    expect(caught.how).toBe('history');
    expect(caught.lines).toEqual(all.slice(4, 29));
  });

  it('says output was skipped when even the history read does not reach back to the last poll', () => {
    const m = mirror();
    m.poll({ contents: contents(['a', 'b', 'c', 'd']), busy: true });
    const history = `…tial line\n${Array.from({ length: 20 }, (_, i) => `x${i}`).join('\n')}`;
    const result = m.poll({ contents: contents(Array.from({ length: 8 }, (_, i) => `x${12 + i}`)), busy: true }, history, true);
    expect(result.how).toBe('skipped');
    // The cut first line is not reported; every whole line read is.
    expect(result.lines).toEqual(['d', ...Array.from({ length: 19 }, (_, i) => `x${i}`)]);
  });

  it('reads a full-screen program whose screen follows its command in the history as output (a known limit)', () => {
    const m = mirror();
    m.poll({ contents: contents(['$ ls', 'a', '$ vim notes']), busy: false });
    const vim = ['hello', '~', '~', '"notes" 1L, 6B'];
    const painted = m.poll({ contents: contents(vim), busy: true }, '$ ls\na\n$ vim notes\nhello\n~\n~\n"notes" 1L, 6B');
    // The anchor ("$ ls", "a") is in that history: without a screen to tell them apart, a repaint reads as output.
    expect(painted.how).toBe('history');
  });

  it('treats a redrawn screen whose lines are nowhere in the history as a full-screen program', () => {
    const m = mirror();
    m.poll({ contents: contents(['$ echo one', 'one', '$ top']), busy: false });
    const top = ['Processes: 512 total', 'Load Avg: 1.0', 'PID COMMAND'];
    const first = m.poll({ contents: contents(top), busy: true }, top.join('\n'));
    expect(first).toEqual({ lines: [], how: 'repaint' });
    expect(m.renderer.alternateScreen).toBe(true);
    expect(m.renderer.screen().slice(0, 3)).toEqual(top);
    const next = ['Processes: 513 total', 'Load Avg: 1.1', 'PID COMMAND'];
    expect(m.poll({ contents: contents(next), busy: true })).toEqual({ lines: [], how: 'repaint' });
    expect(m.renderer.screen()[0]).toBe('Processes: 513 total');
    // top quits: the normal screen is back with a new prompt.
    const back = m.poll({ contents: contents(['$ echo one', 'one', '$ top', '$ ']), busy: false });
    expect(m.renderer.alternateScreen).toBe(false);
    expect(back.lines).toEqual(['$ top']);
  });

  it('takes a cleared screen as all new', () => {
    const m = mirror();
    m.poll({ contents: contents(['$ make', 'done', '$ clear']), busy: false });
    const cleared = m.poll({ contents: contents(['$ ']), busy: false }, '$ ');
    expect(cleared.how).toBe('cleared');
    expect(cleared.lines).toEqual(['$ clear']);
  });

  it('starts from the history without reporting it', () => {
    const renderer = new TerminalRenderer({ cols: 80, rows: 8 });
    renderers.push(renderer);
    const start = startMirror({ text: 'old 1\nold 2\n$ ', truncated: false }, { contents: contents(['old 1', 'old 2', '$ ']), busy: false });
    renderer.write(start.bytes);
    expect(renderer.lines(10)).toEqual(['old 1', 'old 2', '$']);
    expect(start.state.lines).toEqual(['old 1', 'old 2', '$']);
  });

  it('after a restart, finds its place by line fingerprints and reports only what came after it', () => {
    const state: MirrorState = { lines: ['x', 'a', 'b', '$ ls'], fullScreen: null };
    const anchor = mirrorAnchor(state);
    expect(anchor).toEqual(['x', 'a', 'b'].map(lineHash));
    expect(anchor.every((hash) => /^[0-9a-f]{16}$/.test(hash))).toBe(true);
    const history = { text: 'old\nx\na\nb\n$ ls\nfile1\n$ ', truncated: false };
    const resumed = resumeMirror(history, { contents: contents(['x', 'a', 'b', '$ ls', 'file1', '$ ']), busy: false }, anchor);
    if (resumed === null) throw new Error('anchor not found');
    const renderer = new TerminalRenderer({ cols: 80, rows: 8 });
    renderers.push(renderer);
    renderer.write(resumed.replay);
    renderer.takeNewLines();
    renderer.write(resumed.fresh);
    expect(renderer.takeNewLines()).toEqual(['$ ls', 'file1']);
    expect(renderer.lines(10)).toEqual(['old', 'x', 'a', 'b', '$ ls', 'file1', '$']);
    // Cleared since (or scrolled past what was read): no place to resume from.
    expect(resumeMirror({ text: '$ ', truncated: false }, { contents: '$ ', busy: false }, anchor)).toBeNull();
    expect(resumeMirror(history, { contents: '', busy: false }, [])).toBeNull();
  });
});
