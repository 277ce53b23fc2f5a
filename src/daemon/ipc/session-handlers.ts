// IPC handlers for sessions: parameters validated with zod (the daemon can afford it; the CLI cannot), then the
// same use cases the bot calls.
import { z } from 'zod';
import { HOOK_EVENTS } from '../../core/agent-hooks.js';
import { PocketError } from '../../core/errors.js';
import type { SessionEvent, SessionUseCases } from '../../core/sessions.js';
import { toSessionStatus } from '../../core/status.js';
import type { AuditLog } from '../../bot/audit.js';
import type { WireSessionEvent } from './protocol.js';
import type { Handlers } from './server.js';

type SessionHandlers = Pick<Handlers, 'events' | 'session.new' | 'session.attach' | 'session.send' | 'session.keys' | 'session.tail' | 'session.kill' | 'session.mute' | 'session.hook'>;

/** The OS user named in an audit line of a local action: what the client said, else the daemon's own user. */
const USER = z.string().min(1).max(64).regex(/^[^\u0000-\u001f\u007f]+$/).optional();

const schemas = {
  events: z.object({ backlog: z.boolean().optional() }),
  new: z.object({ name: z.string(), command: z.string().optional() }),
  attach: z.object({ target: z.string().min(1), name: z.string().optional() }),
  send: z.object({ session: z.string(), text: z.string(), enter: z.boolean().optional() }),
  keys: z.object({ session: z.string(), keys: z.array(z.string()).min(1) }),
  tail: z.object({ session: z.string(), lines: z.number().int().min(1).max(5000).optional() }),
  kill: z.object({ session: z.string(), user: USER }),
  mute: z.object({ session: z.string(), muted: z.boolean(), user: USER }),
  hook: z.object({
    // By id only: the settings file names the session as pocket started it, whatever it is called now.
    session: z.string().regex(/^s\d+$/),
    event: z.enum(HOOK_EVENTS),
    notificationType: z.string().max(100).optional(),
    firedAt: z.number().finite(),
  }),
};

function parse<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params);
  if (!result.success) {
    throw new PocketError('IPC_PROTOCOL', `Bad parameters: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  return result.data;
}

export function toWireEvent(event: SessionEvent): WireSessionEvent {
  switch (event.type) {
    case 'output':
      return { type: 'output', sessionId: event.sessionId, at: event.at, lines: event.lines };
    case 'state':
      return { type: 'state', sessionId: event.session.id, at: event.at, state: event.session.state };
    case 'alert':
      return {
        type: 'alert', sessionId: event.session.id, at: event.at, kind: event.kind, state: event.session.state,
        ...(event.session.signal === undefined ? {} : { signal: event.session.signal }),
      };
    case 'removed':
      return { type: 'removed', sessionId: event.sessionId, at: Date.now() };
    case 'hook-request-ended':
      return { type: 'hook-request-ended', sessionId: event.sessionId, at: event.at, kind: event.end.kind };
    default:
      return { type: event.type, sessionId: event.session.id, at: Date.now() };
  }
}

/**
 * Events of the daemon's first minute kept for subscribers that connect late: a restarted daemon reports resumed
 * output at once, before anyone can subscribe. Bounded by events and lines, and only the start-up window: every
 * line kept here lives long enough to be promoted to V8's old space, which under a flood was the daemon's peak memory.
 */
const BACKLOG_EVENTS = 500;
const BACKLOG_LINES = 1000;
const BACKLOG_WINDOW_MS = 60_000;

/**
 * Actions taken at this machine (kill, mute from the cockpit) are audited like a Telegram action: the same log, the
 * OS user named, `origin: local`. Anyone who can reach the 0600 socket is that user already.
 */
export interface LocalAudit {
  audit: AuditLog;
  /** The daemon's OS user, for a client that names nobody. */
  localUser: string;
}

export function sessionHandlers(sessions: SessionUseCases, now: () => number = Date.now, local?: LocalAudit): SessionHandlers {
  const audited = async (action: string, view: { id: string; name: string }, user: string | undefined, run: () => Promise<void>): Promise<void> => {
    // The name now: after a kill the session is gone, and the log could no longer say which it was.
    const who = { origin: 'local' as const, userId: null, userName: user ?? local?.localUser ?? null, sessionId: view.id, session: view.name, action };
    try {
      await run();
      local?.audit.record({ ...who, outcome: 'ok' });
    } catch (error) {
      local?.audit.record({ ...who, outcome: 'failed', reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      throw error;
    }
  };
  const recent: WireSessionEvent[] = [];
  const until = now() + BACKLOG_WINDOW_MS;
  let lines = 0;
  const stopRecording = sessions.subscribe((event) => {
    if (now() > until) {
      stopRecording();
      recent.length = 0;
      return;
    }
    const wire = toWireEvent(event);
    recent.push(wire);
    lines += wire.lines?.length ?? 0;
    while (recent.length > BACKLOG_EVENTS || lines > BACKLOG_LINES) lines -= recent.shift()?.lines?.length ?? 0;
  });
  return {
    events: (params, request, connection) => {
      const { backlog } = parse(schemas.events, params);
      const push = (data: WireSessionEvent) => connection.push(request.id, { event: 'session', data });
      const earlier = backlog ? [...recent] : [];
      const unsubscribe = sessions.subscribe((event) => push(toWireEvent(event)));
      connection.onClose(unsubscribe);
      // After the reply, so the client has registered its listener.
      setImmediate(() => {
        for (const event of earlier) push(event);
      });
      return { subscribed: true };
    },
    'session.new': async (params) => {
      const { name, command } = parse(schemas.new, params);
      return toSessionStatus(await sessions.create(name, command));
    },
    'session.attach': async (params) => {
      const { target, name } = parse(schemas.attach, params);
      return toSessionStatus(await sessions.attach(target, name));
    },
    'session.send': async (params) => {
      const { session, text, enter } = parse(schemas.send, params);
      await sessions.sendText(sessions.resolve(session).id, text, { enter });
      return { sent: true };
    },
    'session.keys': async (params) => {
      const { session, keys } = parse(schemas.keys, params);
      await sessions.sendKeys(sessions.resolve(session).id, keys);
      return { sent: true };
    },
    'session.tail': async (params) => {
      const { session, lines } = parse(schemas.tail, params);
      return { lines: await sessions.tail(sessions.resolve(session).id, lines ?? 50) };
    },
    'session.kill': async (params) => {
      const { session, user } = parse(schemas.kill, params);
      const view = sessions.resolve(session);
      await audited('kill', view, user, () => sessions.kill(view.id));
      return { killed: true };
    },
    'session.mute': async (params) => {
      const { session, muted, user } = parse(schemas.mute, params);
      const view = sessions.resolve(session);
      await audited(muted ? 'mute' : 'unmute', view, user, () => sessions.setMuted(view.id, muted));
      return { muted };
    },
    'session.hook': (params) => {
      const { session, ...signal } = parse(schemas.hook, params);
      sessions.hook(session, signal);
      return { received: true };
    },
  };
}
