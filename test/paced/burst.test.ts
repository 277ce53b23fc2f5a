// A burst of 150 /new, then /sessions, against the embedded Bot API with flood control on (issue 9, point 3). Time is
// scaled down twentyfold so the whole burst, cards included, fits in seconds: the emulator allows 20 messages/s per
// chat (burst 3) and the outbox paces the chat at one send per 50 ms; the global limits are Telegram's own.
// Before replies and cards had lanes of their own, this burst overflowed the chat's queue (300 urgent items for 200
// places) and dropped confirmations and the /sessions answer; no-op card redraws were sent and answered "message is
// not modified".
import { afterEach, expect, it } from 'vitest';
import { type BotHarness, running, startBot } from '../bot/harness.js';

const BURST = 150;
let h: BotHarness;

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    console.log(h.emu.calls.filter((c) => c.method !== 'getUpdates').map((c) => `${c.atMs} ${c.method} ${c.ok} ${JSON.stringify(c.error ?? String(c.params.text ?? '').slice(0, 40))}`).join('\n'));
  }
  await h?.close();
});

it(`${BURST} /new then /sessions: every command acknowledged, /sessions answered, every card posted once, no 429, no wasted edit`, async () => {
  h = await running(
    await startBot({ emulator: { rate: { perChatPerSecond: 20, perChatBurst: 3 } }, bot: { outboxLimits: { privateIntervalMs: 50 } } }),
  );
  const names = Array.from({ length: BURST }, (_, i) => `b${i + 1}`);
  for (const name of names) h.emu.sendText(h.chat, h.owner, `/new ${name} sleep 100000`);
  const asked = h.emu.sendText(h.chat, h.owner, '/sessions').message!.message_id;
  const texts = () => h.emu.messages(h.chat).map((m) => m.text ?? '');
  const linesOf = (pattern: RegExp) => new Set(texts().flatMap((t) => [...t.matchAll(pattern)].map((m) => m[1]!)));

  await h.emu.waitFor(() => linesOf(/^Started (b\d+): sleep 100000\.$/gm).size === BURST, { timeoutMs: 15_000, description: 'every /new acknowledged' });
  const answer = await h.emu.waitFor(() => h.emu.messages(h.chat).find((m) => m.messageId > asked && /^Sessions on testbox:$/m.test(m.text ?? '')), {
    timeoutMs: 5000,
    description: 'the /sessions answer',
  });
  // /sessions does not wait for the /new before it (core/update-lanes.ts): what it does not list yet, it counts.
  // A long answer is split over several messages (the outbox may merge its last part with confirmations); only this
  // answer has list lines ("▶ NAME — running — COMMAND").
  const afterAsked = () => h.emu.messages(h.chat).filter((m) => m.messageId > asked).map((m) => m.text ?? '').join('\n');
  const accounted = () =>
    linesOf(/^▶ (b\d+) — running — sleep 100000$/gm).size + Number(/^(\d+) earlier commands? (?:is|are) still running/m.exec(afterAsked())?.[1] ?? 0);
  await h.emu.waitFor(() => accounted() >= BURST, { timeoutMs: 5000, description: 'every /new listed or counted as still running' });
  // Replies went before cards: the answer to /sessions did not wait for 150 cards.
  const cardsBefore = h.emu.messages(h.chat).filter((m) => m.messageId < answer.messageId && /^▶ b\d+ — running\n/.test(m.text ?? ''));
  expect(cardsBefore.length).toBeLessThan(BURST / 2);

  // Every session changes state without changing what its card shows: the redraws must cost nothing.
  for (const view of h.sessions.list()) h.sessions.emit({ type: 'updated', session: view });
  await h.emu.waitFor(() => linesOf(/^▶ (b\d+) — running\n/g).size === BURST, { timeoutMs: 20_000, description: 'every card posted' });
  // Stopping flushes the outbox: whatever the redraws left must go (or be skipped) within its shutdown window.
  await h.service.stop();

  const cards = h.emu.messages(h.chat).filter((m) => /^▶ b\d+ — running\n/.test(m.text ?? ''));
  expect(cards).toHaveLength(BURST); // each once
  const confirmations = h.emu.messages(h.chat).filter((m) => /^Started b\d+:/m.test(m.text ?? ''));
  // Merged while waiting for a send slot: one message per 50 ms slot the handling of the burst lasted, so how many
  // depends on how fast this machine handles 150 commands (29-56 seen); the exact collapse is in the policy's unit
  // test, the real pacing's in test/e2e/burst.test.ts. Here: merging happened, and every merge is accounted for.
  expect(confirmations.length).toBeLessThan(BURST);
  expect(h.emu.rateLimitHits()).toBe(0);
  expect(h.emu.calls.filter((c) => /not modified/.test(c.error?.description ?? ''))).toEqual([]);
  const outbox = h.status().outbox;
  expect(outbox).toMatchObject({ pending: 0, dropped: 0, failed: 0, retried: 0 });
  // A part of the /sessions answer may share a message with confirmations (it no longer waits for them): one more merge.
  const sharedWithAnswer = confirmations.filter((m) => /^▶ b\d+ — running — sleep 100000$/m.test(m.text ?? '')).length;
  expect(outbox?.merged).toBe(BURST - confirmations.length + sharedWithAnswer);
  expect(outbox?.unchanged).toBeGreaterThan(0);
}, 60_000);
