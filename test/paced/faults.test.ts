// Faults injected at the emulator: 429s, 5xx, dropped connections, an outage, 409, 401, parse errors, calls that
// hang. Nothing is lost, nothing duplicated, nothing crashes, and the token never reaches the log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { afterAll, describe, expect, it } from 'vitest';
import { BOT_STATE_FILES } from '../../src/bot/bot-service.js';
import { requestTimeoutSeconds } from '../../src/bot/create-bot.js';
import { openBotStores } from '../../src/daemon/compose.js';
import { startBotApiServer } from '../../src/emulator/emulator.js';
import { jsonStore } from '../../src/state/json-store.js';
import { type BotHarness, botSaid, drained, type HarnessOptions, running, startBot, statusWhere } from '../bot/harness.js';

// Each test waits out real deadlines and retry_after pauses, on its own emulator and home, so the tests run
// concurrently: the file takes about as long as its slowest test (6 s) instead of their sum (18 s).
const harnesses: BotHarness[] = [];
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
});
const started = async (options?: HarnessOptions): Promise<BotHarness> => {
  const h = await startBot(options);
  harnesses.push(h);
  return h;
};

const logText = (h: BotHarness) => readFileSync(h.paths.daemonLog, 'utf8');
const secretPart = (h: BotHarness) => h.emu.token.split(':')[1]!;

describe.concurrent('sending through faults', () => {
  it('429, 5xx, a dropped connection and a parse error still deliver each reply exactly once', async () => {
    const h = await running(await started());
    h.emu.faults.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    h.emu.sendText(h.chat, h.owner, '/help');
    await botSaid(h, h.chat, /Pocket Operator/);
    h.emu.faults.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    h.emu.sendText(h.chat, h.owner, '/sessions');
    await botSaid(h, h.chat, /No sessions on testbox yet/);
    h.emu.faults.dropNextConnection('sendMessage');
    h.emu.sendText(h.chat, h.owner, '/mute');
    await botSaid(h, h.chat, /Muted alerts of all 0/);
    h.emu.faults.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unexpected end tag" });
    h.emu.sendText(h.chat, h.owner, '/unmute');
    const plain = await botSaid(h, h.chat, /Unmuted alerts/);
    expect(plain.entities).toEqual([]);
    for (const pattern of [/Pocket Operator/, /No sessions on testbox yet/, /Muted alerts/, /Unmuted alerts/]) {
      expect(h.emu.messages(h.chat).filter((m) => pattern.test(m.text ?? ''))).toHaveLength(1);
    }
    expect(logText(h)).not.toContain(secretPart(h));
  });
});

