// The photos sent to agents (.state/agent-images, 0700, files 0600 as the bot writes them): each waits there for the
// turn that reads it and is deleted once that turn ends, or at once when the message is refused or its turn is
// dropped. Turns are not resumed across a restart, so what is still there at start has no reader.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentInput } from '../../core/agents.js';
import { ensurePrivateDir } from '../../state/private-dirs.js';

/** Makes the folder private and empties it (the photos of turns a killed daemon never ran). */
export function prepareImagesDir(dir: string): void {
  ensurePrivateDir(dir);
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true, recursive: true });
}

/** Where a new photo goes: a random name, the extension only when it is a plain short one. */
export function newImagePath(dir: string, extension: string): string {
  const safe = /^[a-z0-9]{1,5}$/.test(extension) ? extension : 'jpg';
  return join(dir, `${randomBytes(8).toString('hex')}.${safe}`);
}

/** Photos are kept only for the turn that reads them. */
export function removeImages(input: AgentInput): void {
  for (const image of input.images) {
    try {
      unlinkSync(image.path);
    } catch {
      // already gone
    }
  }
}
