// The real @anthropic-ai/claude-agent-sdk for tests: never a dependency of the repository, it is installed once into
// the agents cache outside it (scripts/install-agents.sh, run by .ci/run; POCKET_AGENTS_CACHE or
// ${XDG_CACHE_HOME:-~/.cache}/pocket-agents). Tests that need it skip, saying why, only when the cache lacks it.
import { join } from 'node:path';
import { agentsCacheDir, locateSdk } from '../../src/agents/claude/sdk-loader.js';

export const claudeSdkSearchPaths = [join(agentsCacheDir(), 'node_modules')];

const located = locateSdk(claudeSdkSearchPaths);

/** Why the SDK tests cannot run here, or null when they can. */
export const claudeSdkMissing: string | null = located
  ? null
  : `@anthropic-ai/claude-agent-sdk is not in the agents cache ${agentsCacheDir()}: run scripts/install-agents.sh (or set POCKET_AGENTS_CACHE)`;

/** The Claude Code binary bundled with the cached SDK, or null. */
export const bundledClaude: string | null = located?.bundledExecutable ?? null;

export function announceSkip(file: string, reason: string | null): void {
  if (reason) console.warn(`[skipped] ${file}: ${reason}`);
}
