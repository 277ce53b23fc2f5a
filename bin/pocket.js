#!/usr/bin/env node
// Shim for the built CLI. CommonJS (bin/package.json) because an ES module entry costs ~15 ms more to start, and
// `--version` is answered here so it never pays for loading the command parser.
'use strict';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else if ((args.length === 6 || args.length === 7) && args[0] === '--home' && args[2] === 'hook' && args[3] === '--session') {
  // What an agent's hook runs (core/agent-hooks.ts writes exactly this shape; Codex's notify appends its JSON): it
  // holds the agent up and the alert waits for it, so it skips the command parser and loads only the hook itself.
  require('../dist/cli/hook.cjs').hook(require('node:path').resolve(args[1]), args[5], { session: args[4] }, args[6]);
} else {
  import('../dist/cli/main.js').then(({ main }) => main(process.argv));
}
