// The adversarial suite's rows that need the real thing: the bot (real guard, real grammY, the embedded Bot API)
// driving a real SessionService on a private tmux server. Hostile input must arrive in the pane as the literal text
// or be refused before tmux sees it; no session, option or file appears that was not asked for; escape sequences a
// pane prints (OSC 52 clipboard writes, titles, colours) never reach Telegram; /shell runs in the login shell, its
// output and exit code come back, and its text is never a tmux command.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/core/sessions.js';
import { SessionService } from '../../src/daemon/sessions/service.js';
import { type BotHarness, botSaid, running, startBot, VIEWER_ID } from '../bot/harness.js';
import { startTestTmux, type TestTmux, waitFor } from '../helpers/tmux.js';
import { recordingLogger } from './session-service-helpers.js';

let t: TestTmux;
let h: BotHarness;
let service: SessionService;
let sh: SessionView;
const warnings: Array<{ event: string }> = [];

beforeAll(async () => {
  t = await startTestTmux({ enterDelayMs: 20 });
  const stateDir = join(t.dir, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  service = new SessionService({
    tmux: t.tmux, stateDir, panesDir: join(stateDir, 'panes'), log: recordingLogger(warnings), changes: new EventEmitter(), idleMs: 60_000,
    shell: { program: '/bin/sh', timeoutMs: 60_000 },
  });
  await service.start();
  h = await running(await startBot({ sessionUseCases: service, config: { viewerIds: [VIEWER_ID], shellEnabled: true } }));
  // A plain shell that echoes each line it reads: what it prints is exactly what was typed.
  sh = await service.create('sh', `sh -c 'while IFS= read -r line; do printf "got[%s]\\n" "$line"; done'`);
});

afterAll(async () => {
  await h?.close();
  await service?.stop();
  await t?.cleanup();
});

/** The bot's reply to the user's message `update`, matching `pattern`. */
function replyTo(update: { message?: { message_id: number } }, pattern: RegExp) {
  const id = update.message!.message_id;
  return h.emu.waitFor(() => h.emu.messages(h.chat).find((m) => m.replyToMessageId === id && pattern.test(m.text ?? m.caption ?? '')), {
    description: `a reply to ${id} matching ${pattern}`,
  });
}

async function sessionNames(): Promise<string[]> {
  return (await t.tmux.listPanes()).map((p) => p.sessionName).sort();
}

const typed: Array<[string, string]> = [
  ['tmux formats', '#{pane_id} #{session_name} #S %Y'],
  ['a tmux #(command)', `#(touch ${'PWN_DIR'}/fmt)`],
  ['command separators', 'a ; b \\; c ;'],
  ['a trailing separator', 'kill-server;'],
  ['shell syntax', '$(touch PWN_DIR/dollar) `touch PWN_DIR/tick` && | >'],
  ['leading dashes', '-t %0 -l -- -X'],
  ['quotes and HTML', `it's "quoted" <b>&amp;</b>`],
];

describe('input through the bot reaches the pane as literal text', () => {
  it.each(typed)('%s', async (_name, template) => {
    const text = template.replaceAll('PWN_DIR', t.dir);
    const before = await sessionNames();
    h.emu.sendText(h.chat, h.owner, `/send sh ${text}`);
    await waitFor(async () => (await service.tail(sh.id, 50)).includes(`got[${text}]`), { what: `got[${text}]` });
    expect(await sessionNames()).toEqual(before);
    for (const file of ['fmt', 'dollar', 'tick']) expect(existsSync(join(t.dir, file))).toBe(false);
  });

  it.each([
    ['an escape sequence', '\u001b]52;c;aGk=\u0007'],
    ['a control character', 'a\u0003b'],
    ['a C1 control', 'a\u009bb'],
  ])('%s is refused before tmux, and said so', async (_name, text) => {
    const before = (await service.tail(sh.id, 200)).length;
    const message = h.emu.sendText(h.chat, h.owner, `/send sh ${text}`);
    await replyTo(message, /Text contains control characters/);
    await h.emu.waitFor(() => h.emu.calls.find((c) => c.method === 'setMessageReaction' && c.params.message_id === message.message!.message_id));
    expect((await service.tail(sh.id, 200)).length).toBe(before);
  });

  it('a viewer types nothing into the pane', async () => {
    const before = await service.tail(sh.id, 200);
    h.emu.sendText(h.chat, h.viewer, '/send sh viewer-was-here');
    await botSaid(h, h.chat, /^read-only: /);
    h.emu.sendText(h.chat, h.owner, '/send sh after-viewer');
    await waitFor(async () => (await service.tail(sh.id, 5)).includes('got[after-viewer]'), { what: 'the owner’s line' });
    const after = await service.tail(sh.id, 200);
    expect(after.filter((l) => l.includes('viewer-was-here'))).toEqual([]);
    expect(after.filter((l) => !before.includes(l) && l.startsWith('got['))).toEqual(['got[after-viewer]']);
  });

  it('/new with dashes in every position makes no session and no option', async () => {
    const before = await sessionNames();
    for (const text of ['/new -t', '/new --help', '/new -d sleep 1', '/attach -t', '/attach %0 -x', '/kill -t', '/alias sh -t']) {
      h.emu.sendText(h.chat, h.owner, text);
    }
    await h.emu.waitFor(() => h.audit().filter((e) => e.action === 'alias' || e.action === 'kill').length >= 2);
    expect(await sessionNames()).toEqual(before);
    expect(service.get(sh.id)?.alias).toBeNull();
  });
});

describe('output from a real pane', () => {
  it('strips OSC 52 clipboard writes, titles and colours before anything is sent', async () => {
    // The clipboard payload is made in the pane, so only the pane's output can carry it (the card shows the command).
    const view = await service.create('osc', `printf 'copied\\033]52;c;%s\\007 to\\033]0;title\\007 \\033[31mred\\033[0m <b>&\\n' "$(printf secret | base64)"; sleep 600`);
    await waitFor(async () => (await service.tail(view.id, 5)).some((l) => l.includes('copied')), { what: 'the printf output' });
    const sinceCall = h.emu.calls.length;
    const ask = h.emu.sendText(h.chat, h.owner, '/tail osc 5');
    const answer = await replyTo(ask, /^copied to red <b>&$/m);
    expect(answer.text).not.toMatch(/\u001b|\]52;|c2VjcmV0|title/);
    const sent = h.emu.calls.slice(sinceCall).filter((c) => c.method !== 'getUpdates').map((c) => `${c.method} ${JSON.stringify(c.params)}`);
    expect(sent.filter((c) => /\\u001b|c2VjcmV0/.test(c))).toEqual([]);
  });
});

