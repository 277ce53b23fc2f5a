// .state/ and logs/ hold session output and secrets-adjacent data: owner-only, created on demand.
import { chmodSync, mkdirSync, statSync } from 'node:fs';

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for existing directories; make it exact.
  if ((statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}
