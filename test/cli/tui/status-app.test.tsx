import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatusApp, type SubscribeFn } from '../../../src/cli/tui/status-app.js';
import { PocketError } from '../../../src/core/errors.js';
import { daemonWarnings, type StatusSnapshot } from '../../../src/core/status.js';
import { NOW, session, snapshot, THREE_SESSIONS } from './snapshots.js';
import { frameOf, waitForFrame } from './wait-for-frame.js';

/** A subscribe that hands the test the callbacks, so it can push snapshots and errors. */
function stream() {
  const s = {
    push: (_snap: StatusSnapshot) => {},
    fail: (_e: Error) => {},
    unsubscribed: false,
    subscribe: ((onSnapshot, onError) => {
      s.push = onSnapshot;
      s.fail = onError;
      return () => {
        s.unsubscribed = true;
      };
    }) as SubscribeFn,
  };
  return s;
}

function mount(initial: StatusSnapshot, opts: { now?: () => number } = {}) {
  const st = stream();
  const onQuit = vi.fn();
  const app = render(
    <StatusApp initial={initial} subscribe={st.subscribe} home="/home/u/.pocket" now={opts.now ?? (() => NOW)} onQuit={onQuit} />,
  );
  return { ...app, st, onQuit };
}

const rowOf = (frame: string, name: string) => frame.split('\n').find((l) => l.includes(` ${name} `)) ?? '';

afterEach(() => {
  vi.useRealTimers();
});

describe('StatusApp', () => {
  it('shows the daemon, bot and sessions panes with a key-hint footer', () => {
    const { lastFrame, unmount } = mount(snapshot(THREE_SESSIONS));
    const frame = frameOf(lastFrame);
    expect(frame).toContain('daemon running  pid 4242  up 2h 5m  v0.1.0');
    expect(frame).toContain('bot @pocket_bot  connected  last poll 3s ago');
    expect(frame).toMatch(/NAME\s+ALIAS\s+KIND\s+TARGET\s+STATE\s+EXIT\s+ACTIVITY\s+TOPIC/);
    expect(rowOf(frame, 'build')).toMatch(/› build\s+b\s+tmux\s+%12\s+running\s+-\s+5s ago\s+17/);
    expect(rowOf(frame, 'agent')).toMatch(/agent\s+-\s+codex\s+thread-9\s+waiting\s+-\s+1m 30s ago\s+-/);
    expect(rowOf(frame, 'tests')).toMatch(/tests\s+-\s+tmux\s+work:1.0\s+exited\s+1\s+2h 1m ago/);
    expect(frame).toContain('↑/↓ select  ·  Enter attach  ·  k kill  ·  m mute  ·  / filter  ·  ? help  ·  q quit');
    unmount();
  });

  it('shows what is degraded, with its cause, in the daemon pane', () => {
    const degraded = [{ key: 'pipe:s1', message: 'build: output pipe lost (no space left on device)', since: new Date(NOW - 7000).toISOString() }];
    const { lastFrame, unmount } = mount(snapshot(THREE_SESSIONS, {
      daemon: { running: true, pid: 4242, uptimeS: 7530, version: '0.1.0', degraded },
    }));
    expect(frameOf(lastFrame)).toContain('degraded: build: output pipe lost (no space left on device) (since 7s ago)');
    unmount();
  });

  it('warns in the daemon pane while /shell is on', () => {
    const { lastFrame, unmount } = mount(snapshot(THREE_SESSIONS, {
      daemon: { running: true, pid: 4242, uptimeS: 7530, version: '0.1.0', degraded: [], warnings: daemonWarnings({ shellEnabled: true }) },
    }));
    expect(frameOf(lastFrame)).toContain('warning: /shell is ON');
    unmount();
    const off = mount(snapshot(THREE_SESSIONS));
    expect(frameOf(off.lastFrame)).not.toContain('warning:');
    off.unmount();
  });

  it('says "no sessions" and names the home when the daemon is not running', () => {
    const down = snapshot([], { daemon: { running: false, pid: null, uptimeS: null, version: '0.1.0', degraded: [] } });
    const { lastFrame, unmount } = mount(down);
    const frame = frameOf(lastFrame);
    expect(frame).toContain('not running (home: /home/u/.pocket)');
    expect(frame).toContain('no sessions');
    unmount();
  });

  it('updates the frame when a new snapshot arrives, and unsubscribes on unmount', async () => {
    const { lastFrame, unmount, st } = mount(snapshot(THREE_SESSIONS));
    const next = snapshot([session({ id: 's9', name: 'deploy', state: 'idle', target: '%40' })]);
    st.push(next);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('deploy'));
    expect(rowOf(frame, 'deploy')).toMatch(/› deploy\s+-\s+tmux\s+%40\s+idle/);
    expect(frame).not.toContain('build');
    unmount();
    expect(st.unsubscribed).toBe(true);
  });

  it('keeps the last snapshot under a banner when the connection is lost, and clears it on the next snapshot', async () => {
    const { lastFrame, unmount, st } = mount(snapshot(THREE_SESSIONS));
    st.fail(new Error('socket closed'));
    let frame = await waitForFrame(lastFrame, (f) => f.includes('disconnected: socket closed'));
    expect(frame).toContain('showing the last snapshot');
    expect(frame).toContain('build');

    st.fail(new PocketError('DAEMON_NOT_RUNNING', 'no daemon'));
    frame = await waitForFrame(lastFrame, (f) => f.includes('daemon stopped'));
    expect(frame).toContain('build');

    st.push(snapshot(THREE_SESSIONS));
    frame = await waitForFrame(lastFrame, (f) => !f.includes('daemon stopped'));
    expect(frame).not.toContain('showing the last snapshot');
    unmount();
  });

  it.each([
    ['q', 'q'],
    ['Esc', '\u001b'],
    ['Ctrl-C', '\u0003'],
  ])('calls onQuit on %s', async (_name, keys) => {
    const { stdin, onQuit, unmount } = mount(snapshot(THREE_SESSIONS));
    stdin.write(keys);
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
    unmount();
  });

  it('moves the highlight with the arrow keys, stopping at the ends', async () => {
    const { lastFrame, stdin, unmount } = mount(snapshot(THREE_SESSIONS));
    const selected = (f: string) => f.split('\n').find((l) => l.includes('›')) ?? '';
    expect(selected(frameOf(lastFrame))).toContain('build');

    stdin.write('\u001b[B');
    await waitForFrame(lastFrame, (f) => selected(f).includes('agent'));
    stdin.write('\u001b[B');
    await waitForFrame(lastFrame, (f) => selected(f).includes('tests'));
    stdin.write('\u001b[B');
    stdin.write('\u001b[A');
    await waitForFrame(lastFrame, (f) => selected(f).includes('agent'));
    unmount();
  });

  it('refreshes relative times every second, and on r', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = NOW;
    const { lastFrame, stdin, unmount } = mount(snapshot(THREE_SESSIONS), { now: () => clock });
    clock += 10_000;
    vi.advanceTimersByTime(1000);
    let frame = await waitForFrame(lastFrame, (f) => rowOf(f, 'build').includes('15s ago'));
    expect(frame).toContain('last poll 13s ago');
    expect(frame).toContain('up 2h 5m');

    clock += 2000;
    stdin.write('r');
    frame = await waitForFrame(lastFrame, (f) => rowOf(f, 'build').includes('17s ago'));
    unmount();
  });

  it('leaves no timer behind after unmount', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { unmount } = mount(snapshot(THREE_SESSIONS));
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
