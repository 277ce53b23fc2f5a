// Whether Claude turns can run here, for `pocket doctor` and the answer to /claude: the SDK found (and where), the
// Claude Code executable it will start (POCKET_CLAUDE_PATH, else the binary bundled with the SDK) and its version.
import { accessSync, constants } from 'node:fs';
import { execa } from 'execa';
import type { AgentAvailability } from '../../core/agents.js';
import { CLAUDE_SDK_INSTALL, locateSdk } from './sdk-loader.js';

/** `claude --version` of the bundled binary (2.1.332) took 0.23-0.37 s here at load average 18, availability() 0.9 s in
 * the real-CLI test; a hung executable must not hang `pocket doctor`. */
const VERSION_TIMEOUT_MS = 10_000;

/** The version an executable prints ("2.1.197 (Claude Code)"), or null when it cannot tell. */
async function versionOf(executable: string): Promise<string | null> {
  // A .js/.mjs path runs under node, as the SDK itself runs it.
  const script = /\.(c|m)?js$/.test(executable);
  try {
    const { stdout } = await execa(script ? process.execPath : executable, [...(script ? [executable] : []), '--version'], {
      timeout: VERSION_TIMEOUT_MS,
      reject: false,
      stdin: 'ignore',
    });
    return /\d+\.\d+\.\d+[^\s]*/.exec(stdout)?.[0] ?? null;
  } catch {
    return null;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, /\.(c|m)?js$/.test(path) ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function claudeAvailability(searchPaths: string[], claudePath: string | undefined): Promise<AgentAvailability> {
  const sdk = locateSdk(searchPaths);
  if (!sdk) {
    return { ok: false, reason: 'the Claude Agent SDK (@anthropic-ai/claude-agent-sdk) is not installed', install: CLAUDE_SDK_INSTALL };
  }
  const executable = claudePath ?? sdk.bundledExecutable;
  if (!executable) {
    return {
      ok: false,
      reason: `the SDK at ${sdk.dir} has no Claude Code binary for ${process.platform}-${process.arch}`,
      install: CLAUDE_SDK_INSTALL,
    };
  }
  if (!isExecutable(executable)) {
    if (!claudePath) return { ok: false, reason: `the bundled Claude Code at ${executable} is not executable`, install: CLAUDE_SDK_INSTALL };
    return {
      ok: false,
      reason: `POCKET_CLAUDE_PATH is ${executable}, which is not an executable file: point it at a claude executable or unset it`,
      install: 'npm install -g @anthropic-ai/claude-code',
    };
  }
  return { ok: true, executable, version: await versionOf(executable) };
}
