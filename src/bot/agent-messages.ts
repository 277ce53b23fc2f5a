// What the chat hears from agent sessions beyond their cards: a permission request or a question as a message with
// buttons (edited, once settled, to say who answered what, or that nobody did), and each turn's end as a new message
// so the phone notifies: the answer (split, or a document when long), the diff of the files it changed, tokens and
// cost; a cancel or a failure in one line with the reason.
import { requestText, resultFooter, settledLine } from '../core/agent-cards.js';
import type { AgentSessionEvent, AgentUseCases } from '../core/agent-sessions.js';
import type { AgentRequest } from '../core/agents.js';
import type { CallbackRegistry } from '../core/callback-registry.js';
import { sessionLabel } from '../core/cards.js';
import type { RenderedButton } from '../core/cards.js';
import type { SessionUseCases } from '../core/sessions.js';
import type { Logger } from '../core/ports.js';
import type { Delivery, Place } from './delivery.js';

/** Longer answers go as a document: three messages are already a lot to scroll on a phone. */
const ANSWER_INLINE_MAX = 3 * 3500;

interface SentRequest {
  chatId: number;
  messageId: number;
  text: string;
  sessionId: string;
}

export class AgentMessages {
  /** Request id -> its message, while it is open or being settled. */
  private readonly sent = new Map<string, SentRequest>();
  /** `chat:message` -> request id: a reply to a question's message answers it. */
  private readonly byMessage = new Map<string, string>();
  /** Settled before its message was sent: the message goes out settled. */
  private readonly settledEarly = new Map<string, string>();

  constructor(
    private readonly chatId: number,
    private readonly sessions: SessionUseCases,
    private readonly agents: AgentUseCases,
    private readonly delivery: Delivery,
    private readonly registry: CallbackRegistry,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  handle(event: AgentSessionEvent): void {
    const view = this.sessions.get(event.sessionId);
    const label = view === undefined ? event.sessionId : `${view.kind} ${sessionLabel(view)}`;
    const place: Place = { chatId: this.chatId, topicOf: event.sessionId, sessionId: event.sessionId };
    switch (event.type) {
      case 'request':
        void this.ask(place, label, event.requestId, event.request);
        return;
      case 'request-settled': {
        const line = settledLine(
          event.settlement.kind === 'answered' ? event.settlement
            : event.settlement.kind === 'timeout' ? { timedOutAfterMs: event.settlement.afterMs } : { cancelled: true },
        );
        const sent = this.sent.get(event.requestId);
        if (sent === undefined) this.settledEarly.set(event.requestId, line);
        else this.settle(event.requestId, sent, line);
        if (event.settlement.kind === 'timeout') {
          void this.delivery.text(place, `⏱ ${label}: nobody answered its request in time, so it was refused. The turn goes on without it.`);
        }
        return;
      }
      case 'turn-ended':
        void this.turnEnded(place, label, event.result, view?.muted === true);
        return;
    }
  }

  /** The open request a reply to this message answers, if it is a question's message. */
  requestOfMessage(chatId: number, messageId: number): string | undefined {
    return this.byMessage.get(`${chatId}:${messageId}`);
  }

  private async ask(place: Place, label: string, requestId: string, request: AgentRequest): Promise<void> {
    // Redacted before requestText cuts the command and diff to fit: a token cut in half has no shape left.
    const text = requestText(label, this.delivery.redactor.value(request) as AgentRequest);
    const buttons = this.buttonsFor(place.sessionId!, requestId, request);
    const ids = await this.delivery.text(place, text, { kind: 'alert', buttons });
    const messageId = ids.at(-1);
    if (messageId === undefined) {
      this.log.warn('bot.agent_request_unsent', { sessionId: place.sessionId, requestId });
      return;
    }
    const sent = { chatId: place.chatId, messageId, text, sessionId: place.sessionId! };
    this.sent.set(requestId, sent);
    this.byMessage.set(`${place.chatId}:${messageId}`, requestId);
    const early = this.settledEarly.get(requestId);
    if (early !== undefined) {
      this.settledEarly.delete(requestId);
      this.settle(requestId, sent, early);
    } else if (this.agents.openRequest(requestId) === undefined) {
      // Settled while the message was on its way, by a path that did not tell (the turn ended): no live buttons.
      this.settle(requestId, sent, settledLine({ cancelled: true }));
    }
  }

  private settle(requestId: string, sent: SentRequest, line: string): void {
    this.sent.delete(requestId);
    this.byMessage.delete(`${sent.chatId}:${sent.messageId}`);
    void this.delivery.edit(sent.chatId, `m:${sent.messageId}`, sent.messageId, `${sent.text}\n${line}`, false, []);
  }

  private buttonsFor(sessionId: string, requestId: string, request: AgentRequest): RenderedButton[][] {
    const now = this.now();
    if (request.type === 'approval') {
      const [allow, deny, always] = this.registry.oneShot(sessionId, [
        { type: 'agent-approval', requestId, decision: 'allow' },
        { type: 'agent-approval', requestId, decision: 'deny' },
        { type: 'agent-approval', requestId, decision: 'allow-session' },
      ], now);
      return [[{ text: '✅ Allow', data: allow! }, { text: '⛔ Deny', data: deny! }], [{ text: 'Allow for this session', data: always! }]];
    }
    // One question: its options as buttons. Several at once: answered by a reply, one line per question.
    const only = request.questions.length === 1 ? request.questions[0]! : null;
    if (only === null || only.multiSelect || only.options.length === 0) return [];
    const ids = this.registry.oneShot(sessionId, only.options.map((o) => ({ type: 'agent-choice', requestId, label: o.label })), now);
    return only.options.map((o, i) => [{ text: o.label.slice(0, 60), data: ids[i]! }]);
  }

  private async turnEnded(place: Place, label: string, result: import('../core/agents.js').AgentTurnResult, muted: boolean): Promise<void> {
    if (result.outcome === 'cancelled') {
      await this.delivery.text(place, `■ ${label}: turn cancelled. Reply to continue.`, { silent: true });
      return;
    }
    if (result.outcome === 'failed') {
      await this.delivery.text(place, `✗ ${label}: the turn failed: ${result.reason}\nThe session is still usable: reply to try again.`, { kind: 'alert' });
      return;
    }
    const footer = resultFooter(result);
    const answer = result.text.trim() === '' ? '(no answer text)' : result.text;
    if (answer.length > ANSWER_INLINE_MAX) {
      await this.delivery.document(place, 'answer.md', new TextEncoder().encode(answer), `${label}: the answer${footer === null ? '' : ` ${footer}`}`);
    } else {
      await this.delivery.text(place, footer === null ? answer : `${answer}\n\n${footer}`, { kind: 'alert', silent: muted });
    }
    if (result.diff !== null && result.diff.trim() !== '') {
      await this.delivery.document(place, 'changes.diff', new TextEncoder().encode(result.diff), `${label}: ${result.changedFiles.join(', ').slice(0, 900)}`);
    }
  }
}
