// `pocket init`: in a terminal the Ink screen asks what it needs; otherwise (scripts, CI) the flags say everything
// and the steps are printed as lines.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../core/ports.js';
import { describeEvent, nextSteps } from '../init/describe.js';
import { type InitFlags, interrupted, runInit } from '../init/run-init.js';

export async function init(home: string, flags: InitFlags): Promise<void> {
  if (process.stdin.isTTY && process.stdout.isTTY) {
    const { runInitScreen } = await import('../tui/init/render.js');
    await runInitScreen(home, flags);
    return;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort(interrupted());
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runInit(
      home,
      flags,
      { show: (event) => process.stdout.write(`${describeEvent(event, Date.now()).join('\n')}\n`) },
      { env: process.env, clock: systemClock, randomBytes: (size) => randomBytes(size), signal: abort.signal },
    );
    process.stdout.write(`${nextSteps(result.username).join('\n')}\n`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
