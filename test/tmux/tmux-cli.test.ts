import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_KEYS, type SpecialKey } from '../../src/core/ports.js';
import { createTmuxCli } from '../../src/tmux/tmux-cli.js';
import { markerBase } from '../../src/tmux/pipe-command.js';
import { type TestTmux, readPaneLog, startTestTmux, waitFor } from '../helpers/tmux.js';

// Reads the tty raw (no line editing, no 4095-byte canonical limit) and appends each line, hex-encoded, to a file.
const ECHO_PROGRAM = `
const fs = require('node:fs');
const out = process.argv[2];
process.stdin.setRawMode(true);
let buf = Buffer.alloc(0);
process.stdin.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  let i;
  while ((i = buf.indexOf(13)) >= 0) {
    fs.appendFileSync(out, buf.subarray(0, i).toString('hex') + '\\n');
    buf = buf.subarray(i + 1);
  }
});
fs.writeFileSync(out + '.ready', '');
`;

let t: TestTmux;
beforeAll(async () => {
  t = await startTestTmux({ enterDelayMs: 30 });
});
afterAll(async () => {
  await t.cleanup();
});

async function startEcho(name: string) {
  const script = path.join(t.dir, 'echo.cjs');
  const out = path.join(t.dir, `${name}.out`);
  await writeFile(script, ECHO_PROGRAM);
  const pane = await t.tmux.newSession({ name, command: `node ${script} ${out}` });
  await waitFor(() => existsSync(`${out}.ready`), { what: 'echo program' });
  const lines = async () => (existsSync(out) ? (await readFile(out, 'utf8')).split('\n').slice(0, -1) : []);
  return { pane, lines };
}

