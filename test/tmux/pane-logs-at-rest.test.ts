// Raw pane bytes hold whatever the terminal printed, secrets included (SECURITY.md): the files in .state/panes/ are
// 0600 in a 0700 directory, each chunk is deleted once it has been read (only the one being written stays), and
// /kill removes the rest.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/tmux.js';
import { type ServiceRig, startService } from './session-service-helpers.js';

let rig: ServiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name));
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('pane logs at rest', () => {
  it('are private, and deleted once read and on kill', async () => {
    rig = await startService({ chunkBytes: 4096 });
    const panes = rig.panesDir;
    // 400 lines of 100 bytes: about ten 4 KB chunks.
    const view = await rig.service.create('flood', `sh -c 'for i in $(seq 1 400); do printf "%099d\\n" $i; done; echo done; sleep 600'`);
    await waitFor(async () => (await rig!.service.tail(view.id, 3)).includes('done'), { what: 'all output read' });
    expect(mode(panes)).toBe(0o700);
    const files = filesUnder(panes);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect({ file, mode: mode(file) }).toEqual({ file, mode: statSync(file).isDirectory() ? 0o700 : 0o600 });
    // Everything was read: only the chunk still being written is left.
    const chunks = () => filesUnder(panes).filter((f) => /\.\d{15}\.[a-z]{6}$/.test(f));
    await waitFor(() => chunks().length === 1, { what: 'read chunks to be deleted' });
    await rig.service.kill(view.id);
    expect(chunks()).toEqual([]);
  });
});
