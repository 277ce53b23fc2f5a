// The results of /shell commands: when a command's session exits, its output and exit code go back under the /shell
// message: inline up to SHELL_INLINE_MAX_CHARS, beyond that the last lines inline and the whole output as a log
// document, never a stream of messages.
// A command outlives the daemon (it runs in tmux), so what is still owed is kept with the bot's state: after a
// restart the result is still sent when the command ends, from what the terminal kept (its scrollback), since the
// lines collected in memory are gone.
import type { SessionEvent, SessionUseCases, SessionView } from '../core/sessions.js';
import type { Logger } from '../core/ports.js';
import type { Redactor } from '../core/redact.js';
import type { Delivery, Place } from './delivery.js';

/** Output longer than this (about one phone screen of a message) goes as a document. */
export const SHELL_INLINE_MAX_CHARS = 3500;
/** The document keeps at most this much; beyond it, the line count says what was left out. */
const SHELL_DOCUMENT_MAX_CHARS = 20 * 1024 * 1024;
/** After a restart: the lines asked of the terminal's scrollback (tmux keeps 2000 by default). */
const RESUMED_TAIL_LINES = 2000;

/** A result still owed: where it goes. Kept in .state/bot.json. */
export interface PendingShellResult {
  sessionId: string;
  place: Place;
  replyTo?: number;
}

interface End {
  view: SessionView;
  lines: string[];
}

export class ShellResults {
  private readonly pending = new Map<string, PendingShellResult>();

  constructor(
    private readonly deps: { sessions: SessionUseCases; delivery: Delivery; redactor: Redactor; log: Logger; save: () => void },
    saved: readonly PendingShellResult[] = [],
  ) {
    for (const entry of saved) this.pending.set(entry.sessionId, entry);
  }

  /** Starts collecting output before the command's session exists, so a command that prints and exits at once is not missed. */
  listen(): OutputCollector {
    return collectOutput(this.deps.sessions);
  }

  /** The result of `view` is owed to `place`: sent when it exits (also after a daemon restart). */
  track(view: SessionView, place: Place, replyTo: number | undefined, output: OutputCollector): void {
    this.owe({ sessionId: view.id, place, ...(replyTo === undefined ? {} : { replyTo }) });
    void output.untilExit(view.id).then((end) => this.settle(view.id, end, false));
  }

  /** After a restart: the results still owed are sent when their commands end (at once for those that already did). */
  resume(): void {
    for (const entry of [...this.pending.values()]) {
      const output = collectOutput(this.deps.sessions, false);
      void output.untilExit(entry.sessionId).then(async (end) => {
        if (end === null) return this.settle(entry.sessionId, null, true);
        const lines = await this.deps.sessions.tail(entry.sessionId, RESUMED_TAIL_LINES).catch(() => [] as string[]);
        return this.settle(entry.sessionId, { view: end.view, lines }, true);
      });
    }
  }

  toJSON(): PendingShellResult[] {
    return [...this.pending.values()];
  }

  private owe(entry: PendingShellResult): void {
    this.pending.set(entry.sessionId, entry);
    this.deps.save();
  }

  private async settle(sessionId: string, end: End | null, resumed: boolean): Promise<void> {
    const entry = this.pending.get(sessionId);
    if (entry === undefined) return;
    try {
      if (end === null) {
        if (resumed) await this.deps.delivery.text(entry.place, 'A /shell command ended while pocket was stopped and its session is gone: its output is lost.', params(entry, false));
      } else {
        await this.send(entry, end, resumed);
      }
    } catch (error) {
      this.deps.log.warn('bot.shell_result_failed', { sessionId, error });
    } finally {
      this.pending.delete(sessionId);
      this.deps.save();
    }
  }

  private async send(entry: PendingShellResult, end: End, resumed: boolean): Promise<void> {
    const { delivery } = this.deps;
    const name = end.view.name;
    const text = this.deps.redactor.text(end.lines.join('\n'));
    const status = `${exitText(end.view)}${resumed ? '\n(pocket restarted while it ran: the output is what the terminal kept.)' : ''}`;
    if (text.length <= SHELL_INLINE_MAX_CHARS) {
      await delivery.text(entry.place, `${status}\n\n${text.trim() === '' ? '(no output)' : text}`, params(entry, true));
      return;
    }
    const last = lastLinesWithin(text.split('\n'), SHELL_INLINE_MAX_CHARS - 300);
    void delivery.text(entry.place, `${status}\n\nlast ${last.length} of ${end.lines.length} lines; all of it is in ${name}.log:\n${last.join('\n')}`, params(entry, true));
    const whole = text.length > SHELL_DOCUMENT_MAX_CHARS
      ? `${text.slice(-SHELL_DOCUMENT_MAX_CHARS)}\n(the first ${text.length - SHELL_DOCUMENT_MAX_CHARS} characters were left out)\n`
      : text;
    await delivery.document(entry.place, `${name}.log`, new TextEncoder().encode(whole), `${name}: ${end.lines.length} lines`);
  }
}

function params(entry: PendingShellResult, pre: boolean): { pre: boolean; replyTo?: number } {
  return { pre, ...(entry.replyTo === undefined ? {} : { replyTo: entry.replyTo }) };
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

export interface OutputCollector {
  /** The session's lines from when listening began until it exits; null when it is removed first. */
  untilExit(sessionId: string): Promise<End | null>;
  stop(): void;
}

/**
 * The output lines of sessions from now on, kept for the one session untilExit() names (when `keepLines`). Lines of
 * other sessions seen before it was named are dropped then.
 */
function collectOutput(sessions: SessionUseCases, keepLines = true): OutputCollector {
  const early = new Map<string, string[]>();
  let target: { id: string; lines: string[]; chars: number; done: (end: End | null) => void } | null = null;
  const finish = (end: End | null): void => {
    unsubscribe();
    target?.done(end);
  };
  const onEvent = (event: SessionEvent): void => {
    if (event.type === 'output') {
      if (!keepLines) return;
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
