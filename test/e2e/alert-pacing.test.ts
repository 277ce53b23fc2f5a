// An alert does not wait out the chat's pacing behind the card edit its own prompt caused (src/core/outbox.ts): the
// built daemon, the embedded Bot API with its flood control on, a pane that asks a question, and the question's hook
// sent the moment the card shows it, as `pocket hook` does for Claude Code. Before, the alert reached the Bot API a
// full second (the private chat's slot) after that edit, however fast the hook was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIpc } from '../../src/daemon/ipc/client.js';
import { type BotRig, failureReport, startBotRig } from '../helpers/bot-rig.js';
import { eventually } from '../helpers/pocket.js';

const PRIVATE_CHAT_INTERVAL_MS = 1000;

describe('an alert in a chat that just had a card edit', () => {
  let rig: BotRig;

  beforeAll(async () => {
    rig = await startBotRig();
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it('reaches the Bot API before the chat\'s next slot, with no 429, and the card edit after it waits instead', async () => {
    try {
      rig.say(`/new asker sh -c 'read go; printf "Deploy to production? [y/N] "; read answer; echo "answer=$answer"; sleep 600'`);
      const card = await rig.botMessage(/^[▶⏸❓■] asker\b.* — /);
      const { id, target } = await eventually(async () => (await rig.sessions()).find((s) => s.name === 'asker'), { what: 'session asker' });
      await rig.tmux('send-keys', '-t', target, 'go', 'Enter');
      const edit = await rig.edited(card.messageId, /Deploy to production\? \[y\/N\]/);
      // The question's own hook, the moment the card shows it (what an agent's hook does, minus node's start-up).
      const client = await connectIpc(`${rig.h.home}/.state/daemon.sock`);
      try {
        await client.request('session.hook', { session: id, event: 'PermissionRequest', firedAt: Date.now() });
      } finally {
        client.close();
      }
      const alert = await rig.botMessage(/^❓ asker waits for input:/);
      expect(alert.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toContain('Yes');

      const sends = rig.emu.calls.filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.params.chat_id === rig.chat.id);
      const alertAt = sends.findIndex((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('❓ asker waits'));
      const before = sends[alertAt - 1]!;
      expect(String(before.params.text)).toMatch(/Deploy to production/);
      console.log(`alert-pacing e2e: the card edit -> the alert at the Bot API ${sends[alertAt]!.atMs - before.atMs} ms (edit ${edit.messageId})`);
      expect(sends[alertAt]!.atMs - before.atMs).toBeLessThan(PRIVATE_CHAT_INTERVAL_MS);

      // The card turns to "waiting" with an edit of its own: that one takes the slot after the alert's.
      await rig.edited(card.messageId, /^❓ asker/);
      const after = rig.emu.calls.find((c) => c.method === 'editMessageText' && c.atMs > sends[alertAt]!.atMs && c.params.message_id === card.messageId)!;
      expect(after.atMs - before.atMs).toBeGreaterThanOrEqual(2 * PRIVATE_CHAT_INTERVAL_MS - 200);
      expect(rig.emu.rateLimitHits()).toBe(0);

      rig.press(alert.messageId, 'Yes');
      await rig.paneShows(target, /answer=y/);
    } catch (error) {
      console.log(failureReport(rig));
      throw error;
    }
  }, 60_000);
});
