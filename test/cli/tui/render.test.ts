import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { renderStatusTui } from '../../../src/cli/tui/render.js';
import { NOW, snapshot, THREE_SESSIONS } from './snapshots.js';

class FakeStdout extends EventEmitter {
  columns = 100;
  rows = 40;
  isTTY = true;
  out = '';
  write = (chunk: string) => {
    this.out += chunk;
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  press(data: string) {
    this.data = data;
    this.emit('readable');
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
}

describe('renderStatusTui', () => {
  it('draws the status and resolves after q, once onQuit ran and the stream is unsubscribed', async () => {
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const onQuit = vi.fn();
    const unsubscribe = vi.fn();
    const done = renderStatusTui(
      { initial: snapshot(THREE_SESSIONS), subscribe: () => unsubscribe, home: '/h', now: () => NOW, onQuit },
      { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false },
    );
    await vi.waitFor(() => expect(stdout.out).toContain('build'));
    stdin.press('q');
    await done;
    expect(onQuit).toHaveBeenCalledTimes(1);
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });
});
