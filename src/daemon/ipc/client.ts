// The CLI side of IPC. Kept free of heavy imports: it runs on every `pocket status`.
import { connect, type Socket } from 'node:net';
import { PocketError } from '../../core/errors.js';
import type { CockpitEvent } from '../../core/cockpit.js';
import type { StatusSnapshot } from '../../core/status.js';
import {
  checkDaemonMessage,
  type DaemonMessage,
  LineBuffer,
  PROTOCOL_VERSION,
  type RequestMap,
  type RequestType,
  type WireSessionEvent,
} from './protocol.js';

export interface IpcClient {
  request<T extends RequestType>(type: T, params?: RequestMap[T]['params'], timeoutMs?: number): Promise<RequestMap[T]['result']>;
  /** Session events until the daemon goes away. */
  events(onEvent: (e: WireSessionEvent) => void, onClose: (error: Error) => void, options?: { backlog?: boolean }): Promise<() => void>;
  /** The cockpit's events (bot health, bot activity, the focused session) until the daemon goes away. */
  cockpit(onEvent: (e: CockpitEvent) => void, onClose: (error: Error) => void, options?: { session?: string }): Promise<() => void>;
  /** Live snapshots until the returned function is called or the daemon goes away (onClose). */
  subscribe(onSnapshot: (s: StatusSnapshot) => void, onClose: (error: Error) => void): Promise<() => void>;
  close(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/** Connects to the daemon; fails with DAEMON_NOT_RUNNING when nobody listens. */
export async function connectIpc(socketPath: string, timeoutMs = 2000): Promise<IpcClient> {
  const socket = await openSocket(socketPath, timeoutMs);
  socket.setEncoding('utf8');
  const pending = new Map<number, Pending>();
  const listeners = new Map<number, (s: StatusSnapshot) => void>();
  const eventListeners = new Map<number, (e: WireSessionEvent) => void>();
  const cockpitListeners = new Map<number, (e: CockpitEvent) => void>();
  const closeListeners = new Set<(error: Error) => void>();
  const lines = new LineBuffer();
  let nextId = 1;

  const failAll = (error: Error): void => {
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    pending.clear();
    for (const listener of closeListeners) listener(error);
    closeListeners.clear();
  };

  socket.on('data', (chunk: string) => {
    for (const line of lines.push(chunk)) {
      let message: DaemonMessage;
      try {
        message = JSON.parse(line) as DaemonMessage;
      } catch {
        failAll(new PocketError('IPC_PROTOCOL', 'The daemon sent something that is not JSON.'));
        socket.destroy();
        return;
      }
      const problem = checkDaemonMessage(message);
      if (problem !== null) {
        failAll(new PocketError('IPC_PROTOCOL', `Unexpected reply from the daemon: ${problem}.`, {
          hint: 'The CLI and the daemon may be different versions: run `pocket restart`.',
        }));
        socket.destroy();
        return;
      }
      if ('event' in message) {
        if (message.event === 'status') listeners.get(message.id)?.(message.data);
        else if (message.event === 'cockpit') cockpitListeners.get(message.id)?.(message.data);
        else eventListeners.get(message.id)?.(message.data);
        continue;
      }
      const entry = pending.get(message.id);
      if (!entry) continue;
      pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new PocketError(message.error.code as never, message.error.message, { hint: message.error.hint }));
    }
  });
  socket.on('error', (error) => failAll(new PocketError('IPC_FAILED', `Lost the connection to the daemon: ${error.message}`)));
  socket.on('close', () => failAll(new PocketError('DAEMON_NOT_RUNNING', 'The daemon closed the connection.')));

  const request = <T extends RequestType>(type: T, params?: RequestMap[T]['params'], timeout = 5000) =>
    new Promise<RequestMap[T]['result']>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new PocketError('DAEMON_UNRESPONSIVE', `The daemon did not answer "${type}" within ${timeout} ms.`, {
          hint: 'Check `pocket logs`; `pocket restart` if it is stuck.',
        }));
      }, timeout);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, id, type, params: params ?? {} })}\n`);
    });

  return {
    request,
    async events(onEvent, onClose, options = {}) {
      const id = nextId;
      eventListeners.set(id, onEvent);
      closeListeners.add(onClose);
      await request('events', options);
      return () => {
        eventListeners.delete(id);
        closeListeners.delete(onClose);
      };
    },
    async cockpit(onEvent, onClose, options = {}) {
      const id = nextId;
      cockpitListeners.set(id, onEvent);
      closeListeners.add(onClose);
      await request('cockpit', options);
      return () => {
        cockpitListeners.delete(id);
        closeListeners.delete(onClose);
      };
    },
    async subscribe(onSnapshot, onClose) {
      const id = nextId;
      listeners.set(id, onSnapshot);
      closeListeners.add(onClose);
      await request('subscribe');
      return () => {
        listeners.delete(id);
        closeListeners.delete(onClose);
      };
    },
    // end() alone would wait for the daemon to close its side, which a stopped daemon never does, and the open
    // socket would keep this process alive: close for good once our last bytes are handed to the kernel.
    close: () => {
      socket.end(() => socket.destroy());
    },
  };
}

function openSocket(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PocketError('IPC_FAILED', `Timed out connecting to the daemon at ${path}.`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(new PocketError('DAEMON_NOT_RUNNING', 'The pocket daemon is not running.', {
          hint: 'Start it with `pocket start`.',
        }));
      } else reject(new PocketError('IPC_FAILED', `Cannot reach the daemon at ${path}: ${error.message}`));
    });
  });
}
