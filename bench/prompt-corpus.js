// bench/prompt-corpus: how well the prompt rules read the real captured screens (test/fixtures/screens), per program
// and release. Each fixture's .expect.json is the verified truth (scripts/capture-agent-screens tried its keys in the
// real program). A screen is *right* when the rules see it as waiting when it waits and as not waiting when it does
// not; the answers are *usable* when they are the expected keys. Fixtures named PROGRAM-VERSION-SCREEN (and
// neg-PROGRAM-VERSION-SCREEN) are counted; the hand-written ones without a version are not.
// `node bench/prompt-corpus.js [DIR]`: DIR is a built core/output folder to score instead of dist/core/output (for
// instance another branch's rules, to compare).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const rulesDir = resolve(process.argv[2] ?? join(root, 'dist/core/output'));
const { detectPrompt } = await import(pathToFileURL(join(rulesDir, 'detect.js')).href);
const SCREENS = join(root, 'test/fixtures/screens');
const RELEASE = /^(neg-)?([a-z]+)-(\d+(?:\.\d+)*)-/;

/** @type {Map<string, { screens: number, right: number, waiting: number, usable: number }>} */
const groups = new Map();
for (const file of readdirSync(SCREENS).filter((f) => f.endsWith('.txt')).sort()) {
  const name = file.slice(0, -'.txt'.length);
  const m = RELEASE.exec(name);
  if (!m) continue;
  const key = `${m[2]} ${m[3]}`;
  const group = groups.get(key) ?? { screens: 0, right: 0, waiting: 0, usable: 0 };
  groups.set(key, group);
  const want = JSON.parse(readFileSync(join(SCREENS, `${name}.expect.json`), 'utf8'));
  const got = detectPrompt(readFileSync(join(SCREENS, file), 'utf8').split('\n'));
  group.screens++;
  if ((got === null) === (want === null)) group.right++;
  if (want !== null && want.answers.length > 0) {
    group.waiting++;
    if (got !== null && sameKeys(got, want)) group.usable++;
  }
}

function sameKeys(got, want) {
  return JSON.stringify(got.answers.map((a) => a.input)) === JSON.stringify(want.answers.map((a) => a.input));
}

console.log(`rules from ${rulesDir}\n`);
console.log('| program release | screens | seen right | waiting with answers | usable answers |');
console.log('|---|---|---|---|---|');
const total = { screens: 0, right: 0, waiting: 0, usable: 0 };
for (const [key, g] of groups) {
  console.log(`| ${key} | ${g.screens} | ${g.right} | ${g.waiting} | ${g.usable} |`);
  for (const k of Object.keys(total)) total[k] += g[k];
}
console.log(`| all | ${total.screens} | ${total.right} | ${total.waiting} | ${total.usable} |`);
