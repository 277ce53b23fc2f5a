// A daemon that exists only for the process that started it (`pocket demo`) must end when that process is gone,
// however it went: SIGKILL and hard crashes run no teardown, and the daemon would otherwise poll a dead Bot API
// forever. The daemon learns of the owner's death from the IPC channel that `startDetached` already opens for
// readiness, kept open instead of closed after `ready`:
// - it is event-driven: the kernel closes the owner's end when the owner exits, for any cause, and node reports that
//   EOF as 'disconnect' at once, so there is no timer and no pid to poll;
// - it cannot be fooled by pid reuse, which a liveness check of a recorded pid has to guard against with start times;
// - it survives the detached spawn: `detached` only starts a new session, the socketpair stays shared.
// With the channel kept, neither side closes it on purpose (readiness.ts, lifecycle.ts), so its end means the owner
// exited. A daemon spawned without a channel (`pocket start`, `--foreground`, by hand) links to nothing.

export interface OwnerLink {
  /** Aborted (reason 'owner-gone') once the owner has exited. */
  readonly signal: AbortSignal;
  /** There is a channel to watch; readiness must then keep it open. */
  readonly linked: boolean;
  /** Stops watching and closes our end, so the channel no longer keeps this process alive; call once, at the end. */
  close(): void;
}

export function linkToOwner(): OwnerLink {
  const controller = new AbortController();
  const gone = (): void => controller.abort('owner-gone');
  if (typeof process.send !== 'function') return { signal: controller.signal, linked: false, close: () => {} };
  // The owner may have died before this code ran; node emits 'disconnect' only once.
  if (!process.connected) gone();
  else process.once('disconnect', gone);
  return {
    signal: controller.signal,
    linked: true,
    close: () => {
      process.off('disconnect', gone);
      // Not connected here means the EOF was read but its 'disconnect' is still queued: the owner is gone all the same.
      if (process.connected) process.disconnect();
      else gone();
    },
  };
}
