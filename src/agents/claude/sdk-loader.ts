// Finds and loads the optional @anthropic-ai/claude-agent-sdk. It is not a dependency of pocket (it bundles the
// Claude Code binary, ~200 MB per platform), so it is looked for where a user would have put it, in this order:
// a node_modules next to pocket (or any folder above it), the global npm folder, and the agents cache that tests and
// CI fill once (scripts/install-agents.sh; POCKET_AGENTS_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/pocket-agents).
// Loaded with a dynamic import() only when a Claude turn or `pocket doctor` needs it.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClaudeAgentSdk } from './sdk-types.js';

export const CLAUDE_SDK_PACKAGE = '@anthropic-ai/claude-agent-sdk';
export const CLAUDE_SDK_INSTALL = `npm install -g ${CLAUDE_SDK_PACKAGE}`;

/** The agents cache outside any repository, where tests and CI install the real agents once. */
export function agentsCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.POCKET_AGENTS_CACHE) return env.POCKET_AGENTS_CACHE;
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'pocket-agents');
}

/** The node_modules folders searched for the SDK, nearest first. */
export function defaultSdkSearchPaths(env: Record<string, string | undefined> = process.env): string[] {
  const paths: string[] = [];
  // Next to pocket: every node_modules above this file, as Node's own resolution would walk.
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    paths.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  // Global: `npm install -g` puts packages in <prefix>/lib/node_modules; the prefix is npm's setting or node's own.
  const prefix = env.npm_config_prefix || env.NPM_CONFIG_PREFIX;
  if (prefix) paths.push(join(prefix, 'lib', 'node_modules'));
  paths.push(join(dirname(dirname(process.execPath)), 'lib', 'node_modules'));
  paths.push(join(agentsCacheDir(env), 'node_modules'));
  return [...new Set(paths)];
}

export interface LocatedSdk {
  /** The package folder. */
  dir: string;
  version: string | null;
  /** The module file query() comes from. */
  entry: string;
  /** The Claude Code binary the SDK starts when no executable is given; null when its platform package is absent. */
  bundledExecutable: string | null;
}

function readPackage(dir: string): { version?: unknown; main?: unknown; exports?: unknown } | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The SDK's entry module from its package.json `exports['.']` (falling back to `main`). */
function entryOf(pkg: { main?: unknown; exports?: unknown }): string {
  const root = (pkg.exports as Record<string, unknown> | undefined)?.['.'];
  const fromExports = typeof root === 'string' ? root : (root as Record<string, unknown> | undefined)?.default;
  if (typeof fromExports === 'string') return fromExports;
  return typeof pkg.main === 'string' ? pkg.main : 'sdk.mjs';
}

/** The platform package the SDK takes its binary from (`@anthropic-ai/claude-agent-sdk-linux-x64`, `-musl`…). */
function bundledExecutableNear(nodeModules: string): string | null {
  const base = `claude-agent-sdk-${process.platform}-${process.arch}`;
  const file = process.platform === 'win32' ? 'claude.exe' : 'claude';
  for (const name of [base, `${base}-musl`]) {
    const path = join(nodeModules, '@anthropic-ai', name, file);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The first SDK found in searchPaths, or null. */
export function locateSdk(searchPaths: string[]): LocatedSdk | null {
  for (const nodeModules of searchPaths) {
    const dir = join(nodeModules, CLAUDE_SDK_PACKAGE);
    const pkg = readPackage(dir);
    if (!pkg) continue;
    return {
      dir,
      version: typeof pkg.version === 'string' ? pkg.version : null,
      entry: join(dir, entryOf(pkg)),
      bundledExecutable: bundledExecutableNear(nodeModules),
    };
  }
  return null;
}

const loaded = new Map<string, Promise<ClaudeAgentSdk>>();

/** Imports the SDK once per process (a failed import is retried on the next call). */
export function importSdk(sdk: LocatedSdk): Promise<ClaudeAgentSdk> {
  let promise = loaded.get(sdk.entry);
  if (!promise) {
    promise = import(pathToFileURL(sdk.entry).href).then((module: Partial<ClaudeAgentSdk>) => {
      if (typeof module.query !== 'function') throw new Error(`${sdk.entry} exports no query() function`);
      return module as ClaudeAgentSdk;
    });
    promise.catch(() => loaded.delete(sdk.entry));
    loaded.set(sdk.entry, promise);
  }
  return promise;
}
