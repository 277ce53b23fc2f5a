// A burst of commands against the built daemon (`pocket start`), the embedded Bot API with Telegram's flood control,
// real tmux (issue 9, point 3). Before the outbox kept replies apart from cards, 150 `/new` filled the chat's queue
// and 133 confirmations and the /sessions answer were dropped ("text dropped: outbox full").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type BotRig, rigForFile } from '../helpers/bot-rig.js';

const BURST = 150;
let rig: BotRig;

rigForFile((r) => {
  rig = r;
}, {}, 60_000);

it(`${BURST} /new in a burst, then /sessions: every command acknowledged in a few messages, /sessions answered, no 429, no wasted edit`, async () => {
  const names = Array.from({ length: BURST }, (_, i) => `b${i + 1}`);
  const since = rig.emu.calls.length;
  const calls = () => rig.emu.calls.slice(since);
  for (const name of names) rig.say(`/new ${name} sleep 100000`);
  const asked = rig.say('/sessions');
  const botTexts = () => rig.emu.messages(rig.chat).map((m) => m.text ?? '');

  const acknowledged = (): Set<string> => new Set(botTexts().flatMap((t) => [...t.matchAll(/^Started (b\d+): sleep 100000\.$/gm)].map((m) => m[1]!)));
  await rig.emu.waitFor(() => acknowledged().size === BURST, { timeoutMs: 90_000, description: `all ${BURST} /new acknowledged` });
  const answer = await rig.emu.waitFor(() => rig.emu.messages(rig.chat).find((m) => m.replyToMessageId === asked || (m.messageId > asked && /^(Sessions on e2ebox:$|No sessions on e2ebox yet\.)/m.test(m.text ?? ''))), {
    timeoutMs: 30_000,
    description: 'the /sessions answer',
  });
  // /sessions does not wait for the /new sent before it (core/update-lanes.ts): it lists the sessions that exist and
  // counts the commands still running. The outbox may merge it with confirmations (the merged message replies to the
  // first of them), and a long answer takes several messages; only this answer has list lines.
  const listed = (): Set<string> => new Set(botTexts().flatMap((t) => [...t.matchAll(/^\S+ (b\d+) — [a-z ]+ — sleep 100000$/gm)].map((m) => m[1]!)));
  const stillRunning = (): number =>
    Number(/^(\d+) earlier commands? (?:is|are) still running/m.exec(rig.emu.messages(rig.chat).filter((m) => m.messageId >= answer.messageId).map((m) => m.text ?? '').join('\n'))?.[1] ?? 0);
  await rig.emu.waitFor(() => listed().size + stillRunning() >= BURST, { timeoutMs: 30_000, description: 'every /new in the /sessions answer, listed or counted' });

  // The outbox's part of the wait: from the moment the daemon handled /sessions (its audit line) to the answer's
  // send (the daemon's part: docs/performance.md, bench/burst).
  const handled = readFileSync(join(rig.h.home, 'logs', 'audit.log'), 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line) as { t: string; action: string }).find((e) => e.action === 'sessions');
  const answerCall = calls().find((c) => c.method === 'sendMessage' && c.ok && (c.result as { message_id: number }).message_id === answer.messageId);
  expect(answerCall!.atMs - Date.parse(handled!.t)).toBeLessThan(10_000);

  // Collapsed: the confirmations share messages (one per second the burst's handling lasted: 47-59 seen, for 50-60
  // s of handling) instead of costing 150 of the chat's ~1/s budget. Bounded by what the 90 s wait above allows.
  const confirmations = rig.emu.messages(rig.chat).filter((m) => /^Started b\d+:/m.test(m.text ?? ''));
  expect(confirmations.length).toBeLessThanOrEqual((2 * BURST) / 3);
  expect(rig.emu.rateLimitHits()).toBe(0);
  expect(calls().filter((c) => /not modified/.test(c.error?.description ?? ''))).toEqual([]);
  const status = JSON.parse((await rig.h.run(['status', '--json'])).stdout) as { bot: { outbox?: Record<string, number> } };
  expect(status.bot.outbox).toMatchObject({ dropped: 0, failed: 0 });
  expect(status.bot.outbox?.merged).toBeGreaterThanOrEqual(BURST - confirmations.length);
}, 180_000);
