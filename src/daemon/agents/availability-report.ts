// Which coding agents can run with these settings, and where their executables are: what `pocket doctor` prints.
// The same backends and the same allow-listed environment the daemon builds, so doctor says what /claude and
// /codex will find.
import type { Config } from '../../config.js';
import type { AgentAvailability, AgentKind } from '../../core/agents.js';
import { agentEnvironments, buildAgentBackends } from '../compose.js';

export async function agentAvailability(config: Pick<Config, 'claudePath' | 'codexPath' | 'codexSandbox' | 'secrets'>): Promise<Array<{ kind: AgentKind; availability: AgentAvailability }>> {
  const backends = buildAgentBackends(config, agentEnvironments(process.env, config.secrets).codex);
  try {
    return await Promise.all((['claude', 'codex'] as const).map(async (kind) => ({ kind, availability: await backends[kind].availability() })));
  } finally {
    await Promise.all(Object.values(backends).map((b) => b.close()));
  }
}
