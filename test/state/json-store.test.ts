import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Logger } from '../../src/core/ports.js';
import { jsonStore, type JsonStoreOptions } from '../../src/state/json-store.js';

const schema = z.object({ n: z.number().int() });
type Value = z.output<typeof schema>;

/** A logger that keeps what it was told. */
function recordingLogger(): Logger & { lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => lines.push({ level, event, fields });
  const log = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

/** The real atomic write, with every call recorded and any call held until released. */
function gatedWriter() {
  const started: string[] = [];
  const finished: string[] = [];
  const held = new Map<number, () => void>();
  const arrived: Array<() => void> = [];
  let holdNext = false;
  const writeFile = async (path: string, text: string): Promise<void> => {
    const call = started.length;
    started.push(text);
    for (const wake of arrived.splice(0)) wake();
    if (holdNext) {
      holdNext = false;
      await new Promise<void>((resolve) => held.set(call, resolve));
    }
    await writeFileAtomic(path, text, { mode: 0o600 });
    finished.push(text);
  };
  return {
    writeFile,
    started,
    finished,
    holdNextWrite: () => {
      holdNext = true;
    },
    release: (call: number) => held.get(call)?.(),
    /** Resolves once `count` writes have started. */
    startedCount: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (started.length >= count ? resolve() : arrived.push(check));
        check();
      }),
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pocket-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(log: Logger = recordingLogger(), options: JsonStoreOptions = {}, file = join(dir, 'x.json')) {
  return jsonStore(file, schema, (): Value => ({ n: 0 }), log, options);
}

const onDisk = (file = join(dir, 'x.json')): Value => JSON.parse(readFileSync(file, 'utf8')) as Value;

describe('jsonStore', () => {
  it('reads the fallback when the file is missing, and what was written after', async () => {
    const store = open();
    expect(store.read()).toEqual({ n: 0 });
    await store.write({ n: 7 });
    expect(open().read()).toEqual({ n: 7 });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
  });

  it('lands writes in the order they were asked for, one after the other', async () => {
    const writer = gatedWriter();
    const store = open(recordingLogger(), { writeFile: writer.writeFile });
    writer.holdNextWrite();
    const first = store.write({ n: 1 });
    const second = store.write({ n: 2 });
    await writer.startedCount(1);
    // The second write waits for the first, even though the first is slow.
    expect(writer.started).toHaveLength(1);
    writer.release(0);
    await Promise.all([first, second]);
    expect(writer.finished.map((text) => (JSON.parse(text) as Value).n)).toEqual([1, 2]);
    expect(onDisk()).toEqual({ n: 2 });
  });

  it('coalesces a burst of writeSoon into one write of the newest snapshot', async () => {
    const writer = gatedWriter();
    const store = open(recordingLogger(), { writeFile: writer.writeFile });
    let n = 0;
    const snapshot = (): Value => ({ n });
    for (n = 1; n <= 5; n++) store.writeSoon(snapshot);
    n = 9;
    await writer.startedCount(1);
    await store.flush();
    expect(writer.started).toHaveLength(1);
    expect(onDisk()).toEqual({ n: 9 });
  });

  it('flush writes a pending writeSoon at once and waits for it', async () => {
    const store = open(recordingLogger(), { delayMs: 60_000 });
    store.writeSoon(() => ({ n: 3 }));
    await store.flush();
    expect(onDisk()).toEqual({ n: 3 });
  });

  it('moves a corrupt file aside with a log line and reads the fallback', () => {
    const log = recordingLogger();
    writeFileSync(join(dir, 'x.json'), '{"n": "not a number"');
    expect(open(log).read()).toEqual({ n: 0 });
    const aside = readdirSync(dir).filter((name) => name.startsWith('x.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"n": "not a number"');
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', event: 'state.corrupt_moved_aside' }));
  });

  it('refuses an invalid value and keeps the file as it was', async () => {
    const store = open();
    await store.write({ n: 1 });
    await expect(store.write({ n: 1.5 })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(onDisk()).toEqual({ n: 1 });
  });

  it('rejects the awaiting caller when a write fails, and the writes after it still land', async () => {
    const file = join(dir, 'missing', 'x.json');
    const store = open(recordingLogger(), {}, file);
    await expect(store.write({ n: 1 })).rejects.toMatchObject({ code: 'ENOENT' });
    mkdirSync(join(dir, 'missing'));
    await store.write({ n: 2 });
    expect(onDisk(file)).toEqual({ n: 2 });
  });

  it('logs a failed write-behind, since no caller waits for it', async () => {
    const log = recordingLogger();
    const store = open(log, {}, join(dir, 'missing', 'x.json'));
    store.writeSoon(() => ({ n: 1 }));
    await store.flush();
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'error', event: 'state.write_failed' }));
  });

  it('close waits for the write in flight, then writes the snapshot of that moment; writeSoon after it is dropped', async () => {
    const writer = gatedWriter();
    const store = open(recordingLogger(), { writeFile: writer.writeFile });
    let n = 1;
    writer.holdNextWrite();
    const inFlight = store.write({ n });
    await writer.startedCount(1);
    const closed = store.close(() => ({ n }));
    n = 2;
    writer.release(0);
    await Promise.all([inFlight, closed]);
    expect(onDisk()).toEqual({ n: 2 });
    store.writeSoon(() => ({ n: 3 }));
    await store.flush();
    expect(onDisk()).toEqual({ n: 2 });
    expect(writer.started).toHaveLength(1);
  });
});

