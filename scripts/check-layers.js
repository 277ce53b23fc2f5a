#!/usr/bin/env node
// The dependency rule of docs/architecture.md as a check that fails `npm run lint` (and so `npm test`).
// Every static `import ... from`, `export ... from` and `import('...')` of src/**/*.ts(x) is resolved to a file,
// the file is mapped to a layer, and the edge must be allowed by the table below.
// Why a script and not biome's noRestrictedImports: biome matches the import text, and a relative path such as
// '../../state/paths.js' names a folder only after it is resolved against the importing file; a pattern per folder
// depth would be both long and easy to get wrong. This resolver is ~150 lines and needs no dependency.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which layer a file belongs to: the first row whose path (relative to src/, '/' separated) matches.
 * A path ending in '/' is a folder, anything else one file.
 */
export const LAYERS = [
  { layer: 'core', path: 'core/' },
  { layer: 'tmux', path: 'tmux/' },
  { layer: 'state', path: 'state/' },
  { layer: 'bot', path: 'bot/' },
  { layer: 'emulator', path: 'emulator/' },
  { layer: 'terminal', path: 'terminal/' },
  // /screen's renderer: a screen snapshot drawn with Unifont's bitmap glyphs into a PNG (node:zlib).
  { layer: 'screen', path: 'screen/' },
  // Terminal.app on macOS through osascript (a JXA script with argv): its tabs, their text, typing and keys.
  { layer: 'terminal-app', path: 'terminal-app/' },
  // The SDK-backed coding agents (Claude SDK, `codex app-server`): child processes and their protocols.
  { layer: 'agents', path: 'agents/' },
  // One-shot Bot API calls over fetch for the CLI's `pocket init` and `pocket doctor` (the daemon uses grammY in bot/).
  { layer: 'telegram', path: 'telegram/' },
  // systemd and launchd: the service files install writes and the systemctl/launchctl commands it runs.
  { layer: 'service', path: 'service/' },
  // Reading .env and the settings: I/O (node:fs) with a zod schema, so an adapter, not core.
  { layer: 'config', path: 'config.ts' },
  // The file logger (node:fs, rotation); the Logger interface itself is a port in core/ports.ts.
  { layer: 'log', path: 'log.ts' },
  // Reads package.json (node:fs).
  { layer: 'version', path: 'version.ts' },
  { layer: 'daemon', path: 'daemon/' },
  { layer: 'demo', path: 'demo/' },
  // The hidden `pocket __daemon` (and `pocket start --foreground`): the one CLI module that builds a daemon.
  { layer: 'daemon-entry', path: 'cli/commands/daemon.ts' },
  { layer: 'tui', path: 'cli/tui/' },
  { layer: 'cli', path: 'cli/' },
];

const ADAPTERS = ['tmux', 'state', 'bot', 'emulator', 'terminal', 'terminal-app', 'agents', 'telegram', 'service', 'config', 'log', 'version'];
/** Adapters the daemon loads only on use (dynamic import()): the screen renderer reads a 3 MB font. */
const LAZY_ADAPTERS = ['screen'];

/**
 * What each layer may import besides itself. `to` lists layers or single files (relative to src/); `lazy` lists
 * what may be reached only through a dynamic import() (loaded on use, so it costs nothing until then);
 * `packages` is '*' (any package or node:* module) or the list allowed.
 */
