import { type FSWatcher, statSync, watch } from 'node:fs';
import { appendFile, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FSWatcher as ChokidarWatcher, watch as chokidarWatch } from 'chokidar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PaneEventReason, PaneLogTail, type PaneLogTailOptions, type TailPosition } from '../../src/tmux/pane-log.js';
import { createTmuxCli } from '../../src/tmux/tmux-cli.js';
import { type TestTmux, startTestTmux, waitFor } from '../helpers/tmux.js';

let t: TestTmux;
const tails: PaneLogTail[] = [];
beforeAll(async () => {
  t = await startTestTmux();
});
afterAll(async () => {
  await Promise.all(tails.map((tail) => tail.close()));
  await t.cleanup();
});

async function makeTail(options: Partial<PaneLogTailOptions> = {}) {
  const tail = await PaneLogTail.create({
    dir: t.dir,
    repipe: (id, file) => t.tmux.ensurePipe(id, file, { replace: true }),
    quietMs: 0,
    ...options,
  });
  tails.push(tail);
  return tail;
}

/** The numbers printed in a pane's output (terminal lines end in \r\n). */
function numbers(bytes: Buffer): number[] {
  return bytes
    .toString('latin1')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map(Number);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Counts 1..to in the pane; with a gate, stops after `pause` until the gate file exists. */
function counter(to: number, pause = to, gate = '/nonexistent') {
  return `sh -c 'i=0; while [ $i -lt ${pause} ]; do i=$((i+1)); echo $i; done; while [ ! -e ${gate} ]; do sleep 0.05; done; while [ $i -lt ${to} ]; do i=$((i+1)); echo $i; done; exec sleep 60'`;
}

describe('PaneLogTail on real pipe-pane logs', () => {
  it('resumes from the saved position after a stop mid-stream: no repeat, no gap', async () => {
    const log = path.join(t.dir, 'resume.log');
    const gate = path.join(t.dir, 'resume.gate');
    const pane = await t.tmux.newSession({ name: 'resume', command: counter(6000, 3000, gate), pipeFile: log });
    let saved: TailPosition = { file: '', offset: 0 };
    const seen: Buffer[] = [];
    const first = await makeTail();
    await first.follow(pane.paneId, log, {
      onData(bytes, position) {
        seen.push(Buffer.from(bytes));
        saved = position;
      },
    });
    await waitFor(() => saved.offset > 1000, { what: 'some output' });
    await first.close();
    const firstPart = Buffer.concat(seen);
    expect(firstPart.length).toBe(saved.offset);
    expect(saved.file).toMatch(/^resume\.log\.\d{15}\.aaaaaa$/);
    await writeFile(gate, '');

    const rest: Buffer[] = [];
    const second = await makeTail();
    await second.follow(pane.paneId, log, {
      position: saved,
      onData(bytes, position) {
        rest.push(Buffer.from(bytes));
        saved = position;
      },
    });
    await waitFor(() => numbers(Buffer.concat([firstPart, ...rest])).at(-1) === 6000, { what: 'line 6000' });
    expect(numbers(Buffer.concat([firstPart, ...rest]))).toEqual(range(1, 6000));
  });

  it('re-attaches a removed log: output written after the removal still arrives', async () => {
    const log = path.join(t.dir, 'gone.log');
    const pane = await t.tmux.newSession({ name: 'gone', command: 'cat', pipeFile: log });
    let text = '';
    const missing: string[] = [];
    const tail = await makeTail({ onMissing: (id) => missing.push(id) });
    await tail.follow(pane.paneId, log, {
      onData: (bytes) => {
        text += bytes.toString();
      },
    });
    await t.tmux.sendText(pane.paneId, 'before-removal');
    await waitFor(() => text.split('before-removal').length === 3, { what: 'echo and output before removal' });
    const before = (await readdir(t.dir)).filter((n) => n.startsWith('gone.log.'));
    expect(before).toHaveLength(1);
    await unlink(path.join(t.dir, before[0]!));
    await t.tmux.sendText(pane.paneId, 'right-after-removal');
    await waitFor(() => missing.length === 1, { what: 'onMissing' });
    await t.tmux.sendText(pane.paneId, 'after-reattach');
    await waitFor(() => text.includes('after-reattach\r\nafter-reattach'), { what: 'output after re-attach' });
    expect(text.split('right-after-removal').length).toBe(3);
    expect(missing).toEqual([pane.paneId]);
  });

  it('rotates under a flood without losing a byte and keeps the files bounded', async () => {
    const log = path.join(t.dir, 'flood.log');
    const gate = path.join(t.dir, 'flood.gate');
    const cap = 1024 * 1024;
    const total = 400_000; // about 2.8 MB on the terminal
    const tmux = createTmuxCli({ socket: t.socket, configFile: '/dev/null', logChunkBytes: cap });
    const pane = await tmux.newSession({ name: 'flood', command: counter(total, 0, gate), pipeFile: log });
    const files = new Set<string>();
    let largest = 0;
    let mostFiles = 0;
    const chunks: Buffer[] = [];
    const tail = await makeTail();
    await tail.follow(pane.paneId, log, {
      async onData(bytes, position) {
        chunks.push(Buffer.from(bytes));
        files.add(position.file);
        const names = (await readdir(t.dir)).filter((n) => n.startsWith('flood.log.'));
        mostFiles = Math.max(mostFiles, names.length);
        for (const n of names) largest = Math.max(largest, statSync(path.join(t.dir, n), { throwIfNoEntry: false })?.size ?? 0);
      },
    });
    await writeFile(gate, '');
    await waitFor(() => numbers(Buffer.concat(chunks)).at(-1) === total, { what: `line ${total}`, timeoutMs: 60_000 });
    expect(numbers(Buffer.concat(chunks))).toEqual(range(1, total));
    expect(files.size).toBeGreaterThanOrEqual(3);
    expect(largest).toBeLessThanOrEqual(cap);
    expect(mostFiles).toBeLessThanOrEqual(4);
    await waitFor(async () => (await readdir(t.dir)).filter((n) => n.startsWith('flood.log.')).length === 1, {
      what: 'read files deleted',
    });
  }, 90_000);

  it.each([
    ['exits at once', "sh -c 'echo bye; exit 3'", 3],
    ['is silent, then exits', "sh -c 'sleep 0.2; exit 7'", 7],
  ])('reports a pane that %s as dead with its exit code through the event path', async (_, command, code) => {
    const name = `dead${code}`;
    const log = path.join(t.dir, `${name}.log`);
    const events: string[] = [];
    let exitCode: number | null = null;
    const tail = await makeTail({
      quietMs: 1_000,
      onPaneEvent: async (id, reason) => {
        const info = await t.tmux.pane(id);
        events.push(`${reason}:${info?.dead}:${info?.exitCode}`);
        if (info?.dead) exitCode = info.exitCode;
      },
    });
    const pane = await t.tmux.newSession({ name, command, pipeFile: log });
    await tail.follow(pane.paneId, log, { onData: () => {} });
    await waitFor(() => exitCode !== null, { what: 'exit code via pane event' }).catch(async (e) => {
      throw new Error(`events: ${events.join(' ')} ${JSON.stringify(await t.tmux.pane(pane.paneId))} ${(await readdir(t.dir)).join(',')} ${await readFile(`/proc/${pane.pid}/stat`, 'utf8').catch(() => 'gone')}`, { cause: e });
    });
    expect(exitCode).toBe(code);
    expect(events.some((e) => e.startsWith('died') || e.startsWith('quiet'))).toBe(true);
  });

  it('reports a killed pane (pipe closed) and output that went quiet', async () => {
    const log = path.join(t.dir, 'killed.log');
    const events: PaneEventReason[] = [];
    const tail = await makeTail({ quietMs: 100, onPaneEvent: (_, reason) => events.push(reason) });
    const pane = await t.tmux.newSession({ name: 'killed', command: 'cat', pipeFile: log });
    await tail.follow(pane.paneId, log, { onData: () => {} });
    await t.tmux.sendText(pane.paneId, 'hello');
    await waitFor(() => events.includes('quiet'), { what: 'quiet event' });
    await t.tmux.killPane(pane.paneId);
    await waitFor(() => events.includes('pipe-closed'), { what: 'pipe-closed event' });
  });
});

describe('PaneLogTail fairness', () => {
  it('hands the event loop back between reads of a long backlog', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pocket-tail-'));
    const total = 4 * 1024 * 1024;
    await writeFile(path.join(dir, 'p.log.000000000000001.aaaaaa'), Buffer.alloc(total, 0x61));
    const tail = await PaneLogTail.create({ dir, repipe: async () => {}, quietMs: 0, readBytes: 64 * 1024 });
    let received = 0;
    let receivedWhenOthersRan = -1;
    const done = new Promise<void>((resolve) => {
      void tail.follow('%1', path.join(dir, 'p.log'), {
        onData: (bytes) => {
          // Something else the loop has to do (another pane's event, an IPC write), queued behind the first read.
          if (received === 0) setImmediate(() => (receivedWhenOthersRan = received));
          received += bytes.length;
          if (received === total) resolve();
        },
      });
    });
    await done;
    await tail.close();
    await rm(dir, { recursive: true, force: true });
    expect(receivedWhenOthersRan).toBeGreaterThan(0);
    expect(receivedWhenOthersRan).toBeLessThan(total);
  });
});

