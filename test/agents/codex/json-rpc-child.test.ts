// The JSON-RPC child on its own, over tiny node programs: a call nobody answers times out, a child that dies fails
// every pending call with its exit status and last stderr line, and the server's requests (id 0 included) reach us.
import { describe, expect, it, onTestFinished } from 'vitest';
import { JsonRpcChild, type RpcServerRequest } from '../../../src/agents/codex/json-rpc-child.js';

function child(program: string, handlers: Partial<{ onServerRequest(r: RpcServerRequest): void; onExit(reason: string): void }> = {}) {
  const rpc = new JsonRpcChild({
    executable: process.execPath,
    args: ['-e', program],
    env: { PATH: process.env.PATH ?? '' },
    onNotification: () => {},
    onServerRequest: handlers.onServerRequest ?? (() => {}),
    onExit: handlers.onExit ?? (() => {}),
  });
  onTestFinished(() => rpc.kill());
  return rpc;
}

describe('JsonRpcChild', () => {
  it('fails a call the child does not answer in time, naming the method', async () => {
    const rpc = child('process.stdin.resume()');
    await expect(rpc.request('thread/start', {}, 100)).rejects.toMatchObject({
      kind: 'timeout',
      message: expect.stringMatching(/^thread\/start got no answer from .*node within 100 ms$/),
    });
    expect(rpc.alive).toBe(true);
  });

  it('fails every pending call when the child exits, with its exit code and last stderr line', async () => {
    let exitReason = '';
    const rpc = child("process.stdin.once('data', () => { console.error('fatal: out of cheese'); process.exit(4); })", {
      onExit: (reason) => {
        exitReason = reason;
      },
    });
    const first = rpc.request('a', {}, 10_000);
    const second = rpc.request('b', {}, 10_000);
    await expect(first).rejects.toMatchObject({ kind: 'exited', message: expect.stringMatching(/exited \(exit code 4\): fatal: out of cheese$/) });
    await expect(second).rejects.toMatchObject({ kind: 'exited' });
    expect(exitReason).toMatch(/exit code 4/);
    expect(rpc.alive).toBe(false);
    await expect(rpc.request('c', {}, 10_000)).rejects.toMatchObject({ kind: 'exited' });
  });

  it('hands over server requests, id 0 included, and carries the answer back', async () => {
    const program = `
      const rl = require('node:readline').createInterface({ input: process.stdin });
      process.stdout.write(JSON.stringify({ id: 0, method: 'item/tool/requestUserInput', params: { threadId: 't' } }) + '\\n');
      rl.on('line', (line) => {
        const m = JSON.parse(line);
        if (m.method === 'echo') process.stdout.write(JSON.stringify({ id: m.id, result: { answered: m.params } }) + '\\n');
        if (m.method === 'broken') process.stdout.write(JSON.stringify({ id: m.id, error: { code: -1, message: 'no such thing' } }) + '\\n');
      });`;
    const requests: RpcServerRequest[] = [];
    let answered: () => void = () => {};
    const answeredOnce = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const rpc = child(program, {
      onServerRequest: (request) => {
        requests.push(request);
        rpc.respond(request.id, { answers: {} });
        answered();
      },
    });
    await answeredOnce;
    expect(requests).toEqual([{ id: 0, method: 'item/tool/requestUserInput', params: { threadId: 't' } }]);
    expect(await rpc.request('echo', { x: 1 }, 10_000)).toEqual({ answered: { x: 1 } });
    await expect(rpc.request('broken', {}, 10_000)).rejects.toMatchObject({ kind: 'error', message: 'broken: no such thing' });
  });
});
