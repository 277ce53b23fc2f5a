// /help and /start: the commands that exist, nothing more; a viewer is shown the ones a viewer may use.
import { Composer } from 'grammy';
import { COMMAND_PERMISSION, type Role } from '../../core/auth.js';
import { COMMAND_HELP } from '../../core/commands.js';
import { type Kit, reply, who } from './kit.js';

export function helpText(role: Role = 'operator'): string {
  const commands = role === 'operator' ? COMMAND_HELP : COMMAND_HELP.filter((c) => COMMAND_PERMISSION[c.command] === 'look');
  const lines = commands.map((c) => `/${c.command}${c.args === '' ? '' : ` ${c.args}`} — ${c.description}`);
  return [
    'Pocket Operator: your tmux sessions and coding agents (Claude, Codex), from here.',
    ...(role === 'viewer' ? ['You may look (read-only): these are the commands for that.'] : []),
    '',
    ...lines,
    '',
    role === 'viewer'
      ? 'SESSION is a name or alias; in a session topic it may be left out.'
      : 'SESSION is a name or alias. In a session topic, or replying to a card or alert, SESSION may be left out and\nplain text is typed into that session.',
  ].join('\n');
}

export function helpFeature(kit: Kit): Composer<import('grammy').Context> {
  const composer = new Composer();
  composer.command(['help', 'start'], async (ctx) => {
    kit.audit.record({ ...who(ctx), action: 'help', outcome: 'ok' });
    void reply(kit, ctx, helpText(kit.roleOf(ctx.from?.id)));
  });
  return composer;
}
