// Reading sessions: /tail, /summary, and /logs (the daemon log as a document, redacted once more on the way out).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { type Context, Composer } from 'grammy';
import { sessionLabel, stateText } from '../../core/cards.js';
import type { Place } from '../delivery.js';
import { act, describeError, type Kit, parsed, placeOf, reply, resolveOrReply, who } from './kit.js';

/** Longer than this goes as a document: three messages of output are already a lot on a phone. */
const INLINE_MAX_CHARS = 3 * 3500;
/** /summary's word on where the state came from (docs/operations.md, "Which signal set a state"). */
const SIGNAL_TEXT = { hook: "hook (the agent's own event)", screen: 'screen (pocket reading the pane)' } as const;
const LOG_MAX_BYTES = 20 * 1024 * 1024;
/** /summary shows this much of a long error line. */
const ERROR_LINE_MAX = 300;

export function outputFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();

  composer.command('tail', async (ctx) => {
    const command = parsed(kit, ctx, 'tail', 'tail');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'tail');
    if (view === null) return;
    await act(kit, ctx, 'tail', { sessionId: view.id, detail: String(command.lines) }, async () => {
      const lines = await kit.sessions.tail(view.id, command.lines);
      void sendOutput(kit, { ...placeOf(ctx, view.id) }, `${view.name}.txt`, lines, ctx.msg?.message_id);
    });
  });

  composer.command('summary', async (ctx) => {
    const command = parsed(kit, ctx, 'summary', 'summary');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'summary');
    if (view === null) return;
    await act(kit, ctx, 'summary', { sessionId: view.id }, async () => {
      const s = await kit.sessions.summary(view.id);
      const text = [
        `${sessionLabel(s.session)} — ${stateText(s.session)}`,
        `command: ${s.session.command || '(shell)'}`,
        `runtime: ${formatDuration(s.runtimeS)}`,
        ...(s.session.signal === undefined || s.session.exitedAt !== null ? [] : [`signal: ${SIGNAL_TEXT[s.session.signal]}`]),
        ...(s.session.exitCode === null ? [] : [`exit code: ${s.session.exitCode}`]),
        `errors seen: ${s.errorLines.length}`,
        // Redacted before the cut: a token cut in half has no shape left for the redactor to find.
        ...s.errorLines.slice(-5).map((l) => `  ! ${clipLine(kit.redactor.text(l), ERROR_LINE_MAX)}`),
        '',
        'last lines:',
        ...s.lastLines.slice(-10),
      ].join('\n');
      void reply(kit, ctx, text, { pre: true, sessionId: view.id });
    });
  });

  composer.command('logs', async (ctx) => {
    if (parsed(kit, ctx, 'logs') === null) return;
    let bytes: Buffer;
    try {
      bytes = readDaemonLog(kit.daemonLogFile);
    } catch (error) {
      kit.audit.record({ ...who(ctx), action: 'logs', outcome: 'failed', reason: 'unreadable' });
      void reply(kit, ctx, `The daemon log cannot be read: ${describeError(kit, error)}`);
      return;
    }
    // Redacted at the logger already; again here, because this leaves the machine.
    const text = kit.redactor.text(bytes.toString('utf8'));
    kit.audit.record({ ...who(ctx), action: 'logs', outcome: 'ok' });
    void kit.delivery.document(placeOf(ctx), 'pocket.log', new TextEncoder().encode(text === '' ? '(empty)\n' : text), 'pocket daemon log (redacted)');
  });

  return composer;
}

/**
 * The last LOG_MAX_BYTES of the daemon log, and only if it is a regular file: a symlink put in its place (to .env,
 * to a key) is not followed, so /logs can never upload another file.
 */
function readDaemonLog(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
    const length = Math.min(stat.size, LOG_MAX_BYTES);
    const bytes = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, stat.size - length + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Output as <pre> messages, or as a document when long; replies to them go to the session. */
export function sendOutput(kit: Kit, place: Place, filename: string, lines: readonly string[], replyTo?: number): Promise<number[]> {
  const text = kit.redactor.text(lines.join('\n'));
  if (text.length > INLINE_MAX_CHARS) {
    return kit.delivery.document(place, filename, new TextEncoder().encode(text), `${lines.length} lines`);
  }
  return kit.delivery.text(place, text.trim() === '' ? '(no output yet)' : text, { pre: true, ...(replyTo === undefined ? {} : { replyTo }) });
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function clipLine(line: string, max: number): string {
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}