describe('every way a state file can be broken', () => {
  const good = JSON.stringify({ n: 1 });
  const breakages: Array<[string, (file: string) => void]> = [
    ['truncated', (file) => writeFileSync(file, good.slice(0, 4))],
    ['empty', (file) => writeFileSync(file, '')],
    ['garbage', (file) => writeFileSync(file, '\u0000\u00ff not json at all')],
    ['valid JSON of the wrong shape', (file) => writeFileSync(file, '{"n":"one"}')],
    ['a directory', (file) => mkdirSync(join(file, 'inside'), { recursive: true })],
  ];

  for (const [what, breakIt] of breakages) {
    it(`${what}: moved aside with one log line, the last good copy read back`, async () => {
      const file = join(dir, 'x.json');
      const log = recordingLogger();
      await jsonStore(file, schema, () => ({ n: 0 }), log, { backup: true }).write({ n: 7 });
      rmSync(file, { recursive: true, force: true });
      breakIt(file);
      expect(jsonStore(file, schema, () => ({ n: 0 }), log, { backup: true }).read()).toEqual({ n: 7 });
      expect(log.lines.filter((l) => l.event === 'state.corrupt_moved_aside')).toHaveLength(1);
      expect(log.lines).toContainEqual(expect.objectContaining({ event: 'state.restored_from_backup' }));
      expect(readdirSync(dir).filter((name) => name.startsWith('x.json.corrupt-'))).toHaveLength(1);
      // Without a copy: the fallback, never a throw.
      rmSync(`${file}.bak`);
      breakIt(file);
      expect(jsonStore(file, schema, () => ({ n: 0 }), log, { backup: true }).read()).toEqual({ n: 0 });
    });
  }

  it('two broken files moved aside in the same millisecond get names of their own', () => {
    const file = join(dir, 'x.json');
    const log = recordingLogger();
    vi.spyOn(Date, 'now').mockReturnValue(1_796_000_000_000);
    try {
      for (let i = 0; i < 2; i++) {
        mkdirSync(join(file, 'inner'), { recursive: true });
        expect(jsonStore(file, schema, () => ({ n: 0 }), log).read()).toEqual({ n: 0 });
      }
    } finally {
      vi.restoreAllMocks();
    }
    expect(readdirSync(dir).filter((name) => name.startsWith('x.json.corrupt-')).sort()).toEqual(['x.json.corrupt-1796000000000', 'x.json.corrupt-1796000000000-2']);
  });

  it('lost: the last good copy is read back; sync writes keep the copy too', () => {
    const file = join(dir, 'x.json');
    const log = recordingLogger();
    jsonStore(file, schema, () => ({ n: 0 }), log, { backup: true }).writeSync({ n: 3 });
    rmSync(file);
    expect(jsonStore(file, schema, () => ({ n: 0 }), log, { backup: true }).read()).toEqual({ n: 3 });
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600);
  });

  it('unreadable: a clear error naming the file and how to fix it, and the file left as it was', () => {
    const file = join(dir, 'x.json');
    symlinkSync(file, file);
    const log = recordingLogger();
    expect(() => jsonStore(file, schema, () => ({ n: 0 }), log).read()).toThrow(
      expect.objectContaining({ code: 'STATE_UNREADABLE', message: expect.stringContaining(file), hint: expect.stringContaining('ls -l') }),
    );
    expect(readdirSync(dir)).toEqual(['x.json']);
  });
});
