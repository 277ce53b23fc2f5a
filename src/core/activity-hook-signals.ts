// The agent's own word on its state, as the activity tracker (activity.ts) takes it: an agent that reports its own
// events (Claude Code's hooks, Codex's notify: agent-hooks.ts) says when it asks and when its turn ends. Asking
// shortens the settle time to HOOK_QUIET_MS: the screen is read once the pane has been quiet that long (at once when it
// already was), and if the dialog has not reached the screen yet, the output that draws it is the question once it
// pauses that long. A request that waits for a decision puts the session at its own prompt at once. Each step changes
// the tracker's memory (activity-memory.ts) and returns the alerts it raises.
import { advance, becomeIdle, type ActivityAlert, type ActivityMemory, wait } from './activity-memory.js';
import { ENDED_HOLD_MS, HOOK_QUIET_MS, HOOK_WINDOW_MS } from './activity-timing.js';
import type { HookMeaning } from './hook-events.js';
import type { PromptMatch } from './output/detect.js';

/**
 * The agent's own hook: 'asking' (a permission dialog is up), 'working', or 'done' / 'ended' (its turn ended; 'done'
 * holds idle through the repaints that follow until a turn starts, 'ended' for ENDED_HOLD_MS). Asking with no prompt
 * readable on screen changes nothing yet: the screen rules give the question its exact answers, so the alert waits
 * for the screen, but not for the settle time.
 */
export function hookSaid(m: ActivityMemory, at: number, meaning: HookMeaning): ActivityAlert[] {
  const alerts = advance(m, at);
  if (m.state === 'exited') return alerts;
  if (meaning === 'done' || meaning === 'ended') {
    m.askedUntil = null;
    if (m.state === 'running') {
      if (m.outputSinceIdle) alerts.push({ kind: 'idle', at });
      becomeIdle(m);
      m.signal = 'hook';
      m.idleTold = true;
      m.heldIdle = true;
      m.heldUntil = meaning === 'done' ? Number.POSITIVE_INFINITY : at + ENDED_HOLD_MS;
    }
    return alerts;
  }
  m.heldIdle = false;
  if (meaning === 'working') {
    m.askedUntil = null;
    if (m.state !== 'running') {
      m.state = 'running';
      m.signal = 'hook';
      m.prompt = null;
      m.promptScreen = null;
      m.idleAt = at + m.idleMs;
    }
    m.lastActivityAt = at;
    return alerts;
  }
  if (m.state === 'waiting') return alerts;
  m.askedUntil = at + HOOK_WINDOW_MS;
  const quietSince = m.lastOutputAt ?? Number.NEGATIVE_INFINITY;
  if (at - quietSince < HOOK_QUIET_MS) {
    // A frame may be arriving in pieces: look once it has all come.
    lookSoon(m, quietSince + HOOK_QUIET_MS);
    return alerts;
  }
  const screen = m.screen();
  const prompt = m.detect(screen);
  if (prompt) {
    m.askedUntil = null;
    wait(m, at, prompt, screen, alerts, 'hook');
  }
  return alerts;
}

/** A hook's look at the screen, at `at` or sooner if the settle time already ends before it. */
function lookSoon(m: ActivityMemory, at: number): void {
  if (m.settleAt !== null && m.settleAt <= at && !m.settleByHook) return;
  m.settleAt = at;
  m.settleByHook = true;
}

/**
 * The agent's hook asks and waits for a decision, with its own question and answers (built from its payload, not
 * the screen): waiting at once, with its alert. The dialog it announces is drawn later; while the request is open,
 * output is its drawing (or a repaint) until the dialog, once seen, leaves the screen: answered at the desk.
 */
export function hookAsked(m: ActivityMemory, at: number, prompt: PromptMatch): ActivityAlert[] {
  const alerts = advance(m, at);
  if (m.state === 'exited') return alerts;
  m.heldIdle = false;
  m.askedUntil = null;
  m.hookRequest = { dialogKey: null };
  wait(m, at, prompt, m.screen(), alerts, 'hook');
  m.promptScreen = null;
  return alerts;
}

/**
 * The hook's request is over (decided, released, timed out): the session runs on. The dialog still on screen for a
 * moment is the one already alerted, so it raises no second alert.
 */
export function hookRequestSettled(m: ActivityMemory, at: number): ActivityAlert[] {
  const request = m.hookRequest;
  const alerts = advance(m, at);
  m.hookRequest = null;
  if (request === null || m.state !== 'waiting') return alerts;
  m.state = 'running';
  m.signal = 'hook';
  m.prompt = null;
  m.promptScreen = null;
  m.alerted = request.dialogKey;
  m.dialogClosingUntil = at + HOOK_WINDOW_MS;
  m.lastActivityAt = at;
  m.settleAt = at + m.settleMs;
  m.settleByHook = false;
  m.idleAt = at + m.idleMs;
  return alerts;
}
