// What `pocket init` tells the person at the terminal about each step, as lines of text: printed as they are by the
// scripted mode, drawn by the Ink screen. The token never appears in any of them.
import { forumRightsVerdict, privacyVerdict } from '../../core/doctor.js';
import type { EnvChange } from '../../core/env-text.js';
import type { InitEvent } from './run-init.js';

export function describeEvent(event: InitEvent, nowMs: number): string[] {
  switch (event.kind) {
    case 'token-refused':
      return [`${event.reason} Try again.`];
    case 'bot':
      return [`The token works: this is @${event.username}${event.apiRoot === 'https://api.telegram.org' ? '' : ` (via ${event.apiRoot})`}.`];
    case 'code': {
      const minutes = Math.max(1, Math.round((event.expiresAtMs - nowMs) / 60_000));
      const compact = event.code.replace('-', '');
      return [
        `Pairing code: ${event.code}   (single use, expires in ${minutes} minutes)`,
        `Send it to @${event.username} in a private chat, or open ${event.link}`,
        `To use a forum group instead, send /pair ${compact} in the group (with the bot added to it).`,
        'Waiting for the code...',
      ];
    }
    case 'wrong-code':
      return [`A message that is not the code arrived (${event.count} so far); still waiting.`];
    case 'paired':
      return [`Paired: Telegram user ${event.userId}, ${event.chatType === 'private' ? 'private chat' : `group ${event.chatId}`}.`];
    case 'chat': {
      if (event.facts === undefined) return [`Chat ${event.chatId}: ${event.warning ?? 'not reachable yet'}.`];
      const rights = forumRightsVerdict(event.facts);
      const lines = [`Chat ${event.chatId} (${event.facts.isForum ? 'forum' : event.facts.type}): ${rights.detail}.`];
      if (rights.fix !== undefined) lines.push(`  fix: ${rights.fix}`);
      if (event.facts.type !== 'private') {
        const privacy = privacyVerdict(false, event.facts);
        if (privacy.fix !== undefined) lines.push(`  note: ${privacy.detail}; ${privacy.fix}`);
      }
      return lines;
    }
    case 'written':
      return [`Wrote ${event.path} (mode 0600): ${event.changes.map(describeChange).join('; ')}.`];
  }
}

export function describeChange(change: EnvChange): string {
  const show = (value: string | undefined) => (change.key === 'TELEGRAM_BOT_TOKEN' ? 'the token' : (value ?? ''));
  if (change.kind === 'added') return `${change.key} set`;
  if (change.kind === 'unchanged') return `${change.key} unchanged`;
  return change.key === 'TELEGRAM_BOT_TOKEN'
    ? `${change.key} replaced by the new token`
    : `${change.key} ${show(change.before)} -> ${show(change.after)}`;
}

export function nextSteps(username: string): string[] {
  return [`Next: \`pocket start\`, then send /help to @${username} (\`pocket doctor\` checks everything).`];
}
