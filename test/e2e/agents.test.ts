// Codex sessions end to end: the built daemon (`pocket start`), the embedded Bot API as Telegram, and
// test/fixtures/agents/fake-codex.mjs as POCKET_CODEX_PATH, speaking codex app-server's JSON-RPC. What a fake turn
// does is the first word of its prompt (steps, command-approval, ask, slow, crash, env, inputs, history). The
// threads live in CODEX_HOME, a temp folder, as codex keeps its own.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, type BotRig, rigForFile } from '../helpers/bot-rig.js';
import { CANARY_TOKEN } from '../helpers/pocket.js';

const FAKE_CODEX = resolve(import.meta.dirname, '../fixtures/agents/fake-codex.mjs');
const root = mkdtempSync(join(tmpdir(), 'pocket-e2e-agents-'));
const project = join(root, 'project');
const codexHome = join(root, 'codex-home');
mkdirSync(project);
mkdirSync(codexHome);
afterAll(() => rmSync(root, { recursive: true, force: true }));

let rig: BotRig;
rigForFile((r) => {
  rig = r;
}, { env: { POCKET_CODEX_PATH: FAKE_CODEX, POCKET_AGENT_CWD: project }, processEnv: { CODEX_HOME: codexHome } }, 40_000);

/** The newest bot message id so far: later waits look only past it. */
const mark = (): number => rig.emu.messages(rig.chat, { from: 'all' }).at(-1)?.messageId ?? 0;

describe('codex sessions through the daemon', () => {
  it('a turn streams its steps onto the card and answers as a new message with the diff and tokens', async () => {
    rig.say('/codex steps');
    const card = await rig.botMessage(/codex codex — running|codex codex — idle/);
    const answer = await rig.botMessage(/Fixed the bug\./);
    expect(answer.text).toMatch(/1 file changed · tokens: /);
    await rig.edited(card.messageId, /✗ \$ .*npm test.*\(exit 1\)[\s\S]*src\/fix\.ts/);
    const diff = await rig.emu.waitFor(() => rig.emu.messages(rig.chat).find((m) => m.document?.fileName === 'changes.diff'));
    expect(diff.document!.bytes.toString()).toContain('+fix');
    const [status] = await rig.sessions();
    expect(status).toMatchObject({ name: 'codex', kind: 'codex', target: project, state: 'idle' });
  });

  it('a reply continues the thread, also after a daemon restart (the agent sees the history)', async () => {
    let since = mark();
    rig.say('/send codex history');
    await rig.botMessage(/history: steps$/, { afterId: since });
    await rig.restart();
    since = mark();
    rig.say('/send codex history');
    await rig.botMessage(/history: steps \| history$/, { afterId: since });
  });

  it('Allow runs the command, Deny does not; a message sent meanwhile is queued and runs after', async () => {
    let since = mark();
    rig.say('/send codex command-approval');
    const ask = await rig.botMessage(/asks to use command/, { afterId: since });
    expect(ask.text).toContain("touch approved.txt");
    expect((await rig.session('codex')).state).toBe('waiting');
    rig.say('/send codex after the approval');
    await rig.botMessage(/Queued, 1 ahead/, { afterId: since });
    rig.press(ask.messageId, '✅ Allow');
    await rig.edited(ask.messageId, /→ Allowed \(by Owner\)/);
    await rig.botMessage(/ran it \(accept\)/, { afterId: since });
    await rig.botMessage(/echo: after the approval/, { afterId: since });
    since = mark();
    rig.say('/send codex command-approval');
    const second = await rig.botMessage(/asks to use command/, { afterId: since });
    rig.press(second.messageId, '⛔ Deny');
    await rig.botMessage(/did not run it \("decline"\)/, { afterId: since });
  });

  it('questions are answered by a reply, one line per question', async () => {
    const since = mark();
    rig.say('/send codex ask');
    const question = await rig.botMessage(/Which test runner\?/, { afterId: since });
    rig.say('Vitest\ncodex-e2e', { replyTo: question.messageId });
    const answer = await rig.botMessage(/answers: /, { afterId: since });
    expect(answer.text).toContain('Vitest');
    expect(answer.text).toContain('codex-e2e');
  });

  it('/cancel stops a running turn; a crash is one message with the reason; the session stays usable', async () => {
    let since = mark();
    rig.say('/send codex slow');
    // The card (edited in place, so older than `since`) shows the answer being written.
    const card = rig.emu.messages(rig.chat).find((m) => /^codex codex — /.test(m.text ?? ''))!;
    await rig.edited(card.messageId, /codex — running[\s\S]*✎ Working on it/);
    rig.say('/cancel codex');
    await rig.botMessage(/turn cancelled/, { afterId: since });
    await rig.edited(card.messageId, /last turn: cancelled/);
    since = mark();
    rig.say('/send codex crash');
    const failed = await rig.botMessage(/the turn failed/, { afterId: since });
    expect(failed.text).toContain('still usable');
    rig.say('/send codex history');
    await rig.botMessage(/history: /, { afterId: since });
  });

  it('agents get an allow-listed environment: no bot token, no .env secret', async () => {
    const since = mark();
    rig.say('/send codex env');
    const answer = await rig.botMessage(/^env: /, { afterId: since });
    const names = answer.text!.slice('env: '.length).split(',');
    expect(names).toContain('PATH');
    expect(names).toContain('CODEX_HOME');
    expect(names.filter((n) => n.startsWith('TELEGRAM_') || n.startsWith('POCKET_') || n === 'DEPLOY_API_TOKEN')).toEqual([]);
    expect(answer.text).not.toContain(CANARY_TOKEN);
    expect(rig.receivedText()).not.toContain(BOT_TOKEN);
  });

  it('a photo in reply goes to codex as a local image', async () => {
    const since = mark();
    const started = rig.emu.messages(rig.chat).find((m) => /Started codex session/.test(m.text ?? ''))!;
    rig.emu.sendPhoto(rig.chat, rig.owner, Buffer.from('not really a jpeg'), { caption: 'inputs', replyTo: started.messageId });
    const answer = await rig.botMessage(/inputs: /, { afterId: since });
    expect(answer.text).toMatch(/"type":"localImage","path":"[^"]*agent-images[^"]*\.jpg"/);
  });

  it('/resume lists the thread codex wrote and continues it as a new pocket session after a kill', async () => {
    let since = mark();
    rig.say('/kill codex');
    const confirm = await rig.botMessage(/Kill codex\?/, { afterId: since });
    rig.press(confirm.messageId, 'Yes, kill');
    await rig.edited(confirm.messageId, /Killed codex/);
    since = mark();
    rig.say('/resume codex');
    const list = await rig.botMessage(/Recent conversations/, { afterId: since });
    const first = list.replyMarkup!.inline_keyboard[0]![0]!;
    expect(first.text).toMatch(/^codex · \d+ min ago · steps$/);
    rig.press(list.messageId, first.text);
    const resumed = await rig.botMessage(/Continuing codex conversation .* as session codex/, { afterId: since });
    expect(resumed.text).toContain('Last exchange:');
    rig.say('history', { replyTo: resumed.messageId });
    await rig.botMessage(/history: steps \| history \| history \|/, { afterId: resumed.messageId });
  });
});
