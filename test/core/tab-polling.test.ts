import { describe, expect, it } from 'vitest';
import { ACTIVE_WINDOW_MS, BUSY_QUIET_MS, nextTabPollDelay, TAB_POLL_MS, tabPollMode, WATCH_WINDOW_MS } from '../../src/core/tab-polling.js';

describe('tab polling rate', () => {
  const now = 1_000_000;
  it('is fast while a chat looks, then active while busy or changing, then idle', () => {
    expect(tabPollMode({ now, lookedAt: now - 1_000, changedAt: null, busy: false })).toBe('watched');
    expect(tabPollMode({ now, lookedAt: now - WATCH_WINDOW_MS, changedAt: now - 60_000, busy: true })).toBe('active');
    // Busy but silent for long (an agent waiting all day): back to the idle rate.
    expect(tabPollMode({ now, lookedAt: null, changedAt: now - BUSY_QUIET_MS, busy: true })).toBe('idle');
    expect(tabPollMode({ now, lookedAt: null, changedAt: now - ACTIVE_WINDOW_MS + 1, busy: false })).toBe('active');
    expect(tabPollMode({ now, lookedAt: null, changedAt: now - ACTIVE_WINDOW_MS, busy: false })).toBe('idle');
    expect(nextTabPollDelay({ now, lookedAt: null, changedAt: null, busy: false })).toBe(TAB_POLL_MS.idle);
    expect(TAB_POLL_MS.watched).toBeLessThan(TAB_POLL_MS.active);
  });
});
