// Shared set-up: an emulator on 127.0.0.1:0 and a real grammY Api pointed at it.
import { Api, GrammyError } from 'grammy';
import { type BotApiEmulator, type BotApiServerOptions, startBotApiServer } from '../../src/emulator/index.js';

export interface Harness {
  emu: BotApiEmulator;
  api: Api;
}

export async function startHarness(options: BotApiServerOptions = {}): Promise<Harness> {
  const emu = await startBotApiServer(options);
  const api = new Api(emu.token, { apiRoot: emu.url });
  return { emu, api };
}

/** The GrammyError a call rejects with (fails the test when it resolves). */
export async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A clock tests move by hand. */
export function manualClock(startMs = 1_700_000_000_000) {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
