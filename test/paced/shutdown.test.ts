// Stopping the bot while replies wait their turn in the outbox (Telegram's pace: one message per chat each second,
// one per group every 3 s): the replies to commands the bot already took are sent before the service stops, within
// its drain window (10 s: four replies in a group at that pace).
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/outbox.js';
import { type BotHarness, drained, running, startBot } from '../bot/harness.js';

let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

describe('stopping with replies queued', () => {
  it('sends every reply the bot owes before it stops, at the pace Telegram allows', { timeout: 40_000 }, async () => {
    h = await running(await startBot({ forum: true, bot: { outboxLimits: DEFAULT_LIMITS } }));
    const group = h.chat;
    const commands = ['/help', '/sessions', '/mute', '/unmute'];
    for (const command of commands) h.emu.sendText(group, h.owner, command);
    await drained(h);
    await h.service.stop();
    // Replies queued for the same chat may arrive merged into one message (core/outbox.ts): all four, in order.
    const said = h.emu.messages(group).filter((m) => m.from?.is_bot === true).map((m) => m.text ?? '').join('\n');
    const at = [/Pocket Operator: your tmux sessions/, /No sessions on testbox yet\./, /Muted alerts/, /Unmuted alerts/].map((re) => said.search(re));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
