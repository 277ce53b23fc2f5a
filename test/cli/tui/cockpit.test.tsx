// The cockpit's panes at 60, 80 and 160 columns (nothing wraps, columns drop), short terminals, NO_COLOR, and the
// keys (attach, kill with confirm, mute, filter, help), against a fake daemon link the test drives.
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DetailPane } from '../../../src/cli/tui/detail-pane.js';
import { PaletteContext, paletteFor } from '../../../src/cli/tui/palette.js';
import { BotPane, DaemonPane } from '../../../src/cli/tui/panes.js';
import { SessionsPane } from '../../../src/cli/tui/sessions-pane.js';
import { type CockpitLink, StatusApp, type SubscribeFn } from '../../../src/cli/tui/status-app.js';
import type { BotActivity, BotHealth, CockpitEvent, SessionDetail } from '../../../src/core/cockpit.js';
import type { SessionStatus, StatusSnapshot } from '../../../src/core/status.js';
import { NOW, secondsAgo, session, snapshot, THREE_SESSIONS } from './snapshots.js';
import { waitForFrame } from './wait-for-frame.js';

const previousLevel = chalk.level;
chalk.level = 1;
afterAll(() => {
  chalk.level = previousLevel;
});

const HEALTH: BotHealth = {
  connected: false, trouble: 'conflict', lastError: 'Another process polls with this bot token (409): polling stopped.',
  lastPollAt: secondsAgo(40), outbox: { pending: 4, oldestQueuedAt: NOW - 12_000 }, rateLimitedLastHour: 3, retriedLastHour: 7,
};
const ACTIVITY: BotActivity[] = [
  { at: NOW - 9000, kind: 'card_edited', session: 'build', detail: 'card edited' },
  { at: NOW - 5000, kind: 'input_typed', session: 'build', detail: 'text by @alice' },
  { at: NOW - 3000, kind: 'update_refused', detail: 'refused update from user 666: not_authorized' },
  { at: NOW - 1000, kind: 'alert_sent', session: 'build', detail: 'alert sent' },
];
const BUILD: SessionDetail = {
  id: 's1', name: 'build', kind: 'tmux', state: 'waiting', command: 'make deploy', createdAt: secondsAgo(125), exitedAt: null,
  exitCode: null, topicId: 17, muted: false,
  question: { text: 'Overwrite config.yaml? [y/N]', answers: ['Yes', 'No'], secret: false }, screen: null,
};
const LINES = Array.from({ length: 30 }, (_, i) => `step ${i + 1} of 30: compiling module-${i + 1}.c`);
const SESSIONS: SessionStatus[] = [
  { ...THREE_SESSIONS[0]!, state: 'waiting' },
  ...THREE_SESSIONS.slice(1),
  session({ id: 's4', name: 'a-rather-long-session-name-for-a-pane', target: 'workspace:12.3', topicId: 123456, lastActivityAt: secondsAgo(4000) }),
];

/** Renders at a terminal size: ink-testing-library's stdout is 100 columns and has no rows; Ink re-reads both on resize. */
function renderAt(element: ReactElement, columns: number, rows = 40) {
  const app = render(element);
  Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
  app.stdout.emit('resize');
  return app;
}

/** The link the app gets: events pushed by the test, actions recorded. */
function fakeLink(opts: { attach?: 'leave' | 'switched' } = {}) {
  const calls: unknown[][] = [];
  let push: (e: CockpitEvent) => void = () => {};
  const link: CockpitLink = {
    subscribe: (onEvent) => {
      push = onEvent;
      return () => {};
    },
    focus: (id) => calls.push(['focus', id]),
    kill: async (id) => void calls.push(['kill', id]),
    setMuted: async (id, muted) => void calls.push(['setMuted', id, muted]),
    attach: async (s, view) => {
      calls.push(['attach', s.id, view.filter]);
      return opts.attach ?? 'switched';
    },
  };
  return { link, calls, push: (e: CockpitEvent) => push(e) };
}

function streams() {
  const s = { push: (_: StatusSnapshot) => {}, fail: (_: Error) => {} };
  const subscribe: SubscribeFn = (onSnapshot, onError) => {
    s.push = onSnapshot;
    s.fail = onError;
    return () => {};
  };
  return { s, subscribe };
}

function mountCockpit(columns: number, rows = 40, opts: { colors?: boolean; attach?: 'leave' | 'switched'; sessions?: SessionStatus[] } = {}) {
  const fake = fakeLink(opts);
  const { s, subscribe } = streams();
  const onQuit = vi.fn();
  const app = renderAt(
    <StatusApp
      initial={snapshot(opts.sessions ?? SESSIONS)}
      subscribe={subscribe}
      cockpit={fake.link}
      home="/h"
      now={() => NOW}
      onQuit={onQuit}
      colors={opts.colors ?? true}
    />,
    columns,
    rows,
  );
  fake.push({ type: 'bot', health: HEALTH });
  fake.push({ type: 'activity', entries: ACTIVITY });
  fake.push({ type: 'detail', detail: BUILD, lines: LINES });
  return { ...app, ...fake, stream: s, onQuit };
}

