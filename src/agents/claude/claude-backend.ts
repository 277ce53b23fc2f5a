// The Claude backend as the daemon sees it (AgentBackend): where the SDK is, one turn at a time through
// claude-turn.ts, and the conversations in Claude Code's own store for /resume.
import type { AgentAvailability, AgentBackend, RecentAgentSession } from '../../core/agents.js';
import { claudeAvailability } from './availability.js';
import { runClaudeTurn } from './claude-turn.js';
import { defaultSdkSearchPaths } from './sdk-loader.js';
import { ClaudeSessionStore, claudeConfigDir } from './session-store.js';

export interface ClaudeBackendOptions {
  /** POCKET_CLAUDE_PATH: the Claude Code executable to run instead of the one bundled with the SDK. */
  claudePath?: string | undefined;
  /** node_modules folders to find the SDK in, nearest first (default: next to pocket, global, the agents cache). */
  sdkSearchPaths?: string[];
  /** Where HOME and CLAUDE_CONFIG_DIR are read for Claude Code's session store (default: process.env). */
  storeEnv?: Record<string, string | undefined>;
}

export function createClaudeBackend(options: ClaudeBackendOptions = {}): AgentBackend {
  const searchPaths = options.sdkSearchPaths ?? defaultSdkSearchPaths();
  const store = new ClaudeSessionStore(claudeConfigDir(options.storeEnv ?? process.env));
  /** Tools answered "Allow for this session", per Claude session id: each turn is a new CLI process that forgets. */
  const allowedForSession = new Map<string, Set<string>>();
  return {
    kind: 'claude',
    availability: (): Promise<AgentAvailability> => claudeAvailability(searchPaths, options.claudePath),
    runTurn: (context, input, handlers, signal) =>
      runClaudeTurn({ searchPaths, claudePath: options.claudePath, allowedForSession }, context, input, handlers, signal),
    listRecent: (cwd: string, limit: number): Promise<RecentAgentSession[]> => store.listRecent(cwd, limit),
    lastExchange: (agentSessionId: string) => store.lastExchange(agentSessionId),
    // Each turn's CLI process ends with its turn: nothing outlives runTurn.
    close: async () => {},
  };
}
