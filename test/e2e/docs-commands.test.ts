// "Every command in README.md and docs/ runs as written": each line of a ```sh block is run or checked here.
// - pocket commands that only read or try things (--help, --version, doctor, demo, stop in an empty home) run as
//   written, through a `pocket` on PATH, with an empty HOME, from another directory;
// - pocket commands that need a real bot or change the machine (init, start, restart, install, uninstall) are
//   checked against the CLI itself: the subcommand exists and takes every option the line uses;
// - anything else must be in NOT_RUN below with the reason, so a new command in the docs is never silently skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/pocket.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC_FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Commands (by their first word, or first two) that are not run, and why. */
const NOT_RUN: Record<string, string> = {
  'npm ci': 'reinstalls node_modules of the checkout; .ci/run does it on a clean clone',
  'npm install': 'installs pocket globally; scripts/check-package.js (run by .ci/run) installs the packed tarball the same way',
  'npm test': 'the whole suite, which includes this test',
  'npm run': 'builds dist/ of the checkout; the e2e global setup builds it the same way before this test',
  mv: "moves the user's pocket home",
};

/** pocket subcommands safe to run in an empty temp home: they read, or try things in a throwaway home. */
const RUNS = new Set(['--help', '--version', 'doctor', 'demo', 'stop']);
/** Exit codes that mean "ran as written": doctor exits 1 when a check fails (an empty home has no .env). */
const ACCEPTED_EXIT: Record<string, number[]> = { doctor: [0, 1] };

interface DocCommand {
  file: string;
  line: string;
}

function docCommands(): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const file of DOC_FILES) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const block of text.matchAll(/^\s*```sh\n([\s\S]*?)^\s*```/gm)) {
      const joined = block[1]!.replace(/\\\n\s*/g, ' ');
      for (const raw of joined.split('\n')) {
        // A comment after two or more spaces ends the command (the docs' style); a line starting with # is one.
        const line = raw.replace(/\s{2,}#\s.*$/, '').trim();
        if (line.length > 0 && !line.startsWith('#')) commands.push({ file, line });
      }
    }
  }
  return commands;
}

/** Splits a shell line into simple commands on &&, || , ; and |, respecting quotes and $(...). */
function simpleCommands(line: string): string[][] {
  const commands: string[][] = [[]];
  let word = '';
  let quote: string | undefined;
  let depth = 0;
  const endWord = () => {
    if (word.length > 0) commands.at(-1)!.push(word);
    word = '';
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '$' && line[i + 1] === '(') {
      depth++;
      word += '$(';
      i++;
    } else if (ch === ')' && depth > 0) {
      depth--;
      word += ch;
    } else if (depth === 0 && /[\s]/.test(ch)) {
      endWord();
    } else if (depth === 0 && (ch === '&' || ch === '|' || ch === ';')) {
      endWord();
      if ((ch === '&' || ch === '|') && line[i + 1] === ch) i++;
      commands.push([]);
    } else {
      word += ch;
    }
  }
  endWord();
  // `VAR=value command ...`: the command is what follows the assignments.
  return commands.map((words) => words.slice(words.findIndex((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)))).filter((c) => c.length > 0);
}

function sandbox() {
  const dir = tempDir('pocket-docs-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'pocket'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'pocket'), 0o755);
  for (const sub of ['home', 'elsewhere']) mkdirSync(join(dir, sub));
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}`, HOME: join(dir, 'home'), TMPDIR: process.env.TMPDIR, LANG: 'C.UTF-8' };
  if (process.env.TMUX_TMPDIR !== undefined) env.TMUX_TMPDIR = process.env.TMUX_TMPDIR;
  return { cwd: join(dir, 'elsewhere'), env };
}

describe('the commands in README.md and docs/', () => {
  const commands = docCommands();

  it('finds the documented commands', () => {
    expect(commands.map((c) => c.line)).toEqual(expect.arrayContaining(['npm ci && npm run build && npx pocket demo', 'npm test', 'pocket doctor']));
  });

  for (const { file, line } of commands) {
    it(`${file}: ${line}`, { timeout: 120_000 }, () => {
      // `npx pocket X` in a checkout is the checkout's `pocket X`: checked like it.
      const parts = simpleCommands(line).map((words) => (words[0] === 'npx' && words[1] === 'pocket' ? words.slice(1) : words));
      const pocketParts = parts.filter((words) => words[0] === 'pocket');
      for (const words of parts) {
        if (words[0] === 'pocket' || words[0] === 'printf') continue;
        const key = NOT_RUN[`${words[0]} ${words[1]}`] !== undefined ? `${words[0]} ${words[1]}` : words[0]!;
        expect(NOT_RUN[key], `"${words.join(' ')}" in ${file} is neither run nor listed in NOT_RUN with a reason`).toBeDefined();
      }
      const runnable = parts.every((words) => words[0] === 'printf' || (words[0] === 'pocket' && RUNS.has(words[1] ?? '--help')));
      if (runnable && pocketParts.length > 0) {
        const box = sandbox();
        const result = spawnSync('sh', ['-c', line], { cwd: box.cwd, env: box.env, encoding: 'utf8', timeout: 100_000, stdio: ['ignore', 'pipe', 'pipe'] });
        const accepted = ACCEPTED_EXIT[pocketParts.at(-1)![1] ?? ''] ?? [0];
        expect(accepted, `exit ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toContain(result.status);
        return;
      }
      // Not run here: the subcommand must exist and take every option the line passes.
      for (const words of pocketParts) {
        const sub = words[1]!;
        const help = execFileSync(process.execPath, [BIN, sub, '--help'], { encoding: 'utf8' });
        for (const option of words.slice(2).filter((w) => w.startsWith('-'))) {
          expect(help, `pocket ${sub} has no option ${option}`).toContain(option.split('=')[0]);
        }
      }
    });
  }
});
