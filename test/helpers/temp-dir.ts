// A temp folder removed when the test that made it finishes (pass or fail): call it inside a test, or in a function a
// test calls. The run fails if anything is left in its temp root (test/setup/temp-root.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
