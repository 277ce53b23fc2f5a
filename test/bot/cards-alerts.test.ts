// Cards edited in place (only the newest content after a burst), alerts with answer buttons, Kill with confirmation.
import { afterEach, describe, expect, it } from 'vitest';
import { FRESH_DIALOG_DEAF_MS } from '../../src/bot/alerts.js';
import { hookRequestPrompt } from '../../src/core/agent-hooks.js';
import type { PromptView } from '../../src/core/sessions.js';
import { type BotHarness, botSaid, running, startBot, VIEWER_ID } from './harness.js';

let h: BotHarness;
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    console.log(JSON.stringify(h.emu.messages(h.chat).map((m) => [m.messageId, m.text])));
    console.log(h.emu.calls.filter((c) => c.method !== 'getUpdates').map((c) => `${c.method} ${c.ok} ${JSON.stringify(c.error ?? c.params.text ?? '')}`).join('\n'));
  }
  await h?.close();
});

const yesNo: PromptView = {
  ruleId: 'shell-y-n',
  question: 'Proceed? [y/N]',
  answers: [
    { label: 'y', input: { text: 'y' } },
    { label: 'N', input: { text: 'n' } },
  ],
  secret: false,
};

function button(h: BotHarness, messageId: number, text: string): string {
  const b = h.emu.message(h.chat, messageId)?.replyMarkup?.inline_keyboard.flat().find((x) => x.text === text);
  if (b === undefined || !('callback_data' in b)) throw new Error(`no button ${text}`);
  return b.callback_data!;
}

describe('cards', () => {
  it('edits the card in place; after a burst only the newest content is sent', async () => {
    // Real pacing (1 s per private chat) with the emulator's flood control on: a flood must never earn a 429.
    h = await running(await startBot({ emulator: { rate: {} }, bot: { outboxLimits: { privateIntervalMs: 1000 } } }));
    const s = h.sessions.add('build');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /build — running/);
    const since = h.emu.calls.length;
    const readsBefore = h.sessions.reads;
    for (let i = 1; i <= 200; i++) h.sessions.print(s.id, `line ${i}`);
    await h.emu.waitFor(() => /line 200$/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''), { timeoutMs: 8000 });
    // The card is rendered when its edit goes, not per line: a busy pane must not cost a render per line.
    expect(h.sessions.reads - readsBefore).toBeLessThanOrEqual(10);
    const edits = h.emu.calls.slice(since).filter((c) => c.method === 'editMessageText' && c.ok);
    expect(edits.length).toBeLessThanOrEqual(2);
    expect(h.emu.rateLimitHits()).toBe(0);
    const text = h.emu.message(h.chat, card.messageId)!.text!;
    expect(text).toContain('line 186');
    expect(text).not.toContain('line 185\n');
    expect(h.emu.messages(h.chat).filter((m) => /build —/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('shows state changes, and Refresh / Tail / Ctrl-C / Enter buttons act on the session', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('job', { command: 'make' });
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /job — running/);
    h.sessions.emit({ type: 'state', session: h.sessions.patch(s.id, { state: 'exited', exitCode: 2 }), previous: 'running', at: Date.now() });
    await h.emu.waitFor(() => /exited \(code 2\)/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
    h.sessions.patch(s.id, { state: 'running', exitCode: null });
    h.sessions.output.set(s.id, ['fresh from tail']);
    h.emu.pressButton(h.chat, h.owner, card.messageId, button(h, card.messageId, 'Refresh'));
    await h.emu.waitFor(() => /fresh from tail/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));

    h.emu.pressButton(h.chat, h.owner, card.messageId, button(h, card.messageId, 'Ctrl-C'));
    h.emu.pressButton(h.chat, h.owner, card.messageId, button(h, card.messageId, 'Enter'));
    await h.emu.waitFor(() => h.sessions.calls.filter((c) => c.method === 'sendKeys').length === 2);
    expect(h.sessions.calls.filter((c) => c.method === 'sendKeys').map((c) => c.args)).toEqual([[s.id, ['C-c']], [s.id, ['Enter']]]);

    h.emu.pressButton(h.chat, h.owner, card.messageId, button(h, card.messageId, 'Tail'));
    const tail = await botSaid(h, h.chat, /^fresh from tail$/);
    expect(tail.entities[0]?.type).toBe('pre');
  });

  it('Kill asks first: No keeps it, Yes kills it once', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('db');
    h.sessions.emit({ type: 'created', session: s });
    const card = await botSaid(h, h.chat, /db — running/);
    h.emu.pressButton(h.chat, h.owner, card.messageId, button(h, card.messageId, 'Kill'));
    const ask = await botSaid(h, h.chat, /^Kill db\?/);
    h.emu.pressButton(h.chat, h.owner, ask.messageId, button(h, ask.messageId, 'No'));
    await h.emu.waitFor(() => /Not killed/.test(h.emu.message(h.chat, ask.messageId)?.text ?? ''));
    expect(h.sessions.calls.some((c) => c.method === 'kill')).toBe(false);

    h.emu.sendText(h.chat, h.owner, '/kill db');
    const ask2 = await h.emu.waitFor(() => h.emu.messages(h.chat).find((m) => m.messageId > ask.messageId && /^Kill db\?/.test(m.text ?? '')));
    const yes = button(h, ask2.messageId, 'Yes, kill');
    h.emu.pressButton(h.chat, h.owner, ask2.messageId, yes);
    await h.emu.waitFor(() => /Killed db/.test(h.emu.message(h.chat, ask2.messageId)?.text ?? ''));
    h.emu.pressButton(h.chat, h.owner, ask2.messageId, yes, { force: true });
    const expired = await h.emu.waitFor(() => [...h.emu.calls].reverse().find((c) => c.method === 'answerCallbackQuery' && /expired/.test(String(c.params.text))));
    expect(expired).toBeDefined();
    expect(h.sessions.calls.filter((c) => c.method === 'kill').map((c) => c.args)).toEqual([[s.id]]);
    await h.emu.waitFor(() => /session removed/.test(h.emu.message(h.chat, card.messageId)?.text ?? ''));
  });
});

