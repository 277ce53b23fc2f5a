// /send into a tmux pane. A coding agent's TUI reads an Enter that comes right behind the text as part of a paste
// (core/typing.ts): there the Enter goes once the pane shows the end of the text (its echo), not after a fixed gap,
// which a loaded machine can close.
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../core/ports.js';
import { readsFastEnterAsPaste } from '../../core/typing.js';
import type { TmuxCli } from '../../tmux/tmux-cli.js';
import type { LiveSession } from './live-session.js';

/**
 * /send's longest wait for an agent TUI's echo before its Enter. It echoes within the time pocket takes to read the
 * pane (~20 ms idle, more on a loaded machine); only one that shows nothing (a secret prompt) waits all of it. 500 ms
 * was too short on the 2-core machine under a full test run plus other work (load 10+): the Enter went before Claude
 * Code had read the text, both came in one read, and the line stayed in its input (the claude-hooks e2e, once).
 */
export const ENTER_ECHO_WAIT_MS = 2_000;

/**
 * How long after the echo shows the Enter goes. The echo says the TUI has read the text, not when: a TUI redraws on
 * a timer of its own, so its echo can show the text a few ms after it came, and an Enter then is within its paste
 * window still (Claude Code 2.1.332 took an Enter within ~150 ms of the text for part of a paste on a loaded machine;
 * test/tmux/send-enter.test.ts, whose second /send failed so under a full test run). Counted from the echo, so the
 * gap the TUI sees is at least this whatever the load.
 */
export const ENTER_AFTER_ECHO_MS = 200;

/** The last few visible characters of what /send types, whitespace left out: what its echo ends with. */
function echoTail(text: string): string {
  return text.replace(/\s+/g, '').slice(-12);
}

/** True when the screen, read without whitespace (a TUI wraps and indents its input box), contains `tail`. */
function showsTail(screen: readonly string[], tail: string): boolean {
  return tail === '' || screen.join('').replace(/\s+/g, '').includes(tail);
}

/**
 * Types `text` into the pane running `command` (with an Enter unless `options.enter` is false); `live` is the pane's
 * terminal while it is followed, told of the input.
 */
export async function typeIntoPane(
  via: { tmux: TmuxCli; clock: Clock },
  pane: { paneId: string; command: string; live: LiveSession | undefined },
  text: string,
  options?: { enter?: boolean },
): Promise<void> {
  const { tmux, clock } = via;
  const { paneId, live } = pane;
  const typedAt = clock.now();
  if (options?.enter === false || live === undefined || text === '' || !readsFastEnterAsPaste(pane.command)) {
    await tmux.sendText(paneId, text, options);
  } else {
    // A pane that never shows the echo (input not echoed, a line wrapped oddly) gets its Enter after ENTER_ECHO_WAIT_MS.
    const tail = echoTail(text);
    const deadline = clock.now() + ENTER_ECHO_WAIT_MS;
    let output = live.outputSoon(ENTER_ECHO_WAIT_MS);
    await tmux.sendText(paneId, text, { enter: false });
    for (;;) {
      const came = await output;
      if (!came) break;
      if (showsTail(live.screenLines(), tail)) {
        await delay(ENTER_AFTER_ECHO_MS);
        break;
      }
      const left = deadline - clock.now();
      if (left <= 0) break;
      output = live.outputSoon(left);
    }
    await tmux.sendKeys(paneId, ['Enter']);
  }
  live?.input(typedAt);
}
