// Writing HOME/.env: it holds the bot token, so it is written whole or not at all (write-file-atomic: a temp file,
// fsync, rename) and is never readable by anyone but the owner, not even for the instant before a chmod.
import { readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { PocketError } from '../core/errors.js';
import { ensurePrivateDir } from './private-dirs.js';

/** The file's text, '' when it does not exist yet. */
export function readEnvText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new PocketError('CONFIG_INVALID', `Cannot read ${path}.`, { cause: error, hint: 'Check its owner and permissions.' });
  }
}

export async function writeEnvText(home: string, path: string, text: string): Promise<void> {
  try {
    ensurePrivateDir(home);
    // write-file-atomic creates the temp file with this mode and chmods the result, whatever the umask.
    await writeFileAtomic(path, text, { mode: 0o600, fsync: true });
  } catch (error) {
    throw new PocketError('CONFIG_INVALID', `Cannot write ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the home directory is yours and the disk is not full; the old file, if any, is unchanged.',
    });
  }
}