describe('/shell through the bot', () => {
  it('runs the text in the login shell in its own session and sends back output and exit code', async () => {
    const pwn = join(t.dir, 'shell-fmt');
    const ask = h.emu.sendText(h.chat, h.owner, `/shell echo "#{pane_id} #(touch ${pwn})" $((6*7)); exit 5`);
    const started = await replyTo(ask, /^Running in (sh-\d+)/);
    const name = /^Running in (sh-\d+)/.exec(started.text ?? '')![1]!;
    expect(await sessionNames()).toContain(name);
    const result = await replyTo(ask, new RegExp(`^■ ${name} exited with code 5\\.`));
    expect(result.text).toContain(`#{pane_id} #(touch ${pwn}) 42`);
    expect(existsSync(pwn)).toBe(false);
    expect(service.resolve(name).exitCode).toBe(5);
  });

  it('still answers after the bot restarted mid-command: the result is owed in its state, the output read from the terminal', async () => {
    const go = join(t.dir, 'shell-go');
    const ask = h.emu.sendText(h.chat, h.owner, `/shell echo before-$((2*3)); while [ ! -e ${go} ]; do sleep 0.05; done; echo after-$((3*3)); exit 4`);
    const started = await replyTo(ask, /^Running in (sh-\d+)/);
    const name = /^Running in (sh-\d+)/.exec(started.text ?? '')![1]!;
    await waitFor(async () => (await service.tail(service.resolve(name).id, 5)).includes('before-6'), { what: 'the command to start' });
    await h.restart();
    writeFileSync(go, '');
    const result = await replyTo(ask, new RegExp(`^■ ${name} exited with code 4\\.`));
    expect(result.text).toContain('pocket restarted while it ran');
    expect(result.text).toMatch(/before-6[\s\S]*after-9/);
    // Owed once: nothing is left in the bot's state to send again.
    await h.restart();
    expect(JSON.parse(readFileSync(join(h.paths.state, 'bot.json'), 'utf8')).shellResults).toEqual([]);
  });

  it('is interrupted with /keys like any session', async () => {
    const ask = h.emu.sendText(h.chat, h.owner, '/shell echo waiting; sleep 600');
    const started = await replyTo(ask, /^Running in (sh-\d+)/);
    const name = /^Running in (sh-\d+)/.exec(started.text ?? '')![1]!;
    await waitFor(async () => (await service.tail(service.resolve(name).id, 5)).includes('waiting'), { what: 'the command to run' });
    h.emu.sendText(h.chat, h.owner, `/keys ${name} C-c`);
    const result = await replyTo(ask, new RegExp(`^■ ${name} exited`));
    expect(result.text).toContain('waiting');
    expect(service.resolve(name).exitCode).not.toBe(0);
  });
});
