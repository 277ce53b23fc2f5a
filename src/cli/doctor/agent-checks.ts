// The SDK-backed coding agents: one check each, saying whether /claude and /codex will work and with what, or the
// exact install command. The agents are optional, so one that is not installed is a warning, never a failure.
import type { AgentKind } from '../../core/agents.js';
import { type DoctorCheck, skipped } from './context.js';

function agentCheck(kind: AgentKind): DoctorCheck {
  return {
    id: `agent-${kind}`,
    title: `agent ${kind}`,
    async run(ctx) {
      const loaded = ctx.config();
      if (!('config' in loaded)) return skipped('the settings are invalid');
      // Lazily: the backends (and the Claude SDK they may load) cost nothing to the other checks and commands.
      const { agentAvailability } = await import('../../daemon/agents/availability-report.js');
      const found = (await agentAvailability(loaded.config)).find((entry) => entry.kind === kind);
      if (found === undefined) return skipped('no backend for it');
      const { availability } = found;
      return availability.ok
        ? { status: 'pass', detail: `works: ${availability.executable}${availability.version === null ? '' : ` (${availability.version})`}` }
        : { status: 'warn', detail: `not available: ${availability.reason}`, fix: `To use /${kind}: ${availability.install}` };
    },
  };
}

export const claudeCheck = agentCheck('claude');
export const codexCheck = agentCheck('codex');
