// The daemon side of IPC: a unix socket (0600) with one handler per request type.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { PocketError, toPocketError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import type { Redactor } from '../../core/redact.js';
import {
  checkRequest,
  type DaemonMessage,
  type EventMessage,
  LineBuffer,
  PROTOCOL_VERSION,
  type Request,
  type RequestMap,
  type RequestType,
} from './protocol.js';

type Unversioned<T> = T extends unknown ? Omit<T, 'v' | 'id'> : never;

export interface Connection {
  /** Sends an event tied to the request that opened the subscription. */
  push(requestId: number, event: Unversioned<EventMessage>): void;
  onClose(listener: () => void): void;
}

export type Handlers = {
  [T in RequestType]: (params: RequestMap[T]['params'], request: Request<T>, connection: Connection) =>
    Promise<RequestMap[T]['result']> | RequestMap[T]['result'];
};

export interface IpcServer {
  close(): Promise<void>;
}

/**
 * `redactor` cleans every answer and event before it is written: what the CLI prints (`pocket status` and its TUI,
 * --json, errors, session output) leaves the process here.
 */
export async function startIpcServer(socketPath: string, handlers: Handlers, log: Logger, redactor: Redactor): Promise<IpcServer> {
  const sockets = new Map<Socket, () => void>();
  const server: Server = createServer((socket) => {
    sockets.set(socket, serveConnection(socket, handlers, log, redactor));
    socket.on('close', () => sockets.delete(socket));
  });
  // Only the lock holder gets here, so a socket file left by a killed daemon is ours to remove.
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const [socket, flush] of sockets) {
          flush();
          socket.end();
          // A client that stopped reading would hold end() (and so the daemon's exit) forever.
          setTimeout(() => socket.destroy(), 500).unref();
        }
        server.close(() => resolve());
        rmSync(socketPath, { force: true });
      }),
  };
}

/**
 * Output a client has not read yet, beyond which it is cut off: a subscriber that stopped reading (a suspended
 * `pocket demo`) would otherwise grow the daemon's memory with every line any pane prints. Large enough that a
 * client still reading, but slower than a 50 MB flood (bench/tail's), keeps up and loses nothing.
 */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

/** Serves one client; returns what writes out its queued messages at once (before the server ends it). */
function serveConnection(socket: Socket, handlers: Handlers, log: Logger, redactor: Redactor): () => void {
  socket.setEncoding('utf8');
  const lines = new LineBuffer();
  const closeListeners: (() => void)[] = [];
  // Messages of one turn of the event loop leave in one write: at 50 busy panes a write per event was a syscall
  // (and a wake-up of the reader) per line. Nothing waits for a timer: a quiet daemon sends each at once.
  let queued: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const text = queued.length === 0 ? '' : `${queued.join('\n')}\n`;
    queued = [];
    if (text === '' || socket.destroyed || !socket.writable) return;
    // Judged before writing, so one large reply still goes; more on top of an unread backlog does not.
    if (socket.writableLength > MAX_UNREAD_BYTES) {
      log.warn('ipc.client_cut_off', { unreadBytes: socket.writableLength, reason: 'the client stopped reading' });
      socket.destroy();
      return;
    }
    socket.write(text);
  };
  const send = (message: DaemonMessage): void => {
    if (socket.destroyed || !socket.writable) return;
    queued.push(JSON.stringify(redactor.value(message)));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const connection: Connection = {
    push: (id, event) => send({ v: PROTOCOL_VERSION, id, ...event } as EventMessage),
    onClose: (listener) => closeListeners.push(listener),
  };
  socket.on('close', () => {
    for (const listener of closeListeners.splice(0)) listener();
  });
  socket.on('error', (error) => log.debug('ipc.socket_error', { error }));
  socket.on('data', (chunk: string) => {
    let received: string[];
    try {
      received = lines.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const line of received) void handleLine(line, handlers, connection, send, log);
  });
  return flush;
}

async function handleLine(
  line: string,
  handlers: Handlers,
  connection: Connection,
  send: (message: DaemonMessage) => void,
  log: Logger,
): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    send({ v: PROTOCOL_VERSION, id: 0, ok: false, error: { code: 'IPC_PROTOCOL', message: 'not JSON' } });
    return;
  }
  const problem = checkRequest(value);
  const id = typeof (value as { id?: unknown }).id === 'number' ? (value as { id: number }).id : 0;
  if (problem !== null) {
    const error = new PocketError('IPC_PROTOCOL', `Bad request: ${problem}.`, {
      hint: 'The CLI and the daemon may be different versions: run `pocket restart`.',
    });
    send({ v: PROTOCOL_VERSION, id, ok: false, error: error.toJSON() });
    return;
  }
  const request = value as Request;
  const handler = handlers[request.type] as (p: unknown, r: Request, c: Connection) => unknown;
  try {
    const result = await handler(request.params ?? {}, request, connection);
    send({ v: PROTOCOL_VERSION, id, ok: true, result });
  } catch (error) {
    const pocketError = toPocketError(error);
    if (pocketError.code === 'INTERNAL') log.error('ipc.handler_failed', { type: request.type, error });
    send({ v: PROTOCOL_VERSION, id, ok: false, error: pocketError.toJSON() });
  }
}
