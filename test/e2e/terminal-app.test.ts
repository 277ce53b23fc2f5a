// A Terminal.app tab end to end: the built daemon (`pocket start`) with POCKET_OSASCRIPT pointing at the fake
// osascript, the embedded Bot API as Telegram. The owner adopts a tab from /sessions, its output reaches the card,
// /send types into it, `pocket status --json` shows kind terminal, and closing the tab ends the session.
import { PNG } from 'pngjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startBotRig } from '../helpers/bot-rig.js';
import { fakeTerminal } from '../helpers/fake-terminal.js';

const TTY = '/dev/ttys003';

describe('Terminal.app tabs through Telegram', () => {
  it('adopt a tab from /sessions, see its output on the card, type into it with /send, and see it exit when closed', async () => {
    const fake = fakeTerminal();
    const rig = await startBotRig({ env: { POCKET_OSASCRIPT: fake.bin } });
    onTestFinished(() => rig.close(), 30_000);

    const asked = rig.say('/sessions');
    const offer = await rig.botMessage(/^Terminal\.app tabs you could mirror:/, { afterId: asked });
    rig.press(offer.messageId, 'zsh · window 4121 tab 1 · ttys003');
    await rig.botMessage(/^Attached the Terminal tab ttys003 as tab-ttys003\./);
    await rig.botMessage(/visible history/);
    // The card starts from what the tab showed.
    const card = await rig.botMessage(/^[▶⏸❓■] tab-ttys003\b.* — /);
    await rig.edited(card.messageId, 'Last login: Mon Nov 30 21:14:07 on ttys002');
    expect(await rig.session('tab-ttys003')).toMatchObject({ kind: 'terminal', target: TTY });

    fake.print(TTY, 'make\nbuilt 3 targets\nada@mac ~ % ');
    await rig.edited(card.messageId, 'built 3 targets');

    const typed = `echo "it's" \\$(id) 'ü' 🚀 -n`;
    const sent = rig.say(`/send tab-ttys003 ${typed}`);
    expect(await rig.reaction(sent)).toEqual(['👍']);
    expect(fake.calls()).toContainEqual(['type', TTY, typed, 'enter']);
    fake.print(TTY, 'ada@mac ~ % ');
    await rig.edited(card.messageId, `ada@mac ~ % ${typed}`);

    // /screen draws the tab's screen from the same headless terminal a pane feeds.
    const looked = rig.say('/screen tab-ttys003');
    const photo = await rig.botMessage(/^tab-ttys003 — /, { afterId: looked });
    expect(photo.photo?.file.mimeType).toBe('image/png');
    // The fake tab is 80 columns wide: drawn at 2x, 8 px a cell (an empty screen would be a few pixels).
    expect(PNG.sync.read(Buffer.from(photo.photo!.file.bytes)).width).toBe(80 * 8 * 2);

    fake.update((state) => {
      state.windows[0]!.tabs.splice(0, 1);
    });
    await rig.botMessage(/^■ tab-ttys003 exited/);
    expect(await rig.session('tab-ttys003')).toMatchObject({ kind: 'terminal', state: 'exited' });
    // A daemon start, a dozen polls at 0.5-5 s and the fake's own node process per call (~1 s under load).
  }, 90_000);
});
