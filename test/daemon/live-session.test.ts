import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSession, slicesByLines } from '../../src/daemon/sessions/live-session.js';
import { StallWatch } from '../../src/daemon/stall-watch.js';

const enc = new TextEncoder();
const PANES = join(import.meta.dirname, '../fixtures/agent-panes');
const raw = (name: string) => new Uint8Array(readFileSync(join(PANES, `${name}.raw`)));

describe('slicesByLines', () => {
  it('cuts after every n-th newline and bounds bytes, losing nothing', () => {
    const text = Array.from({ length: 1234 }, (_, i) => `line ${i}`).join('\n');
    const slices = [...slicesByLines(enc.encode(text), 100)];
    expect(slices.length).toBe(13);
    expect(Buffer.concat(slices).toString()).toBe(text);
    const long = enc.encode('x'.repeat(200_000));
    expect([...slicesByLines(long, 100, 64 * 1024)].map((s) => s.length)).toEqual([65536, 65536, 65536, 3392]);
  });
});

describe('LiveSession', () => {
  it('reports every line of a read far larger than the terminal history', async () => {
    const seen: string[] = [];
    const live = new LiveSession({
      cols: 80,
      rows: 24,
      idleMs: 10_000,
      clock: { now: () => 0 },
      events: { output: (lines) => seen.push(...lines), screen: () => {}, state: () => {}, alert: () => {} },
    });
    const total = 30_000;
    const bytes = enc.encode(Array.from({ length: total }, (_, i) => `n-${i + 1}\r\n`).join(''));
    live.feed(bytes);
    live.dispose();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `n-${i + 1}`));
  });
});

// Bytes the real CLIs wrote to their pane (tmux pipe-pane, 120x40, through the daemon) up to their command approval,
// and, for Codex CLI 0.169.0, what it wrote while the approval waited: its window title, `[ . ] Action Required` and
// `[ ! ] Action Required` in turn, once a second (37 bytes/s). Claude Code 2.1.197 wrote nothing while waiting.
describe('LiveSession on real agent prompts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function session() {
    const log: string[] = [];
    const live = new LiveSession({
      cols: 120,
      rows: 40,
      idleMs: 30_000,
      clock: { now: () => Date.now() },
      events: {
        output: () => {},
        screen: () => {},
        state: (state, previous, at) => log.push(`${at} ${previous}->${state}`),
        alert: (kind, at) => log.push(`${at} alert ${kind}`),
      },
    });
    return { live, log };
  }

  /** The Codex title rewrites, one write each, as they came. */
  function titleWrites(): Uint8Array[] {
    const bytes = raw('codex-real-approval-waiting');
    const writes: Uint8Array[] = [];
    for (let start = 0; start < bytes.length; ) {
      const end = bytes.indexOf(0x07, start) + 1;
      writes.push(bytes.subarray(start, end));
      start = end;
    }
    return writes;
  }

  it('Claude Code: waits at its Bash permission with the claude-permission answers', () => {
    const { live, log } = session();
    live.feed(raw('claude-real-permission'));
    vi.advanceTimersByTime(299);
    expect(live.state).toBe('running');
    vi.advanceTimersByTime(1);
    expect(live.state).toBe('waiting');
    expect(live.prompt).toMatchObject({ ruleId: 'claude-permission', question: 'Do you want to proceed?' });
    expect(live.prompt?.answers.map((a) => a.label)).toEqual(['Yes', 'Yes, and always allow access to demo-app/ from …', 'No']);
    expect(live.prompt?.answers[0]?.input).toEqual({ keys: ['1'] });
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual(['300 running->waiting', '300 alert waiting']);
    live.dispose();
  });

  it('Codex CLI: stays waiting at its command approval while it rewrites its window title every second', () => {
    const { live, log } = session();
    live.feed(raw('codex-real-approval'));
    vi.advanceTimersByTime(300);
    expect(live.prompt).toMatchObject({ ruleId: 'codex-approval', question: 'Would you like to run the following command?' });
    expect(live.prompt?.answers[0]).toMatchObject({ label: 'Yes, proceed', input: { keys: ['y'] } });
    for (const write of titleWrites()) {
      vi.advanceTimersByTime(1_000);
      live.feed(write);
      // An answer button pressed at any moment finds the session waiting.
      expect(live.state).toBe('waiting');
      vi.advanceTimersByTime(10);
      expect(live.state).toBe('waiting');
    }
    expect(log).toEqual(['300 running->waiting', '300 alert waiting']);
    live.input();
    expect(live.state).toBe('running');
    live.dispose();
  });

  it('finds the approval even when the title is rewritten faster than output can pause', () => {
    const { live, log } = session();
    live.feed(raw('codex-real-approval'));
    const writes = titleWrites();
    for (let i = 0; i < 40; i++) {
      vi.advanceTimersByTime(100);
      live.feed(writes[i % writes.length] as Uint8Array);
    }
    expect(live.state).toBe('waiting');
    expect(live.prompt?.ruleId).toBe('codex-approval');
    expect(log).toEqual(['2000 running->waiting', '2000 alert waiting']);
    live.dispose();
  });
});

// The daemon stopped (SIGSTOP, then SIGCONT) or its event loop stalled: every timer fires late at once, and what the
// pane printed meanwhile is still unread in its log. The clock jumps while no timer runs, as it does for a stopped
// process; timers then fire at their (now overdue) turn.
describe('LiveSession when the daemon itself was not running', () => {
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  beforeEach(() => {
    offset = 0;
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function session(stalls: StallWatch) {
    const alerts: string[] = [];
    const live = new LiveSession({
      cols: 80, rows: 24, idleMs: 30_000, clock, stalls,
      events: { output: () => {}, screen: () => {}, state: () => {}, alert: (kind, at) => alerts.push(`${kind}@${at}`) },
    });
    return { live, alerts };
  }

  for (const [order, intervalMs] of [['the stall watch notices first', 500], ['the idle timer fires first', 7_000]] as const) {
    it(`raises no "gone quiet" alert for the time it was stopped (${order}); a real quiet spell still alerts`, () => {
      const stalls = new StallWatch(clock, { intervalMs });
      const { live, alerts } = session(stalls);
      live.feed(enc.encode('building...\r\n'));
      vi.advanceTimersByTime(29_900);
      // Stopped 0.1 s before the pane would have counted as quiet, for a minute, while the pane kept printing.
      offset += 60_000;
      vi.advanceTimersByTime(200);
      expect(alerts).toEqual([]);
      // Resumed: the pane log's watcher reads what was printed meanwhile.
      live.feed(enc.encode('step 2 of 3\r\n'));
      vi.advanceTimersByTime(29_000);
      expect(alerts).toEqual([]);
      vi.advanceTimersByTime(1_500);
      // Quiet for 30 s of the daemon's own running time after the last line: that alert is due.
      expect(alerts).toEqual([`idle@${clock.now() - 500}`]);
      live.dispose();
      stalls.stop();
    });
  }
});
