// Failures on demand, so tests can show how pocket lives through 5xx, dropped connections, 401, 409, outages and
// calls that hang (a network that drops packets without a reset: the request goes out, no answer ever comes back).

export interface InjectedError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
  /** How many calls fail; 1 when omitted. */
  times?: number;
}

export type FaultVerdict = { kind: 'none' } | { kind: 'drop' } | { kind: 'hang' } | { kind: 'fail'; error: InjectedError };

/** `method` is a Bot API method name (any case) or '*' for every method. */
export class Faults {
  private readonly failures: { method: string; error: InjectedError; left: number }[] = [];
  private readonly drops: { method: string; left: number }[] = [];
  private readonly hangs: { method: string; left: number }[] = [];
  private offline = false;

  /** `onOffline` lets the server cut the connections already open when the network "goes away". */
  constructor(private readonly onOffline: () => void = () => {}) {}

  failNext(method: string, error: InjectedError): void {
    this.failures.push({ method: method.toLowerCase(), error, left: error.times ?? 1 });
  }

  /** The next call of the method gets its socket destroyed with no answer. */
  dropNextConnection(method: string, times = 1): void {
    this.drops.push({ method: method.toLowerCase(), left: times });
  }

  /**
   * The next `times` calls of the method (Infinity: every call until clear()) are read and never answered. A call
   * caught stays silent even after clear(), as a connection lost to dropped packets does: only the client giving
   * up, going offline or closing the emulator ends it.
   */
  hangNext(method: string, times = 1): void {
    this.hangs.push({ method: method.toLowerCase(), left: times });
  }

  /** While offline every request, and every connection already open, is destroyed. */
  setOffline(offline: boolean): void {
    this.offline = offline;
    if (offline) this.onOffline();
  }

  get isOffline(): boolean {
    return this.offline;
  }

  clear(): void {
    this.failures.length = 0;
    this.drops.length = 0;
    this.hangs.length = 0;
    this.offline = false;
  }

  /** Decides the fate of one call, using up the fault that applies. */
  take(method: string): FaultVerdict {
    const name = method.toLowerCase();
    if (this.offline) return { kind: 'drop' };
    const drop = this.drops.find((d) => d.left > 0 && (d.method === name || d.method === '*'));
    if (drop !== undefined) {
      drop.left--;
      return { kind: 'drop' };
    }
    const hang = this.hangs.find((h) => h.left > 0 && (h.method === name || h.method === '*'));
    if (hang !== undefined) {
      hang.left--;
      return { kind: 'hang' };
    }
    const failure = this.failures.find((f) => f.left > 0 && (f.method === name || f.method === '*'));
    if (failure !== undefined) {
      failure.left--;
      return { kind: 'fail', error: failure.error };
    }
    return { kind: 'none' };
  }
}
