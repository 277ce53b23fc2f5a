// A real SessionService on a private tmux server and a temp home, for tests of what it does with panes and files.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../src/core/ports.js';
import type { SessionEvent } from '../../src/core/sessions.js';
import { SessionService, type SessionServiceOptions } from '../../src/daemon/sessions/service.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTestTmux, type TestTmux } from '../helpers/tmux.js';

export interface ServiceRig {
  t: TestTmux;
  service: SessionService;
  stateDir: string;
  panesDir: string;
  events: SessionEvent[];
  warnings: Array<{ event: string; fields?: Record<string, unknown> }>;
  close(): Promise<void>;
}

export function recordingLogger(warnings: ServiceRig['warnings']): Logger {
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (event, fields) => warnings.push({ event, ...(fields === undefined ? {} : { fields }) }),
    error: (event, fields) => warnings.push({ event, ...(fields === undefined ? {} : { fields }) }),
    child: () => log,
  };
  return log;
}

/** Call inside a test: the temp home goes when the test finishes; close() stops the service and the tmux server. */
export async function startService(options: Partial<SessionServiceOptions> & { chunkBytes?: number } = {}): Promise<ServiceRig> {
  const t = await startTestTmux({ enterDelayMs: 20, ...(options.chunkBytes === undefined ? {} : { logChunkBytes: options.chunkBytes }) });
  const home = tempDir('pocket-svc-');
  const stateDir = join(home, '.state');
  mkdirSync(stateDir, { mode: 0o700 });
  const panesDir = join(stateDir, 'panes');
  const warnings: ServiceRig['warnings'] = [];
  const service = new SessionService({
    tmux: t.tmux, stateDir, panesDir, log: recordingLogger(warnings), changes: new EventEmitter(), idleMs: 60_000, ...options,
  });
  const events: SessionEvent[] = [];
  service.subscribe((event) => events.push(event));
  await service.start();
  return {
    t, service, stateDir, panesDir, events, warnings,
    async close() {
      await service.stop().catch(() => {});
      await t.cleanup();
    },
  };
}
