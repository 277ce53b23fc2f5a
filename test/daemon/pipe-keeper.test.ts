import { afterEach, describe, expect, it, vi } from 'vitest';
import { Health } from '../../src/core/health.js';
import type { PaneInfo } from '../../src/core/ports.js';
import { silentLogger } from '../../src/log.js';
import { PipeKeeper } from '../../src/daemon/sessions/pipe-keeper.js';

/** A tmux that knows one pane and whether it pipes; ensurePipe attaches (or fails while the disk is full). */
function fakeTmux() {
  const t = {
    piped: false,
    dead: false,
    diskFull: false,
    pipes: 0,
    pane: async (paneId: string) => ({ paneId, dead: t.dead, piped: t.piped }) as PaneInfo,
    ensurePipe: async () => {
      t.pipes++;
      if (t.diskFull) throw Object.assign(new Error('write'), { code: 'ENOSPC' });
      t.piped = true;
    },
  };
  return t;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PipeKeeper', () => {
  it('says a lost pipe, re-attaches at once and then only on its timer, and clears once output has flowed a whole period', async () => {
    vi.useFakeTimers();
    const tmux = fakeTmux();
    const health = new Health();
    const keeper = new PipeKeeper({ tmux, log: silentLogger, health, label: () => 'build', retryMs: 1000 });
    await keeper.lost('s1', '%1', '/x/s1.log');
    expect(tmux.pipes).toBe(1);
    expect(health.list().map((p) => p.message)).toEqual(['build: output pipe lost, attaching it again']);

    // The new pipe dies on its first write: lost again, but no tmux call until the timer.
    tmux.piped = false;
    await keeper.lost('s1', '%1', '/x/s1.log');
    expect(tmux.pipes).toBe(1);
    tmux.diskFull = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(tmux.pipes).toBe(2);
    expect(health.list()[0]?.message).toBe('build: output pipe lost, attaching it again failed: no space left on device');

    tmux.diskFull = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(tmux.piped).toBe(true);
    keeper.flowing('s1');
    await vi.advanceTimersByTimeAsync(500);
    expect(health.list()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(health.list()).toEqual([]);
    // Nothing lost: the timer is gone, no more tmux calls.
    const calls = tmux.pipes;
    await vi.advanceTimersByTimeAsync(5000);
    expect(tmux.pipes).toBe(calls);
    keeper.stop();
  });

  it('forgets a pane that died meanwhile: the exit path reports it', async () => {
    vi.useFakeTimers();
    const tmux = fakeTmux();
    const health = new Health();
    const keeper = new PipeKeeper({ tmux, log: silentLogger, health, label: () => 'build', retryMs: 1000 });
    tmux.dead = true;
    await keeper.lost('s1', '%1', '/x/s1.log');
    expect(tmux.pipes).toBe(0);
    expect(health.list()).toEqual([]);
    keeper.stop();
  });
});
