// /sessions' Terminal.app tabs: a button per tab not yet mirrored, pressing one adopts it, the first adoption in a
// home warns that the tab's history may reach Telegram, and /attach takes a tty too. FakeSessions behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { TabInfo } from '../../src/core/terminal-tabs.js';
import { TERMINAL_HISTORY_WARNING } from '../../src/bot/features/sessions.js';
import { type BotHarness, botSaid, drained, running, startBot, VIEWER_ID } from './harness.js';

let h: BotHarness;
afterEach(async () => {
  await h?.close();
});

const TABS: TabInfo[] = [
  { windowId: 4121, tabIndex: 1, tty: '/dev/ttys003', processes: ['login', '-zsh'], busy: false, title: '', rows: 24, columns: 80 },
  { windowId: 4121, tabIndex: 2, tty: '/dev/ttys004', processes: ['login', '-zsh', 'npm'], busy: true, title: 'build', rows: 24, columns: 80 },
];

function buttonsOf(message: { replyMarkup?: { inline_keyboard: { text: string; callback_data?: string }[][] } | undefined }) {
  return message.replyMarkup?.inline_keyboard.flat() ?? [];
}

describe('Terminal.app tabs in the chat', () => {
  it('offers a button per tab; pressing one mirrors it and warns about history once per home', async () => {
    h = await running(await startBot());
    h.sessions.adoptableTabList = TABS;
    h.emu.sendText(h.dm, h.owner, '/sessions');
    const offer = await botSaid(h, h.dm, /^Terminal\.app tabs you could mirror:/);
    expect(buttonsOf(offer).map((b) => b.text)).toEqual(['zsh · window 4121 tab 1 · ttys003', 'build · window 4121 tab 2 · ttys004']);
    h.emu.pressButton(h.dm, h.owner, offer.messageId, buttonsOf(offer)[0]!.callback_data!);
    await botSaid(h, h.dm, /^Attached the Terminal tab ttys003 as tab-ttys003\./);
    await botSaid(h, h.dm, /visible history/);
    expect(h.sessions.calls.find((c) => c.method === 'attach')?.args).toEqual(['/dev/ttys003', undefined]);
    expect(h.sessions.resolve('tab-ttys003')).toMatchObject({ kind: 'terminal', paneId: '/dev/ttys003' });

    // The second adoption, by /attach with a tty, does not warn again; nor does one after a restart.
    h.emu.sendText(h.dm, h.owner, '/attach ttys004 build');
    await botSaid(h, h.dm, /^Attached the Terminal tab ttys004 as build\./);
    await h.restart();
    h.emu.sendText(h.dm, h.owner, '/attach /dev/ttys007');
    await botSaid(h, h.dm, /^Attached the Terminal tab ttys007 as tab-ttys007\./);
    await drained(h);
    expect(h.emu.messages(h.dm).filter((m) => m.text === TERMINAL_HISTORY_WARNING)).toHaveLength(1);
  });

  it('says nothing about tabs where Terminal.app does not exist', async () => {
    h = await running(await startBot());
    h.emu.sendText(h.dm, h.owner, '/sessions');
    await botSaid(h, h.dm, /^No sessions on testbox yet/);
    await drained(h);
    expect(h.sessions.calls.some((c) => c.method === 'adoptableTabs')).toBe(true);
    expect(h.emu.messages(h.dm).some((m) => /Terminal/.test(m.text ?? ''))).toBe(false);
  });

  it('a viewer sees the tabs but cannot adopt one', async () => {
    h = await running(await startBot({ config: { viewerIds: [VIEWER_ID] } }));
    h.sessions.adoptableTabList = TABS;
    const dm = h.emu.createPrivateChat(h.viewer);
    h.emu.sendText(dm, h.viewer, '/sessions');
    const offer = await botSaid(h, dm, /^Terminal\.app tabs you could mirror:/);
    const press = h.emu.pressButton(dm, h.viewer, offer.messageId, buttonsOf(offer)[0]!.callback_data!);
    await h.emu.waitFor(() => h.emu.callbackQuery(press.callback_query!.id)?.answered === true);
    expect(h.emu.callbackQuery(press.callback_query!.id)?.answer?.text).toMatch(/read-only/);
    expect(h.sessions.mutatingCalls()).toEqual([]);
  });
});
