// The second door, after the guard (guard.ts) has admitted a known person: what their role lets them do. Core
// decides (core/auth.ts: a role per user, a permission per command and button); this only reads the update, asks,
// and for a refusal answers the person once ("read-only: ...") and writes the audit line. Nothing after it runs.
// Button presses are looked up without being used: a viewer pressing "Yes, kill" must not spend the operator's button.
import type { Context, MiddlewareFn } from 'grammy';
import { type Access, type Attempt, commandName, permits, readOnlyAnswer, roleOf } from '../core/auth.js';
import type { CallbackRegistry } from '../core/callback-registry.js';
import type { AuditLog } from './audit.js';
import { whoOf } from './audit.js';

export interface PermissionGateOptions {
  access: Access;
  registry: CallbackRegistry;
  audit: AuditLog;
  now: () => number;
  /** Answers a refused button press (stops its spinner with the text). */
  answerCallback: (queryId: string, text: string) => Promise<void>;
  /** Answers a refused message under it, in its chat and topic. */
  replyTo: (ctx: Context, text: string) => void;
  /**
   * Whether plain text in this message would be typed into a session (its topic, or a reply to its card). Text that
   * goes nowhere is chatter: a viewer talking in the group is not refused, the input feature stays silent as for anyone.
   */
  routesToSession: (ctx: Context) => boolean;
}

export function permissionGate(options: PermissionGateOptions): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    // The guard let only known people through; a role missing here would be a bug, and a bug must not open the door.
    const role = userId === undefined ? null : roleOf(userId, options.access);
    if (role === null) return;
    const attempt = attemptOf(ctx, options);
    const verdict = permits(role, attempt);
    if (verdict.ok) {
      await next();
      return;
    }
    const text = readOnlyAnswer(verdict.what);
    options.audit.record({
      ...whoOf(ctx),
      action: actionOf(attempt),
      outcome: 'rejected',
      reason: 'read-only viewer',
      ...sessionOf(ctx, options),
    });
    const query = ctx.callbackQuery;
    if (query !== undefined) await options.answerCallback(query.id, text).catch(() => {});
    else options.replyTo(ctx, text);
  };
}

function attemptOf(ctx: Context, options: PermissionGateOptions): Attempt {
  const query = ctx.callbackQuery;
  if (query !== undefined) {
    const found = query.data === undefined ? null : options.registry.peek(query.data, options.now());
    return { kind: 'button', action: found?.ok === true ? found.entry.action.type : null };
  }
  // A photo is input too: in an agent session's topic or in reply to it, it starts a turn even without a caption.
  const isText = ctx.msg?.text !== undefined;
  const text = ctx.msg?.text ?? ctx.msg?.caption ?? (ctx.msg?.photo === undefined ? undefined : '');
  if (text === undefined) return { kind: 'other' };
  // grammY runs no command from a caption: a photo routed to a session goes to it whatever its caption says (the
  // photo feature reads /claude, /codex and /send from it, and sends anything else, /tail too, as the prompt).
  if (!isText && options.routesToSession(ctx)) return { kind: 'text' };
  // grammY dispatches commands by the text's marks only.
  const name = commandName(text, isText ? ctx.msg?.entities ?? [] : []);
  if (name !== null) return { kind: 'command', name };
  return options.routesToSession(ctx) ? { kind: 'text' } : { kind: 'other' };
}

function actionOf(attempt: Attempt): string {
  switch (attempt.kind) {
    case 'command':
      return attempt.name;
    case 'button':
      return `button:${attempt.action ?? 'unknown'}`;
    default:
      return attempt.kind;
  }
}

/** The session a refused button was bound to, for the audit line. */
function sessionOf(ctx: Context, options: PermissionGateOptions): { sessionId?: string } {
  const data = ctx.callbackQuery?.data;
  if (data === undefined) return {};
  const found = options.registry.peek(data, options.now());
  return found.ok ? { sessionId: found.entry.sessionId } : {};
}