const widest = (frame: string): number => Math.max(...frame.split('\n').map((l) => [...l].length));
const headerOf = (frame: string): string => frame.split('\n').find((l) => l.includes('NAME')) ?? '';

describe('each pane at 60, 80 and 160 columns: nothing wraps', () => {
  const inPalette = (el: ReactElement) => <PaletteContext.Provider value={paletteFor(true)}>{el}</PaletteContext.Provider>;
  const snap = snapshot(SESSIONS, { daemon: { running: true, pid: 4242, uptimeS: 7530, version: '0.1.0', degraded: [], warnings: ['warning text that is long enough to be cut at sixty columns for sure, really'] } });

  it.each([60, 80, 160])('daemon pane at %i', async (width) => {
    const { lastFrame, unmount } = renderAt(inPalette(<DaemonPane snapshot={snap} home="/h" elapsedS={0} now={NOW} width={width} compact={false} />), width + 1);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('daemon running'));
    expect(widest(frame)).toBeLessThanOrEqual(width);
    expect(frame.split('\n')).toHaveLength(4);
    unmount();
  });

  it.each([60, 80, 160])('bot pane at %i: why not connected, outbox, 429s, retries, what the bot did', async (width) => {
    const { lastFrame, unmount } = renderAt(inPalette(
      <BotPane snapshot={snap} health={HEALTH} activity={ACTIVITY} activityRows={3} now={NOW} width={width} compact={false} />,
    ), width + 1);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('bot @pocket_bot'));
    expect(widest(frame)).toBeLessThanOrEqual(width);
    expect(frame.split('\n')).toHaveLength(2 + 3 + 3);
    expect(frame).toContain('disconnected (409');
    expect(frame).toContain('outbox 4 waiting, oldest 12s');
    if (width >= 80) expect(frame).toContain('429s 3/h  ·  retries 7/h');
    // The last three of what the bot did, the newest at the bottom.
    expect(frame).not.toContain('card edited');
    expect(frame).toMatch(/build: text by @alice[\s\S]*refused update from user 666[\s\S]*build: alert sent/);
    unmount();
  });

  it.each([
    // The long name is cut to 16 before a column goes for it.
    [60, ['NAME', 'KIND', 'STATE', 'EXIT', 'ACTIVITY'], ['TOPIC', 'ALIAS', 'TARGET']],
    [80, ['NAME', 'ALIAS', 'KIND', 'TARGET', 'STATE', 'EXIT', 'ACTIVITY'], ['TOPIC']],
    [160, ['NAME', 'ALIAS', 'KIND', 'TARGET', 'STATE', 'EXIT', 'ACTIVITY', 'TOPIC'], []],
  ])('sessions pane at %i: columns drop in order', async (width, kept, dropped) => {
    const { lastFrame, unmount } = renderAt(inPalette(
      <SessionsPane sessions={SESSIONS} selectedId="s1" now={NOW} width={width} rows={10} compact={false} filter="" total={4} />,
    ), width + 1);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('NAME'));
    expect(widest(frame)).toBeLessThanOrEqual(width);
    for (const column of kept) expect(headerOf(frame)).toContain(column);
    for (const column of dropped) expect(headerOf(frame)).not.toContain(column);
    expect(frame.split('\n')).toHaveLength(2 + 1 + 4);
    expect(frame).toMatch(/› build\s+.*waiting/);
    unmount();
  });

  it.each([60, 80, 160])('detail pane at %i: facts, question with the offered answers, the last lines that fit', async (width) => {
    const { lastFrame, unmount } = renderAt(inPalette(
      <DetailPane selected={SESSIONS[0]} detail={BUILD} lines={LINES} lineRows={5} now={NOW} width={width} compact={false} />,
    ), width + 1);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('build'));
    expect(widest(frame)).toBeLessThanOrEqual(width);
    expect(frame.split('\n')).toHaveLength(2 + 1 + 2 + 5);
    expect(frame).toContain('build  waiting  runtime 2m 5s  exit -');
    expect(frame).toContain('waiting: Overwrite config.yaml? [y/N]');
    expect(frame).toContain('answers: [Yes] [No]');
    expect(frame).toContain('step 30 of 30');
    expect(frame).toContain('step 26 of 30');
    expect(frame).not.toContain('step 25 of 30');
    if (width >= 80) expect(frame).toContain('topic 17  alerts on  $ make deploy');
    unmount();
  });

  it('detail pane: a full-screen program shows its screen around the cursor, a password prompt offers no answers', async () => {
    const screen = { lines: Array.from({ length: 20 }, (_, i) => `vim row ${i}`), cursorRow: 15 };
    const detail: SessionDetail = { ...BUILD, screen, question: { text: 'Password:', answers: [], secret: true } };
    const { lastFrame, unmount } = renderAt(inPalette(
      <DetailPane selected={SESSIONS[0]} detail={detail} lines={LINES} lineRows={4} now={NOW} width={80} compact={false} />,
    ), 81);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('vim row'));
    expect(frame).toMatch(/vim row 12[\s\S]*vim row 15/);
    expect(frame).not.toContain('vim row 16');
    expect(frame).not.toContain('step 30');
    expect(frame).toContain('a password prompt: answer it in the pane');
    unmount();
  });
});

