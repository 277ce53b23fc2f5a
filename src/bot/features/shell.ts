// /shell COMMAND (only with POCKET_SHELL=on): the command runs in the user's login shell in its own tmux session
// (`sh-N`: listed, tailed, carded and alerted like any session, interruptible with /keys sh-N C-c, killed at the
// time limit by the session service). When it exits, its output comes back under the /shell message: inline up to
// SHELL_INLINE_MAX_CHARS, beyond that the last lines inline and the whole output as a log document, never a stream of
// messages. Off, /shell says so and how to turn it on, and does nothing else (audited).
import { type Context, Composer } from 'grammy';
import type { SessionEvent, SessionUseCases, SessionView } from '../../core/sessions.js';
import { act, type Kit, parsed, placeOf, reply, who } from './kit.js';

/** Output longer than this (about one phone screen of a message) goes as a document. */
export const SHELL_INLINE_MAX_CHARS = 3500;
/** The document keeps at most this much; beyond it, the line count says what was left out. */
const SHELL_DOCUMENT_MAX_CHARS = 20 * 1024 * 1024;

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
    const output = collectOutput(kit.sessions);
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
    const place = placeOf(ctx, started.id);
    const replyTo = ctx.msg?.message_id;
    void output.untilExit(started.id).then((end) => {
      if (end === null) return;
      const text = kit.redactor.text(end.lines.join('\n'));
      const status = exitText(end.view);
      if (text.length <= SHELL_INLINE_MAX_CHARS) {
        return kit.delivery.text(place, `${status}\n\n${text.trim() === '' ? '(no output)' : text}`, { pre: true, ...(replyTo === undefined ? {} : { replyTo }) });
      }
      const last = lastLinesWithin(text.split('\n'), SHELL_INLINE_MAX_CHARS - 200);
      void kit.delivery.text(place, `${status}\n\nlast ${last.length} of ${end.lines.length} lines; all of it is in ${started.name}.log:\n${last.join('\n')}`, { pre: true, ...(replyTo === undefined ? {} : { replyTo }) });
      const whole = text.length > SHELL_DOCUMENT_MAX_CHARS ? `${text.slice(-SHELL_DOCUMENT_MAX_CHARS)}\n(the first ${text.length - SHELL_DOCUMENT_MAX_CHARS} characters were left out)\n` : text;
      return kit.delivery.document(place, `${started.name}.log`, new TextEncoder().encode(whole), `${started.name}: ${end.lines.length} lines`);
    }).catch((error: unknown) => kit.log.warn('bot.shell_result_failed', { sessionId: started.id, error }));
  });
  return composer;
}

function exitText(view: SessionView): string {
  const timedOut = view.deadlineAt !== undefined && view.exitedAt !== null && view.exitedAt >= view.deadlineAt;
  if (timedOut) return `■ ${view.name} was stopped: it ran past its time limit.`;
  return `■ ${view.name} exited${view.exitCode === null ? '' : ` with code ${view.exitCode}`}.`;
}

function lastLinesWithin(lines: readonly string[], maxChars: number): string[] {
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (size + line.length + 1 > maxChars) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  return kept;
}

/**
 * The output lines of sessions from now on, kept for the one session untilExit() names. Lines of other sessions seen
 * before it was named are dropped then.
 */
function collectOutput(sessions: SessionUseCases): { untilExit(sessionId: string): Promise<{ view: SessionView; lines: string[] } | null>; stop(): void } {
  const early = new Map<string, string[]>();
  let target: { id: string; lines: string[]; chars: number; done: (end: { view: SessionView; lines: string[] } | null) => void } | null = null;
  const finish = (end: { view: SessionView; lines: string[] } | null): void => {
    unsubscribe();
    target?.done(end);
  };
  const onEvent = (event: SessionEvent): void => {
    if (event.type === 'output') {
      if (target === null) early.set(event.sessionId, [...(early.get(event.sessionId) ?? []), ...event.lines]);
      else if (event.sessionId === target.id && target.chars <= SHELL_DOCUMENT_MAX_CHARS) {
        target.lines.push(...event.lines);
        target.chars += event.lines.reduce((n, l) => n + l.length + 1, 0);
      }
      return;
    }
    if (target === null) return;
    if (event.type === 'removed' && event.sessionId === target.id) finish(null);
    else if ((event.type === 'state' || event.type === 'updated' || event.type === 'alert') && event.session.id === target.id && event.session.state === 'exited') {
      // The exit is reported after the pane's last bytes were read: the lines are all here.
      finish({ view: event.session, lines: target.lines });
    }
  };
  const unsubscribe = sessions.subscribe(onEvent);
  return {
    untilExit(sessionId) {
      return new Promise((resolve) => {
        const lines = early.get(sessionId) ?? [];
        early.clear();
        target = { id: sessionId, lines, chars: lines.reduce((n, l) => n + l.length + 1, 0), done: resolve };
        const now = sessions.get(sessionId);
        if (now === undefined) finish(null);
        else if (now.state === 'exited') finish({ view: now, lines });
      });
    },
    stop: () => unsubscribe(),
  };
}
