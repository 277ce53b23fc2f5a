// What the `pocket status` cockpit shows beyond the status snapshot (whose --json shape is fixed by PRODUCT.md): the
// bot's health and why it is not connected, what the bot did lately, and the selected session in detail. Plain data
// built here, sent over IPC as events (daemon/ipc/cockpit-handlers.ts), drawn by the TUI (cli/tui/).
import type { FullScreen, SessionView } from './sessions.js';
import type { SessionKind, SessionState } from './status.js';

/** Why the bot is not connected, in the words a person looks for (401, 409, network); null while connected. */
export type BotTrouble = 'unauthorized' | 'conflict' | 'network' | 'rate_limited' | 'server' | 'other';

export interface BotHealth {
  connected: boolean;
  trouble: BotTrouble | null;
  /** The poller's last error, already redacted by the daemon; null while connected. */
  lastError: string | null;
  /** ISO time of the last successful getUpdates. */
  lastPollAt: string | null;
  outbox: {
    /** Items waiting now. */
    pending: number;
    /** Epoch ms the oldest waiting item was queued; null when nothing waits. The client ages it with its clock. */
    oldestQueuedAt: number | null;
  };
  /** Telegram's 429 answers to sends in the last hour. */
  rateLimitedLastHour: number;
  /** Sends tried again (after a 429, a network or a server error) in the last hour. */
  retriedLastHour: number;
}

/** Something the bot did, or refused, as one line of the cockpit's bot pane. */
export type BotActivityKind =
  | 'card_posted' | 'card_edited' | 'message_edited' | 'alert_sent' | 'reply_sent' | 'document_sent' | 'screen_sent'
  | 'input_typed' | 'action' | 'update_refused';

export interface BotActivity {
  /** Epoch ms. */
  at: number;
  kind: BotActivityKind;
  /** The session's name when it concerns one. */
  session?: string;
  /** One short line: the command, who, why refused. Never message text. */
  detail: string;
}

/** The selected session as the detail pane shows it. */
export interface SessionDetail {
  id: string;
  name: string;
  kind: SessionKind;
  state: SessionState;
  command: string;
  createdAt: string;
  exitedAt: string | null;
  exitCode: number | null;
  topicId: number | null;
  muted: boolean;
  /** The question it waits at with the answers the bot offers (none for a password prompt); null when not waiting. */
  question: { text: string; answers: string[]; secret: boolean } | null;
  /** The visible screen while a full-screen program runs (vim, less, top), else null: then `lines` is what to show. */
  screen: FullScreen | null;
}

/** What the cockpit subscription pushes. `lines` events carry new output of the focused session only. */
export type CockpitEvent =
  | { type: 'bot'; health: BotHealth }
  | { type: 'activity'; entries: BotActivity[] }
  | { type: 'detail'; detail: SessionDetail | null; lines?: string[] }
  | { type: 'lines'; sessionId: string; lines: string[] };

export function sessionDetail(view: SessionView): SessionDetail {
  const prompt = view.state === 'waiting' ? view.prompt : null;
  return {
    id: view.id,
    name: view.name,
    kind: view.kind,
    state: view.state,
    command: view.command,
    createdAt: view.createdAt,
    exitedAt: view.exitedAt,
    exitCode: view.exitCode,
    topicId: view.topicId,
    muted: view.muted,
    question: prompt === null
      ? null
      : { text: prompt.question, answers: prompt.secret ? [] : prompt.answers.map((a) => a.label), secret: prompt.secret },
    screen: view.screen ?? null,
  };
}

/** Timestamps of one kind of event, counted over a sliding window (429s in the last hour). Bounded by `max`. */
export class RecentCount {
  private readonly times: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly max = 10_000,
  ) {}

  add(at: number): void {
    this.times.push(at);
    if (this.times.length > this.max) this.times.shift();
  }

  count(now: number): number {
    const from = now - this.windowMs;
    while (this.times.length > 0 && (this.times[0] ?? 0) <= from) this.times.shift();
    return this.times.length;
  }
}

/** The last `max` entries, oldest first. */
export class RecentList<T> {
  private readonly items: T[] = [];

  constructor(private readonly max: number) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length > this.max) this.items.shift();
  }

  list(): T[] {
    return [...this.items];
  }
}

/** The trouble an error kind of core's API classification stands for. */
export function troubleOf(kind: string): BotTrouble {
  switch (kind) {
    case 'unauthorized':
    case 'conflict':
    case 'network':
    case 'server':
      return kind;
    case 'retry_after':
      return 'rate_limited';
    default:
      return 'other';
  }
}

/** What an audit entry means in the bot pane: the kind and a short line (never the user's text). */
export function activityOfAudit(entry: {
  action: string;
  outcome: string;
  userName?: string | null;
  userId?: number | null;
  reason?: string;
  origin?: string;
}): { kind: BotActivityKind; detail: string } {
  const who = entry.userName ?? (entry.userId === undefined || entry.userId === null ? 'nobody' : `user ${entry.userId}`);
  const by = entry.origin === 'local' ? `local ${who}` : who;
  if (entry.action === 'update' || entry.outcome === 'rejected') {
    return { kind: 'update_refused', detail: `refused ${entry.action === 'update' ? 'update' : entry.action} from ${by}${entry.reason === undefined ? '' : `: ${entry.reason}`}` };
  }
  const typed = entry.action === 'text' || entry.action === 'send' || entry.action === 'keys' || entry.action.startsWith('button:');
  const outcome = entry.outcome === 'ok' ? '' : ` (${entry.outcome}${entry.reason === undefined ? '' : `: ${entry.reason}`})`;
  return { kind: typed ? 'input_typed' : 'action', detail: `${entry.action} by ${by}${outcome}` };
}