describe('the whole cockpit', () => {
  it.each([60, 80, 160])('fits %i columns and 40 rows, with the question of the selected session', async (columns) => {
    const { lastFrame, unmount } = mountCockpit(columns);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('answers: [Yes] [No]') && f.includes('409'));
    expect(widest(frame)).toBeLessThan(columns);
    expect(frame.split('\n').length).toBeLessThan(40);
    expect(frame).toContain('step 30 of 30');
    unmount();
  });

  it.each([12, 18])('degrades at %i rows: no borders, shorter lists, never as tall as the terminal', async (rows) => {
    const { lastFrame, unmount } = mountCockpit(80, rows);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('Overwrite config.yaml'));
    expect(frame.split('\n').length).toBeLessThan(rows);
    expect(frame).not.toContain('╭');
    expect(frame).toContain('› build');
    expect(widest(frame)).toBeLessThan(80);
    unmount();
  });

  it('uses no colour under NO_COLOR, and colours otherwise', async () => {
    const colourCode = /\u001b\[(3[0-7]|9[0-7]|4[0-7])m/;
    const plain = mountCockpit(100, 40, { colors: false });
    await waitForFrame(plain.lastFrame, (f) => f.includes('Overwrite'));
    expect(plain.lastFrame() ?? '').not.toMatch(colourCode);
    plain.unmount();
    const coloured = mountCockpit(100, 40, { colors: true });
    await waitForFrame(coloured.lastFrame, (f) => f.includes('Overwrite'));
    expect(coloured.lastFrame() ?? '').toMatch(colourCode);
    coloured.unmount();
  });

  it('focuses the selected session, and shows no lines of the one before until the daemon describes the new one', async () => {
    const { lastFrame, stdin, calls, push, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('\u001b[B');
    let frame = await waitForFrame(lastFrame, (f) => f.includes('agent  waiting  …'));
    expect(frame).not.toContain('step 30');
    await vi.waitFor(() => expect(calls).toContainEqual(['focus', 's2']));
    push({ type: 'detail', detail: { ...BUILD, id: 's2', name: 'agent', kind: 'codex', question: null, state: 'waiting' }, lines: ['thinking'] });
    push({ type: 'lines', sessionId: 's2', lines: ['ran the tests'] });
    push({ type: 'lines', sessionId: 's1', lines: ['not for this pane'] });
    frame = await waitForFrame(lastFrame, (f) => f.includes('ran the tests'));
    expect(frame).toMatch(/thinking\s*│?\n.*ran the tests/);
    expect(frame).not.toContain('not for this pane');
    unmount();
  });
});

