// The status cockpit's line to the daemon: the snapshot and cockpit streams over one IPC connection, actions (kill,
// mute) as requests naming the local user, and a new connection when the daemon goes away and comes back. The TUI
// sees listeners and promises; it never learns that the connection under them was replaced.
import type { BotActivity, BotHealth, CockpitEvent } from '../core/cockpit.js';
import { PocketError } from '../core/errors.js';
import type { StatusSnapshot } from '../core/status.js';
import type { IpcClient } from '../daemon/ipc/client.js';

/** How often a lost daemon is looked for again: the socket reappears when it restarts (about 1 s for `pocket restart`). */
export const RECONNECT_MS = 1000;
/**
 * Snapshots are pushed only on change, so a daemon that froze would look like a quiet one: ask it something every
 * PROBE_MS and report the first request it leaves unanswered for as long.
 */
export const PROBE_MS = 5000;
const ACTIVITY_REPLAYED = 20;

export interface CockpitConnectionOptions {
  /** The connection `pocket status` already opened. */
  client: IpcClient;
  /** Opens a new connection (connectIpc on the home's socket); rejects while no daemon listens. */
  reconnect: () => Promise<IpcClient>;
  /** The OS user at this terminal, named in the audit line of each action. */
  user: string;
  /** Turns an unanswered request into the error to show (silence.ts). */
  explain?: (error: unknown) => Error;
  reconnectMs?: number;
  probeMs?: number;
}

/**
 * One connection at a time; listeners of the TUI come and go (it unmounts to let tmux attach, then mounts again) and
 * get the last bot health and activity replayed when they subscribe.
 */
export class CockpitConnection {
  private client: IpcClient | null;
  private focused: string | null = null;
  private lastHealth: BotHealth | null = null;
  private activity: BotActivity[] = [];
  private lastSnapshot: StatusSnapshot | null = null;
  private readonly snapshotListeners = new Set<(s: StatusSnapshot) => void>();
  private readonly errorListeners = new Set<(e: Error) => void>();
  private readonly eventListeners = new Set<(e: CockpitEvent) => void>();
  private stopProbe: () => void = () => {};
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: CockpitConnectionOptions) {
    this.client = options.client;
    void this.open(options.client);
  }

  /** The newest snapshot seen, for a TUI that mounts again after an attach. */
  snapshot(): StatusSnapshot | null {
    return this.lastSnapshot;
  }

  onSnapshot(onSnapshot: (s: StatusSnapshot) => void, onError: (e: Error) => void): () => void {
    this.snapshotListeners.add(onSnapshot);
    this.errorListeners.add(onError);
    return () => {
      this.snapshotListeners.delete(onSnapshot);
      this.errorListeners.delete(onError);
    };
  }

  onCockpit(onEvent: (e: CockpitEvent) => void): () => void {
    this.eventListeners.add(onEvent);
    if (this.lastHealth !== null) onEvent({ type: 'bot', health: this.lastHealth });
    if (this.activity.length > 0) onEvent({ type: 'activity', entries: [...this.activity] });
    return () => this.eventListeners.delete(onEvent);
  }

  focus(sessionId: string | null): void {
    this.focused = sessionId;
    this.client?.request('cockpit.focus', { session: sessionId }).catch(() => {
      // A session gone meanwhile, or the connection lost: the next snapshot or reconnect says so.
    });
  }

  async kill(sessionId: string): Promise<void> {
    await this.connected().request('session.kill', { session: sessionId, user: this.options.user });
  }

  async setMuted(sessionId: string, muted: boolean): Promise<void> {
    await this.connected().request('session.mute', { session: sessionId, muted, user: this.options.user });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stopProbe();
    this.client?.close();
    this.client = null;
  }

  private connected(): IpcClient {
    if (this.client === null) throw new PocketError('DAEMON_NOT_RUNNING', 'Not connected to the daemon: waiting for it to come back.');
    return this.client;
  }

  private async open(client: IpcClient): Promise<void> {
    const lost = (error: Error): void => {
      if (this.client !== client) return;
      this.client = null;
      this.stopProbe();
      client.close();
      for (const listener of this.errorListeners) listener(error);
      this.scheduleReconnect();
    };
    try {
      await client.subscribe((snapshot) => {
        this.lastSnapshot = snapshot;
        for (const listener of this.snapshotListeners) listener(snapshot);
      }, lost);
      await client.cockpit((event) => this.received(event), lost, this.focused === null ? {} : { session: this.focused }).catch((error: unknown) => {
        // A daemon older than the cockpit refuses the request: the table still works, the detail and bot panes wait.
        if (!(error instanceof PocketError && error.code === 'IPC_PROTOCOL')) throw error;
      });
    } catch (error) {
      lost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.stopProbe = probeLiveness(client, this.options.probeMs ?? PROBE_MS, (error) => {
      for (const listener of this.errorListeners) listener(this.options.explain?.(error) ?? (error as Error));
    });
  }

  private received(event: CockpitEvent): void {
    if (event.type === 'bot') this.lastHealth = event.health;
    if (event.type === 'activity') this.activity = [...this.activity, ...event.entries].slice(-ACTIVITY_REPLAYED);
    for (const listener of this.eventListeners) listener(event);
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.options.reconnect().then(
        (client) => {
          if (this.closed) {
            client.close();
            return;
          }
          this.client = client;
          void this.open(client);
        },
        () => this.scheduleReconnect(),
      );
    }, this.options.reconnectMs ?? RECONNECT_MS);
  }
}

/** Asks the daemon something every `everyMs`; reports each request it leaves unanswered for as long. */
export function probeLiveness(client: IpcClient, everyMs: number, onSilent: (error: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      client.request('hello', {}, everyMs).then(
        () => {
          if (!stopped) schedule();
        },
        (error: unknown) => {
          if (stopped) return;
          onSilent(error);
          schedule();
        },
      );
    }, everyMs);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