describe('createTmuxCli on a real tmux server', () => {
  it('lists nothing when no server runs yet', async () => {
    const fresh = createTmuxCli({ socket: `${t.socket}-none`, configFile: '/dev/null' });
    expect(await fresh.listPanes()).toEqual([]);
    expect(await fresh.pane('%0')).toBeNull();
  });

  it('delivers an input corpus byte for byte and runs nothing in it', async () => {
    const touched = [path.join(t.dir, 'dollar'), path.join(t.dir, 'tick'), path.join(t.dir, 'hash')];
    const corpus = [
      `it's "quoted"`,
      "'single'",
      '"double"',
      `$(touch ${touched[0]})`,
      `\`touch ${touched[1]}\``,
      `#(touch ${touched[2]}) #{pane_id} %Y`,
      ';',
      'trailing;',
      ';;',
      '-',
      '--',
      '-l',
      '--help',
      '\\',
      '\\;',
      'a\\\\;',
      'unicode: héllo wörld Ω а',
      'emoji: 🎉👩‍💻',
      '   spaces   ',
      '',
      'a'.repeat(3000),
      `${'é'.repeat(2500)}x${'🎉'.repeat(2000)};`,
    ];
    const { pane, lines } = await startEcho('corpus');
    for (const text of corpus) await t.tmux.sendText(pane.paneId, text);
    const got = await waitFor(async () => {
      const l = await lines();
      return l.length >= corpus.length && l;
    }, { what: 'all corpus lines' });
    expect(got.map((hex) => Buffer.from(hex, 'hex').toString('utf8'))).toEqual(corpus);
    for (const file of touched) expect(existsSync(file)).toBe(false);
  });

  it('presses allowlisted keys and single characters, and refuses anything else before sending', async () => {
    const { pane, lines } = await startEcho('keys');
    await t.tmux.sendKeys(pane.paneId, ['x', ';', ' ', 'é', 'Tab', 'C-c', 'Enter']);
    await waitFor(async () => (await lines()).length === 1, { what: 'keys line' });
    expect(await lines()).toEqual(['783b20c3a90903']);
    for (const bad of [['C-x'], ['ab'], ['\n'], ['\x1b'], [''], ['Enter', 'send-keys']]) {
      await expect(t.tmux.sendKeys(pane.paneId, bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    await t.tmux.sendKeys(pane.paneId, ['y', 'Enter']);
    await waitFor(async () => (await lines()).length === 2, { what: 'second keys line' });
    expect((await lines())[1]).toBe('79');
  });

  it('presses every key PRODUCT.md names as that key: what the pane reads is the key, never its name', async () => {
    // What a program in the pane reads for each key (tmux writes the sequences of its own terminal, TERM=screen).
    const received: Record<SpecialKey, string> = {
      'C-c': '03', 'C-d': '04', 'C-z': '1a', Enter: '', Esc: '1b', Tab: '09', BSpace: '7f',
      Up: '1b5b41', Down: '1b5b42', Left: '1b5b44', Right: '1b5b43',
      PageUp: '1b5b357e', PageDown: '1b5b367e', Home: '1b5b317e', End: '1b5b347e',
    };
    expect(Object.keys(received).sort()).toEqual([...SPECIAL_KEYS].sort());
    const { pane, lines } = await startEcho('named-keys');
    const keys = SPECIAL_KEYS.filter((key) => key !== 'Enter');
    for (const key of keys) await t.tmux.sendKeys(pane.paneId, [key, 'Enter']);
    const got = await waitFor(async () => {
      const l = await lines();
      return l.length >= keys.length && l;
    }, { what: 'one line per key' });
    expect(Object.fromEntries(keys.map((key, i) => [key, got[i]]))).toEqual(Object.fromEntries(keys.map((key) => [key, received[key]])));
  });

  it('refuses control characters, newlines and broken unicode in text', async () => {
    const { pane } = await startEcho('ctl');
    for (const bad of ['a\nb', 'a\rb', 'tab\there', 'esc\x1b[2J', 'nul\x00', 'del\x7f', 'c1\x9b', '\ud800x']) {
      await expect(t.tmux.sendText(pane.paneId, bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    await expect(t.tmux.sendText('corpus', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses hostile session names: nothing runs, no session exists', async () => {
    const hostile = [
      `x#(touch ${path.join(t.dir, 'pwn')})`,
      '%Y',
      'a#{pane_id}',
      'wоrk', // Cyrillic о
      'with space',
      'dot.ted',
      'co:lon',
      'a'.repeat(33),
      '',
      '-t',
      '--help',
      '-d',
    ];
    const before = (await t.tmux.listPanes()).map((p) => p.sessionName);
    for (const name of hostile) {
      await expect(t.tmux.newSession({ name, command: 'sleep 30' })).rejects.toMatchObject({ code: 'INVALID_NAME' });
      await expect(t.tmux.killSession(name)).rejects.toMatchObject({ code: 'INVALID_NAME' });
    }
    expect((await t.tmux.listPanes()).map((p) => p.sessionName)).toEqual(before);
    expect(await readdir(t.dir)).not.toContain('pwn');
  });

  it('reports pane facts, refuses a duplicate name, kills', async () => {
    const pane = await t.tmux.newSession({ name: 'facts', command: 'sleep 30', cwd: t.dir, width: 91, height: 17 });
    expect(pane).toMatchObject({ sessionName: 'facts', width: 91, height: 17, dead: false, exitCode: null });
    expect(pane.cwd).toBe(t.dir);
    expect(pane.startCommand).toBe('sleep 30');
    expect(await t.tmux.pane(`facts:${pane.windowIndex}.${pane.paneIndex}`)).toMatchObject({ paneId: pane.paneId });
    expect((await t.tmux.listPanes()).some((p) => p.paneId === pane.paneId)).toBe(true);
    await expect(t.tmux.newSession({ name: 'facts' })).rejects.toMatchObject({ code: 'SESSION_EXISTS' });
    await t.tmux.killPane(pane.paneId);
    expect(await t.tmux.pane(pane.paneId)).toBeNull();
    await t.tmux.killPane(pane.paneId);
    await t.tmux.killSession('facts');
  });

  /** A client on the test server whose tmux runs are counted (a wrapper script as its tmux binary). */
  async function countedTmux(name: string, options: { paneBatchMs?: number } = {}) {
    const calls = path.join(t.dir, `${name}.calls`);
    const counting = path.join(t.dir, `${name}-tmux`);
    await writeFile(counting, `#!/bin/sh\necho "$1" >> '${calls}'\nexec tmux "$@"\n`, { mode: 0o755 });
    const tmux = createTmuxCli({ socket: t.socket, configFile: '/dev/null', bin: counting, ...options });
    const count = async () => (existsSync(calls) ? (await readFile(calls, 'utf8')).split('\n').filter(Boolean) : []);
    return { tmux, calls: count };
  }

  it('starts a piped, marked session with one tmux call and returns its full record', async () => {
    const { tmux: counted, calls } = await countedTmux('one');
    const pane = await counted.newSession({ name: 'one', command: 'sleep 30', cwd: t.dir, pipeFile: path.join(t.dir, 'one.log'), mark: 'm1' });
    expect(await calls()).toHaveLength(1);
    const queried = await t.tmux.pane(pane.paneId);
    const stable = ({ paneId, sessionName, windowIndex, paneIndex, target, width, height, pid, cwd, startCommand, piped, mark }: NonNullable<typeof queried>) =>
      ({ paneId, sessionName, windowIndex, paneIndex, target, width, height, pid, cwd, startCommand, piped, mark });
    expect(stable(pane)).toEqual(stable(queried!));
    expect(pane).toMatchObject({ sessionName: 'one', dead: false, exitCode: null, piped: true, mark: 'm1', startCommand: 'sleep 30' });
    await t.tmux.killSession('one');
  });

  it('answers every paneSoon asked within the window with one list-panes', async () => {
    const live = await t.tmux.newSession({ name: 'soon-live', command: 'sleep 30' });
    const died = await t.tmux.newSession({ name: 'soon-died', command: "sh -c 'exit 4'" });
    await waitFor(async () => (await t.tmux.pane(died.paneId))?.exitCode === 4, { what: 'dead pane' });
    const { tmux: counted, calls } = await countedTmux('soon', { paneBatchMs: 50 });
    const answers = await Promise.all([counted.paneSoon(live.paneId), counted.paneSoon(died.paneId), counted.paneSoon(live.paneId), counted.paneSoon('%99999')]);
    expect(answers.map((p) => p && { paneId: p.paneId, dead: p.dead, exitCode: p.exitCode })).toEqual([
      { paneId: live.paneId, dead: false, exitCode: null },
      { paneId: died.paneId, dead: true, exitCode: 4 },
      { paneId: live.paneId, dead: false, exitCode: null },
      null,
    ]);
    expect(await calls()).toEqual(['-L']);
    await expect(counted.paneSoon('work:1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await t.tmux.killSession('soon-live');
    await t.tmux.killSession('soon-died');
  });

  it('keeps the exit status and the first output of a command that exits at once', async () => {
    const log = path.join(t.dir, 'die.log');
    const pane = await t.tmux.newSession({ name: 'die', command: "sh -c 'echo bye; exit 3'", pipeFile: log });
    expect(pane.piped).toBe(true);
    await waitFor(async () => (await t.tmux.pane(pane.paneId))?.dead, { what: 'dead pane' });
    expect(await t.tmux.pane(pane.paneId)).toMatchObject({ dead: true, exitCode: 3 });
    expect(await readPaneLog(log)).toContain('bye');
    const killed = await t.tmux.newSession({ name: 'sig', command: "sh -c 'kill -TERM $$'" });
    await waitFor(async () => (await t.tmux.pane(killed.paneId))?.dead, { what: 'signalled pane' });
    expect((await t.tmux.pane(killed.paneId))?.exitCode).toBe(128 + 15);
  });

  it('runs an argv as data: no shell line, no format expansion, separators and dashes stay arguments', async () => {
    const log = path.join(t.dir, 'argv.log');
    const pwn = path.join(t.dir, 'argv-pwn');
    // What /shell passes: the program, -lc, and the user's text as one argument.
    const text = `printf '%s|' "#{pane_id}" "#(touch ${pwn})" '\\;' ';' -t --; echo; exit 4;`;
    const pane = await t.tmux.newSession({ name: 'argv', argv: ['/bin/sh', '-c', text], pipeFile: log });
    await waitFor(async () => (await t.tmux.pane(pane.paneId))?.dead, { what: 'argv pane to exit' });
    expect((await t.tmux.pane(pane.paneId))?.exitCode).toBe(4);
    expect(await readPaneLog(log)).toContain('#{pane_id}|#(touch');
    expect(await readPaneLog(log)).toContain("|\\;|;|-t|--|");
    expect(existsSync(pwn)).toBe(false);
    await expect(t.tmux.newSession({ name: 'nul', argv: ['/bin/sh', '-c', 'echo \0'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('takes a command that starts with a dash as the command, never as a new-session option', async () => {
    const dir = path.join(t.dir, 'not-here');
    // Without `--`, tmux read `-c DIR` as the start directory and `-d` as detach.
    for (const [name, command] of [['dash-c', `-c ${dir}`], ['dash-d', '-d'], ['dash-e', '-e X=1 true']] as const) {
      const pane = await t.tmux.newSession({ name, command });
      expect(pane.cwd).not.toBe(dir);
      await waitFor(async () => (await t.tmux.pane(pane.paneId))?.dead, { what: `${name} to fail as a command` });
      // sh -c '-d': "Illegal option" or "not found": a failure of the command, exit code not 0.
      expect((await t.tmux.pane(pane.paneId))?.exitCode).not.toBe(0);
    }
  });

  it('refuses targets that start with a dash', async () => {
    for (const target of ['-t', '--', '-a:0.0']) {
      await expect(t.tmux.pane(target)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('ensurePipe is idempotent and replace swaps the pipe', async () => {
    const log = path.join(t.dir, 'pipe.log');
    const pane = await t.tmux.newSession({ name: 'pipe', command: 'cat' });
    await t.tmux.ensurePipe(pane.paneId, log);
    await t.tmux.ensurePipe(pane.paneId, log);
    expect((await t.tmux.pane(pane.paneId))?.piped).toBe(true);
    await t.tmux.sendText(pane.paneId, 'once');
    await waitFor(async () => (await readPaneLog(log)).split('once').length === 3, { what: 'echo and output' });
    await t.tmux.ensurePipe(pane.paneId, log, { replace: true });
    await waitFor(() => existsSync(`${markerBase(log)}.closed`), { what: 'old pipe closed marker' });
    expect((await t.tmux.pane(pane.paneId))?.piped).toBe(true);
    await t.tmux.sendText(pane.paneId, 'twice');
    await waitFor(async () => (await readPaneLog(log)).split('twice').length === 3, { what: 'output after replace' });
    await expect(t.tmux.ensurePipe(pane.paneId, "/tmp/it's")).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(t.tmux.ensurePipe(pane.paneId, 'relative.log')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('captures the screen, with escapes on request', async () => {
    const pane = await t.tmux.newSession({ name: 'cap', command: "printf '\\033[31mred\\033[0m plain\\n'; sleep 30" });
    const plain = await waitFor(async () => {
      const s = await t.tmux.capture(pane.paneId);
      return s.includes('red plain') && s;
    }, { what: 'capture' });
    expect(plain).not.toContain('\x1b');
    expect(await t.tmux.capture(pane.paneId, { ansi: true, history: true })).toContain('\x1b[31mred');
  });
});

describe('pane identity marks', () => {
  it('sets a mark with the session, reads it back, changes and clears it; hostile text stays data', async () => {
    const hostile = `{"id":"s9","name":"#(touch ${path.join(t.dir, 'marked')}) $(x) 'q' \\"}`;
    const pane = await t.tmux.newSession({ name: 'marked', command: 'sleep 30', mark: 'first;' });
    expect(pane.mark).toBe('first;');
    await t.tmux.setMark(pane.paneId, hostile);
    expect((await t.tmux.pane(pane.paneId))?.mark).toBe(hostile);
    expect((await t.tmux.listPanes()).find((p) => p.paneId === pane.paneId)?.mark).toBe(hostile);
    expect(existsSync(path.join(t.dir, 'marked'))).toBe(false);
    await t.tmux.setMark(pane.paneId, null);
    expect((await t.tmux.pane(pane.paneId))?.mark).toBeNull();
    await expect(t.tmux.setMark(pane.paneId, 'a\nb')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await t.tmux.killSession('marked');
  });

  it('a new tmux server reuses pane ids but not marks', async () => {
    const other = await startTestTmux();
    try {
      const first = await other.tmux.newSession({ name: 'r1', command: 'sleep 30', mark: 'pocket-r1' });
      await other.raw(['kill-server']);
      // The old server may still be exiting on its socket ("server exited unexpectedly"): wait until none answers.
      await waitFor(async () => (await other.tmux.listPanes()).length === 0, { what: 'the old server gone' });
      const mine = await other.tmux.newSession({ name: 'mine', command: 'sleep 30' });
      expect(mine.paneId).toBe(first.paneId);
      expect(mine.mark).toBeNull();
    } finally {
      await other.cleanup();
    }
  });
});

describe('tmux failures', () => {
  it('times out a send that never returns and kills the client', async () => {
    const fake = path.join(t.dir, 'stuck-tmux');
    await writeFile(fake, `#!/bin/sh\necho $$ > ${fake}.pid\nexec sleep 30\n`, { mode: 0o755 });
    const tmux = createTmuxCli({ bin: fake, timeoutMs: 300 });
    await expect(tmux.sendText('%1', 'hello', { enter: false })).rejects.toMatchObject({
      code: 'TMUX_TIMEOUT',
      subcommand: 'send-keys',
    });
    const pid = (await readFile(`${fake}.pid`, 'utf8')).trim();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('says TMUX_MISSING when tmux is not installed, TMUX_FAILED with stderr otherwise', async () => {
    await expect(createTmuxCli({ bin: path.join(t.dir, 'no-such-tmux') }).listPanes()).rejects.toMatchObject({
      code: 'TMUX_MISSING',
    });
    await t.tmux.newSession({ name: 'fail', command: 'sleep 30' });
    await expect(t.tmux.capture('%999999')).rejects.toMatchObject({ code: 'TMUX_FAILED', subcommand: 'capture-pane' });
  });
});
