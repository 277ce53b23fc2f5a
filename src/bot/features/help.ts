// /help and /start: the commands that exist, nothing more (commands of other issues are simply not listed).
import { Composer } from 'grammy';
import { COMMAND_HELP } from '../../core/commands.js';
import { type Kit, reply, who } from './kit.js';

export function helpText(): string {
  const lines = COMMAND_HELP.map((c) => `/${c.command}${c.args === '' ? '' : ` ${c.args}`} — ${c.description}`);
  return [
    'Pocket Operator: your tmux sessions and coding agents (Claude, Codex), from here.',
    '',
    ...lines,
    '',
    'SESSION is a name or alias. In a session topic, or replying to a card or alert, SESSION may be left out and',
    'plain text is typed into that session.',
  ].join('\n');
}

export function helpFeature(kit: Kit): Composer<import('grammy').Context> {
  const composer = new Composer();
  composer.command(['help', 'start'], async (ctx) => {
    kit.audit.record({ ...who(ctx), action: 'help', outcome: 'ok' });
    void reply(kit, ctx, helpText());
  });
  return composer;
}
