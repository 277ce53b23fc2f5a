// Commands that change nothing and name no session (/sessions, /help) do not wait for slow commands sent before them
// (core/update-lanes.ts); everything else keeps its order. Before the scheduler, the bot handled updates strictly one
// at a time and did not even fetch the next ones meanwhile: a /sessions sent after 150 `/new` waited for all of them.
// `/new` of different names run side by side (a few at once); anything else waits for everything before it.
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_PARALLEL } from '../../src/bot/update-scheduler.js';
import type { SessionView } from '../../src/core/sessions.js';
import { type BotHarness, running, startBot } from './harness.js';

let h: BotHarness;
let release = (): void => {};

afterEach(async () => {
  release();
  await h?.close();
});

/** Holds every create() until release(): a /new that takes as long as the test wants. `started`: the names asked. */
function slowCreates(harness: BotHarness): { started: string[] } {
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const started: string[] = [];
  const create = harness.sessions.create.bind(harness.sessions);
  harness.sessions.create = async (name: string, command?: string): Promise<SessionView> => {
    started.push(name);
    await gate;
    return create(name, command);
  };
  return { started };
}

it('/sessions and /help are answered while 30 /new still run; the /send after them waits for all of them', async () => {
  h = await running(await startBot());
  const existing = h.sessions.add('old');
  const { started } = slowCreates(h);
  for (let i = 1; i <= 30; i++) h.emu.sendText(h.chat, h.owner, `/new b${i} sleep 1`);
  h.emu.sendText(h.chat, h.owner, '/send b1 hi');
  const askedSessions = h.emu.sendText(h.chat, h.owner, '/sessions').message!.message_id;
  const askedHelp = h.emu.sendText(h.chat, h.owner, '/help').message!.message_id;
  const replyTo = (id: number) => () => h.emu.messages(h.chat).find((m) => m.replyToMessageId === id);

  const sessions = await h.emu.waitFor(replyTo(askedSessions), { timeoutMs: 10_000, description: 'the /sessions answer' });
  await h.emu.waitFor(replyTo(askedHelp), { timeoutMs: 10_000, description: 'the /help answer' });
  // Answered while the first /new were still held (four at once, DEFAULT_PARALLEL): nothing created, nothing typed.
  expect(started).toEqual(Array.from({ length: DEFAULT_PARALLEL }, (_, i) => `b${i + 1}`));
  expect(h.sessions.calls.filter((c) => c.method === 'create' || c.method === 'sendText')).toEqual([]);
  expect(sessions.text).toContain(`▶ ${existing.name}`);
  expect(sessions.text).toContain('31 earlier commands are still running; what they do is not listed yet.');

  release();
  await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'), { timeoutMs: 10_000, description: '/send b1 hi' });
  // Every /new ran, each once, before the /send that came after them.
  const order = h.sessions.calls.filter((c) => c.method === 'create' || c.method === 'sendText').map((c) => c.args[0]);
  expect(order.slice(0, 30).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `b${i + 1}`).sort());
  expect(order.slice(30)).toEqual([h.sessions.resolve('b1').id]);
}, 30_000);

it('stopping the bot runs the commands it had admitted before it returns', async () => {
  h = await running(await startBot());
  const { started } = slowCreates(h);
  for (let i = 1; i <= 5; i++) h.emu.sendText(h.chat, h.owner, `/new s${i}`);
  // /help is admitted after the five: once it is answered, all five are admitted (recorded as handled).
  const asked = h.emu.sendText(h.chat, h.owner, '/help').message!.message_id;
  await h.emu.waitFor(() => h.emu.messages(h.chat).some((m) => m.replyToMessageId === asked), { timeoutMs: 10_000, description: '/help' });
  expect(started).toEqual(Array.from({ length: DEFAULT_PARALLEL }, (_, i) => `s${i + 1}`));
  const stopped = h.service.stop();
  release();
  await stopped;
  expect(h.sessions.calls.filter((c) => c.method === 'create').map((c) => c.args[0]).sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
}, 30_000);