describe('alerts', () => {
  it('a waiting prompt alerts with answer buttons; a press types the answer once', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('apt');
    h.sessions.waitAt(s.id, yesNo);
    const alert = await botSaid(h, h.chat, /apt waits for input:\nProceed\? \[y\/N\]/);
    expect(alert.disableNotification).toBe(false);
    expect(alert.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['y', 'N']);
    const data = button(h, alert.messageId, 'y');
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    h.emu.pressButton(h.chat, h.owner, alert.messageId, data);
    await h.emu.waitFor(() => /answered: y/.test(h.emu.message(h.chat, alert.messageId)?.text ?? ''));
    expect(h.sessions.calls.filter((c) => c.method === 'sendText').map((c) => c.args)).toEqual([[s.id, 'y']]);
    expect(h.emu.message(h.chat, alert.messageId)?.replyMarkup).toBeUndefined();
  });

  it('an answer pressed right after its alert is typed no sooner than FRESH_DIALOG_DEAF_MS after the alert', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('cc');
    h.sessions.waitAt(s.id, yesNo);
    const alert = await botSaid(h, h.chat, /cc waits for input/);
    const alertAt = h.emu.calls.find((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('❓ cc waits'))?.atMs ?? 0;
    h.emu.pressButton(h.chat, h.owner, alert.messageId, button(h, alert.messageId, 'y'));
    await h.emu.waitFor(() => /answered: y/.test(h.emu.message(h.chat, alert.messageId)?.text ?? ''));
    // The alert left a few ms after its buttons were made: the answer waited for the rest of the time.
    expect(Date.now() - alertAt).toBeGreaterThanOrEqual(FRESH_DIALOG_DEAF_MS - 50);
    expect(h.sessions.calls.filter((c) => c.method === 'sendText').map((c) => c.args)).toEqual([[s.id, 'y']]);
  });

  it('an answer that carries a delay (a dialog deaf to keys just after it opens) is typed that long after the press', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('claude');
    const trust: PromptView = {
      ruleId: 'claude-trust-arrows',
      question: 'Quick safety check: Is this a project you created or one you trust?',
      answers: [
        { label: 'No, exit', input: { keys: ['Enter'], delayMs: 400 } },
        { label: 'Yes, I trust this folder', input: { keys: ['Down', 'Enter'], delayMs: 400 } },
      ],
      secret: false,
    };
    h.sessions.waitAt(s.id, trust);
    const alert = await botSaid(h, h.chat, /claude waits for input/);
    const pressedAt = Date.now();
    h.emu.pressButton(h.chat, h.owner, alert.messageId, button(h, alert.messageId, 'Yes, I trust this folder'));
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendKeys'));
    expect(Date.now() - pressedAt).toBeGreaterThanOrEqual(400);
    expect(h.sessions.calls.filter((c) => c.method === 'sendKeys').map((c) => c.args)).toEqual([[s.id, ['Down', 'Enter']]]);
  });

  it('does not type an answer when the prompt is gone; secret prompts get no buttons', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('ssh');
    h.sessions.waitAt(s.id, yesNo);
    const alert = await botSaid(h, h.chat, /ssh waits for input/);
    h.sessions.patch(s.id, { state: 'running', prompt: null });
    h.emu.pressButton(h.chat, h.owner, alert.messageId, button(h, alert.messageId, 'y'));
    await h.emu.waitFor(() => h.emu.calls.find((c) => c.method === 'answerCallbackQuery' && /no longer waiting/.test(String(c.params.text))));
    expect(h.sessions.mutatingCalls()).toEqual([]);

    h.sessions.waitAt(s.id, { ruleId: 'sudo', question: '[sudo] password for me:', answers: [], secret: true });
    const secret = await botSaid(h, h.chat, /asks for a secret/);
    expect(secret.replyMarkup).toBeUndefined();
  });

  it('quiet alerts are silent, exits notify, muted sessions get none', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('train');
    h.sessions.emit({ type: 'alert', session: h.sessions.get(s.id)!, kind: 'idle', at: Date.now() });
    const idle = await botSaid(h, h.chat, /train has gone quiet/);
    expect(idle.disableNotification).toBe(true);
    const muted = h.sessions.patch(s.id, { muted: true });
    h.sessions.emit({ type: 'alert', session: muted, kind: 'idle', at: Date.now() });
    const exited = h.sessions.patch(s.id, { muted: false, state: 'exited', exitCode: 0 });
    h.sessions.emit({ type: 'alert', session: exited, kind: 'exited', at: Date.now() });
    const exit = await botSaid(h, h.chat, /train exited with code 0/);
    expect(exit.disableNotification).toBe(false);
    expect(h.emu.messages(h.chat).filter((m) => /gone quiet/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('/mute without a session also mutes sessions created later, across a restart, until /unmute', async () => {
    h = await running(await startBot());
    const mutedCalls = () => h.sessions.calls.filter((c) => c.method === 'setMuted').map((c) => c.args);
    const create = (name: string) => {
      const view = h.sessions.add(name);
      h.sessions.emit({ type: 'created', session: view });
      return view;
    };
    h.emu.sendText(h.chat, h.owner, '/mute');
    await botSaid(h, h.chat, /Muted alerts of all 0 sessions, and of new sessions until \/unmute/);
    const later = create('later');
    await h.emu.waitFor(() => h.sessions.get(later.id)?.muted === true);
    h.sessions.emit({ type: 'alert', session: h.sessions.get(later.id)!, kind: 'exited', at: Date.now() });

    await h.restart();
    const afterRestart = create('again');
    await h.emu.waitFor(() => h.sessions.get(afterRestart.id)?.muted === true);

    h.emu.sendText(h.chat, h.owner, '/unmute');
    await botSaid(h, h.chat, /Unmuted alerts of all 2 sessions; new sessions alert again/);
    const loud = create('loud');
    h.sessions.emit({ type: 'alert', session: h.sessions.get(loud.id)!, kind: 'exited', at: Date.now() });
    await botSaid(h, h.chat, /loud exited/);
    expect(h.sessions.get(loud.id)?.muted).toBe(false);
    expect(h.emu.messages(h.chat).filter((m) => /later exited/.test(m.text ?? ''))).toHaveLength(0);
    expect(mutedCalls()).toEqual(expect.arrayContaining([[afterRestart.id, true], [later.id, false], [afterRestart.id, false]]));
  });
});

describe("alerts of a hook's waiting request", () => {
  const ask = (requestId: string): PromptView => ({
    ...hookRequestPrompt(requestId, { tool: 'Bash', command: 'touch /x/ran.txt', path: null, preview: null }, (text) => text),
  });

  it('offers Allow / Deny; a press decides through the hook, audited, and the alert says who answered', async () => {
    h = await running(await startBot({ forum: true, config: { viewerIds: [VIEWER_ID] } }));
    const s = h.sessions.add('cc');
    h.sessions.hookRequests.set('r1', s.id);
    h.sessions.waitAt(s.id, ask('r1'));
    const alert = await botSaid(h, h.chat, /cc waits for input:\nClaude asks to use Bash:\n\$ touch \/x\/ran\.txt/);
    expect(alert.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Allow', 'Deny']);
    // A viewer may look, not answer: nothing is decided.
    h.emu.pressButton(h.chat, h.viewer, alert.messageId, button(h, alert.messageId, 'Allow'));
    await h.emu.waitFor(() => h.emu.calls.some((c) => c.method === 'answerCallbackQuery'));
    expect(h.sessions.calls.filter((c) => c.method === 'decideHook')).toEqual([]);
    h.emu.pressButton(h.chat, h.owner, alert.messageId, button(h, alert.messageId, 'Allow'));
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'decideHook'));
    expect(h.sessions.calls.filter((c) => c.method === 'decideHook').map((c) => c.args)).toEqual([[s.id, 'r1', 'allow', expect.any(String)]]);
    // The service tells how it ended; the alert is edited, its buttons gone.
    h.sessions.emit({ type: 'hook-request-ended', sessionId: s.id, requestId: 'r1', end: { kind: 'decided', decision: 'allow', by: 'Owner' }, at: Date.now() });
    await h.emu.waitFor(() => /\n→ answered: Allow by Owner$/.test(h.emu.message(h.chat, alert.messageId)?.text ?? ''));
    expect(h.emu.message(h.chat, alert.messageId)?.replyMarkup).toBeUndefined();
    expect(h.audit().filter((a) => String(a.action).includes('hook-decision')).map((a) => a.outcome)).toEqual(['rejected', 'ok']);
  });

  it('answered at the desk: the alert says so; a press after that decides nothing', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('cc');
    h.sessions.hookRequests.set('r2', s.id);
    h.sessions.waitAt(s.id, ask('r2'));
    const alert = await botSaid(h, h.chat, /cc waits for input:\nClaude asks to use Bash/);
    const deny = button(h, alert.messageId, 'Deny');
    h.sessions.hookRequests.delete('r2');
    h.sessions.emit({ type: 'hook-request-ended', sessionId: s.id, requestId: 'r2', end: { kind: 'desk' }, at: Date.now() });
    await h.emu.waitFor(() => /\n→ answered at the desk$/.test(h.emu.message(h.chat, alert.messageId)?.text ?? ''));
    h.emu.pressButton(h.chat, h.owner, alert.messageId, deny, { force: true });
    await h.emu.waitFor(() => h.emu.calls.some((c) => c.method === 'answerCallbackQuery'));
    const answered = h.emu.calls.find((c) => c.method === 'answerCallbackQuery');
    expect(answered?.params.text).toBe('That request is no longer open.');
  });
});
