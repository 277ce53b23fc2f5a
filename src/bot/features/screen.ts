// /screen SESSION and the cards' Screen button: the session's terminal screen as a PNG, for full-screen programs
// (coding agents, editors, top) that a text tail renders badly. The cells are redacted before they are drawn; where
// the renderer cannot load, the screen goes as text and the message says why.
import { type Context, Composer } from 'grammy';
import { sessionLabel, stateText } from '../../core/cards.js';
import { PocketError } from '../../core/errors.js';
import { imageDeliveryOf, redactScreen, type ScreenImage, screenText } from '../../core/screen.js';
import type { SessionView } from '../../core/sessions.js';
import type { Place } from '../delivery.js';
import { act, type Kit, parsed, placeOf, resolveOrReply } from './kit.js';

export function screenFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('screen', async (ctx) => {
    const command = parsed(kit, ctx, 'screen', 'screen');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'screen');
    if (view === null) return;
    await act(kit, ctx, 'screen', { sessionId: view.id }, async () => {
      await sendScreen(kit, view, placeOf(ctx, view.id), ctx.msg?.message_id);
    });
  });
  return composer;
}

/** How the screen goes out: 'photo', 'document' or 'text' (the renderer could not load), queued. Throws for no screen. */
export async function sendScreen(kit: Kit, view: SessionView, place: Place, replyTo?: number): Promise<'photo' | 'document' | 'text'> {
  const screen = await kit.sessions.snapshot(view.id);
  if (screen === null) {
    throw new PocketError('INVALID_INPUT', `${sessionLabel(view)} is a ${view.kind} session: it has no terminal screen.`, {
      hint: `/tail ${view.name} shows its latest steps.`,
    });
  }
  if (screen.cols === 0) {
    throw new PocketError('INVALID_INPUT', `${sessionLabel(view)} has no screen to show (${stateText(view)}, its pane is not being read).`, {
      hint: `/tail ${view.name} shows its last lines.`,
    });
  }
  // Before drawing: a secret in the picture could not be taken out of it afterwards.
  const redacted = redactScreen(screen, (text) => kit.redactor.text(text));
  const caption = `${sessionLabel(view)} — ${stateText(view)}`;
  const reply = replyTo === undefined ? {} : { replyTo };
  let image: ScreenImage;
  try {
    image = await kit.renderScreen(redacted);
  } catch (error) {
    const reason = kit.redactor.text(error instanceof Error ? error.message : String(error));
    kit.log.warn('bot.screen.render_failed', { sessionId: view.id, reason });
    // Queued, not awaited, like every reply: the outbox sends them in this order, and the update is done.
    void kit.delivery.text(place, `No image of ${sessionLabel(view)}'s screen: the screen renderer could not load (${reason}). Here it is as text.`, reply);
    const lines = screenText(redacted);
    void kit.delivery.text(place, lines.length === 0 ? '(blank screen)' : lines.join('\n'), { pre: true });
    return 'text';
  }
  const as = imageDeliveryOf(image);
  void kit.delivery.image(place, { filename: `${view.name}-screen.png`, png: image.png, caption, as, ...reply });
  return as;
}
