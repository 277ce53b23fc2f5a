// IPC for the `pocket status` cockpit: one subscription per client that pushes the bot's health (when it changes),
// what the bot did (as it does it), and the session the client focuses on (its detail when its state, prompt or
// screen changes; its new lines as they come). Events, never polling: the TUI draws what arrives.
import { z } from 'zod';
import type { BotTelemetry } from '../../bot/telemetry.js';
import { type BotHealth, type CockpitEvent, sessionDetail } from '../../core/cockpit.js';
import { PocketError } from '../../core/errors.js';
import type { SessionUseCases } from '../../core/sessions.js';
import type { Connection, Handlers } from './server.js';

export interface CockpitSources {
  telemetry: BotTelemetry;
  /** The bot's health now; absent when the daemon runs without a bot. */
  health?: () => BotHealth;
}

/** Lines of the focused session sent when it is focused: the tallest detail pane shows fewer. */
export const DETAIL_LINES = 60;
/**
 * Health changes come in bursts (every queued card edit changes the outbox length): one push per this long at most.
 * Short enough to stay well inside the 200 ms the cockpit has to show a change.
 */
const HEALTH_COALESCE_MS = 100;
/** A full-screen program redraws with every keystroke: its screen goes out at most this often. */
const SCREEN_COALESCE_MS = 50;

const schemas = {
  cockpit: z.object({ session: z.string().optional() }),
  focus: z.object({ session: z.string().nullable() }),
};

function parse<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params);
  if (!result.success) {
    throw new PocketError('IPC_PROTOCOL', `Bad parameters: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  return result.data;
}

const NO_BOT: BotHealth = {
  connected: false,
  trouble: null,
  lastError: 'no bot: this daemon runs without a bot token',
  lastPollAt: null,
  outbox: { pending: 0, oldestQueuedAt: null },
  rateLimitedLastHour: 0,
  retriedLastHour: 0,
};

interface Subscription {
  focus(sessionId: string | null): Promise<void>;
}

export function cockpitHandlers(sessions: SessionUseCases, sources: CockpitSources): Pick<Handlers, 'cockpit' | 'cockpit.focus'> {
  const subscriptions = new WeakMap<Connection, Subscription>();
  const health = sources.health ?? (() => NO_BOT);
  return {
    cockpit: (params, request, connection) => {
      const { session } = parse(schemas.cockpit, params);
      const push = (data: CockpitEvent): void => connection.push(request.id, { event: 'cockpit', data });
      let focused: string | null = null;
      let healthTimer: NodeJS.Timeout | undefined;
      let screenTimer: NodeJS.Timeout | undefined;
      const pushDetail = (): void => {
        const view = focused === null ? undefined : sessions.get(focused);
        push({ type: 'detail', detail: view === undefined ? null : sessionDetail(view) });
      };
      const offTelemetry = sources.telemetry.subscribe((event) => {
        if (event.type === 'activity') {
          push({ type: 'activity', entries: [event.entry] });
          return;
        }
        healthTimer ??= setTimeout(() => {
          healthTimer = undefined;
          push({ type: 'bot', health: health() });
        }, HEALTH_COALESCE_MS);
      });
      const offSessions = sessions.subscribe((event) => {
        if (focused === null) return;
        if (event.type === 'output') {
          if (event.sessionId !== focused) return;
          if (event.lines.length > 0) push({ type: 'lines', sessionId: focused, lines: event.lines });
          if (sessions.get(focused)?.screen !== undefined) {
            screenTimer ??= setTimeout(() => {
              screenTimer = undefined;
              pushDetail();
            }, SCREEN_COALESCE_MS);
          }
          return;
        }
        if (event.type === 'removed') {
          if (event.sessionId === focused) push({ type: 'detail', detail: null });
          return;
        }
        // The state change that goes with it carries the view.
        if (event.type === 'hook-request-ended') return;
        // created, state, alert, updated: the view they carry is the newest.
        if (event.session.id === focused) push({ type: 'detail', detail: sessionDetail(event.session) });
      });
      const subscription: Subscription = {
        async focus(sessionId) {
          const view = sessionId === null ? undefined : sessions.get(sessionId);
          if (view === undefined) {
            focused = null;
            push({ type: 'detail', detail: null });
            return;
          }
          const lines = await sessions.tail(view.id, DETAIL_LINES).catch(() => []);
          // From here on new lines are pushed: the tail above holds everything before.
          focused = view.id;
          push({ type: 'detail', detail: sessionDetail(sessions.get(view.id) ?? view), lines });
        },
      };
      subscriptions.set(connection, subscription);
      connection.onClose(() => {
        offTelemetry();
        offSessions();
        clearTimeout(healthTimer);
        clearTimeout(screenTimer);
      });
      // After the reply, so the client has registered its listener.
      setImmediate(() => {
        push({ type: 'bot', health: health() });
        push({ type: 'activity', entries: sources.telemetry.recent() });
        void subscription.focus(session === undefined ? null : resolveId(sessions, session));
      });
      return { subscribed: true as const };
    },
    'cockpit.focus': async (params, _request, connection) => {
      const { session } = parse(schemas.focus, params);
      const subscription = subscriptions.get(connection);
      if (subscription === undefined) {
        throw new PocketError('IPC_PROTOCOL', 'cockpit.focus needs a cockpit subscription on the same connection.');
      }
      const id = session === null ? null : sessions.resolve(session).id;
      await subscription.focus(id);
      return { focused: id };
    },
  };
}

function resolveId(sessions: SessionUseCases, nameOrId: string): string | null {
  try {
    return sessions.resolve(nameOrId).id;
  } catch {
    return null;
  }
}
