// Claude sessions end to end: the built daemon, the embedded Bot API, the real @anthropic-ai/claude-agent-sdk from
// the agents cache (scripts/install-agents.sh), and test/fixtures/agents/fake-claude.mjs as POCKET_CLAUDE_PATH
// speaking the CLI's stream-json. The daemon gives agents an allow-listed environment, so the fake's script cannot
// come through a variable: a wrapper executable names it, and each test writes the steps of its next turn there
// (every turn is a new CLI process, which reads it at start).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BotRig, rigForFile } from '../helpers/bot-rig.js';
import { announceSkip, claudeSdkMissing } from '../helpers/claude-sdk.js';

const FAKE_CLAUDE = resolve(import.meta.dirname, '../fixtures/agents/fake-claude.mjs');
const root = mkdtempSync(join(tmpdir(), 'pocket-e2e-claude-'));
const project = join(root, 'project');
const scriptFile = join(root, 'script.json');
const logFile = join(root, 'fake-claude.jsonl');
const wrapper = join(root, 'claude');
mkdirSync(project);
writeFileSync(wrapper, `#!/bin/sh\nFAKE_CLAUDE_SCRIPT='${scriptFile}' FAKE_CLAUDE_LOG='${logFile}' exec '${process.execPath}' '${FAKE_CLAUDE}' "$@"\n`);
chmodSync(wrapper, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

announceSkip('test/e2e/agents-claude.test.ts', claudeSdkMissing);

const nextTurn = (steps: object[]): void => writeFileSync(scriptFile, JSON.stringify({ steps }));
const logged = (): Array<Record<string, unknown>> =>
  readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

let rig: BotRig;
describe.skipIf(claudeSdkMissing !== null)('claude sessions through the daemon', () => {
  rigForFile((r) => {
    rig = r;
  }, { env: { POCKET_CLAUDE_PATH: wrapper, POCKET_AGENT_CWD: project } }, 40_000);

  const mark = (): number => rig.emu.messages(rig.chat, { from: 'all' }).at(-1)?.messageId ?? 0;

  it('a Bash call waits for Allow from the chat, runs, and the answer arrives with its cost', async () => {
    nextTurn([{ thinking: 'Check the folder first' }, { tool: 'Bash', input: { command: 'ls -la', description: 'List files' } }, { text: 'The folder is empty.' }]);
    rig.say('/claude what is here?');
    const ask = await rig.botMessage(/claude claude asks to use Bash:\n\$ ls -la/);
    rig.press(ask.messageId, '✅ Allow');
    await rig.edited(ask.messageId, /→ Allowed \(by Owner\)/);
    const answer = await rig.botMessage(/^The folder is empty\./);
    expect(answer.text).toMatch(/\$0\.\d+/);
    const card = rig.emu.messages(rig.chat).find((m) => /^claude claude — /.test(m.text ?? ''))!;
    await rig.edited(card.messageId, /claude — idle[\s\S]*· Check the folder first\n✓ \$ ls -la \(exit 0\)/);
    expect(logged().some((e) => JSON.stringify(e.permissionAnswer ?? '').includes('"behavior":"allow"'))).toBe(true);
  }, 30_000);

  it('Deny refuses the tool; AskUserQuestion is answered with a button; after a restart the reply resumes the session', async () => {
    let since = mark();
    nextTurn([{ tool: 'Write', input: { file_path: join(project, 'x.txt'), content: 'x' } }, { text: 'I did not write it.' }]);
    rig.say('/send claude write x');
    const ask = await rig.botMessage(/asks to use Write:\nfile: /, { afterId: since });
    rig.press(ask.messageId, '⛔ Deny');
    await rig.botMessage(/I did not write it\./, { afterId: since });
    expect(() => readFileSync(join(project, 'x.txt'))).toThrow();

    since = mark();
    nextTurn([
      { tool: 'AskUserQuestion', input: { questions: [{ question: 'Which color?', header: 'Color', options: [{ label: 'Red', description: '' }, { label: 'Blue', description: '' }], multiSelect: false }] } },
      { text: 'Blue it is.' },
    ]);
    rig.say('/send claude pick a color');
    const question = await rig.botMessage(/Which color\?/, { afterId: since });
    rig.press(question.messageId, 'Blue');
    await rig.botMessage(/Blue it is\./, { afterId: since });
    expect(JSON.stringify(logged())).toContain('Blue');

    const sessionIdBefore = JSON.parse(readFileSync(join(rig.h.home, '.state', 'sessions.json'), 'utf8')).sessions[0].agent.agentSessionId as string;
    expect(sessionIdBefore).toMatch(/\S/);
    await rig.restart();
    since = mark();
    nextTurn([{ text: 'Still here.' }]);
    rig.say('/send claude hello again');
    await rig.botMessage(/Still here\./, { afterId: since });
    const lastArgv = logged().filter((e) => Array.isArray(e.argv)).at(-1)!.argv as string[];
    expect(lastArgv.join(' ')).toContain(sessionIdBefore);
  }, 60_000);

  it('a crash mid-turn is one message with the reason; the session stays usable', async () => {
    const since = mark();
    nextTurn([{ text: 'starting' }, { crash: 3 }]);
    rig.say('/send claude break');
    const failed = await rig.botMessage(/the turn failed/, { afterId: since });
    expect(failed.text).toContain('still usable');
    nextTurn([{ text: 'Recovered.' }]);
    rig.say('/send claude again');
    await rig.botMessage(/Recovered\./, { afterId: since });
  });
});
