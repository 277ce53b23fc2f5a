// Every command end to end: a real grammY bot polling the embedded Bot API, the owner typing, FakeSessions behind.
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, botSaid, drained, running, startBot } from './harness.js';

let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

describe('commands', () => {
  it('registers the menu, answers /help and /start, and lists only commands that exist', async () => {
    h = await running(await startBot());
    await h.emu.waitForCall('setMyCommands', undefined, { since: 0 });
    const menu = h.emu.commands().map((c) => c.command);
    expect(menu).toEqual(expect.arrayContaining(['sessions', 'new', 'attach', 'send', 'keys', 'tail', 'summary', 'screen', 'alias', 'kill', 'logs', 'claude', 'codex', 'resume', 'cancel', 'shell', 'mute', 'unmute', 'help']));
    expect(h.status()).toMatchObject({ connected: true, username: 'pocket_test_bot', lastError: null });

    h.emu.sendText(h.dm, h.owner, '/help');
    const help = await botSaid(h, h.dm, /Pocket Operator/);
    expect(help.text).toContain('/send SESSION TEXT');
    expect(help.text).toContain('/codex [@FOLDER] [PROMPT]');
    expect(help.text).toContain('/shell COMMAND');
    expect(help.text).toContain('/screen SESSION');
    h.emu.sendText(h.dm, h.owner, '/start@pocket_test_bot');
    await h.emu.waitFor(() => h.emu.messages(h.dm).filter((m) => /Pocket Operator/.test(m.text ?? '')).length === 2);
  });

  it('/new creates a session with its card; /sessions lists it and adoptable panes', async () => {
    h = await running(await startBot());
    h.sessions.adoptablePanes = [{ paneId: '%42', target: 'work:1.0', command: 'vim', cwd: '/src' }];
    h.emu.sendText(h.dm, h.owner, '/new build npm run build -- --watch');
    await botSaid(h, h.dm, /^Started build/);
    expect(h.sessions.calls.find((c) => c.method === 'create')?.args).toEqual(['build', 'npm run build -- --watch']);
    const card = await botSaid(h, h.dm, /build — running/);
    expect(card.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Refresh', 'Tail', 'Ctrl-C', 'Enter', 'Kill']);
    await h.emu.waitFor(() => h.emu.message(h.dm, card.messageId)?.pinned);

    h.emu.sendText(h.dm, h.owner, '/sessions');
    const list = await botSaid(h, h.dm, /^Sessions on testbox:/);
    expect(list.text).toContain('build — running');
    expect(list.text).toContain('%42  work:1.0  vim');
  });

  it("/summary says which signal set the state: the agent's hook or the screen", async () => {
    h = await running(await startBot());
    h.sessions.add('cc', { command: 'claude', state: 'waiting', signal: 'hook' });
    h.sessions.add('sh', { command: 'bash', state: 'running', signal: 'screen' });
    h.emu.sendText(h.dm, h.owner, '/summary cc');
    expect((await botSaid(h, h.dm, /^cc/)).text).toContain("\nsignal: hook (the agent's own event)\n");
    h.emu.sendText(h.dm, h.owner, '/summary sh');
    expect((await botSaid(h, h.dm, /^sh/)).text).toContain('\nsignal: screen (pocket reading the pane)\n');
  });

  it('/summary cuts a long error line after redacting it: a token at the cut leaves no piece of itself', async () => {
    h = await running(await startBot());
    const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const s = h.sessions.add('api');
    // Cut at 300 characters, 10 into the token (a shape needs 22 after ghp_).
    h.sessions.print(s.id, `error: ${'x'.repeat(281)} ${token} rejected`);
    h.emu.sendText(h.dm, h.owner, '/summary api');
    const text = (await botSaid(h, h.dm, /^api/)).text ?? '';
    const shown = text.split('\n').find((l) => l.startsWith('  ! '))!;
    expect([...shown].length).toBeLessThanOrEqual(4 + 300);
    expect(shown).toMatch(/ghp_\[red/);
    expect(text).not.toContain('A1b2C3');
  });

  it('rejects bad names with a usage line and calls nothing', async () => {
    h = await running(await startBot());
    h.emu.sendText(h.dm, h.owner, '/new x#(touch_f) bash');
    await botSaid(h, h.dm, /Invalid name/);
    h.emu.sendText(h.dm, h.owner, '/new');
    await botSaid(h, h.dm, /Usage: \/new NAME/);
    expect(h.sessions.mutatingCalls()).toEqual([]);
  });

  it('/attach, /alias, /send, /keys, /tail, /summary, /mute, /unmute', async () => {
    h = await running(await startBot());
    h.emu.sendText(h.dm, h.owner, '/attach %12 web');
    await botSaid(h, h.dm, /Attached %12 as web/);
    const web = h.sessions.resolve('web');
    h.sessions.print(web.id, 'listening on :8080', 'GET / 200', 'error: boom');

    h.emu.sendText(h.dm, h.owner, '/alias web ww');
    await botSaid(h, h.dm, /^web is now also ww\.$/);
    // One alias per session: the answer says which one a new alias replaces.
    h.emu.sendText(h.dm, h.owner, '/alias web w');
    await botSaid(h, h.dm, /^web is now also w \(no longer ww\)\.$/);

    const send = h.emu.sendText(h.dm, h.owner, '/send w echo "$(whoami)" <b>&amp;');
    await h.emu.waitFor(() => h.emu.message(h.dm, send.message!.message_id)?.reactions[0] === '👍');
    expect(h.sessions.calls.find((c) => c.method === 'sendText')?.args).toEqual([web.id, 'echo "$(whoami)" <b>&amp;']);

    h.emu.sendText(h.dm, h.owner, '/keys web C-c enter y');
    await drained(h);
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendKeys'));
    expect(h.sessions.calls.find((c) => c.method === 'sendKeys')?.args).toEqual([web.id, ['C-c', 'Enter', 'y']]);

    h.emu.sendText(h.dm, h.owner, '/tail web 2');
    const tail = await botSaid(h, h.dm, /^GET \/ 200\nerror: boom$/);
    expect(tail.entities).toEqual([expect.objectContaining({ type: 'pre' })]);

    h.emu.sendText(h.dm, h.owner, '/summary web');
    const summary = await botSaid(h, h.dm, /runtime: 2m 5s/);
    expect(summary.text).toContain('errors seen: 1');

    h.emu.sendText(h.dm, h.owner, '/mute web');
    await botSaid(h, h.dm, /Muted alerts of web/);
    h.emu.sendText(h.dm, h.owner, '/unmute');
    await botSaid(h, h.dm, /Unmuted alerts of all 1 sessions/);
    expect(h.sessions.calls.filter((c) => c.method === 'setMuted').map((c) => c.args)).toEqual([[web.id, true], [web.id, false]]);
  });

  it('reports an unknown session and a failing action with 👎 and the reason', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('job');
    h.emu.sendText(h.dm, h.owner, '/send nope hello');
    await botSaid(h, h.dm, /No session named "nope"/);
    h.sessions.failNext.set('sendText', new Error('tmux send-keys timed out'));
    const msg = h.emu.sendText(h.dm, h.owner, '/send job hello');
    await botSaid(h, h.dm, /tmux send-keys timed out/);
    await h.emu.waitFor(() => h.emu.message(h.dm, msg.message!.message_id)?.reactions[0] === '👎');
    expect(h.sessions.calls.filter((c) => c.method === 'sendText')).toHaveLength(1);
    expect(h.audit().some((e) => e.action === 'send' && e.outcome === 'failed' && e.sessionId === s.id)).toBe(true);
  });

  it('/logs sends the daemon log as a redacted document', async () => {
    h = await running(await startBot());
    h.emu.sendText(h.dm, h.owner, '/logs');
    const doc = await h.emu.waitFor(() => h.emu.messages(h.dm).find((m) => m.document !== undefined));
    expect(doc.document?.fileName).toBe('pocket.log');
    const text = doc.document!.bytes.toString('utf8');
    expect(text).toContain('bot.connected');
    expect(text).not.toContain(h.emu.token.split(':')[1]!);
  });

  it('plain text in a private chat without a reply gets a hint; unknown commands too', async () => {
    h = await running(await startBot());
    h.emu.sendText(h.dm, h.owner, 'ls -la');
    await botSaid(h, h.dm, /Which session\?/);
    h.emu.sendText(h.dm, h.owner, '/record build');
    await botSaid(h, h.dm, /Unknown command/);
    // A daemon built without agents says so rather than pretending.
    h.emu.sendText(h.dm, h.owner, '/codex write tests');
    await botSaid(h, h.dm, /runs no coding agents/);
    expect(h.sessions.mutatingCalls()).toEqual([]);
  });

  it('long /tail output arrives as a document; replies to output route to its session', async () => {
    h = await running(await startBot());
    const s = h.sessions.add('logs');
    h.sessions.output.set(s.id, Array.from({ length: 400 }, (_, i) => `row ${i} ${'='.repeat(60)}`));
    h.emu.sendText(h.dm, h.owner, '/tail logs 400');
    const doc = await h.emu.waitFor(() => h.emu.messages(h.dm).find((m) => m.document !== undefined));
    expect(doc.document?.fileName).toBe('logs.txt');
    expect(doc.document?.bytes.toString('utf8').split('\n')).toHaveLength(400);
    h.emu.sendText(h.dm, h.owner, '/tail logs 1');
    const short = await botSaid(h, h.dm, /^row 399/);
    h.emu.sendText(h.dm, h.owner, 'q', { replyTo: short.messageId });
    await h.emu.waitFor(() => h.sessions.calls.some((c) => c.method === 'sendText'));
    expect(h.sessions.calls.find((c) => c.method === 'sendText')?.args).toEqual([s.id, 'q']);
  });
});
