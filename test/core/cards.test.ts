import { describe, expect, it } from 'vitest';
import { renderAlert, renderCard, sessionLine, topicName } from '../../src/core/cards.js';
import type { SessionView } from '../../src/core/sessions.js';

const ids = { refresh: 'r', tail: 't', screen: 's', ctrlC: 'c', enter: 'e', kill: 'k', cancel: 'x' };
const view = (patch: Partial<SessionView> = {}): SessionView => ({
  id: 's1', name: 'build', alias: null, kind: 'tmux', paneId: '%1', command: 'make -j8', adopted: false,
  createdAt: '2024-01-01T00:00:00Z', topicId: null, muted: false, exitCode: null, exitedAt: null, state: 'running',
  lastActivityAt: null, prompt: null, ...patch,
});

describe('the machine a session runs on (POCKET_HOST_LABEL)', () => {
  it('is in the card\'s command line, like a prompt, and in the topic name after the session', () => {
    expect(renderCard(view(), [], ids, 'laptop').text.split('\n')[1]).toBe('laptop$ make -j8');
    expect(topicName(view({ alias: 'b' }), 'laptop')).toBe('build (b) · laptop');
  });
});

describe('renderCard', () => {
  it('shows state, command, the last lines and the five buttons', () => {
    const card = renderCard(view({ alias: 'b' }), Array.from({ length: 40 }, (_, i) => `line ${i}`), ids);
    expect(card.text.split('\n').slice(0, 2)).toEqual(['▶ build (b) — running', '$ make -j8']);
    expect(card.text).toContain('line 25\n');
    expect(card.text).not.toContain('line 24\n');
    expect(card.text.endsWith('line 39')).toBe(true);
    expect(card.pre).toBe(true);
    expect(card.buttons.flat().map((b) => [b.text, b.data])).toEqual([['Refresh', 'r'], ['Tail', 't'], ['Ctrl-C', 'c'], ['Enter', 'e'], ['Kill', 'k']]);
  });

  it('says when there is no output, shows exit codes and prompts, and drops input buttons once exited', () => {
    expect(renderCard(view(), [], ids).text).toContain('(no output yet)');
    const exited = renderCard(view({ state: 'exited', exitCode: 3, muted: true }), ['bye'], ids);
    expect(exited.text).toMatch(/^■ build — exited \(code 3\) · muted/);
    expect(exited.buttons.flat().map((b) => b.text)).toEqual(['Refresh', 'Tail']);
    const waiting = renderCard(view({ state: 'waiting', prompt: { ruleId: 'r', question: 'Continue? [y/N]', answers: [], secret: false } }), [], ids);
    expect(waiting.text).toContain('? Continue? [y/N]');
  });

  it('offers a Screen button only while a full-screen program holds the terminal (alternate screen)', () => {
    const full = view({ screen: { lines: ['  top - 10:00:01 up 3 days', '  PID USER'], cursorRow: 0 } });
    expect(renderCard(full, [], ids).buttons.map((row) => row.map((b) => [b.text, b.data]))).toEqual([
      [['Refresh', 'r'], ['Tail', 't'], ['Screen', 's']],
      [['Ctrl-C', 'c'], ['Enter', 'e'], ['Kill', 'k']],
    ]);
    expect(renderCard(view(), [], ids).buttons.flat().map((b) => b.text)).not.toContain('Screen');
  });

  it('keeps a card under the Telegram limit even with long, escape-heavy lines', () => {
    const card = renderCard(view(), Array.from({ length: 40 }, () => '<&>'.repeat(200)), ids);
    const escaped = card.text.replace(/[&<>]/g, '&amp;');
    expect(escaped.length).toBeLessThan(4096);
    expect(card.text).toContain('…');
  });
});

describe('renderAlert', () => {
  const prompt = { ruleId: 'yn', question: 'Proceed? [y/N]', answers: [{ label: 'y', input: { text: 'y' } }, { label: 'N', input: { text: 'n' } }], secret: false };
  it('waiting: the question and one button per answer', () => {
    const alert = renderAlert(view({ state: 'waiting', prompt }), 'waiting', ['a1', 'a2']);
    expect(alert.text).toBe('❓ build waits for input:\nProceed? [y/N]\nReply to this message to answer.');
    expect(alert.buttons).toEqual([[{ text: 'y', data: 'a1' }, { text: 'N', data: 'a2' }]]);
    expect(alert.silent).toBe(false);
  });
  it('waiting in an editor or a pager: says which program holds the terminal', () => {
    const vim = { ruleId: 'editor-vim', question: '".git/rebase-merge/git-rebase-todo" 33L, 1521B', answers: [{ label: 'Save and quit (:wq)', input: { text: ':wq' } }], secret: false, program: 'vim' };
    const alert = renderAlert(view({ state: 'waiting', prompt: vim }), 'waiting', ['a1']);
    expect(alert.text).toBe('❓ build waits for input (vim holds the terminal):\n".git/rebase-merge/git-rebase-todo" 33L, 1521B\nReply to this message to answer.');
  });
  it('secret prompts never get buttons; idle is silent; exit says the code', () => {
    const secret = renderAlert(view({ state: 'waiting', prompt: { ...prompt, secret: true } }), 'waiting', ['a1', 'a2']);
    expect(secret.buttons).toEqual([]);
    expect(secret.text).toContain('asks for a secret');
    expect(renderAlert(view(), 'idle', [])).toMatchObject({ silent: true, text: '⏸ build has gone quiet.' });
    expect(renderAlert(view({ exitCode: 1 }), 'exited', []).text).toBe('■ build exited with code 1.');
  });
});

describe('sessionLine', () => {
  it('one line per session', () => {
    expect(sessionLine(view({ alias: 'b', muted: true }))).toBe('▶ build (b) — running, muted — make -j8');
  });
});
