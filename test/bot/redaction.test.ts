// What leaves for Telegram is cleaned of secrets; POCKET_REDACT=off lets .env secrets through, never the bot token.
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, botSaid, running, startBot } from './harness.js';

const OTHER_SECRET = 'sk-live-OTHERsecret-4242';
let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

async function cardAfterPrinting(redact: boolean): Promise<string> {
  h = await running(await startBot({ config: { redact, secrets: [OTHER_SECRET] } }));
  const s = h.sessions.add('leaky');
  h.sessions.emit({ type: 'created', session: s });
  const card = await botSaid(h, h.chat, /leaky — running/);
  h.sessions.print(s.id, `TOKEN=${h.emu.token} KEY=${OTHER_SECRET} done`);
  await h.emu.waitFor(() => /done$/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
  return h.emu.message(h.chat, card.messageId)!.text!;
}

describe('outgoing redaction', () => {
  it('removes the token and the other .env secrets from cards', async () => {
    const text = await cardAfterPrinting(true);
    expect(text).toContain('TOKEN=[REDACTED] KEY=[REDACTED] done');
  });

  it('POCKET_REDACT=off keeps other secrets but still never sends the bot token', async () => {
    const text = await cardAfterPrinting(false);
    expect(text).toContain(`TOKEN=[REDACTED] KEY=${OTHER_SECRET} done`);
  });
});
