// What leaves for Telegram is cleaned of secrets, on every way out: cards, replies, alerts, /tail and /logs documents
// and their captions, callback answers, topic names, the daemon log and the audit log. POCKET_REDACT=off lets the
// secret shapes through, never the bot token or the .env secrets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BotHarness } from './harness.js';
import { botSaid, running, startBot } from './harness.js';
import { CANARY_SHAPES, pemKey } from '../fixtures/canaries.js';

const ENV_SECRET = 'envCANARY-other-secret-4242';
let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

const shapeParts = CANARY_SHAPES.flatMap((c) => c.secretParts);

/** Everything the Bot API received: every request's parameters and every uploaded document. */
function everythingSent(harness: BotHarness): string {
  const calls = harness.emu.calls.map((call) => JSON.stringify(call.params));
  const documents = harness.emu.messages(harness.chat).flatMap((m) => (m.document === undefined ? [] : [m.document.bytes.toString('utf8')]));
  return [...calls, ...documents].join('\n');
}

async function cardAfterPrinting(redact: boolean): Promise<string> {
  h = await running(await startBot({ config: { redact, secrets: [ENV_SECRET] } }));
  const s = h.sessions.add('leaky');
  h.sessions.emit({ type: 'created', session: s });
  const card = await botSaid(h, h.chat, /leaky — running/);
  h.sessions.print(s.id, `TOKEN=${h.emu.token} KEY=${ENV_SECRET} ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0 done`);
  await h.emu.waitFor(() => /done$/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
  return h.emu.message(h.chat, card.messageId)!.text!;
}

describe('outgoing redaction', () => {
  it('removes the token, the other .env secrets and the secret shapes from cards', async () => {
    const text = await cardAfterPrinting(true);
    expect(text).toContain('TOKEN=[REDACTED] KEY=[REDACTED] ghp_[redacted:github-token] done');
  });

  it('POCKET_REDACT=off lets the secret shapes through, never the token or the .env secrets', async () => {
    const text = await cardAfterPrinting(false);
    expect(text).toContain('TOKEN=[REDACTED] KEY=[REDACTED] ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0 done');
  });

  it('redacts a card line before it is clipped: a token cut at the edge has no shape left', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('wide');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /wide — running/);
    const token = 'ghp_CANARYghpR7x2TQ9mZk4VbN8sLw3JpYd5Hf0';
    const LINE_MAX = 160; // core/cards.ts: a card clips longer lines
    h.sessions.print(s.id, `${'x'.repeat(LINE_MAX - 12)} ${token} and more`, 'done');
    const text = (await h.emu.waitFor(() => h.emu.message(h.chat, card.messageId)?.text?.endsWith('done') && h.emu.message(h.chat, card.messageId)!.text!)) as string;
    expect(text).toContain('ghp_[');
    expect(text).not.toContain('CANARYghp');
  });

  it('no canary reaches the Bot API, the daemon log or the audit log: cards, alerts, /tail, /logs, /send, buttons', async () => {
    h = await running(await startBot({ config: { secrets: [ENV_SECRET] } }));
    const s = h.sessions.add('leaky');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /leaky — running/);
    // A key block printed in pieces, as the tail hands lines over: the card's window cuts it anywhere.
    const key = pemKey(3).split('\n');
    for (let i = 0; i < key.length; i += 4) h.sessions.print(s.id, ...key.slice(i, i + 4));
    for (const canary of CANARY_SHAPES) h.sessions.print(s.id, ...canary.text.split('\n'));
    h.sessions.print(s.id, `env ${ENV_SECRET}`, 'printed all');
    await h.emu.waitFor(() => /printed all$/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''), { description: 'the card to show the last line' });
    // An alert whose question holds a secret.
    h.sessions.waitAt(s.id, { ruleId: 'yn', question: `Use ${CANARY_SHAPES[5]!.text}? [y/N]`, answers: [{ label: 'y', input: { text: 'y' } }], secret: false });
    await botSaid(h, h.chat, /Use ghp_\[redacted:github-token\]/);
    // /send with a secret (the audit log records what was typed), /tail, /logs (a document).
    // JSON in the text: the audit log is JSON too, and its escaped quotes must not hide the value from the rule.
    const json = CANARY_SHAPES.find((c) => c.name.startsWith('JSON field'))!.text;
    h.emu.sendText(h.chat, h.owner, `/send leaky export ${CANARY_SHAPES[2]!.text} ${ENV_SECRET} ${json}`);
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'), { description: '/send to type' });
    h.emu.sendText(h.chat, h.owner, '/tail leaky 200');
    const tail = await h.emu.waitFor(() => h.emu.messages(h.chat).find((m) => m.messageId !== card.messageId && /printed all/.test(m.text ?? '')), { description: 'the /tail answer' });
    h.emu.sendText(h.chat, h.owner, '/logs');
    await h.emu.waitFor(() => h.emu.messages(h.chat).some((m) => m.document?.fileName === 'pocket.log'), { description: 'the /logs document' });
    // A button press answered with text (Refresh), and a topic-less callback.
    const refresh = h.emu.message(h.chat, card.messageId)!.replyMarkup!.inline_keyboard.flat().find((b) => b.text === 'Refresh')!;
    h.emu.pressButton(h.chat, h.owner, card.messageId, (refresh as { callback_data: string }).callback_data);
    await h.emu.waitForCall('answerCallbackQuery');

    const sent = everythingSent(h);
    const logs = `${readFileSync(h.paths.daemonLog, 'utf8')}\n${readFileSync(h.paths.auditLog, 'utf8')}`;
    for (const part of [h.emu.token, ENV_SECRET, ...shapeParts, ...key.slice(1, -1)]) {
      expect(sent, 'sent to the Bot API').not.toContain(part);
      expect(logs, 'in the daemon or audit log').not.toContain(part);
    }
    // The /tail answer had the lines: they were redacted, not missing.
    expect(tail.text).toContain('[redacted:private-key]');
    expect(tail.text).toContain('ghp_[redacted:github-token]');
    expect(readFileSync(h.paths.auditLog, 'utf8')).toContain('AKIA[redacted:aws-access-key-id]');
  });

  it("Gemini CLI's API-key dialog shows the key being typed: the card (lines and full screen) and /tail show it redacted", async () => {
    // The captured dialog (scripts/capture-agent-screens typed `capture-key`), with a real-shaped key typed instead:
    // AIza and 35 characters, as Google AI Studio issues them; the box keeps its width.
    const key = 'AIzaSyD4mQ7xV2cN9kLpR3tW8hJ6fB1zE5gYq0u';
    const captured = readFileSync(join(import.meta.dirname, '../fixtures/screens/gemini-0.61.0-api-key.txt'), 'utf8');
    expect(captured).toContain('│ │ capture-key ');
    const screen = captured.replace(`capture-key${' '.repeat(key.length - 'capture-key'.length)}`, key).replace(/\n+$/, '').split('\n');
    expect(screen.some((line) => line.includes(`│ │ ${key} `))).toBe(true);
    h = await running(await startBot());
    const s = h.sessions.add('gem');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /gem — running/);
    const cardText = () => h.emu.message(h.chat, card.messageId)?.text ?? '';
    // As lines of output (a card shows the last ones), then as the full screen a card shows for a program like it.
    h.sessions.print(s.id, ...screen);
    const fromLines = (await h.emu.waitFor(() => cardText().includes('Press Enter to submit') && cardText())) as string;
    expect(fromLines).toContain('│ │ AIza[redacted:google-api-key] ');
    h.sessions.emit({ type: 'state', session: h.sessions.patch(s.id, { screen: { lines: screen, cursorRow: screen.findIndex((l) => l.includes(key)) } }), previous: 'running', at: Date.now() });
    h.sessions.print(s.id, 'screen shown');
    const fromScreen = (await h.emu.waitFor(() => cardText() !== fromLines && cardText())) as string;
    expect(fromScreen).toContain('Enter Gemini API Key');
    expect(fromScreen, 'the screen down to the cursor, not the last lines').not.toContain('screen shown');
    expect(fromScreen).toContain('│ │ AIza[redacted:google-api-key] ');
    h.emu.sendText(h.chat, h.owner, '/tail gem 200');
    const tail = await h.emu.waitFor(() => h.emu.messages(h.chat).find((m) => m.messageId !== card.messageId && /Enter Gemini API Key/.test(m.text ?? '')), { description: 'the /tail answer' });
    expect(tail.text).toContain('│ │ AIza[redacted:google-api-key] ');
    const secretPart = key.slice('AIza'.length);
    expect(everythingSent(h)).not.toContain(secretPart);
    expect(readFileSync(h.paths.daemonLog, 'utf8')).not.toContain(secretPart);
  });
});
