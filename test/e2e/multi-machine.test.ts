// Several machines, one chat, no hub: two daemons (two homes, two bots, two tmux servers) in one forum group of
// one embedded Bot API, as two machines would be. Commands addressed to a bot are left to it, a bare /sessions is
// answered by each for its machine, and text in a topic or a reply goes only to the bot that owns the topic or the
// message; the other ignores it silently (its audit log says why). The built CLI, real tmux.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Chat, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotApiEmulator, type EmulatedMessage, startBotApiServer } from '../../src/emulator/index.js';
import { eventually, type TempHome, tempHome } from '../helpers/pocket.js';

const execFileP = promisify(execFile);
const OWNER_ID = 5001;

interface Machine {
  label: string;
  username: string;
  botId: number;
  home: TempHome;
  socket: string;
  tmux(...args: string[]): Promise<string>;
  audit(): string;
  polling(): boolean;
}

let emu: BotApiEmulator;
let owner: User;
let group: Chat;
const machines: Machine[] = [];

function machine(label: string, token: string, username: string, polling: () => boolean): Machine {
  const socket = `pocket-e2e-${label}-${randomBytes(4).toString('hex')}`;
  const home = tempHome(`pocket-e2e-${label}-`);
  home.writeEnv({
    TELEGRAM_BOT_TOKEN: token,
    AUTHORIZED_USER_IDS: String(OWNER_ID),
    TELEGRAM_API_ROOT: emu.url,
    TELEGRAM_CHAT_ID: String(group.id),
    POCKET_TMUX_SOCKET: socket,
    POCKET_HOST_LABEL: label,
    POCKET_IDLE_SECONDS: '3600',
  });
  const env = { ...process.env };
  delete env.TMUX;
  return {
    label, username, botId: Number(token.split(':')[0]), home, socket, polling,
    tmux: async (...args) => (await execFileP('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env, timeout: 5000 })).stdout,
    audit: () => {
      try {
        return readFileSync(join(home.home, 'logs', 'audit.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
}

beforeAll(async () => {
  const laptopToken = `7100000001:LAPTOP${randomBytes(24).toString('hex').slice(0, 30)}`;
  const deskToken = `7200000002:DESK${randomBytes(24).toString('hex').slice(0, 32)}`;
  emu = await startBotApiServer({ token: laptopToken, botUsername: 'laptop_pocket_bot' });
  const desk = emu.addBot({ token: deskToken, username: 'desk_pocket_bot' });
  owner = emu.user(OWNER_ID, { firstName: 'Owner' });
  group = emu.createGroup({ title: 'machines', forum: true, members: [owner] });
  desk.join(group, { admin: true });
  machines.push(machine('laptop', laptopToken, 'laptop_pocket_bot', () => emu.polling));
  machines.push(machine('desk', deskToken, 'desk_pocket_bot', () => desk.polling));
  for (const m of machines) {
    const started = await m.home.run(['start']);
    if (started.code !== 0) throw new Error(`pocket start (${m.label}) failed: ${started.stderr}`);
  }
  await emu.waitFor(() => machines.every((m) => m.polling()), { timeoutMs: 15_000, description: 'both bots to poll' });
}, 60_000);

afterAll(async () => {
  for (const m of machines) {
    await m.home.run(['stop']).catch(() => undefined);
    await m.tmux('kill-server').catch(() => undefined);
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, m.socket), { force: true });
  }
  await emu?.close();
  for (const m of machines) await m.home.cleanup();
}, 60_000);

const laptop = (): Machine => machines[0]!;
const desk = (): Machine => machines[1]!;

function say(text: string, options: { threadId?: number; replyTo?: number } = {}): number {
  const update = emu.sendText(group, owner, text, options);
  return update.message?.message_id ?? 0;
}

function botMessage(m: Machine, pattern: RegExp, afterId = 0): Promise<EmulatedMessage> {
  return emu.waitFor(
    () => emu.messages(group, { threadId: undefined }).find((msg) => msg.from?.id === m.botId && msg.messageId > afterId && pattern.test(msg.text ?? '')),
    { timeoutMs: 20_000, description: `${m.label}'s bot to say ${pattern}` },
  );
}

const paneShows = (m: Machine, session: string, text: string) =>
  eventually(async () => (await m.tmux('capture-pane', '-p', '-t', `${session}:`)).includes(text), { timeoutMs: 10_000, what: `${session} on ${m.label} to show ${text}` });

/** The update was refused by this machine's guard with this reason (an audit line), i.e. ignored silently. */
const ignored = (m: Machine, reason: string, count: number) =>
  eventually(() => m.audit().split('\n').filter((line) => line.includes(`"reason":"${reason}"`)).length >= count, { timeoutMs: 10_000, what: `${m.label} to ignore (${reason})` });

describe('two machines in one forum group', { timeout: 60_000 }, () => {
  let alphaTopic = 0;
  let startedBeta: EmulatedMessage;

  it('a command addressed to one bot is run by that bot only, in a topic named for its machine', async () => {
    const asked = say(`/new@${laptop().username} alpha cat`);
    await botMessage(laptop(), /^Started alpha: cat\.$/, asked);
    const alpha = await emu.waitFor(() => emu.topics(group).find((t) => t.name === 'alpha · laptop'), { description: 'topic alpha · laptop' });
    alphaTopic = alpha.threadId;
    const card = await emu.waitFor(() => emu.messages(group, { threadId: alphaTopic }).find((m) => m.from?.id === laptop().botId), { description: 'alpha card' });
    expect(card.text?.split('\n')[1]).toBe('laptop$ cat');
    await ignored(desk(), 'other_bot_command', 1);

    const askedDesk = say(`/new@${desk().username} beta cat`);
    startedBeta = await botMessage(desk(), /^Started beta: cat\.$/, askedDesk);
    await emu.waitFor(() => emu.topics(group).find((t) => t.name === 'beta · desk'), { description: 'topic beta · desk' });
    await ignored(laptop(), 'other_bot_command', 1);
    expect(await laptop().tmux('list-sessions', '-F', '#{session_name}')).toBe('alpha\n');
    expect(await desk().tmux('list-sessions', '-F', '#{session_name}')).toBe('beta\n');
  });

  it('a bare /sessions is answered by each bot for its own machine', async () => {
    const asked = say('/sessions');
    const fromLaptop = await botMessage(laptop(), /^Sessions on laptop:/, asked);
    const fromDesk = await botMessage(desk(), /^Sessions on desk:/, asked);
    expect(fromLaptop.text).toContain('alpha');
    expect(fromLaptop.text).not.toContain('beta');
    expect(fromDesk.text).toContain('beta');
    expect(fromDesk.text).not.toContain('alpha');
  });

  it('text in a topic goes to the bot that created it; the other ignores it silently', async () => {
    const sent = say('hello-alpha', { threadId: alphaTopic });
    await paneShows(laptop(), 'alpha', 'hello-alpha');
    await ignored(desk(), 'other_bot_message', 1);
    expect(emu.messages(group).filter((m) => m.from?.id === desk().botId && m.messageId > sent)).toEqual([]);
  });

  it('a reply to a bot\'s message goes to that bot; the other ignores it silently', async () => {
    const sent = say('hello-beta', { replyTo: startedBeta.messageId });
    await paneShows(desk(), 'beta', 'hello-beta');
    await ignored(laptop(), 'other_bot_message', 1);
    expect(emu.messages(group).filter((m) => m.from?.id === laptop().botId && m.messageId > sent && m.threadId === undefined)).toEqual([]);
    expect(await laptop().tmux('capture-pane', '-p', '-t', 'alpha:')).not.toContain('hello-beta');
  });
});
