// `pocket hook --session ID EVENT [PAYLOAD]`: what an agent's hook ran before the hook spool (core/agent-hooks.ts),
// kept because the agents started then still run it (their settings file and notify argv name it) after pocket is
// updated and its daemon restarted. The agent waits for it (Claude Code pipes the event's JSON to stdin and holds the
// turn), so this hands the event to the daemon and gets out of the way: at most about a second, nothing on stdout (Claude reads a hook's stdout as a decision), and exit 0
// even when the daemon is down or slow: a missing signal only means the screen rules decide, as for any other session.
//
// The alert it raises waits for this process, so this file is the whole of it: CommonJS, required by bin/pocket.js
// before anything else, loading node:net and node:path only. Measured (bench/hook.js, docs/performance.md): the ES
// module version (the IPC client, paths, protocol) took ~20 ms more from node's start to the line at the socket than
// a bare `node -e` that connects and writes; this one is within noise of it. What it shares with the daemon (the
// events, the protocol version, the socket's place) is checked against the sources by test/e2e/hook-client.test.ts.
import net = require('node:net');
import path = require('node:path');
import type { HookEvent } from '../core/agent-hooks.js';

/** core/agent-hooks.ts's HOOK_EVENTS. */
const EVENTS: readonly HookEvent[] = ['PermissionRequest', 'Notification', 'UserPromptSubmit', 'Stop', 'codex-notify'];
/** daemon/ipc/protocol.ts's PROTOCOL_VERSION. */
const PROTOCOL_VERSION = 1;
/** core/agent-hooks.ts's CODEX_TITLE_TURN: Codex's own title turn, not a turn of the session's. */
const CODEX_TITLE_TURN = 'Generate a concise, single-line task title';
/** The whole budget: connecting, sending and the daemon's answer. */
const DAEMON_BUDGET_MS = 1_000;
/** Claude's payloads are a few kB; a notification's type is all pocket reads of them. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** state/paths.ts's socket, for a home given as an absolute path. */
function socketPath(home: string): string {
  return path.join(home, '.state', 'daemon.sock');
}

/**
 * `payload`: the argument Codex's notify appends (its notification as JSON); Claude's payload comes on stdin and is
 * read only for a Notification, the one Claude event whose payload pocket needs.
 */
async function hook(home: string, event: string, opts: { session: string }, payload?: string): Promise<void> {
  // When this process started: the hook fired at most node's start-up before.
  const firedAt = Math.round(performance.timeOrigin);
  if (!(EVENTS as readonly string[]).includes(event) || !/^s\d+$/.test(opts.session)) {
    process.stderr.write(`pocket hook: ignored ${JSON.stringify(event.slice(0, 40))} for ${JSON.stringify(opts.session.slice(0, 20))}\n`);
    return;
  }
  let notificationType: string | undefined;
  if (event === 'Notification') notificationType = typeOf(await readStdin(), 'notification_type');
  else if (event === 'codex-notify') {
    if (codexTitleTurn(payload ?? '')) return;
    notificationType = typeOf(payload ?? '', 'type');
  }
  const params = { session: opts.session, event, firedAt, ...(notificationType === undefined ? {} : { notificationType }) };
  await new Promise<void>((done) => {
    const socket = net.connect(socketPath(path.resolve(home)));
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      done();
    };
    // The daemon is down, restarting or does not know the session: the screen rules still read the pane.
    const timer = setTimeout(finish, DAEMON_BUDGET_MS);
    socket.on('connect', () => socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, id: 1, type: 'session.hook', params })}\n`));
    // Any answer means the daemon has the event; what it says changes nothing here.
    socket.on('data', finish);
    socket.on('error', finish);
    socket.on('close', finish);
  });
  process.exitCode = 0;
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => resolve(text);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_PAYLOAD_BYTES) process.stdin.destroy();
    });
    process.stdin.on('end', done);
    process.stdin.on('close', done);
    process.stdin.on('error', done);
    setTimeout(() => {
      process.stdin.destroy();
      done();
    }, DAEMON_BUDGET_MS / 2).unref();
  });
}

function codexTitleTurn(payload: string): boolean {
  const inputs = parsed(payload)?.['input-messages'];
  return Array.isArray(inputs) && typeof inputs[0] === 'string' && inputs[0].startsWith(CODEX_TITLE_TURN);
}

function parsed(payload: string): Record<string, unknown> | undefined {
  if (payload.length > MAX_PAYLOAD_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The string `field` of a JSON object, clipped; undefined for anything else. */
function typeOf(payload: string, field: string): string | undefined {
  const type = parsed(payload)?.[field];
  return typeof type === 'string' ? type.slice(0, 100) : undefined;
}

export = { hook, EVENTS, PROTOCOL_VERSION, CODEX_TITLE_TURN, socketPath };
