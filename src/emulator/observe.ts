// What tests watch: a log of every Bot API call with its outcome, and waiting on a condition that is re-checked
// whenever something happens, so tests wait for events instead of sleeping.
import { EventEmitter } from 'node:events';

export interface CallRecord {
  method: string;
  params: Record<string, unknown>;
  atMs: number;
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string; parameters?: unknown };
  /**
   * 'dropped' when fault injection or offline mode destroyed the connection; 'hung' when a hang fault took the call
   * (logged when it was read: it is never answered).
   */
  outcome: 'answered' | 'dropped' | 'hung';
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

export class Observer extends EventEmitter {
  readonly calls: CallRecord[] = [];

  record(call: CallRecord): void {
    this.calls.push(call);
    this.emit('call', call);
    this.changed();
  }

  /** Anything observable changed (a call, an injected update): re-check waiters. */
  changed(): void {
    this.emit('change');
  }

  /** Resolves with the first truthy value of `probe`, checked now and after every change. */
  waitFor<T>(probe: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          cleanup();
          reject(error);
          return true;
        }
        if (value === undefined || value === null || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`emulator: timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', check);
      };
      if (!check()) this.on('change', check);
    });
  }

  /** The next (or an already logged, when `since` is given) call of `method` that matches. */
  waitForCall(
    method: string,
    match: (call: CallRecord) => boolean = () => true,
    options: WaitOptions & { since?: number } = {},
  ): Promise<CallRecord> {
    const start = options.since ?? this.calls.length;
    const name = method.toLowerCase();
    return this.waitFor(
      () => this.calls.slice(start).find((c) => c.method.toLowerCase() === name && match(c)),
      { description: `a ${method} call`, ...options },
    );
  }
}
