// /send's Enter into a coding agent's TUI comes after the pane shows the text, not after a fixed gap: a TUI that takes
// an Enter arriving within 150 ms of the text for part of a paste (as Claude Code 2.1.332 does on a loaded machine,
// test/fixtures/agents/paste-tui.mjs), and that shows the text only 200 ms after it came, still gets its line
// submitted. The fake runs as `claude` (core/typing.ts picks the agents by their program); a shell keeps the single
// tmux call with its 40 ms gap (20 ms in these tests).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTER_ECHO_WAIT_MS } from '../../src/daemon/sessions/service.js';
import { waitFor } from '../helpers/tmux.js';
import { type ServiceRig, startService } from './session-service-helpers.js';

const PASTE_TUI = join(import.meta.dirname, '../fixtures/agents/paste-tui.mjs');

/** An executable named `claude` in the test's folder that runs `script`. */
function fakeClaude(r: ServiceRig, script: string): string {
  const dir = join(r.t.dir, 'agent-bin');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'claude');
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

let rig: ServiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('SessionService.sendText and its Enter', () => {
  it('submits the line in a TUI that reads a fast Enter as part of a paste', async () => {
    rig = await startService();
    const view = await rig.service.create('tui', fakeClaude(rig, `exec '${process.execPath}' '${PASTE_TUI}' 150 200`));
    const [pane] = await rig.t.tmux.listPanes();
    await waitFor(async () => (await rig!.t.tmux.capture(pane!.paneId)).includes('ready>'), { what: 'the TUI to start' });
    await rig.service.sendText(view.id, 'run: touch the file');
    await rig.service.sendText(view.id, 'and the next one');
    const screen = await waitFor(async () => {
      const text = await rig!.t.tmux.capture(pane!.paneId);
      return text.includes('submitted: "and the next one"') ? text : undefined;
    }, { what: 'the second line submitted' });
    expect(screen).toContain('submitted: "run: touch the file"');
    expect(screen).not.toContain('\\n');
  });

  it('leaves a TUI whose echo shows at once its paste window before the Enter', async () => {
    // The echo says the text was read; the Enter still waits, so that it never falls in the TUI's 150 ms window.
    rig = await startService();
    const view = await rig.service.create('tui', fakeClaude(rig, `exec '${process.execPath}' '${PASTE_TUI}' 150 0`));
    const [pane] = await rig.t.tmux.listPanes();
    await waitFor(async () => (await rig!.t.tmux.capture(pane!.paneId)).includes('ready>'), { what: 'the TUI to start' });
    for (const line of ['first', 'second', 'third']) await rig.service.sendText(view.id, line);
    const screen = await waitFor(async () => {
      const text = await rig!.t.tmux.capture(pane!.paneId);
      return text.includes('submitted: "third"') ? text : undefined;
    }, { what: 'the third line submitted' });
    expect(screen).toContain('submitted: "first"');
    expect(screen).toContain('submitted: "second"');
  });

  it('types into a shell as before, text and Enter in one tmux call', async () => {
    rig = await startService();
    const view = await rig.service.create('sh', `sh -c 'while read line; do echo "got:$line"; done'`);
    await waitFor(async () => (await rig!.t.tmux.listPanes())[0]?.command === 'sh', { what: 'the shell' });
    // Counted, not timed: one tmux call that types the text and its Enter, no separate Enter after an echo wait.
    const calls: string[] = [];
    const { sendText, sendKeys } = rig.t.tmux;
    rig.t.tmux.sendText = (...args) => {
      calls.push(`sendText enter=${args[2]?.enter !== false}`);
      return sendText.apply(rig!.t.tmux, args);
    };
    rig.t.tmux.sendKeys = (...args) => {
      calls.push(`sendKeys ${args[1].join(' ')}`);
      return sendKeys.apply(rig!.t.tmux, args);
    };
    await rig.service.sendText(view.id, 'hello');
    await waitFor(async () => (await rig!.service.tail(view.id, 5)).includes('got:hello'), { what: 'the line read' });
    expect(calls).toEqual(['sendText enter=true']);
  });

  it('gives an agent pane that shows nothing its Enter after the longest wait', async () => {
    rig = await startService();
    const view = await rig.service.create('quiet', fakeClaude(rig, `stty -echo; read secret; echo "len:\${#secret}"; sleep 600`));
    await waitFor(async () => (await rig!.t.tmux.listPanes())[0]?.command === 'sh', { what: 'the shell' });
    const started = performance.now();
    await rig.service.sendText(view.id, 'hunter2');
    expect(performance.now() - started).toBeGreaterThanOrEqual(ENTER_ECHO_WAIT_MS - 5);
    await waitFor(async () => (await rig!.service.tail(view.id, 5)).includes('len:7'), { what: 'the secret read' });
  });
});
