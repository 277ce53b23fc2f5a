// How a detached daemon tells `pocket start` it is ready (or why it is not): a message on the IPC channel
// that node opens when the parent spawns it with an 'ipc' stdio slot. Absent when run in the foreground.

export type ReadinessMessage =
  | { type: 'ready'; pid: number; botUsername: string | null }
  | { type: 'failed'; error: { code: string; message: string; hint?: string } };

/** `keepChannel`: the channel goes on telling the daemon whether its owner lives (owner-link.ts), whatever the outcome. */
export function signalReadiness(message: ReadinessMessage, options: { keepChannel?: boolean } = {}): Promise<void> {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    send(message, undefined, {}, () => {
      // The channel would keep the parent's event loop alive; the daemon lives on without it.
      if (!options.keepChannel && process.connected) process.disconnect();
      resolve();
    });
  });
}

export function isReadinessMessage(value: unknown): value is ReadinessMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'failed';
}
