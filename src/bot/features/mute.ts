// /mute [SESSION] and /unmute [SESSION]: alerts off / on for one session (the topic's or reply's when implied), or
// for every session when none is named: then also for sessions created later, until /unmute (someone who says
// "/mute" wants quiet, not quiet until the next /new).
import { type Context, Composer } from 'grammy';
import { act, type Kit, parsed, reply, resolveOrReply } from './kit.js';

export function muteFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();
  for (const name of ['mute', 'unmute'] as const) {
    composer.command(name, async (ctx) => {
      const command = parsed(kit, ctx, name, name);
      if (command === null) return;
      const muted = name === 'mute';
      if (command.session === undefined) {
        const all = kit.sessions.list();
        const ok = await act(kit, ctx, name, { detail: 'all' }, async () => {
          kit.muteNewSessions.set(muted);
          for (const view of all) await kit.sessions.setMuted(view.id, muted);
        });
        const text = muted
          ? `Muted alerts of all ${all.length} sessions, and of new sessions until /unmute.`
          : `Unmuted alerts of all ${all.length} sessions; new sessions alert again.`;
        if (ok) void reply(kit, ctx, text);
        return;
      }
      const view = resolveOrReply(kit, ctx, command.session, name);
      if (view === null) return;
      const ok = await act(kit, ctx, name, { sessionId: view.id }, () => kit.sessions.setMuted(view.id, muted));
      if (ok) void reply(kit, ctx, `${muted ? 'Muted' : 'Unmuted'} alerts of ${view.name}.`);
    });
  }
  return composer;
}
