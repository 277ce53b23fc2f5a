// Wires the daemon's services: what runs inside `pocket __daemon`. Grows with the tmux engine and the bot.
import type { DaemonContext, DaemonService, StatusSources } from './main.js';

export async function buildServices(_context: DaemonContext): Promise<{ services: DaemonService[]; status: StatusSources }> {
  return { services: [], status: {} };
}
