// `pocket status` as a cockpit in a real terminal: the built CLI running in a tmux pane (its own -L server), a real
// daemon against the embedded Bot API, a session that starts waiting at a question. The question must be written to
// the cockpit's terminal within 200 ms of the daemon's event saying so (seen through a tmux control-mode client), and
// then be on its screen (capture-pane); the clock starts at the event's own timestamp (the daemon's Date.now, same
// machine), and every wait is on an event or a condition, never a sleep.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { connectIpc, type IpcClient } from '../../src/daemon/ipc/client.js';
import type { WireSessionEvent } from '../../src/daemon/ipc/protocol.js';
import { homePaths } from '../../src/state/paths.js';
import { type BotRig, rigForFile } from '../helpers/bot-rig.js';
import { BIN, eventually } from '../helpers/pocket.js';
import { startTestTmux, type TestTmux } from '../helpers/tmux.js';

let rig: BotRig;
rigForFile((r) => {
  rig = r;
});

let viewer: TestTmux | undefined;
let client: IpcClient | undefined;
afterEach(async () => {
  client?.close();
  await viewer?.cleanup();
});

/**
 * Resolves when the cockpit's terminal has been written `text` (at that moment, epoch ms): a tmux control-mode client
 * on the viewer's server (read-only, its size ignored) reports the pane's output as tmux receives it, so the time is
 * the write's, not the end of a capture-pane process started some time after.
 */
function writtenAt(tmux: TestTmux, text: string): { at: Promise<number>; stop: () => void } {
  const env = { ...process.env };
  delete env.TMUX;
  const control = spawn('tmux', ['-L', tmux.socket, '-f', '/dev/null', '-C', 'attach', '-f', 'ignore-size,read-only', '-t', 'cockpit'], {
    env, stdio: ['pipe', 'pipe', 'ignore'],
  });
  let seen = '';
  let pending = '';
  const at = new Promise<number>((resolve) => {
    control.stdout.setEncoding('latin1').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('%output ')) continue;
        // %output %PANE DATA, DATA with bytes under 32 and the backslash as \ooo octal.
        seen = (seen + line.slice(line.indexOf(' ', 8) + 1).replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))).slice(-65_536);
        if (seen.includes(text)) resolve(Date.now());
      }
    });
  });
  return { at, stop: () => control.kill() };
}

/** Captures the cockpit's pane until `check` passes; returns when the capture that passed had returned (ms epoch). */
async function shownAt(tmux: TestTmux, check: (screen: string) => boolean, timeoutMs = 10_000): Promise<{ at: number; screen: string }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const screen = await tmux.raw(['capture-pane', '-p', '-t', 'cockpit']);
    const at = Date.now();
    if (check(screen)) return { at, screen };
    if (at > end) throw new Error(`the cockpit never showed it; last screen:\n${screen}`);
  }
}

