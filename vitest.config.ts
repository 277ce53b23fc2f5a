import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';

// What a test needs decides the folder it lives in, and the folder decides its project:
//   unit  everything outside the folders below: in-process, no tmux, no dist/, no daemon (`npm run test:fast`).
//   paced test/paced/: in-process too, but they wait out Telegram's real pacing and deadlines (a 150-command burst,
//         calls that hang, replies drained at a group's 1 per 3 s): seconds each, so not in the fast loop.
//   tmux  test/tmux/: real tmux servers on private `-L` sockets.
//   e2e   test/e2e/: the built CLI (bin/pocket.js → dist/) with real daemons and tmux; its global setup builds dist/.
// test/helpers/tmux.ts and test/helpers/pocket.ts refuse to load outside the projects that provide what they need, so a
// test in the wrong folder fails with a message naming the right one.
const NEEDS_TMUX = 'test/tmux/**';
const NEEDS_DIST = 'test/e2e/**';
const NEEDS_TIME = 'test/paced/**';

const common: NonNullable<TestProjectInlineConfiguration['test']> = {
  testTimeout: 20_000,
  hookTimeout: 20_000,
  pool: 'forks',
};

export default defineConfig({
  test: {
    // Real tmux servers and daemons per test: keep the 2-core machine from thrashing.
    maxWorkers: 2,
    // CI=true makes Ink print only its final frame; the TUI tests assert on live frames. This env reaches the workers
    // and every CLI or daemon they spawn; the runner itself keeps CI=true (in CI it refuses `.only`, as it should).
    // Checked: `CI=true npm test` passes all three projects.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
    // Every run gets its own temp root (TMPDIR, TMUX_TMPDIR) and fails if a test leaves anything in it.
    globalSetup: ['test/setup/temp-root.ts'],
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [NEEDS_TMUX, NEEDS_DIST, NEEDS_TIME],
          // One module graph per worker instead of one per file: re-importing grammy, ink and xterm for each of the
          // ~45 files cost ~25 s of CPU (53 s of CPU for the project isolated, 16 s shared). Unit tests keep their
          // state in what they create, not in modules (status-colors.test.tsx sets chalk's level itself).
          isolate: false,
        },
      },
      {
        test: { ...common, name: 'paced', include: [`${NEEDS_TIME}/*.test.ts`] },
      },
      {
        test: { ...common, name: 'tmux', include: [`${NEEDS_TMUX}/*.test.{ts,tsx}`], provide: { tmux: true } },
      },
      {
        test: {
          ...common,
          name: 'e2e',
          include: [`${NEEDS_DIST}/*.test.{ts,tsx}`],
          provide: { tmux: true },
          // Builds dist/ from the current src/ and then provides `dist`.
          globalSetup: ['test/setup/build-dist.ts'],
        },
      },
    ],
  },
});