export const ALLOW = [
  {
    from: 'core',
    to: [],
    packages: [],
    why: 'core decides with plain data: no node:*, no library, so it is testable alone and portable',
  },
  {
    from: [...ADAPTERS, ...LAZY_ADAPTERS],
    to: ['core'],
    packages: '*',
    why: 'an adapter does I/O for core and knows no other adapter: adapters are wired together by the daemon',
  },
  {
    from: 'daemon',
    to: ['core', ...ADAPTERS],
    lazy: LAZY_ADAPTERS,
    packages: '*',
    why: 'the composition root builds the adapters and wires them (the screen renderer on first use); it never depends on the CLI or the demo',
  },
  {
    from: 'demo',
    to: ['core', 'emulator', 'state', 'tmux', 'config', 'daemon/lifecycle.ts'],
    packages: '*',
    why: '`pocket demo` composes the embedded Bot API and a throwaway home, and starts a daemon like `pocket start` does',
  },
  {
    from: 'cli',
    to: ['core', 'state', 'config', 'log', 'version', 'demo', 'telegram', 'service', 'daemon/lifecycle.ts', 'daemon/ipc/client.ts'],
    lazy: ['daemon-entry', 'tui', 'daemon/agents/availability-report.ts', 'terminal-app'],
    packages: '*',
    why: 'the CLI is thin: it reaches a daemon over the socket or through lifecycle, Telegram only for init and doctor; building a daemon (daemon-entry), the Ink TUI, the agent backends and Terminal.app (for `pocket doctor`) load only on use',
  },
  {
    from: 'daemon-entry',
    to: ['core', 'state', 'config', 'daemon'],
    lazy: ['demo'],
    packages: '*',
    why: 'runs the composition root in this process; a demo daemon cleans up after a vanished demo',
  },
  {
    from: 'tui',
    to: ['core', 'cli', 'demo'],
    packages: '*',
    why: "the TUI draws what the CLI fetched (status text) and the demo's conversation",
  },
];

/** Packages only some layers may import, whatever the table above says. */
export const PACKAGE_LIMITS = [
  {
    packages: ['ink', 'react'],
    only: ['tui'],
    why: '`pocket --version` and every other command must not pay for ink and react',
  },
  {
    packages: ['@anthropic-ai/claude-agent-sdk'],
    only: ['agents'],
    why: 'an optional package (it bundles the Claude Code CLI): only the agents adapter loads it, lazily',
  },

];

/** .ts, .tsx, and .cts / .mts (the hook client is CommonJS: src/cli/hook.cts). */
const SOURCE = /\.[cm]?tsx?$/;
const BUILTINS = new Set(builtinModules);

/** Every source file under dir. */
export function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Blanks comments (keeping newlines, so line numbers stay right) so that an example in a comment is no import. */
function withoutComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/^(\s*)\/\/.*$/gm, (line, indent) => indent + ' '.repeat(line.length - indent.length));
}

const STATIC = /(?<![\w$.])(import|export)(\s+type)?\s+(?:[^'";]*?\s+from\s+)?(['"])([^'"\n]+)\3/g;
const DYNAMIC = /(?<![\w$.])import\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
/** A .cts file's `import x = require('...')`. */
const REQUIRE = /(?<![\w$.])require\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/**
 * The imports of one file: { specifier, line, kind } where kind is 'static', 'type' (erased at run time:
 * `import type` / `export type`) or 'dynamic'.
 */
export function importsOf(file) {
  const text = withoutComments(readFileSync(file, 'utf8'));
  const lineAt = (index) => text.slice(0, index).split('\n').length;
  const found = [];
  for (const match of text.matchAll(STATIC)) {
    found.push({ specifier: match[4], line: lineAt(match.index), kind: match[2] ? 'type' : 'static' });
  }
  for (const match of text.matchAll(DYNAMIC)) {
    found.push({ specifier: match[2], line: lineAt(match.index), kind: 'dynamic' });
  }
  for (const match of text.matchAll(REQUIRE)) {
    found.push({ specifier: match[2], line: lineAt(match.index), kind: 'static' });
  }
  return found.sort((a, b) => a.line - b.line);
}

/**
 * Where an import leads: { file } for a source file, { package } for a bare specifier or node:* module,
 * { unresolved } when a relative import names no file.
 */
