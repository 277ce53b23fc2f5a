// How often a mirrored Terminal.app tab is read. Terminal pushes nothing: reading is polling, and each poll is an
// `osascript` process (one per poll for all tabs that are due: the adapter reads them in one call). Pure.
//
// The cost that decides the rates: an osascript run that sends Terminal a few Apple events takes ~100-300 ms of wall
// time (juan294/summon#294, "~100-300ms each") and ~80 ms of CPU (user 0.056 s + sys 0.024 s for a JXA script in
// openradar 21759799), and every spawn registers with LaunchServices (yahorbarkouski/screencap#20: a 3 s osascript
// poll loop caused system-wide log storms). So:
// - 500 ms while a chat is looking at the tab (someone typed into it, asked /tail, /screen or /summary in the last
//   minute): replies show up within about a second, at ~16% of a core while it lasts. 250 ms would keep an osascript
//   running most of the time (up to 300 ms a call) for latency the chat cannot show anyway: the outbox sends at most
//   about a message a second per chat.
// - 1 s while output changed in the last 10 s, or a program runs in the tab (`busy`) and printed something in the
//   last 5 minutes: output keeps flowing to cards. A program that sits busy and silent (an agent waiting all day, a
//   `tail -f` of a quiet log) falls back to the idle rate: 60 calls a minute for nothing would be ~7% of a core.
// - 5 s when idle: a shell at its prompt; 12 calls a minute, ~1.6% of a core, slower than the 3 s loop that hurt.
// bench/terminal-app.js counts the calls per minute of each mode; docs/performance.md has the figures.

export const TAB_POLL_MS = {
  watched: 500,
  active: 1_000,
  idle: 5_000,
} as const;

/** How long a look (input, /tail, /screen, /summary) keeps the tab on the fast rate. */
export const WATCH_WINDOW_MS = 60_000;
/** How long changed output keeps the tab on the active rate after the change. */
export const ACTIVE_WINDOW_MS = 10_000;
/** How long a busy tab stays on the active rate without printing anything. */
export const BUSY_QUIET_MS = 5 * 60_000;

export interface TabPollFacts {
  now: number;
  /** Epoch ms of the last time a chat looked at or typed into the session; null when never. */
  lookedAt: number | null;
  /** Epoch ms of the last poll whose contents differed from the one before (the adoption when none since). */
  changedAt: number | null;
  busy: boolean;
}

export type TabPollMode = keyof typeof TAB_POLL_MS;

export function tabPollMode(facts: TabPollFacts): TabPollMode {
  if (facts.lookedAt !== null && facts.now - facts.lookedAt < WATCH_WINDOW_MS) return 'watched';
  const sinceChange = facts.changedAt === null ? Number.POSITIVE_INFINITY : facts.now - facts.changedAt;
  if (sinceChange < ACTIVE_WINDOW_MS || (facts.busy && sinceChange < BUSY_QUIET_MS)) return 'active';
  return 'idle';
}

/** Milliseconds until the tab is read again. */
export function nextTabPollDelay(facts: TabPollFacts): number {
  return TAB_POLL_MS[tabPollMode(facts)];
}
