import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Real tmux servers and daemons per test: keep the 2-core machine from thrashing.
    maxWorkers: 2,
    pool: 'forks',
    // CI=true makes Ink print only its final frame; the TUI tests assert on live frames.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
  },
});
