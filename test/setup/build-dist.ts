// Global setup of the e2e project: the end-to-end tests drive bin/pocket.js, which runs dist/, so dist/ is built from
// the current src/ before any of them starts and a stale build can never be what they test. It always builds: with
// TypeScript 7 `tsc -p tsconfig.build.json` takes 1.9 s on this 2-core machine (idle; ~4 s under other runs' load),
// less than one e2e test, and needs no rules about which file changes make a build stale.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const ROOT = join(import.meta.dirname, '../..');

async function build(): Promise<void> {
  const started = performance.now();
  try {
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the e2e tests run dist/, and building it failed (tsc -p tsconfig.build.json):\n${stdout}${stderr}`);
  }
  console.log(`e2e: built dist/ from src/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export default async function buildDist(project: TestProject): Promise<void> {
  await build();
  // In watch mode the global setup runs once; a rerun after an edit of src/ must not test the old build either.
  project.onTestsRerun(build);
  project.provide('dist', true);
}
