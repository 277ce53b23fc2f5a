// /shell COMMAND (only with POCKET_SHELL=on): the command runs in the user's login shell in its own tmux session
// (`sh-N`: listed, tailed, carded and alerted like any session, interruptible with /keys sh-N C-c, killed at the
// time limit by the session service). When it exits, its output comes back under the /shell message (shell-results.ts,
// also across a daemon restart). Off, /shell says so and how to turn it on, and does nothing else (audited).
import { type Context, Composer } from 'grammy';
import type { SessionView } from '../../core/sessions.js';
import { act, type Kit, parsed, placeOf, reply, who } from './kit.js';

export { SHELL_INLINE_MAX_CHARS } from '../shell-results.js';

export function shellDisabledText(envFile: string): string {
  return `/shell is disabled on this machine. To enable it, put POCKET_SHELL=on in ${envFile} and run \`pocket restart\` there. `
    + 'It lets everyone in AUTHORIZED_USER_IDS run any command as your user.';
}

export function shellFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('shell', async (ctx) => {
    if (!kit.shell.enabled) {
      kit.audit.record({ ...who(ctx), action: 'shell', outcome: 'rejected', reason: 'shell disabled (POCKET_SHELL=off)', detail: typeof ctx.match === 'string' ? ctx.match : '' });
      void reply(kit, ctx, shellDisabledText(kit.shell.envFile));
      return;
    }
    const command = parsed(kit, ctx, 'shell', 'shell');
    if (command === null) return;
    // Listening before the session exists: a command that prints and exits at once is not missed.
    const output = kit.shellResults.listen();
    let view: SessionView | undefined;
    const ok = await act(kit, ctx, 'shell', { detail: command.command }, async () => {
      view = await kit.sessions.runShell(command.command);
    });
    if (!ok || view === undefined) {
      output.stop();
      return;
    }
    const started = view;
    const minutes = Math.round(kit.shell.timeoutS / 60);
    const limit = kit.shell.timeoutS < 120 ? `${kit.shell.timeoutS} s` : `${minutes} min`;
    void reply(kit, ctx, `Running in ${started.name} (stopped after ${limit}): /keys ${started.name} C-c interrupts it, /tail ${started.name} shows it.`, { sessionId: started.id });
    kit.shellResults.track(started, placeOf(ctx, started.id), ctx.msg?.message_id, output);
  });
  return composer;
}