export function resolveImport(fromFile, specifier) {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0])) return { package: 'node:*' };
    const parts = specifier.split('/');
    return { package: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
  }
  const target = resolve(dirname(fromFile), specifier);
  const stem = target.replace(/\.(js|jsx|ts|tsx|mjs|cjs)$/, '');
  const typed = target.endsWith('.cjs') ? [`${stem}.cts`] : target.endsWith('.mjs') ? [`${stem}.mts`] : [`${stem}.ts`, `${stem}.tsx`];
  const candidates = [target, ...typed, join(target, 'index.ts'), join(target, 'index.tsx')];
  const file = candidates.find((candidate) => SOURCE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile());
  return file ? { file } : { unresolved: target };
}

function toPosix(path) {
  return path.split(sep).join('/');
}

/** The layer of a file under srcDir, or undefined when no row names it. */
export function layerOf(srcDir, file) {
  const path = toPosix(relative(srcDir, file));
  return LAYERS.find((row) => (row.path.endsWith('/') ? path.startsWith(row.path) : path === row.path))?.layer;
}

function ruleFor(layer) {
  return ALLOW.find((row) => (Array.isArray(row.from) ? row.from.includes(layer) : row.from === layer));
}

function names(target, path, layer) {
  return target === layer || target === path;
}

/** Every broken rule under srcDir: { file, line, specifier, rule } with file relative to srcDir's parent (src/...). */
export function checkLayers(srcDir) {
  const root = resolve(srcDir);
  const problems = [];
  for (const file of sourceFiles(root)) {
    const fromLayer = layerOf(root, file);
    const report = (imported, rule) => problems.push({ file: toPosix(relative(dirname(root), file)), line: imported.line, specifier: imported.specifier, rule });
    const rule = fromLayer && ruleFor(fromLayer);
    if (!rule) {
      report({ line: 1, specifier: '(none)' }, `${toPosix(relative(root, file))} is in no layer: add it to LAYERS in scripts/check-layers.js`);
      continue;
    }
    for (const imported of importsOf(file)) {
      const target = resolveImport(file, imported.specifier);
      if (target.unresolved) {
        report(imported, 'resolves to no source file');
        continue;
      }
      if (target.package) {
        const limit = PACKAGE_LIMITS.find((row) => row.packages.includes(target.package));
        if (limit && !limit.only.includes(fromLayer)) {
          report(imported, `${target.package} may be imported only by ${limit.only.join(', ')} (${limit.why})`);
        } else if (rule.packages !== '*' && !rule.packages.includes(target.package)) {
          report(imported, `${fromLayer} imports no package (${target.package}): ${rule.why}`);
        }
        continue;
      }
      const toLayer = layerOf(root, target.file);
      const toPath = toPosix(relative(root, target.file));
      if (toLayer === fromLayer) continue;
      if (rule.to.some((allowed) => names(allowed, toPath, toLayer))) continue;
      if (rule.lazy?.some((allowed) => names(allowed, toPath, toLayer))) {
        if (imported.kind === 'dynamic') continue;
        report(imported, `${fromLayer} may reach ${toLayer} only through a dynamic import(): ${rule.why}`);
        continue;
      }
      report(imported, `${fromLayer} may not import ${toLayer ?? 'a file in no layer'} (${toPath}): ${rule.why}`);
    }
  }
  return problems;
}

/**
 * The files and packages loaded at run time when `entry` is imported, following static imports only (type-only
 * imports are erased; a dynamic import() loads on use). Returns { files: Set, packages: Set }.
 */
export function staticGraph(entry) {
  const files = new Set();
  const packages = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    for (const imported of importsOf(file)) {
      if (imported.kind !== 'static') continue;
      const target = resolveImport(file, imported.specifier);
      if (target.package) packages.add(target.package);
      else if (target.file) visit(target.file);
    }
  };
  visit(resolve(entry));
  return { files, packages };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const problems = checkLayers(srcDir);
  for (const problem of problems) {
    process.stderr.write(`${problem.file}:${problem.line}: '${problem.specifier}': ${problem.rule}\n`);
  }
  if (problems.length > 0) {
    process.stderr.write(`check-layers: ${problems.length} import(s) break the dependency rule (docs/architecture.md)\n`);
    process.exitCode = 1;
  }
}
