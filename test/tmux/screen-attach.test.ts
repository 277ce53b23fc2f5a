// /attach of a pane whose full-screen program was already running: the daemon's terminal is put on the alternate
// screen like the pane's, so the session is full-screen (card excerpt, Screen button) and its snapshot has the colours.
import { afterEach, describe, expect, it } from 'vitest';
import { screenText } from '../../src/core/screen.js';
import { waitFor } from '../helpers/tmux.js';
import { type ServiceRig, startService } from './session-service-helpers.js';

let rig: ServiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('attach and the alternate screen', () => {
  it('an adopted pane on the alternate screen is full-screen at once, its snapshot in the pane\'s colours', async () => {
    rig = await startService();
    const paint = String.raw`\033[?1049h\033[H\033[1;31mfull-screen-red\033[0m \033[44m blue \033[0m 中文\n`;
    await rig.t.raw(['new-session', '-d', '-s', 'agent', '-x', '100', '-y', '30', `printf '${paint}'; exec cat`]);
    const paneId = (await rig.t.raw(['list-panes', '-t', 'agent', '-F', '#{pane_id} #{alternate_on}'])).trim();
    await waitFor(async () => (await rig!.t.raw(['list-panes', '-t', 'agent', '-F', '#{alternate_on}'])).trim() === '1', { what: 'the pane on the alternate screen' });
    const view = await rig.service.attach(paneId.split(' ')[0]!, 'agent');
    expect(view.screen?.lines[0]).toBe('full-screen-red  blue  中文');
    const snapshot = await rig.service.snapshot(view.id);
    expect(snapshot?.cols).toBe(100);
    expect(screenText(snapshot!)).toEqual(['full-screen-red  blue  中文']);
    const cells = snapshot!.rows[0]!.cells;
    expect(cells[0]).toMatchObject({ text: 'f', bold: true, fg: { kind: 'palette', index: 1 } });
    expect(cells[17]).toMatchObject({ text: 'b', bg: { kind: 'palette', index: 4 } });
  });

  it('a pane on the normal screen stays a line-by-line session', async () => {
    rig = await startService();
    await rig.t.raw(['new-session', '-d', '-s', 'plain', '-x', '100', '-y', '30', "printf 'plain-line\\n'; exec cat"]);
    const paneId = (await rig.t.raw(['list-panes', '-t', 'plain', '-F', '#{pane_id}'])).trim();
    await waitFor(async () => (await rig!.t.raw(['capture-pane', '-p', '-t', 'plain'])).includes('plain-line'), { what: 'the line in the pane' });
    const view = await rig.service.attach(paneId, 'plain');
    expect(view.screen).toBeUndefined();
    expect(await rig.service.tail(view.id, 5)).toContain('plain-line');
  });
});