describe('PaneLogTail when a directory watcher dies', () => {
  /** Real watchers, recorded so the test can kill one the way node does on a watcher error: closed, then 'error'. */
  function recordingWatchers() {
    const made = { chunks: [] as FSWatcher[], markers: [] as ChokidarWatcher[] };
    let refuse = false;
    const watchers = {
      chunks(dir: string, listener: (event: string, name: string | null) => void) {
        if (refuse) throw Object.assign(new Error('inotify watch limit reached (simulated)'), { code: 'ENOSPC' });
        const w = watch(dir, listener);
        made.chunks.push(w);
        return w;
      },
      markers(dir: string) {
        const w = chokidarWatch(dir, { depth: 0, ignoreInitial: true });
        made.markers.push(w);
        return w;
      },
    };
    const setRefuse = (value: boolean): void => {
      refuse = value;
    };
    return { made, watchers, setRefuse };
  }

  it('logs a dead chunk watcher, re-watches, and delivers every line exactly once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pocket-tail-'));
    const chunk = path.join(dir, 'p.log.000000000000001.aaaaaa');
    await writeFile(chunk, '');
    const { made, watchers, setRefuse } = recordingWatchers();
    const errors: string[] = [];
    const tail = await PaneLogTail.create({
      dir,
      repipe: async () => {},
      quietMs: 0,
      rewatchMs: 20,
      watchers,
      onWatcherError: (kind, error, paneIds) => errors.push(`${kind}:${paneIds.join(',')}:${(error as Error).message}`),
    });
    let text = '';
    await tail.follow('%7', path.join(dir, 'p.log'), {
      onData: (bytes) => {
        text += bytes.toString();
      },
    });
    await appendFile(chunk, 'one\n');
    await waitFor(() => text === 'one\n', { what: 'first line' });

    // The watcher dies, and re-creating it fails once (as under a full inotify table) before it succeeds.
    setRefuse(true);
    made.chunks[0]!.close();
    made.chunks[0]!.emit('error', new Error('watcher died (simulated)'));
    await appendFile(chunk, 'two\n');
    await waitFor(() => errors.length >= 2, { what: 'the failed re-watch reported' });
    setRefuse(false);
    await waitFor(() => made.chunks.length === 2, { what: 'a new watcher' });
    await waitFor(() => text === 'one\ntwo\n', { what: 'the line written while nothing watched' });
    await appendFile(chunk, 'three\n');
    await waitFor(() => text.includes('three'), { what: 'a line after the re-watch' });

    await tail.close();
    await rm(dir, { recursive: true, force: true });
    expect(text).toBe('one\ntwo\nthree\n');
    expect(errors[0]).toBe('chunks:%7:watcher died (simulated)');
    expect(errors[1]).toBe('chunks:%7:inotify watch limit reached (simulated)');
  });

  it('logs a dead marker watcher, re-watches, and still reports a death marker', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pocket-tail-'));
    const { made, watchers } = recordingWatchers();
    const errors: string[] = [];
    const events: PaneEventReason[] = [];
    const tail = await PaneLogTail.create({
      dir,
      repipe: async () => {},
      quietMs: 0,
      rewatchMs: 20,
      watchers,
      onPaneEvent: (_, reason) => events.push(reason),
      onWatcherError: (kind, error, paneIds) => errors.push(`${kind}:${paneIds.join(',')}:${(error as Error).message}`),
    });
    await tail.follow('%8', path.join(dir, 'q.log'), { onData: () => {} });

    // chokidar drops its listeners on close, so the error comes first; the tail closes the failed watcher itself.
    made.markers[0]!.emit('error', new Error('marker watcher died (simulated)'));
    expect(made.markers[0]!.closed).toBe(true);
    await waitFor(() => made.markers.length === 2, { what: 'a new marker watcher' });
    await waitFor(() => made.markers[1]!.getWatched()[path.join(dir, 'markers')] !== undefined, { what: 'it watching' });
    await writeFile(path.join(dir, 'markers', 'q.log.died'), '');
    await waitFor(() => events.includes('died'), { what: 'the death marker reported' });

    await tail.close();
    await rm(dir, { recursive: true, force: true });
    expect(events).toEqual(['died']);
    expect(errors).toEqual(['markers:%8:marker watcher died (simulated)']);
  });
});