describe.concurrent('polling through faults', () => {
  it('recovers from 5xx, 429 and dropped long polls on getUpdates without losing or repeating updates', async () => {
    const h = await running(await started());
    const s = h.sessions.add('job');
    h.emu.faults.failNext('getUpdates', { error_code: 500, description: 'Internal Server Error', times: 2 });
    h.emu.faults.dropNextConnection('getUpdates');
    h.emu.faults.failNext('getUpdates', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    // The waiting poll ends with the next update; the faults hit the polls after it.
    h.emu.sendText(h.chat, h.owner, '/send job one');
    h.emu.sendText(h.chat, h.owner, '/send job two');
    await h.emu.waitFor(() => h.sessions.calls.filter((c) => c.method === 'sendText').length === 2, { timeoutMs: 8000 });
    h.emu.sendText(h.chat, h.owner, '/send job three');
    await h.emu.waitFor(() => h.sessions.calls.filter((c) => c.method === 'sendText').length === 3, { timeoutMs: 8000 });
    await drained(h);
    expect(h.sessions.calls.filter((c) => c.method === 'sendText').map((c) => c.args[1])).toEqual(['one', 'two', 'three']);
    expect(s.id).toBe('s1');
    expect(h.status()).toMatchObject({ connected: true, lastError: null });
    expect(logText(h)).not.toContain(secretPart(h));
  });

  it('reports the bot disconnected during an outage and recovers by itself', async () => {
    const h = await running(await started());
    h.sessions.add('job');
    h.emu.faults.setOffline(true);
    await statusWhere(h, (s) => !s.connected);
    expect(h.status().lastError).toMatch(/unreachable \(network\)/);
    expect(h.status().lastError).not.toContain(secretPart(h));
    h.emu.sendText(h.chat, h.owner, '/send job queued while offline');
    h.emu.faults.setOffline(false);
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'), { timeoutMs: 8000 });
    await statusWhere(h, (s) => s.connected);
    expect(h.status().lastError).toBeNull();
    // One warning for the outage, not one per retry.
    expect(logText(h).split('\n').filter((l) => l.includes('bot.poll_failed'))).toHaveLength(1);
  });

  it('stops polling on 409 with one log line and a clear status; the service still stops cleanly', async () => {
    const h = await running(await started());
    h.emu.faults.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
    h.emu.sendText(h.chat, h.owner, '/help');
    await statusWhere(h, (s) => s.lastError?.includes('409') === true);
    const polls = h.emu.calls.filter((c) => c.method === 'getUpdates').length;
    h.emu.sendText(h.chat, h.owner, '/sessions');
    // Nothing polls any more: no new getUpdates within half a second (a bounded negative check, not a sync sleep).
    await expect(h.emu.waitFor(() => h.emu.calls.filter((c) => c.method === 'getUpdates').length > polls, { timeoutMs: 500 })).rejects.toThrow(/timed out/);
    expect(h.status().connected).toBe(false);
    expect(logText(h).split('\n').filter((l) => l.includes('bot.polling_stopped'))).toHaveLength(1);
    await h.service.stop();
  });

  it('a token Telegram refuses (401) at start fails the start, naming the refusal, and polls no more', async () => {
    const h = await started();
    h.emu.faults.failNext('getMe', { error_code: 401, description: 'Unauthorized' });
    await expect(h.service.start()).rejects.toMatchObject({
      code: 'TELEGRAM_FAILED',
      message: expect.stringMatching(/Telegram refused the bot token \(401 Unauthorized\)/),
      hint: expect.stringContaining('TELEGRAM_BOT_TOKEN'),
    });
    expect(h.status()).toMatchObject({ connected: false, username: null });
    expect(h.status().lastError).toMatch(/401/);
    expect(h.emu.calls.filter((c) => c.method === 'getMe')).toHaveLength(1);
    expect(h.emu.calls.filter((c) => c.method === 'getUpdates')).toHaveLength(0);
    expect(logText(h)).not.toContain(secretPart(h));
  });
});

describe.concurrent('calls that hang (packets dropped without a reset)', () => {
  // Polls of 1 s so that a 2 s deadline can exceed them; in production it is 30 s and 45 s.
  const quick = { bot: { pollTimeoutS: 1, requestTimeoutS: 2 } };
  const outcomes = (h: BotHarness, method: string) => h.emu.calls.filter((c) => c.method === method).map((c) => c.outcome);
  const sentTexts = (h: BotHarness) => h.sessions.calls.filter((c) => c.method === 'sendText').map((c) => c.args[1]);

  it('the deadline exceeds the long poll by a margin, and a deadline inside the poll is refused', () => {
    expect(requestTimeoutSeconds({})).toBe(45);
    expect(requestTimeoutSeconds({ pollTimeoutS: 10 })).toBe(25);
    expect(requestTimeoutSeconds({ pollTimeoutS: 1, requestTimeoutS: 2 })).toBe(2);
    expect(() => requestTimeoutSeconds({ pollTimeoutS: 30, requestTimeoutS: 30 })).toThrow(/must exceed/);
  });

  it('a hung long poll hits the deadline, and polling recovers by itself once calls are answered again', async () => {
    const h = await running(await started(quick));
    h.sessions.add('job');
    h.emu.faults.hangNext('getUpdates', Number.POSITIVE_INFINITY);
    // Ends the poll waiting now, which the fault does not take; the polls after it hang.
    h.emu.sendText(h.chat, h.owner, '/send job before');
    // The poller makes one call at a time: a second hung poll means it gave up on the first by itself.
    await h.emu.waitFor(() => outcomes(h, 'getUpdates').filter((o) => o === 'hung').length >= 2, {
      timeoutMs: 10_000, description: 'the bot to give up on a hung poll and poll again',
    });
    expect(h.status().connected).toBe(false);
    expect(h.status().lastError).toMatch(/unreachable \(network\).*timed out after 2 seconds/);
    h.emu.faults.clear();
    h.emu.sendText(h.chat, h.owner, '/send job after');
    await h.emu.waitFor(() => sentTexts(h).length === 2, { timeoutMs: 10_000, description: 'both messages handled' });
    await statusWhere(h, (s) => s.connected && s.lastError === null);
    expect(sentTexts(h)).toEqual(['before', 'after']);
    // One warning for the whole episode, not one per timed-out poll.
    expect(logText(h).split('\n').filter((l) => l.includes('bot.poll_failed'))).toHaveLength(1);
    expect(logText(h)).not.toContain(secretPart(h));
  });

  it('a getMe that hangs does not hold the start: the bot starts, says it is not connected, and connects later', async () => {
    const emu = await startBotApiServer({ rate: false });
    emu.faults.hangNext('getMe');
    let h: BotHarness | undefined;
    try {
      h = await startBot({ emu, bot: { ...quick.bot, startWaitMs: 200 } });
      await h.service.start();
      // start() returned while getMe was still hanging (its deadline is 2 s, the wait 0.2 s).
      expect(emu.hanging).toBe(1);
      expect(h.status().connected).toBe(false);
      await statusWhere(h, (s) => s.connected && s.username !== null);
    } finally {
      await h?.close();
      await emu.close();
    }
  });

  it('a hung send and a hung card edit hit the deadline and go again: nothing lost, nothing doubled', async () => {
    const h = await running(await started(quick));
    const s = h.sessions.add('job', { command: 'make' });
    h.emu.faults.hangNext('sendMessage');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /job — running/);
    expect(outcomes(h, 'sendMessage')).toEqual(['hung', 'answered']);
    h.emu.faults.hangNext('editMessageText');
    h.sessions.emit({ type: 'state', session: h.sessions.patch(s.id, { state: 'exited', exitCode: 2 }), previous: 'running', at: Date.now() });
    await h.emu.waitFor(() => /exited \(code 2\)/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
    expect(outcomes(h, 'editMessageText')).toEqual(['hung', 'answered']);
    expect(h.emu.messages(h.chat).filter((m) => /job —/.test(m.text ?? ''))).toHaveLength(1);
    // Polling was never held up by the outbox: the bot is still connected.
    expect(h.status()).toMatchObject({ connected: true, lastError: null });
  });
});

describe('a state file that cannot be written', () => {
  it('answers "not run" with the cause, runs nothing now or later, and runs again once writes work', async () => {
    let diskFull = true;
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const h = await running(await started({
      stores: (stateDir, log) => {
        const stores = openBotStores(stateDir, log);
        const { ledger } = BOT_STATE_FILES;
        const writeFile = (path: string, text: string) => (diskFull ? Promise.reject(full) : writeFileAtomic(path, text, { mode: 0o600 }));
        return { ...stores, ledger: jsonStore(join(stateDir, ledger.name), ledger.schema, ledger.empty, log, { writeFile }) };
      },
    }));
    h.sessions.add('job');
    const asked = h.emu.sendText(h.chat, h.owner, '/send job rm -rf build');
    const refusal = await botSaid(h, h.chat, /Not run: pocket cannot write its state \(no space left on device\)/);
    expect(refusal.replyToMessageId).toBe(asked.message?.message_id);
    expect(h.audit()).toContainEqual(expect.objectContaining({ outcome: 'failed', reason: 'ledger not persisted' }));

    diskFull = false;
    h.emu.sendText(h.chat, h.owner, '/send job ls');
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'), { timeoutMs: 8000 });
    await drained(h);
    // Only the command sent once writes worked again ran: the refused one never runs behind the person's back.
    expect(h.sessions.calls.filter((c) => c.method === 'sendText').map((c) => c.args[1])).toEqual(['ls']);
  });
});
