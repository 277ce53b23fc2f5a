// Alerts: a new message (so the phone notifies) when a session exits, goes quiet after activity, or waits for
// input, with one-shot buttons for the detected answers. Quiet events go out with disable_notification; muted
// sessions get none. The session service decides when an episode deserves an alert; this only delivers it.
import { hookDecisionOf, hookEndLine, type HookRequestEnd, hookRequestOf } from '../core/agent-hooks.js';
import type { CallbackRegistry } from '../core/callback-registry.js';
import { renderAlert, sessionLabel } from '../core/cards.js';
import type { SessionEvent } from '../core/sessions.js';
import type { Logger } from '../core/ports.js';
import type { Delivery } from './delivery.js';

/**
 * An answer pressed this soon after its alert waits until then: a dialog drops keys sent just after it opens, and the
 * alert can now leave within ~20 ms of the dialog showing (the hook spool). Claude Code 2.1.332's numbered permission
 * dialog ignored a digit sent 20 or 50 ms after it showed and took one 100 ms after (idle machine), and ignored one
 * ~140 ms after on a loaded one (test/e2e/claude-hooks.test.ts pressed Yes as soon as the alert came). No person
 * presses that fast, so this costs them nothing.
 */
export const FRESH_DIALOG_DEAF_MS = 500;

export class Alerts {
  constructor(
    private readonly chatId: number,
    private readonly delivery: Delivery,
    private readonly registry: CallbackRegistry,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  handle(event: SessionEvent): void {
    if (event.type === 'hook-request-ended') {
      const label = this.#labels.get(event.requestId);
      this.#labels.delete(event.requestId);
      // No alert was sent for it (a muted session): nothing to edit.
      if (label !== undefined) this.#hookRequestEnded(event.requestId, event.end);
      if (event.end.kind === 'timeout') {
        const place = { chatId: this.chatId, topicOf: event.sessionId, sessionId: event.sessionId };
        void this.delivery.text(place, `⏱ ${label ?? event.sessionId}: nobody answered its permission request in time, so it was refused.`);
      }
      return;
    }
    if (event.type !== 'alert') return;
    const view = event.session;
    if (view.muted) {
      this.log.debug('bot.alert.muted', { sessionId: view.id, kind: event.kind });
      return;
    }
    const prompt = event.kind === 'waiting' && view.prompt !== null && !view.prompt.secret ? view.prompt : null;
    const hookRequest = prompt === null ? null : hookRequestOf(prompt.ruleId);
    const ids =
      prompt === null || prompt.answers.length === 0
        ? []
        : hookRequest !== null
          ? this.registry.oneShot(
              view.id,
              prompt.answers.map((answer) => ({ type: 'hook-decision', requestId: hookRequest, decision: hookDecisionOf(answer.label) })),
              this.now(),
            )
          : this.registry.oneShot(
            view.id,
            prompt.answers.map((answer) => ({
              type: 'answer',
              ruleId: prompt.ruleId,
              label: answer.label,
              input: answer.input,
              notBefore: this.now() + FRESH_DIALOG_DEAF_MS,
            })),
            this.now(),
          );
    const rendered = renderAlert(view, event.kind, ids);
    const sending = this.delivery.text({ chatId: this.chatId, topicOf: view.id, sessionId: view.id }, rendered.text, {
      kind: 'alert',
      buttons: rendered.buttons,
      silent: rendered.silent,
    });
    if (hookRequest !== null) {
      this.#labels.set(hookRequest, sessionLabel(view));
      void this.#sentHookAlert(hookRequest, rendered.text, sending);
    }
  }

  /** A hook request's alert: kept until the request ends, then edited to say how (decided, at the desk, timed out). */
  readonly #hookAlerts = new Map<string, { messageId: number; text: string }>();
  /** Ended before its alert was sent: edited as soon as it is. */
  readonly #endedEarly = new Map<string, HookRequestEnd>();

  async #sentHookAlert(requestId: string, text: string, sending: Promise<number[]>): Promise<void> {
    const messageId = (await sending).at(-1);
    const early = this.#endedEarly.get(requestId);
    this.#endedEarly.delete(requestId);
    if (messageId === undefined) return;
    if (early !== undefined) this.#editEnded({ messageId, text }, early);
    else this.#hookAlerts.set(requestId, { messageId, text });
  }

  /** The session's label for each open request's alert, for the timeout's notice. */
  readonly #labels = new Map<string, string>();

  #hookRequestEnded(requestId: string, end: HookRequestEnd): void {
    const sent = this.#hookAlerts.get(requestId);
    this.#hookAlerts.delete(requestId);
    if (sent === undefined) this.#endedEarly.set(requestId, end);
    else this.#editEnded(sent, end);
  }

  #editEnded(sent: { messageId: number; text: string }, end: HookRequestEnd): void {
    void this.delivery.edit(this.chatId, `m:${sent.messageId}`, sent.messageId, `${sent.text}\n${hookEndLine(end)}`, false, []);
  }
}
