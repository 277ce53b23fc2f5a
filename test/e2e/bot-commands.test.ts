// The bot end to end in a private chat: the built daemon (`pocket start`), the embedded Bot API as Telegram, real
// tmux on its own socket. One daemon for the file; each test has its own sessions. Every check is on what Telegram
// saw (the emulator) and on tmux itself (capture-pane, list-sessions) or `pocket status --json`.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CANARY_TOKEN, eventually } from '../helpers/pocket.js';
import { BOT_TOKEN, type BotRig, fileText, rigForFile } from '../helpers/bot-rig.js';

let rig: BotRig;

rigForFile((r) => {
  rig = r;
});

/** The session's status card: the first bot message headed `<state icon> NAME`. */
const card = (name: string) => rig.botMessage(new RegExp(`^[▶⏸❓■] ${name}\\b.* — `));
/** A bot reply after the user's message `afterId`. */
const answer = (pattern: RegExp, afterId: number) => rig.botMessage(pattern, { afterId });

describe('sessions from a private chat', () => {
  const sink = () => join(rig.h.home, 'sink.txt');
  const typed = `hi 'single' "double" $(echo no) \`nope\` \\back\\slash ~ * ü 🚀 -dash -- & <b>x</b> end;`;

  it('/new starts the tmux session and its card; /send types the text byte for byte with a receipt; the card shows it', async () => {
    const asked = rig.say(`/new sink tee ${sink()}`);
    const sinkCard = await card('sink');
    expect(sinkCard.text).toMatch(/^▶ sink — running\ne2ebox\$ tee /);
    expect(sinkCard.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Refresh', 'Tail', 'Ctrl-C', 'Enter', 'Kill']);
    await answer(/^Started sink: tee /, asked);
    expect(await rig.tmuxSessions()).toContain('sink');
    const status = await rig.session('sink');
    expect(status).toMatchObject({ kind: 'tmux', state: 'running', target: expect.stringMatching(/^%\d+$/) });

    const sent = rig.say(`/send sink ${typed}`);
    expect(await rig.reaction(sent)).toEqual(['👍']);
    await eventually(() => fileText(sink()) === `${typed}\n`, { what: 'the typed text in the sink file' });
    // The tty echoes the line and tee prints it: the pane shows it twice, and so does the card, edited in place.
    const pane = await rig.capture(status.target);
    expect(pane.split('\n').filter((l) => l === typed)).toHaveLength(2);
    const edited = await rig.edited(sinkCard.messageId, `${typed}\n${typed}`);
    expect(edited.editCount).toBeGreaterThan(0);
    expect(rig.emu.messages(rig.chat).filter((m) => /^[▶⏸❓■] sink\b/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('a reply to the card goes to that session', async () => {
    const sinkCard = await card('sink');
    const replied = rig.say('via-reply to the card', { replyTo: sinkCard.messageId });
    expect(await rig.reaction(replied)).toEqual(['👍']);
    await eventually(() => fileText(sink()).endsWith('via-reply to the card\n'), { what: 'the reply in the sink file' });
    await rig.edited(sinkCard.messageId, 'via-reply to the card');
  });

  it('/alias names the session twice over: /send by alias reaches the same pane; status and card show it', async () => {
    const sinkCard = await card('sink');
    const asked = rig.say('/alias sink sk');
    await answer(/^sink is now also sk\.$/, asked);
    expect((await rig.session('sink')).alias).toBe('sk');
    await rig.edited(sinkCard.messageId, /^▶ sink \(sk\) — running/);
    const sent = rig.say('/send sk by-alias');
    expect(await rig.reaction(sent)).toEqual(['👍']);
    await eventually(() => fileText(sink()).endsWith('by-alias\n'), { what: 'the aliased send in the sink file' });
  });

  it('/keys C-c interrupts a sleep in the pane', async () => {
    rig.say(`/new sleeper trap 'echo trapped' INT; echo sleeping; sleep 600; echo "sleep-ended:$?"; exec cat`);
    await card('sleeper');
    const { target } = await rig.session('sleeper');
    await rig.paneShows(target, /^sleeping$/m);
    const keys = rig.say('/keys sleeper C-c');
    expect(await rig.reaction(keys)).toEqual(['👍']);
    const pane = await rig.paneShows(target, /sleep-ended:130/);
    expect(pane).toContain('trapped');
    expect(await rig.tmuxSessions()).toContain('sleeper');
  });

  it('/tail shows the last lines; /summary the state, exit code, errors and last lines', async () => {
    rig.say('/new failing echo building; echo tail-line-1; echo tail-line-2; echo "error: boom"; exit 3');
    await rig.botMessage(/^■ failing exited with code 3\.$/);
    const tailAsked = rig.say('/tail failing 3');
    const tail = await answer(/tail-line-2/, tailAsked);
    expect(tail.text).toBe('tail-line-1\ntail-line-2\nerror: boom');
    expect(tail.entities[0]?.type).toBe('pre');
    expect(tail.replyToMessageId).toBe(tailAsked);

    const summaryAsked = rig.say('/summary failing');
    const summary = await answer(/^failing — /, summaryAsked);
    expect(summary.text).toMatch(/^failing — exited \(code 3\)\n/);
    expect(summary.text).toContain('exit code: 3');
    expect(summary.text).toContain('errors seen: 1\n  ! error: boom');
    expect(summary.text).toMatch(/last lines:\n[\s\S]*tail-line-2\nerror: boom$/);
    expect((await rig.session('failing')).state).toBe('exited');
  });

  it('a full-screen program (less, on the alternate screen): its card shows the screen and follows it, as /tail does', async () => {
    const file = join(rig.h.home, 'pager.txt');
    writeFileSync(file, Array.from({ length: 200 }, (_, i) => `pager-row-${i + 1}`).join('\n'));
    rig.say(`/new pager less ${file}`);
    const pagerCard = await card('pager');
    // The card shows the rows down to the cursor: the first page, down to the prompt under it.
    expect((await rig.edited(pagerCard.messageId, /pager-row-\d+\n.*pager\.txt/)).text).not.toContain('(no output yet)');
    // G: less jumps to the end. Nothing prints a completed line, the screen alone changes.
    rig.say('/keys pager G');
    const atEnd = await rig.edited(pagerCard.messageId, 'pager-row-200');
    expect(atEnd.text).not.toContain('(no output yet)');
    const tailAsked = rig.say('/tail pager');
    expect((await answer(/pager-row-200/, tailAsked)).text).toContain('pager-row-199\npager-row-200');
  });

  it('/screen and the Screen button: a real pane in colour, drawn by the built daemon, arrives as a PNG photo', async () => {
    // A full-screen program in miniature: the alternate screen, colours, bold, CJK and an emoji, then it waits.
    const paint = String.raw`\033[?1049h\033[H\033[1;31mbold-red\033[0m \033[42m green-ground \033[0m\r\n\033[38;2;255;128;0mtruecolor-orange\033[0m 中文 😀\r\n`;
    // It paints once told to: what a pane drew before pocket followed it is known only as captured text.
    rig.say(`/new colours read go; printf '${paint}'; exec cat`);
    const colourCard = await card('colours');
    rig.say('/send colours go');
    // The alternate screen is on: the card shows the screen, and offers the picture of it.
    await rig.edited(colourCard.messageId, /^truecolor-orange 中文/m);
    expect(rig.emu.message(rig.chat, colourCard.messageId)?.replyMarkup?.inline_keyboard[0]?.map((b) => b.text)).toEqual(['Refresh', 'Tail', 'Screen']);

    const asked = rig.say('/screen colours');
    const photo = await answer(/^colours — /, asked);
    expect((await rig.emu.waitForCall('sendPhoto', (c) => c.ok, { since: 0 })).ok).toBe(true);
    expect(photo.photo?.file.mimeType).toBe('image/png');
    const png = PNG.sync.read(photo.photo!.file.bytes);
    // The rig's panes are 120x40: Unifont's 8x16 cells at 1x.
    expect([png.width, png.height]).toEqual([960, 640]);
    const counts = new Map<number, number>();
    for (let i = 0; i < png.data.length; i += 4) {
      const rgb = (png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!;
      counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
    }
    expect(counts.get(0xff0000) ?? 0).toBeGreaterThan(20); // bold red: xterm's bright red
    expect(counts.get(0x00cd00) ?? 0).toBeGreaterThan(14 * 8 * 16 / 2); // the green ground behind " green-ground "
    expect(counts.get(0xff8000) ?? 0).toBeGreaterThan(20); // 24-bit colour

    rig.press(colourCard.messageId, 'Screen');
    await rig.emu.waitFor(() => rig.emu.messages(rig.chat).filter((m) => m.photo !== undefined).length === 2, { description: 'a second photo' });
  });

  it('an alert with answer buttons: pressing y answers the [y/N] prompt in the pane', async () => {
    rig.say(`/new asker printf 'Proceed? [y/N] '; read a; echo "got=$a"; exec cat`);
    const alert = await rig.botMessage(/^❓ asker waits for input:\nProceed\? \[y\/N\]/);
    expect(alert.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Yes', 'No']);
    expect(alert.disableNotification).toBe(false);
    rig.press(alert.messageId, 'Yes');
    const { target } = await rig.session('asker');
    await rig.paneShows(target, /^got=y$/m);
    await rig.edited(alert.messageId, /→ answered: Yes$/);
    expect(rig.emu.message(rig.chat, alert.messageId)?.replyMarkup).toBeUndefined();
  });

  it('/attach adopts a pane made with tmux directly; /send reaches it', async () => {
    await rig.tmux('new-session', '-d', '-s', 'manual', '-x', '100', '-y', '20', 'cat');
    const pane = (await rig.tmux('display-message', '-p', '-t', 'manual', '#{pane_id}')).trim();
    const asked = rig.say(`/attach ${pane} adopted`);
    await answer(new RegExp(`^Attached ${pane} as adopted\\.$`), asked);
    await card('adopted');
    expect(await rig.session('adopted')).toMatchObject({ kind: 'tmux', target: pane, state: 'running' });
    const sent = rig.say('/send adopted hello-adopted');
    expect(await rig.reaction(sent)).toEqual(['👍']);
    await rig.paneShows(pane, /^hello-adopted\nhello-adopted$/m);
  });

  it('/kill asks first: No keeps the session, Yes ends the tmux session', async () => {
    const sleeperCard = await card('sleeper');
    const first = rig.say('/kill sleeper');
    const ask = await answer(/^Kill sleeper\?/, first);
    expect(ask.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Yes, kill', 'No']);
    rig.press(ask.messageId, 'No');
    await rig.edited(ask.messageId, /Not killed/);
    expect(await rig.tmuxSessions()).toContain('sleeper');

    const second = rig.say('/kill sleeper');
    const ask2 = await answer(/^Kill sleeper\?/, second);
    rig.press(ask2.messageId, 'Yes, kill');
    await rig.edited(ask2.messageId, /Killed sleeper/);
    await eventually(async () => !(await rig.tmuxSessions()).includes('sleeper'), { what: 'the tmux session to end' });
    expect((await rig.sessions()).map((s) => s.name)).not.toContain('sleeper');
    await rig.edited(sleeperCard.messageId, /session removed/);
  });

  it('/logs sends the daemon log as a document without any secret', async () => {
    const asked = rig.say('/logs');
    const doc = await answer(/daemon log/, asked);
    expect(doc.document?.fileName).toBe('pocket.log');
    const bytes = doc.document!.bytes.toString('utf8');
    expect(bytes).toContain('bot.connected');
    expect(bytes).not.toContain(BOT_TOKEN);
    expect(bytes).not.toContain(BOT_TOKEN.split(':')[1]);
    expect(bytes).not.toContain(CANARY_TOKEN);
  });

  it('a stranger: /new and button presses change nothing in tmux, and the bot tells them nothing', async () => {
    const before = await rig.tmuxSessions();
    const { target: adoptedPane } = await rig.session('adopted');
    const marker = join(rig.h.home, 'pwned');
    rig.emu.sendText(rig.strangerDm, rig.stranger, `/new evil touch ${marker}`);
    rig.emu.sendText(rig.strangerDm, rig.stranger, '/help');
    // Presses on the owner's buttons: Kill on a card, and Yes on a pending kill confirmation.
    const adopted = await card('adopted');
    rig.press(adopted.messageId, 'Kill', { from: rig.stranger });
    rig.press(adopted.messageId, 'Ctrl-C', { from: rig.stranger });
    const asked = rig.say('/kill adopted');
    const ask = await answer(/^Kill adopted\?/, asked);
    rig.press(ask.messageId, 'Yes, kill', { from: rig.stranger });
    // A barrier: updates are handled in order, so once the owner's /sessions is answered the stranger's were too.
    const barrier = rig.say('/sessions');
    const list = await answer(/^Sessions on e2ebox:/, barrier);
    expect(list.text).not.toContain('evil');
    expect(existsSync(marker)).toBe(false);
    expect(await rig.tmuxSessions()).toEqual(before);
    expect((await rig.sessions()).map((s) => s.name)).not.toContain('evil');
    expect(rig.emu.messages(rig.strangerDm)).toEqual([]);
    expect(rig.emu.message(rig.chat, ask.messageId)?.text).toMatch(/^Kill adopted\?/);
    expect(rig.emu.calls.some((c) => c.params.chat_id === rig.stranger.id || c.params.chat_id === String(rig.stranger.id))).toBe(false);
    // The owner's own No still works on that confirmation.
    rig.press(ask.messageId, 'No');
    await rig.edited(ask.messageId, /Not killed/);
    expect(await rig.tmuxSessions()).toEqual(before);
    expect((await rig.tmux('display-message', '-p', '-t', adoptedPane, '#{pane_dead}')).trim()).toBe('0');
  });

  it('no secret in anything Telegram received nor in logs/, even when a pane prints them', async () => {
    // A job that prints the .env (token and another secret among its lines).
    rig.say(`/new leaky cat ${join(rig.h.home, '.env')}; exec cat`);
    const leaky = await card('leaky');
    await rig.edited(leaky.messageId, /AUTHORIZED_USER_IDS=/);
    const tailAsked = rig.say('/tail leaky');
    await answer(/TELEGRAM_BOT_TOKEN=/, tailAsked);
    const everything = rig.receivedText();
    const logs = rig.h.logsText();
    for (const secret of [BOT_TOKEN, BOT_TOKEN.split(':')[1]!, CANARY_TOKEN, CANARY_TOKEN.split(':')[1]!]) {
      expect(everything).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
