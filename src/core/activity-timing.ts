// How long the activity tracker (activity.ts) lets things take: the defaults a session is tracked with, and the
// windows an agent's own hook opens, sized from what was measured of the real agents.

export const DEFAULT_IDLE_MS = 30_000;
export const DEFAULT_SETTLE_MS = 300;
export const DEFAULT_LOOK_MS = 1_000;
/**
 * After a PermissionRequest hook, how long its word holds for output that follows: the dialog is not on screen yet
 * when the hook arrives. Claude Code 2.1.332 fires the hook first and draws the dialog 0.08-0.6 s later (docs/facts.md;
 * more on a loaded machine), and the hook spool hands the event over within ~20 ms, so the window starts before the
 * dialog; 2 s leaves room for a machine several times slower than the one measured.
 */
export const HOOK_WINDOW_MS = 2_000;
/**
 * With a hook saying the agent asks, how long the pane must be quiet before its screen is read: the chunks of one
 * frame (tmux hands the pipe-pane log a frame in pieces of up to 4 kB; Claude Code's permission dialog is ~8 kB of
 * redraw) arrive within a few ms of each other. Read mid-frame, a dialog drawn up to its second option alerted with
 * two of its four answers, and the rest of the frame then looked like a new screen: the session was running again
 * and a press on the alert was refused (test/core/activity-hooks.test.ts, from the CI run that caught it).
 */
export const HOOK_QUIET_MS = 50;
/**
 * After a turn's end that nothing will follow with a turn's start (Codex's notify, HookMeaning 'ended'): how long
 * output still counts as the end's repaint. Measured with Codex 0.171.0 in tmux: its repaint comes within 30 ms of
 * the notify, and its own title turn retitles the terminal a second or two after a short turn.
 */
export const ENDED_HOLD_MS = 5_000;
