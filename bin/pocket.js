#!/usr/bin/env node
// Shim for the built CLI. CommonJS (bin/package.json) because an ES module entry costs ~15 ms more to start, and
// `--version` is answered here so it never pays for loading the command parser.
'use strict';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  import('../dist/cli/main.js').then(({ main }) => main(process.argv));
}
