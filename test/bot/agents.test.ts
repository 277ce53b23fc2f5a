// Agent sessions through the chat, against scripted fake backends: start, stream onto the card, answer as a new
// message, continue (reply, topic, /send, after a restart), queue, cancel, crash, approvals (Allow / Deny / Allow for
// this session / timeout), questions, /resume, photos, and the answer when an agent is not installed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentAnswer } from '../../src/core/agents.js';
import { toSessionStatus } from '../../src/core/status.js';
import { aborted, gate } from '../fakes/agent-backend.js';
import { type AgentHarness, startAgentBot } from './agent-harness.js';
import { VIEWER_ID } from './harness.js';

let h: AgentHarness;
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && h !== undefined) {
    console.log(JSON.stringify(h.emu.messages(h.chat).map((m) => [m.messageId, m.text ?? m.caption])));
  }
  await h?.close();
});

const completed = (text: string, extra: object = {}) => ({ outcome: 'completed' as const, text, usage: null, changedFiles: [], diff: null, ...extra });

describe('agent sessions in the chat', () => {
  it('/claude PROMPT starts a session: steps edited onto its card, the answer as a new message with diff and usage', async () => {
    h = await startAgentBot();
    const step = gate();
    h.claude.next(async ({ handlers }) => {
      handlers.onEvent({ type: 'session', agentSessionId: 'claude-conv-7' });
      handlers.onEvent({ type: 'step', step: { kind: 'command', id: 'c1', command: 'npm test', status: 'running', exitCode: null } });
      await step.promise;
      handlers.onEvent({ type: 'step', step: { kind: 'command', id: 'c1', command: 'npm test', status: 'failed', exitCode: 1 } });
      handlers.onEvent({ type: 'step', step: { kind: 'file', id: 'f1', path: 'src/a.ts', change: 'update', status: 'done' } });
      handlers.onEvent({ type: 'step', step: { kind: 'todo', id: 't', items: [{ text: 'fix a', done: true }, { text: 'run tests', done: false }] } });
      return completed('Fixed <a> & b.', {
        usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 }, changedFiles: ['src/a.ts'], diff: '--- a/src/a.ts\n+++ b/src/a.ts\n@@\n-x\n+y\n',
      });
    });
    h.say('/claude fix the tests');
    const card = await h.botMessage(/claude claude — running/);
    await h.edited(card.messageId, /… \$ npm test/);
    step.open();
    const answer = await h.botMessage(/Fixed <a> & b\./);
    expect(answer.text).toContain('tokens: 1200 in / 340 out · $0.0123');
    expect(answer.text).toContain('1 file changed');
    const diff = await h.emu.waitFor(() => h.emu.messages(h.chat).find((m) => m.document?.fileName === 'changes.diff'));
    expect(diff.document!.bytes.toString()).toContain('+y');
    await h.edited(card.messageId, /claude — idle[\s\S]*last turn: done[\s\S]*✗ \$ npm test \(exit 1\)[\s\S]*~ src\/a\.ts[\s\S]*\[x\] fix a/);
    expect(h.claude.turns[0]!.context).toMatchObject({ cwd: h.home, agentSessionId: null, fork: false });
    expect(h.claude.turns[0]!.input.text).toBe('fix the tests');
    // Persisted the moment the agent named it (before the turn is reported ended): a restart continues it.
    expect(readFileSync(join(h.paths.state, 'sessions.json'), 'utf8')).toContain('claude-conv-7');
    const view = h.sessions.list()[0]!;
    expect(toSessionStatus(view)).toMatchObject({ kind: 'claude', name: 'claude', target: h.home, state: 'idle' });
  });

  it('continues by reply, by /send and after a daemon restart, with the same conversation id', async () => {
    h = await startAgentBot();
    h.say('/codex hello');
    await h.botMessage(/echo: hello/);
    const started = await h.botMessage(/Started codex session codex/);
    h.say('and again', { replyTo: started.messageId });
    await h.botMessage(/echo: and again/);
    expect(h.codex.turns[1]!.context.agentSessionId).toBe('conv-1');
    await h.restart();
    const before = h.emu.messages(h.chat).at(-1)!.messageId;
    h.say('/send codex after restart');
    await h.botMessage(/echo: after restart/, before);
    expect(h.codex.turns[2]!.context.agentSessionId).toBe('conv-1');
    expect(h.sessions.list().map((s) => s.name)).toEqual(['codex']);
    // A working agent is checked once, not before every message (a check starts a process); the restart checks again.
    expect(h.codex.availabilityChecks).toBe(2);
  });

  it('queues messages sent during a turn and tells how many are ahead; they run in order', async () => {
    h = await startAgentBot();
    const first = gate();
    h.claude.next(async () => {
      await first.promise;
      return completed('first done');
    });
    h.say('/claude one');
    const started = await h.botMessage(/Started claude session/);
    h.say('two', { replyTo: started.messageId });
    await h.botMessage(/Queued, 1 ahead/);
    h.say('three', { replyTo: started.messageId });
    await h.botMessage(/Queued, 2 ahead/);
    expect(h.claude.turns).toHaveLength(1);
    first.open();
    await h.botMessage(/echo: three/);
    expect(h.claude.turns.map((t) => t.input.text)).toEqual(['one', 'two', 'three']);
  });

  it('/cancel aborts the running turn: the card and the chat say cancelled, and the session stays usable', async () => {
    h = await startAgentBot();
    h.claude.next(async ({ signal }) => {
      await aborted(signal);
      return { outcome: 'cancelled' };
    });
    h.say('/claude long job');
    const card = await h.botMessage(/claude claude — running/);
    await h.claude.turn(0);
    h.say('/cancel');
    await h.botMessage(/Cancelling claude’s turn/);
    await h.botMessage(/turn cancelled/);
    await h.edited(card.messageId, /last turn: cancelled/);
    h.say('/send claude still there?');
    await h.botMessage(/echo: still there\?/);
  });

  it('a turn running when the daemon stops is reported cancelled; a killed session\'s turn is not reported', async () => {
    h = await startAgentBot();
    h.claude.next(async ({ handlers, signal }) => {
      handlers.onEvent({ type: 'session', agentSessionId: 'kept-1' });
      await aborted(signal);
      return { outcome: 'cancelled' };
    });
    h.say('/claude long');
    await h.claude.turn(0);
    await h.restart();
    await h.botMessage(/claude claude: turn cancelled/);
    h.say('/send claude next');
    await h.botMessage(/echo: next/);
    expect(h.claude.turns[1]!.context.agentSessionId).toBe('kept-1');

    h.claude.next(async ({ signal }) => {
      await aborted(signal);
      return { outcome: 'cancelled' };
    });
    h.say('/send claude hang');
    await h.claude.turn(2);
    const before = h.emu.messages(h.chat).at(-1)!.messageId;
    await h.sessions.kill(h.sessions.list()[0]!.id);
    h.say('/sessions');
    await h.botMessage(/No sessions on \S+ yet/, before);
    expect(h.emu.messages(h.chat).filter((m) => m.messageId > before && /turn cancelled/.test(m.text ?? ''))).toEqual([]);
  });

  it('a crash is one clear message with the reason; the next turn works', async () => {
    h = await startAgentBot();
    h.codex.next(async () => {
      throw new Error('codex app-server exited with code 134');
    });
    h.say('/codex boom');
    const failed = await h.botMessage(/the turn failed: .*exited with code 134/);
    expect(failed.text).toContain('still usable');
    h.say('/send codex again');
    await h.botMessage(/echo: again/);
  });

  it('approvals: Allow, Deny and Allow for this session reach the agent; the message says who answered', async () => {
    h = await startAgentBot();
    const answers: AgentAnswer[] = [];
    h.claude.next(async ({ handlers }) => {
      const ask = () => handlers.onRequest({ type: 'approval', tool: 'Bash', command: 'rm -rf build <tmp>', path: null, diff: null, reason: 'clean up' });
      answers.push(await ask());
      answers.push(await ask());
      answers.push(await ask());
      // Allowed for this session: asked again, it is allowed without a message.
      answers.push(await ask());
      return completed('cleaned');
    });
    h.say('/claude clean');
    const first = await h.botMessage(/asks to use Bash:\n\$ rm -rf build <tmp>/);
    expect(first.text).toContain('why: clean up');
    await h.emu.waitFor(() => h.sessions.list()[0]?.state === 'waiting');
    // Only an authorized user decides: a stranger's press changes nothing.
    h.press(first.messageId, '✅ Allow', h.stranger);
    h.press(first.messageId, '✅ Allow');
    await h.edited(first.messageId, /→ Allowed \(by @owner\)/);
    const second = await h.botMessage(/asks to use Bash/, first.messageId);
    h.press(second.messageId, '⛔ Deny');
    await h.edited(second.messageId, /→ Denied \(by @owner\)/);
    const third = await h.botMessage(/asks to use Bash/, second.messageId);
    h.press(third.messageId, 'Allow for this session');
    await h.botMessage(/cleaned/);
    expect(answers).toEqual([
      { type: 'approval', decision: 'allow' },
      { type: 'approval', decision: 'deny' },
      { type: 'approval', decision: 'allow-session' },
      { type: 'approval', decision: 'allow-session' },
    ]);
    expect(h.emu.messages(h.chat).filter((m) => /asks to use Bash/.test(m.text ?? ''))).toHaveLength(3);

    // "This session" outlives a daemon restart: Bash is still allowed without a message, another tool still asks.
    await h.restart();
    const later: AgentAnswer[] = [];
    h.claude.next(async ({ handlers }) => {
      later.push(await handlers.onRequest({ type: 'approval', tool: 'Bash', command: 'make', path: null, diff: null, reason: null }));
      later.push(await handlers.onRequest({ type: 'approval', tool: 'Write', command: null, path: 'notes.txt', diff: null, reason: null }));
      return completed('built');
    });
    const before = h.emu.messages(h.chat).at(-1)!.messageId;
    h.say('/send claude build');
    const write = await h.botMessage(/asks to use Write/, before);
    h.press(write.messageId, '✅ Allow');
    await h.botMessage(/built/, write.messageId);
    expect(later).toEqual([{ type: 'approval', decision: 'allow-session' }, { type: 'approval', decision: 'allow' }]);
    expect(h.emu.messages(h.chat).filter((m) => m.messageId > before && /asks to use Bash/.test(m.text ?? ''))).toEqual([]);
  });

  it('a request is redacted before it is cut to fit: a token at the cut leaves no piece of itself', async () => {
    h = await startAgentBot();
    const token = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
    // The command is cut at 1500 characters: here, 10 characters into the token (a shape needs 22 after ghp_).
    const command = `${'x'.repeat(1484)} ${token} --rest`;
    h.claude.next(async ({ handlers }) => {
      await handlers.onRequest({ type: 'approval', tool: 'Bash', command, path: null, diff: null, reason: null });
      return completed('done');
    });
    h.say('/claude go');
    const request = await h.botMessage(/asks to use Bash/);
    h.press(request.messageId, '⛔ Deny');
    await h.botMessage(/done/, request.messageId);
    expect(request.text).not.toContain('A1b2C3d4E5');
    expect(request.text).toContain('ghp_[redacted');
  });

  it('/tail and /summary of an agent session redact its steps before cutting them: a token at a cut leaves no piece of itself', async () => {
    h = await startAgentBot();
    const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    // A step line cuts its command at 116 characters: 10 into the token.
    const command = `${'x'.repeat(100)} ${token} failed`;
    const step = gate();
    h.claude.next(async ({ handlers }) => {
      handlers.onEvent({ type: 'step', step: { kind: 'command', id: 'c1', command, status: 'failed', exitCode: null } });
      await step.promise;
      return completed('done');
    });
    h.say('/claude go');
    const card = await h.botMessage(/claude claude — running/);
    await h.edited(card.messageId, /✗ \$ x/);
    h.say('/tail claude');
    const tail = await h.botMessage(/✗ \$ x/, card.messageId);
    h.say('/summary claude');
    const summary = await h.botMessage(/errors seen/, tail.messageId);
    step.open();
    await h.botMessage(/done/, summary.messageId);
    expect(tail.text).not.toContain('A1b2C3');
    expect(summary.text).not.toContain('A1b2C3');
  });

  it('Allow for this session of a Codex command allows that command again, not every command', async () => {
    h = await startAgentBot();
    const answers: AgentAnswer[] = [];
    const ask = (command: string) => ({ type: 'approval' as const, tool: 'command', command, path: null, diff: null, reason: null });
    h.codex.next(async ({ handlers }) => {
      answers.push(await handlers.onRequest(ask('ls -la')));
      answers.push(await handlers.onRequest(ask('ls -la')));
      answers.push(await handlers.onRequest(ask('rm -rf ~/src')));
      return completed('listed');
    });
    h.say('/codex list');
    const first = await h.botMessage(/asks to use command:\n\$ ls -la/);
    h.press(first.messageId, 'Allow for this session');
    // The same command again is allowed without a message; another command still asks.
    const other = await h.botMessage(/asks to use command:\n\$ rm -rf ~\/src/, first.messageId);
    h.press(other.messageId, '⛔ Deny');
    await h.botMessage(/listed/, other.messageId);
    expect(answers).toEqual([
      { type: 'approval', decision: 'allow-session' },
      { type: 'approval', decision: 'allow-session' },
      { type: 'approval', decision: 'deny' },
    ]);
    expect(h.emu.messages(h.chat).filter((m) => /asks to use command/.test(m.text ?? ''))).toHaveLength(2);
  });

  it('an approval nobody answers is refused after the timeout: the agent gets timeout, the message and the chat say so', async () => {
    h = await startAgentBot({ approvalTimeoutMs: 150 });
    let answer: AgentAnswer | undefined;
    h.codex.next(async ({ handlers }) => {
      answer = await handlers.onRequest({ type: 'approval', tool: 'command', command: 'curl example.com', path: null, diff: null, reason: null });
      return completed('went on without it');
    });
    h.say('/codex fetch');
    const ask = await h.botMessage(/asks to use command/);
    await h.edited(ask.messageId, /not answered in <1 min: refused/);
    await h.botMessage(/nobody answered its request in time/);
    await h.botMessage(/went on without it/);
    expect(answer).toEqual({ type: 'timeout' });
    // The buttons are gone: a late press does nothing.
    expect(h.emu.message(h.chat, ask.messageId)!.replyMarkup).toBeUndefined();
  });

  it('a question: its options as buttons, or a free-text reply', async () => {
    h = await startAgentBot();
    const answers: AgentAnswer[] = [];
    const question = { type: 'question' as const, questions: [{ header: 'Style', question: 'Tabs or spaces?', options: [{ label: 'Tabs', description: '' }, { label: 'Spaces', description: 'two' }], multiSelect: false }] };
    h.claude.next(async ({ handlers }) => {
      answers.push(await handlers.onRequest(question));
      answers.push(await handlers.onRequest(question));
      return completed('formatted');
    });
    h.say('/claude format');
    const first = await h.botMessage(/asks:\nStyle: Tabs or spaces\?/);
    h.press(first.messageId, 'Spaces');
    await h.edited(first.messageId, /→ Spaces \(by @owner\)/);
    const second = await h.botMessage(/Tabs or spaces/, first.messageId);
    h.say('three spaces, please', { replyTo: second.messageId });
    await h.botMessage(/formatted/);
    expect(answers).toEqual([{ type: 'question', answers: ['Spaces'] }, { type: 'question', answers: ['three spaces, please'] }]);
  });

  it('a photo in reply to the session goes to the agent as an image, saved 0600 and deleted after the turn', async () => {
    h = await startAgentBot();
    h.say('/claude look');
    const started = await h.botMessage(/Started claude session/);
    await h.botMessage(/echo: look/);
    const bytes = Buffer.from('\xff\xd8\xff fake jpeg', 'latin1');
    h.emu.sendPhoto(h.chat, h.owner, bytes, { caption: 'what is this?', replyTo: started.messageId });
    await h.botMessage(/echo: what is this\?/);
    const turn = h.claude.turns[1]!;
    expect(turn.imageBytes).toEqual([bytes]);
    expect(turn.input.images[0]!.mimeType).toBe('image/jpeg');
    expect(turn.input.images[0]!.path.startsWith(join(h.paths.state, 'agent-images'))).toBe(true);
    expect(existsSync(turn.input.images[0]!.path)).toBe(false);
    expect(readdirSync(join(h.paths.state, 'agent-images'))).toEqual([]);
  });

  it('a photo whose turn never comes is not kept: a refused start, an unknown session, and leftovers at the next start', async () => {
    h = await startAgentBot();
    const images = join(h.paths.state, 'agent-images');
    h.emu.sendPhoto(h.chat, h.owner, Buffer.from('photo one'), { caption: '/claude @/no/such/folder look' });
    await h.botMessage(/No folder "\/no\/such\/folder"/);
    h.emu.sendPhoto(h.chat, h.owner, Buffer.from('photo two'), { caption: '/send nosuch look' });
    await h.botMessage(/nosuch/);
    await h.emu.waitFor(() => h.emu.pendingUpdates().length === 0);
    expect(readdirSync(images)).toEqual([]);
    // A daemon killed during a turn leaves its photo behind: no turn reads it after a restart.
    writeFileSync(join(images, '0123456789abcdef.jpg'), 'left by a crash', { mode: 0o600 });
    await h.restart();
    expect(readdirSync(images)).toEqual([]);
    expect(h.claude.turns).toHaveLength(0);
  });

  it('in a forum: the session gets its topic; plain text there continues it; a photo captioned /send too', async () => {
    h = await startAgentBot({ forum: true });
    h.say('/codex first');
    const answer = await h.botMessage(/echo: first/);
    const threadId = answer.threadId;
    expect(threadId).toBeDefined();
    expect(h.emu.topics(h.chat).map((t) => t.name).join(' ')).toContain('codex');
    h.say('in the topic', { threadId: threadId! });
    const second = await h.botMessage(/echo: in the topic/);
    expect(second.threadId).toBe(threadId);
    h.emu.sendPhoto(h.chat, h.owner, Buffer.from('png-ish'), { caption: '/send codex with a picture' });
    await h.botMessage(/echo: with a picture/);
    expect(h.codex.turns.at(-1)!.imageBytes).toEqual([Buffer.from('png-ish')]);
  });

  it('a viewer’s photo in the session’s topic or as a reply, without a caption or captioned /tail, is refused like typed text: the agent gets nothing', async () => {
    h = await startAgentBot({ forum: true, viewer: true });
    h.say('/claude first');
    const answer = await h.botMessage(/echo: first/);
    const auditBefore = h.audit().length;
    h.emu.sendPhoto(h.chat, h.viewer, Buffer.from('viewer photo 1'), { threadId: answer.threadId! });
    const refused = await h.botMessage(/^read-only: you are a viewer here/, answer.messageId);
    h.emu.sendPhoto(h.chat, h.viewer, Buffer.from('viewer photo 2'), { replyTo: answer.messageId });
    const second = await h.botMessage(/^read-only: you are a viewer here/, refused.messageId);
    // A caption that names a command a viewer may use: grammY runs no command from a caption, the photo would go on.
    h.emu.sendPhoto(h.chat, h.viewer, Buffer.from('viewer photo 3'), { caption: '/tail claude', threadId: answer.threadId! });
    await h.botMessage(/^read-only: you are a viewer here/, second.messageId);
    const lines = await h.emu.waitFor(() => {
      const mine = h.audit().slice(auditBefore).filter((e) => e.userId === VIEWER_ID);
      return mine.length >= 3 ? mine : undefined;
    });
    expect(lines.map((e) => [e.outcome, e.reason])).toEqual(Array(3).fill(['rejected', 'read-only viewer']));
    await h.emu.waitFor(() => h.emu.pendingUpdates().length === 0);
    expect(h.claude.turns).toHaveLength(1);
    expect(readdirSync(join(h.paths.state, 'agent-images'))).toEqual([]);
  });

  it('/resume redacts a stored conversation before it cuts its prompt and answer: a token at a cut leaves no piece of itself', async () => {
    h = await startAgentBot();
    const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    // The button shows 40 characters of the first prompt, the message 2500 of the last answer: each cut falls in the token.
    const firstPrompt = `use ${'p'.repeat(24)} ${token}`;
    h.claude.recentSessions = [{ kind: 'claude', agentSessionId: 'conv-1', cwd: h.home, firstPrompt, updatedAt: Date.now() - 3 * 3600_000 }];
    h.claude.exchanges.set('conv-1', { prompt: firstPrompt, answer: `${'a'.repeat(2484)} ${token} end` });
    h.say('/resume claude');
    const list = await h.botMessage(/Recent conversations/);
    const label = list.replyMarkup!.inline_keyboard.flat()[0]!.text;
    expect(label).not.toContain('A1b2C3');
    h.press(list.messageId, label);
    const resumed = await h.botMessage(/Continuing claude conversation conv-1/, list.messageId);
    expect(resumed.text).not.toContain('A1b2C3d4E5');
  });

  it('without the agent installed: one answer with the exact install command; a missing folder is refused', async () => {
    h = await startAgentBot();
    h.codex.availabilityAnswer = { ok: false, reason: 'codex is not installed', install: 'npm install -g @openai/codex@0.171.0' };
    h.say('/codex hi');
    const answer = await h.botMessage(/not available/);
    expect(answer.text).toContain('npm install -g @openai/codex@0.171.0');
    h.say('/claude @/no/such/folder hi');
    const refused = await h.botMessage(/No folder "\/no\/such\/folder"/);
    expect(h.sessions.list()).toEqual([]);
    expect(h.codex.turns).toHaveLength(0);
    // A reason that ends a sentence already (an agent's own error, quoted) gets no second full stop.
    h.codex.availabilityAnswer = { ok: false, reason: '/opt/codex --version failed: Error: no credentials.', install: 'npm install -g @openai/codex' };
    h.say('/codex hi');
    const sentence = await h.botMessage(/Codex is not available/, refused.messageId);
    expect(sentence.text).toContain('failed: Error: no credentials.\n');
  });

  it('a POCKET_AGENT_CWD that is not a folder: /codex says so, naming the setting, and starts nothing', async () => {
    h = await startAgentBot({ defaultCwd: '/no/such/agent-folder' });
    h.say('/codex hi');
    const answer = await h.botMessage(/not a folder/);
    expect(answer.text).toContain('The agent folder "/no/such/agent-folder" (POCKET_AGENT_CWD, else your home) is not a folder on this machine.');
    expect(answer.text).toContain('Set POCKET_AGENT_CWD in .env');
    expect(h.sessions.list()).toEqual([]);
    expect(h.codex.turns).toHaveLength(0);
  });

  it('/resume lists recent conversations newest first; choosing one shows its last exchange and continues it (as a fork when it just changed)', async () => {
    h = await startAgentBot();
    const now = Date.now();
    h.claude.recentSessions = [
      { kind: 'claude', agentSessionId: 'old-1', cwd: h.home, firstPrompt: 'refactor the parser', updatedAt: now - 3 * 3600_000 },
      { kind: 'claude', agentSessionId: 'desk-2', cwd: h.home, firstPrompt: 'write the release notes', updatedAt: now - 60_000 },
    ];
    h.claude.exchanges.set('desk-2', { prompt: 'write the release notes', answer: 'Here are the notes.' });
    h.say('/resume claude');
    const list = await h.botMessage(/Recent conversations/);
    const labels = list.replyMarkup!.inline_keyboard.flat().map((b) => b.text);
    expect(labels[0]).toMatch(/^claude · 1 min ago · write the release notes$/);
    expect(labels[1]).toMatch(/3 h ago · refactor the parser/);
    h.press(list.messageId, labels[0]!);
    const resumed = await h.botMessage(/Continuing claude conversation desk-2 as session claude/);
    expect(resumed.text).toContain('it may still be open at the desk');
    expect(resumed.text).toContain('Here are the notes.');
    h.say('add the date', { replyTo: resumed.messageId });
    await h.botMessage(/echo: add the date/);
    expect(h.claude.turns[0]!.context).toMatchObject({ agentSessionId: 'desk-2', fork: true });
  });
});
