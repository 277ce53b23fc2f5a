import { afterEach, describe, expect, it } from 'vitest';
import { DemoChat } from '../../src/demo/demo-chat.js';
import { runScript } from '../../src/demo/script.js';
import { type BotApiEmulator, startBotApiServer } from '../../src/emulator/index.js';
import { fakeBot } from './fake-daemon.js';

let emu: BotApiEmulator | undefined;
let stopBot: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopBot?.();
  await emu?.close();
  stopBot = undefined;
});

async function world(options: { bot?: boolean; forum?: boolean } = {}) {
  emu = await startBotApiServer({ rate: false });
  const you = emu.user(1001, { firstName: 'You' });
  const target = options.forum ? emu.createGroup({ title: 'demo', forum: true, members: [you] }) : emu.createPrivateChat(you);
  const chat = new DemoChat(emu, target, you);
  if (options.bot !== false) {
    const bot = fakeBot(emu.token, emu.url, target.id);
    await new Promise<void>((resolve) => {
      bot.start({ onStart: () => resolve() }).catch(() => undefined);
    });
    stopBot = () => bot.stop();
  }
  return chat;
}

function output() {
  let text = '';
  return { write: (t: string) => { text += t; }, text: () => text };
}

describe('runScript', () => {
  it('sends each line, waits for the bot to settle, and prints what appeared or changed', async () => {
    const chat = await world();
    const out = output();
    const result = await runScript(
      ['# a comment', '/help', '', '/new build echo hi', '!Refresh', '!kill', '!9', '/logs', 'thanks', '/quit', '/help'],
      chat,
      { settle: { quietMs: 150, deadlineMs: 5000 }, write: out.write },
    );
    const text = out.text();
    expect(result).toEqual({ steps: 7, failures: 1 });
    expect(text).toContain('you › /help');
    expect(text).toContain('bot › pocket commands:\n      /new NAME [COMMAND]');
    // The card was sent and edited within the step: printed once, with its newest text and its buttons.
    expect(text).toContain('bot › ▶ build: running\n      hello-from-fake\n      [Refresh] [Kill]');
    expect(text).not.toContain('starting');
    expect(text).toContain('you pressed [Refresh]\nⓘ did r:build');
    expect(text).toContain('you pressed [Kill]\n⚠ did k:build');
    expect(text).toMatch(/! no button 9; the newest buttons are: 1 Refresh, 2 Kill/);
    expect(text).toContain('you › /logs\nbot › 📄 pocket.log (18 B)');
    // The reaction the bot put on a plain message is shown with it; /quit ends the script.
    expect(text).toContain('you › thanks  👍');
    expect(text.match(/you › \/help/g)).toHaveLength(1);
  });

  it('reports a line the bot never takes, and stops there only at its deadline', async () => {
    const chat = await world({ bot: false });
    const out = output();
    const result = await runScript(['/help'], chat, { settle: { quietMs: 50, deadlineMs: 300 }, write: out.write });
    expect(result).toEqual({ steps: 1, failures: 1 });
    expect(out.text()).toBe('you › /help\n! the bot did not take this within 0.3 s\n');
  });

  it('writes into a forum topic after /topic and labels lines with their topic', async () => {
    const chat = await world({ forum: true });
    const topic = chat.emulator.createTopic(chat.chat, 'build');
    const out = output();
    await runScript(['/topic build', 'hello', '/topic nope'], chat, { settle: { quietMs: 150, deadlineMs: 5000 }, write: out.write });
    expect(out.text()).toContain('— topic: build —\nyou › [build] hello  👍');
    expect(out.text()).toContain('! no topic "nope"; topics: General, build');
    expect(chat.emulator.messages(chat.chat, { from: 'user', threadId: topic.threadId }).map((m) => m.text)).toEqual(['hello']);
  });

  it('ends when aborted, even while waiting for the next line (SIGTERM with stdin open)', async () => {
    const chat = await world({ bot: false });
    const abort = new AbortController();
    async function* forever() {
      yield '# waiting';
      await new Promise(() => {});
    }
    setTimeout(() => abort.abort(), 50);
    expect(await runScript(forever(), chat, { settle: { quietMs: 10, deadlineMs: 100 }, write: () => {}, signal: abort.signal }))
      .toEqual({ steps: 0, failures: 0 });
  });
});