it('shows the question a session waits at within 200 ms of the daemon\'s event, in a real terminal', { timeout: 60_000 }, async () => {
  rig.say('/new asker');
  const asker = await eventually(async () => (await rig.sessions()).find((s) => s.name === 'asker'), { what: 'the session asker' });
  // The shell's prompt first, so that the command is typed into an idle shell whatever the load: its question comes
  // before the typing call returns, which the daemon once let by (a CI run; ActivityTracker.input's typedAt).
  await rig.paneShows('asker', /[$#] $/, 30_000);

  viewer = await startTestTmux();
  // The built CLI as a user runs it, in a 120x40 terminal; the home is the rig daemon's.
  await viewer.raw(['new-session', '-d', '-s', 'cockpit', '-x', '120', '-y', '40', `POCKET_HOME='${rig.h.home}' exec '${process.execPath}' '${BIN}' status`]);
  await shownAt(viewer, (screen) => /› asker\s/.test(screen) && screen.includes('alerts on'));

  client = await connectIpc(homePaths(rig.h.home).socket);
  let receivedAt = 0;
  const waiting = new Promise<WireSessionEvent>((resolve) => {
    void client?.events((event) => {
      receivedAt = Date.now();
      if (event.sessionId === asker.id && event.type === 'state' && event.state === 'waiting') resolve(event);
    }, () => {});
  });
  // The echoed command holds the same words: the detail pane's question line is what is waited for.
  const written = writtenAt(viewer, 'waiting: Overwrite config.yaml? [y/N]');
  try {
    rig.say(`/send asker read -p 'Overwrite config.yaml? [y/N] ' answer`);
    // Should the state never come, the failure says what the pane showed (the line run or not, its question or not).
    let timer: NodeJS.Timeout | undefined;
    const event = await Promise.race([
      waiting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          void rig.capture('asker').then((pane) => reject(new Error(`no waiting state within 30 s; the pane shows:\n${pane}`)), reject);
        }, 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const writtenMs = (await written.at) - event.at;
    const seen = await shownAt(viewer, (screen) => screen.includes('waiting: Overwrite config.yaml? [y/N]'));
    console.log(`cockpit: question written to the terminal ${writtenMs} ms after the daemon's event (which reached this test after ${receivedAt - event.at} ms); capture-pane showed it ${seen.at - event.at} ms after`);
    expect(writtenMs).toBeLessThan(200);
  } finally {
    written.stop();
  }
  expect((await shownAt(viewer, (screen) => screen.includes('waiting: Overwrite'))).screen).toMatch(/answers: \[[^\]]+\]/);
  // The table follows with the next snapshot (the daemon sends those at most every 100 ms).
  await shownAt(viewer, (screen) => /› asker\s.*waiting/.test(screen));
});

it('Enter attaches to the session in this terminal (tmux nested, the cockpit gone meanwhile) and detaching brings the cockpit back; k then y kills it, audited as the local user', { timeout: 60_000 }, async () => {
  rig.say('/new target');
  await eventually(async () => (await rig.sessions()).find((s) => s.name === 'target'), { what: 'the session target' });
  await rig.paneShows('target', /\$ $|# $/);
  await rig.tmux('send-keys', '-t', 'target', '-l', 'echo MARK-IN-TARGET');
  await rig.tmux('send-keys', '-t', 'target', 'Enter');
  await rig.paneShows('target', /^MARK-IN-TARGET$/m);

  viewer = await startTestTmux();
  await viewer.raw(['new-session', '-d', '-s', 'cockpit', '-x', '120', '-y', '40', `POCKET_HOME='${rig.h.home}' exec '${process.execPath}' '${BIN}' status`]);
  await shownAt(viewer, (screen) => screen.includes('target') && screen.includes('Enter attach'));
  // Select target (the sessions are in creation order: asker first).
  await viewer.raw(['send-keys', '-t', 'cockpit', '/']);
  await shownAt(viewer, (screen) => screen.includes('Enter keep'));
  await viewer.raw(['send-keys', '-t', 'cockpit', '-l', 'target']);
  await viewer.raw(['send-keys', '-t', 'cockpit', 'Enter']);
  await shownAt(viewer, (screen) => /› target\s/.test(screen) && screen.includes('Enter attach'));

  await viewer.raw(['send-keys', '-t', 'cockpit', 'Enter']);
  // The cockpit's terminal now shows the session's pane, through a tmux client of pocket's server.
  const attached = (screen: string) => /^MARK-IN-TARGET$/m.test(screen) && !screen.includes('Enter attach');
  // Under a fully loaded suite the Enter was once not acted on (the cockpit still drawn 10 s later; not seen in
  // runs of this file alone): pressed once more then, which an attached shell takes as an empty line.
  const terminal = viewer;
  await shownAt(terminal, attached, 5_000).catch(async () => {
    await terminal.raw(['send-keys', '-t', 'cockpit', 'Enter']);
    await shownAt(terminal, attached, 15_000);
  });
  // Keys go to that client once pocket's server lists it (before, they would reach the cockpit's terminal unread).
  await eventually(async () => (await rig.tmux('list-clients', '-F', '#{client_session}')).split('\n').includes('target'), { what: 'the nested client' });
  // Detach, as the person's prefix + d would (sent as keys, the nested client sometimes had not read them yet): the
  // cockpit draws itself again, the filter kept.
  await rig.tmux('detach-client', '-s', 'target');
  await shownAt(viewer, (screen) => /› target\s/.test(screen) && screen.includes('Enter attach'), 20_000);

  await viewer.raw(['send-keys', '-t', 'cockpit', 'k']);
  await shownAt(viewer, (screen) => screen.includes('kill target? y to confirm'));
  await viewer.raw(['send-keys', '-t', 'cockpit', 'y']);
  await shownAt(viewer, (screen) => screen.includes('killed target'));
  await eventually(async () => !(await rig.sessions()).some((s) => s.name === 'target'), { what: 'target to be gone' });
  const audit = readFileSync(join(rig.h.home, 'logs', 'audit.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(audit.at(-1)).toMatchObject({ action: 'kill', outcome: 'ok', origin: 'local', userName: userInfo().username, session: 'target' });
});