describe('keys', () => {
  it('k asks, y kills through the daemon; any other key cancels', async () => {
    const { lastFrame, stdin, calls, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('k');
    await waitForFrame(lastFrame, (f) => f.includes('kill build? y to confirm'));
    stdin.write('n');
    await waitForFrame(lastFrame, (f) => !f.includes('kill build?'));
    expect(calls.filter((c) => c[0] === 'kill')).toEqual([]);
    stdin.write('k');
    await waitForFrame(lastFrame, (f) => f.includes('kill build?'));
    stdin.write('y');
    await waitForFrame(lastFrame, (f) => f.includes('killed build'));
    expect(calls.filter((c) => c[0] === 'kill')).toEqual([['kill', 's1']]);
    unmount();
  });

  it('kills the session the question named, even when the table moved before y', async () => {
    const { lastFrame, stdin, calls, stream, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('k');
    await waitForFrame(lastFrame, (f) => f.includes('kill build?'));
    // build is gone from the table meanwhile: the selection moves to agent, the question still names build.
    stream.push(snapshot(SESSIONS.slice(1)));
    await waitForFrame(lastFrame, (f) => f.includes('› agent') && f.includes('kill build?'));
    stdin.write('y');
    await waitForFrame(lastFrame, (f) => f.includes('killed build'));
    expect(calls.filter((c) => c[0] === 'kill')).toEqual([['kill', 's1']]);
    unmount();
  });

  it('m mutes an unmuted session and unmutes a muted one', async () => {
    const { lastFrame, stdin, calls, push, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('alerts on'));
    stdin.write('m');
    await waitForFrame(lastFrame, (f) => f.includes('muted alerts of build'));
    push({ type: 'detail', detail: { ...BUILD, muted: true } });
    await waitForFrame(lastFrame, (f) => f.includes('topic 17  muted'));
    stdin.write('m');
    await waitForFrame(lastFrame, (f) => f.includes('unmuted alerts of build'));
    expect(calls.filter((c) => c[0] === 'setMuted')).toEqual([['setMuted', 's1', true], ['setMuted', 's1', false]]);
    unmount();
  });

  it('shows why an action failed', async () => {
    const { lastFrame, stdin, link, unmount } = mountCockpit(100);
    link.kill = async () => {
      throw new Error('Not connected to the daemon: waiting for it to come back.');
    };
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('k');
    await waitForFrame(lastFrame, (f) => f.includes('kill build?'));
    stdin.write('y');
    await waitForFrame(lastFrame, (f) => f.includes('Not connected to the daemon'));
    unmount();
  });

  it('/ filters as you type (q and k are text there), Enter keeps the filter, Esc clears it', async () => {
    const { lastFrame, stdin, onQuit, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('/');
    await waitForFrame(lastFrame, (f) => f.includes('Enter keep'));
    stdin.write('t');
    stdin.write('e');
    let frame = await waitForFrame(lastFrame, (f) => f.includes('filter "te": 1 of 4'));
    expect(frame).toContain('› tests');
    expect(frame).not.toMatch(/^\s*│?\s+build\s/m);
    stdin.write('\r');
    frame = await waitForFrame(lastFrame, (f) => f.includes('Enter attach'));
    expect(frame).toContain('filter "te"');
    stdin.write('/');
    stdin.write('q');
    await waitForFrame(lastFrame, (f) => f.includes('no session matches the filter'));
    expect(onQuit).not.toHaveBeenCalled();
    stdin.write('\u001b');
    frame = await waitForFrame(lastFrame, (f) => !f.includes('filter "'));
    expect(frame).toContain('agent');
    unmount();
  });

  it('? shows the help, any key closes it', async () => {
    const { lastFrame, stdin, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('?');
    await waitForFrame(lastFrame, (f) => f.includes('attach to it in tmux'));
    stdin.write('x');
    await waitForFrame(lastFrame, (f) => f.includes('step 30') && !f.includes('attach to it in tmux'));
    unmount();
  });

  it('Enter attaches a tmux session (switched in place: the cockpit stays), and refuses an agent session', async () => {
    const { lastFrame, stdin, calls, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('\r');
    await waitForFrame(lastFrame, (f) => f.includes('switched to build'));
    stdin.write('\u001b[B');
    await waitForFrame(lastFrame, (f) => f.includes('› agent'));
    stdin.write('\r');
    await waitForFrame(lastFrame, (f) => f.includes('agent is a codex session: it has no tmux pane'));
    expect(calls.filter((c) => c[0] === 'attach')).toEqual([['attach', 's1', '']]);
    unmount();
  });

  it('Enter that must leave the TUI ends it (without calling onQuit), so the terminal can attach', async () => {
    const { lastFrame, stdin, calls, onQuit } = mountCockpit(100, 40, { attach: 'leave' });
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stdin.write('\r');
    await vi.waitFor(() => expect(calls).toContainEqual(['attach', 's1', '']));
    expect(onQuit).not.toHaveBeenCalled();
  });
});

describe('the daemon going away and coming back', () => {
  it('keeps the last view under a banner, then goes live again with what the daemon sends', async () => {
    const { lastFrame, stream, push, unmount } = mountCockpit(100);
    await waitForFrame(lastFrame, (f) => f.includes('step 30'));
    stream.fail(Object.assign(new Error('The daemon closed the connection.'), { code: 'DAEMON_NOT_RUNNING', name: 'PocketError' }));
    let frame = await waitForFrame(lastFrame, (f) => f.includes('showing the last snapshot'));
    expect(frame).toContain('Overwrite config.yaml');
    stream.push(snapshot([{ ...SESSIONS[0]!, state: 'running' }]));
    push({ type: 'bot', health: { ...HEALTH, connected: true, trouble: null, lastError: null } });
    push({ type: 'detail', detail: { ...BUILD, state: 'running', question: null }, lines: ['resumed'] });
    frame = await waitForFrame(lastFrame, (f) => f.includes('resumed') && !f.includes('showing the last snapshot'));
    expect(frame).toContain('connected');
    expect(frame).not.toContain('Overwrite config.yaml');
    unmount();
  });
});
