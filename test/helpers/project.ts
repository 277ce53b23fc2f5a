// vitest.config.ts puts a test in a project by its folder: test/tmux/ may start tmux servers, test/e2e/ also runs the
// built CLI. Helpers that need either call these at load, so a test in the wrong folder fails at once naming the
// folder it belongs in, instead of slowing `npm run test:fast` or running a stale dist/.
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by the tmux and e2e projects: tests may start tmux servers (on private `-L` sockets). */
    tmux: boolean;
    /** Provided by the e2e project's global setup (test/setup/build-dist.ts) once dist/ is built from src/. */
    dist: boolean;
  }
}

export function requireTmux(helper: string): void {
  if (inject('tmux') !== true) {
    throw new Error(`${helper} starts real tmux servers: a test that uses it belongs under test/tmux/ (see vitest.config.ts)`);
  }
}

export function requireBuiltCli(helper: string): void {
  if (inject('dist') !== true) {
    throw new Error(`${helper} runs the built CLI (dist/): a test that uses it belongs under test/e2e/ (see vitest.config.ts)`);
  }
}
