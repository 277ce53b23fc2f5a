// `npm run bench`: every benchmark in turn (or the ones named: `npm run bench -- cli-startup`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ALL = ['cli-startup', 'tail', 'e2e', 'burst', 'redact', 'prompt-corpus', 'agents', 'screen', 'hook', 'terminal-app', 'cockpit'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = resolve(import.meta.dirname, `${name}.js`);
  if (!existsSync(file)) {
    console.log(`== ${name}: not present, skipped`);
    continue;
  }
  console.log(`== ${name}`);
  const result = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
