import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { describeLeftovers, leftovers } from './temp-root.js';

const TMUX_DIR = `tmux-${process.getuid?.() ?? 0}`;

function listen(path: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(path, () => resolve(server));
  });
}

describe("the run's temp-root check", () => {
  it('passes an empty root', async () => {
    const root = tempDir('pocket-root-check-');
    const left = await leftovers(root);
    expect(left).toEqual({ entries: [], liveTmuxSockets: [] });
    expect(describeLeftovers(root, left)).toBeNull();
  });

  it('names every folder or file a test left, and tmux sockets only while a server answers on them', async () => {
    const root = tempDir('pocket-root-check-');
    mkdirSync(join(root, 'pocket-config-AbC123'));
    writeFileSync(join(root, 'stray.txt'), 'x');
    mkdirSync(join(root, TMUX_DIR));
    // The file of a killed server, which tmux 3.3 leaves behind: nothing answers on it, not a leak.
    writeFileSync(join(root, TMUX_DIR, 'pocket-test-dead'), '');
    const live = await listen(join(root, TMUX_DIR, 'pocket-test-live'));
    onTestFinished(() => new Promise<void>((resolve) => live.close(() => resolve())));

    const left = await leftovers(root);
    expect(left).toEqual({ entries: ['pocket-config-AbC123', 'stray.txt'], liveTmuxSockets: [join(root, TMUX_DIR, 'pocket-test-live')] });
    const text = describeLeftovers(root, left)!;
    expect(text).toContain(`temp root ${root}`);
    expect(text).toContain('  pocket-config-AbC123\n  stray.txt\n');
    expect(text).toContain(`tmux server still running on ${join(root, TMUX_DIR, 'pocket-test-live')}`);
  });
});
