// The HTTP face of the emulator: /bot<token>/<method> routing, the token check, parameter parsing, fault injection
// and answers in exactly the Bot API's shape. Everything Telegram-specific happens in methods/.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { User } from 'grammy/types';
import type { Clock } from '../core/ports.js';
import { ApiError } from './errors.js';
import type { Faults } from './faults.js';
import { parseRequest, readBody } from './http-body.js';
import { METHODS } from './methods/index.js';
import type { Observer } from './observe.js';
import { Params } from './params.js';
import type { RateLimiter } from './rate-limit.js';
import type { EmulatorState } from './state.js';
import type { UpdateQueue } from './updates.js';

/** One bot the server answers for: its identity, its update queue and its flood-control budget. */
export interface BotSeat {
  token: string;
  bot: User;
  updates: UpdateQueue;
  limiter: RateLimiter | undefined;
  /** BotFather's privacy mode for this bot. */
  privacyMode: boolean;
}

export interface HttpDeps {
  /** The bots by token: the emulator's own, and any added to share its chats (BotApiEmulator.addBot). */
  seats: ReadonlyMap<string, BotSeat>;
  state: EmulatorState;
  faults: Faults;
  observer: Observer;
  clock: Clock;
}

export interface HttpServer {
  server: Server;
  /** Destroys every open connection (offline mode, shutdown), hung calls included. */
  dropConnections(): void;
  /** Calls a hang fault holds that their clients have not given up on yet. */
  hanging(): number;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** File downloads, where getFile's file_path points: /file/bot<token>/documents/<file_id>. */
function sendFile(deps: HttpDeps, res: ServerResponse, token: string, fileId: string): void {
  const file = deps.state.files.get(fileId);
  if (!deps.seats.has(token)) {
    send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
  } else if (file === undefined) {
    send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  } else {
    res.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }
}

/** What the call log keeps of the parameters: files as name and size, never their bytes. */
function loggable(params: Params): Record<string, unknown> {
  const logged: Record<string, unknown> = { ...params.raw };
  for (const [name, file] of params.files) logged[name] = { filename: file.filename, size: file.bytes.length };
  return logged;
}

async function handle(deps: HttpDeps, hung: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (deps.faults.isOffline) {
    req.socket.destroy();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://emulator');
  const download = /^\/file\/bot([^/]*)\/documents\/([^/]+)$/.exec(url.pathname);
  if (download !== null) {
    sendFile(deps, res, decodeURIComponent(download[1]!), decodeURIComponent(download[2]!));
    return;
  }
  const route = /^\/bot([^/]*)\/([^/]+)\/?$/.exec(url.pathname);
  if (route === null) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  const seat = deps.seats.get(decodeURIComponent(route[1]!));
  if (seat === undefined) {
    return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
  }
  const method = route[2]!;
  const handler = METHODS.get(method.toLowerCase());
  if (handler === undefined) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });

  const atMs = deps.clock.now();
  let params = new Params({});
  try {
    const body = await readBody(req);
    const parsed = parseRequest(url.searchParams, req.headers['content-type'] ?? '', body);
    params = new Params(parsed.fields, parsed.files);
  } catch (error) {
    return answer(deps, res, method, params, atMs, error);
  }
  const fault = deps.faults.take(method);
  if (fault.kind === 'drop') {
    req.socket.destroy();
    deps.observer.record({ method, params: loggable(params), atMs, ok: false, outcome: 'dropped' });
    return;
  }
  if (fault.kind === 'hang') {
    // Tracked only so tests can see when the client gives up; the socket stays in `sockets`, so shutdown ends it.
    hung.add(res);
    res.on('close', () => {
      hung.delete(res);
      deps.observer.changed();
    });
    deps.observer.record({ method, params: loggable(params), atMs, ok: false, outcome: 'hung' });
    return;
  }
  if (fault.kind === 'fail') {
    const { error_code, description, parameters } = fault.error;
    return answer(deps, res, method, params, atMs, new ApiError(error_code, description, parameters));
  }
  try {
    const result = await handler({
      params,
      bot: seat.bot,
      state: deps.state,
      updates: seat.updates,
      limiter: seat.limiter,
      nowMs: () => deps.clock.now(),
      onAbort: (callback) => res.on('close', () => res.writableFinished || callback()),
    });
    answer(deps, res, method, params, atMs, undefined, result);
  } catch (error) {
    answer(deps, res, method, params, atMs, error);
  }
}

function answer(
  deps: HttpDeps,
  res: ServerResponse,
  method: string,
  params: Params,
  atMs: number,
  error: unknown,
  result?: unknown,
): void {
  if (error === undefined) {
    send(res, 200, { ok: true, result });
    deps.observer.record({ method, params: loggable(params), atMs, ok: true, result, outcome: 'answered' });
    return;
  }
  const apiError =
    error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${(error as Error).message}`);
  const body = apiError.toResponse();
  send(res, apiError.errorCode, body);
  deps.observer.record({ method, params: loggable(params), atMs, ok: false, error: body, outcome: 'answered' });
}

export function createHttpServer(deps: HttpDeps): HttpServer {
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(deps, hung, req, res).catch((error: unknown) => {
      send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
    });
  });
  // Long polls outlive Node's default request timeout of 300 s only if asked; Telegram allows 50 s polls.
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    hanging: () => hung.size,
  };
}
