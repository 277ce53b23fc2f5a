// The CLI <-> daemon protocol: newline-delimited JSON over a 0600 unix socket under .state/.
// Every message carries the protocol version; requests and replies are typed unions checked on both sides.
// The checks are small hand-written guards rather than zod: the client runs inside `pocket status --json`,
// whose start-up budget (bench/cli-startup) has no room for loading a schema library.
import type { CockpitEvent } from '../../core/cockpit.js';
import type { SessionStatus, StatusSnapshot } from '../../core/status.js';

export const PROTOCOL_VERSION = 1;

/** Requests the daemon understands, by type, with their parameters and result. */
export interface RequestMap {
  hello: { params: Record<string, never>; result: { version: string; protocol: number; pid: number } };
  status: { params: Record<string, never>; result: StatusSnapshot };
  stop: { params: Record<string, never>; result: { stopping: true } };
  subscribe: { params: Record<string, never>; result: { subscribed: true } };
  /** Session events (output lines, states, alerts) as they happen. */
  events: { params: { backlog?: boolean }; result: { subscribed: true } };
  'session.new': { params: { name: string; command?: string }; result: SessionStatus };
  'session.attach': { params: { target: string; name?: string }; result: SessionStatus };
  'session.send': { params: { session: string; text: string; enter?: boolean }; result: { sent: true } };
  'session.keys': { params: { session: string; keys: string[] }; result: { sent: true } };
  'session.tail': { params: { session: string; lines?: number }; result: { lines: string[] } };
  /** `user`: the OS user at the terminal that asked (the cockpit names them), for the audit line. */
  'session.kill': { params: { session: string; user?: string }; result: { killed: true } };
  'session.mute': { params: { session: string; muted: boolean; user?: string }; result: { muted: boolean } };
  /** The `pocket status` cockpit: bot health, what the bot did, and the focused session in detail, as they change. */
  cockpit: { params: { session?: string }; result: { subscribed: true } };
  /** Which session this connection's cockpit subscription details (null: none). */
  'cockpit.focus': { params: { session: string | null }; result: { focused: string | null } };
  /** `pocket hook`: an agent's hook fired in a session pocket started (core/agent-hooks.ts). */
  'session.hook': {
    params: { session: string; event: string; notificationType?: string; firedAt: number };
    result: { received: true };
  };
}

export type RequestType = keyof RequestMap;
export const REQUEST_TYPES: readonly RequestType[] = [
  'hello', 'status', 'stop', 'subscribe', 'events',
  'session.new', 'session.attach', 'session.send', 'session.keys', 'session.tail', 'session.kill', 'session.hook',
  'session.mute', 'cockpit', 'cockpit.focus',
];

export interface Request<T extends RequestType = RequestType> {
  v: number;
  id: number;
  type: T;
  params: RequestMap[T]['params'];
}

export interface WireError {
  code: string;
  message: string;
  hint?: string;
}

export type Reply =
  | { v: number; id: number; ok: true; result: unknown }
  | { v: number; id: number; ok: false; error: WireError };

/** A session event as it crosses the socket: plain data, the session named by id. */
export interface WireSessionEvent {
  type: string;
  sessionId: string;
  at: number;
  lines?: string[];
  state?: string;
  kind?: string;
  /** Alerts: whether the agent's hook or pocket's reading of the pane raised it. */
  signal?: string;
}

/** Pushed on a subscription: a fresh snapshot whenever anything visible changed, or a session event. */
export type EventMessage =
  | { v: number; id: number; event: 'status'; data: StatusSnapshot }
  | { v: number; id: number; event: 'session'; data: WireSessionEvent }
  | { v: number; id: number; event: 'cockpit'; data: CockpitEvent };

export type DaemonMessage = Reply | EventMessage;

type Check = (value: unknown) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns a reason when `value` is not a valid request, else null. */
export const checkRequest: Check = (value) => {
  if (!isObject(value)) return 'a request must be a JSON object';
  if (value.v !== PROTOCOL_VERSION) return `protocol version ${String(value.v)} is not ${PROTOCOL_VERSION}`;
  if (typeof value.id !== 'number' || !Number.isSafeInteger(value.id)) return 'id must be an integer';
  if (typeof value.type !== 'string' || !REQUEST_TYPES.includes(value.type as RequestType)) {
    return `unknown request type ${JSON.stringify(value.type)}`;
  }
  if (value.params !== undefined && !isObject(value.params)) return 'params must be an object';
  return null;
};

export const checkDaemonMessage: Check = (value) => {
  if (!isObject(value)) return 'a reply must be a JSON object';
  if (value.v !== PROTOCOL_VERSION) {
    return `the daemon speaks protocol ${String(value.v)}, this CLI ${PROTOCOL_VERSION}`;
  }
  if (typeof value.id !== 'number') return 'reply id missing';
  if ('event' in value) {
    if (value.event === 'status') return checkSnapshot(value.data);
    if (value.event === 'session') {
      const data = value.data;
      return isObject(data) && typeof data.type === 'string' && typeof data.sessionId === 'string' ? null : 'session event is malformed';
    }
    if (value.event === 'cockpit') {
      return isObject(value.data) && typeof value.data.type === 'string' ? null : 'cockpit event is malformed';
    }
    return `unknown event ${JSON.stringify(value.event)}`;
  }
  if (value.ok === true) return 'result' in value ? null : 'result missing';
  if (value.ok === false) {
    const error = value.error;
    if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
      return 'error must have a code and a message';
    }
    return null;
  }
  return 'reply must have ok true or false';
};

export const checkSnapshot: Check = (value) => {
  if (!isObject(value)) return 'status must be an object';
  const { daemon, bot, sessions } = value;
  if (!isObject(daemon) || typeof daemon.running !== 'boolean' || typeof daemon.version !== 'string') {
    return 'status.daemon is malformed';
  }
  if (!isObject(bot) || typeof bot.connected !== 'boolean') return 'status.bot is malformed';
  if (!Array.isArray(sessions)) return 'status.sessions must be a list';
  for (const session of sessions) {
    if (!isObject(session) || typeof session.id !== 'string' || typeof session.state !== 'string') {
      return 'status.sessions has a malformed entry';
    }
  }
  return null;
};

/** Splits a byte stream into lines; keeps the unfinished tail. Guards against a peer that never sends a newline. */
export class LineBuffer {
  private pending = '';

  constructor(private readonly maxLineBytes = 4 * 1024 * 1024) {}

  push(chunk: string): string[] {
    this.pending += chunk;
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > this.maxLineBytes) throw new Error('IPC line too long');
    return parts.filter((line) => line.length > 0);
  }
}
