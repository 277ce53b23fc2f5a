// The dependency rule (scripts/check-layers.js, run by `npm run lint`): it fails on wrong imports and passes on src/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkLayers, importsOf, resolveImport, staticGraph } from '../../scripts/check-layers.js';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const CHECKER = join(ROOT, 'scripts/check-layers.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pocket-layers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const src = join(dir, 'src');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  return src;
}

/** Runs the checker as `npm run lint` does; returns its exit code and what it printed. */
function runChecker(src: string): { code: number; stderr: string } {
  try {
    execFileSync(process.execPath, [CHECKER, src], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { code: failed.status, stderr: failed.stderr };
  }
}

const GOOD = {
  'core/errors.ts': 'export class PocketError extends Error {}\n',
  'state/paths.ts': "import { join } from 'node:path';\nimport { PocketError } from '../core/errors.js';\nexport const p = join('a', String(PocketError));\n",
  'bot/service.ts': "import type { Context } from 'grammy';\nimport { PocketError } from '../core/errors.js';\nexport type C = Context;\nexport const e = PocketError;\n",
  'daemon/compose.ts': "import { e } from '../bot/service.js';\nimport { p } from '../state/paths.js';\nexport const all = [e, p];\n",
  'cli/main.ts': "export async function run() {\n  return (await import('./commands/daemon.js')).go();\n}\n",
  'cli/commands/daemon.ts': "import { all } from '../../daemon/compose.js';\nexport const go = () => all;\n",
  'cli/tui/app.tsx': "import { Text } from 'ink';\nexport const T = Text;\n",
};

describe('check-layers', () => {
  it('passes a tree that keeps the rule', () => {
    expect(checkLayers(tree(GOOD))).toEqual([]);
    expect(runChecker(join(dir, 'src')).code).toBe(0);
  });

  it('fails on each wrong import, printing file:line, the import and the rule it broke', () => {
    const src = tree({
      ...GOOD,
      // A comment naming an import is not one.
      'core/status.ts': "// import { p } from '../state/paths.js'\nimport { readFileSync } from 'node:fs';\nimport {\n  p,\n} from '../state/paths.js';\nexport const s = [readFileSync, p];\n",
      'bot/guard.ts': "import { PocketError } from '../core/errors.js';\nimport { p } from '../state/paths.js';\nexport const g = [PocketError, p];\n",
      'cli/commands/start.ts': "import { all } from '../../daemon/compose.js';\nexport const s = all;\n",
      'cli/other.ts': "import { go } from './commands/daemon.js';\nimport { render } from 'ink';\nexport const o = [go, render];\n",
      'state/lost.ts': "import { x } from './nowhere.js';\nexport const y = x;\n",
    });
    const problems = checkLayers(src).map((p) => `${p.file}:${p.line} ${p.specifier}`);
    expect(problems).toEqual([
      'src/bot/guard.ts:2 ../state/paths.js',
      'src/cli/commands/start.ts:1 ../../daemon/compose.js',
      'src/cli/other.ts:1 ./commands/daemon.js',
      'src/cli/other.ts:2 ink',
      'src/core/status.ts:2 node:fs',
      'src/core/status.ts:3 ../state/paths.js',
      'src/state/lost.ts:1 ./nowhere.js',
    ]);

    const run = runChecker(src);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("src/bot/guard.ts:2: '../state/paths.js': bot may not import state (state/paths.ts)");
    expect(run.stderr).toContain("src/core/status.ts:2: 'node:fs': core imports no package (node:*)");
    expect(run.stderr).toContain("src/cli/other.ts:1: './commands/daemon.js': cli may reach daemon-entry only through a dynamic import()");
    expect(run.stderr).toContain("src/cli/other.ts:2: 'ink': ink may be imported only by tui");
    expect(run.stderr).toContain('7 import(s) break the dependency rule');
  });

  it('names a file that is in no layer', () => {
    const problems = checkLayers(tree({ ...GOOD, 'stray/thing.ts': 'export const t = 1;\n' }));
    expect(problems).toEqual([expect.objectContaining({ file: 'src/stray/thing.ts', rule: expect.stringContaining('is in no layer') })]);
  });

  it('passes on src/', () => {
    expect(checkLayers(SRC)).toEqual([]);
  });
});

describe('pocket start', () => {
  const HEAVY = ['grammy', '@xterm/headless', 'chokidar', 'execa'];

  it('loads no grammY, xterm, chokidar or execa in the parent; only the lazily imported daemon module does', () => {
    const main = join(SRC, 'cli/main.ts');
    const lazy = importsOf(main).filter((imported) => imported.kind === 'dynamic');
    const command = (name: string): string => {
      const found = lazy.map((imported) => resolveImport(main, imported.specifier).file).find((file) => file?.endsWith(`/commands/${name}.ts`));
      if (found === undefined) throw new Error(`src/cli/main.ts imports no commands/${name}.ts lazily`);
      return found;
    };

    // What `pocket start` loads: the CLI entry, then the start command (dynamic edges load only on use).
    const parent = new Set([...staticGraph(main).packages, ...staticGraph(command('start')).packages]);
    expect(HEAVY.filter((name) => parent.has(name))).toEqual([]);

    // `pocket __daemon` reaches every one of them, so the walk above can see them.
    const child = staticGraph(command('daemon')).packages;
    expect(HEAVY.filter((name) => child.has(name))).toEqual(HEAVY);
  });
});
