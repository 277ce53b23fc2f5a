#!/usr/bin/env node
// The clean-machine check: pack the package, install the tarball globally into a temp prefix, and run the installed
// `pocket` from another directory with an empty HOME, as a new user would. Prints the installed size and fails above
// the budget. Used by .ci/run; `npm run check:package` runs it by hand.
//   pack (prepack builds dist/) -> npm i -g --prefix TMP/prefix TARBALL -> pocket --version, --help, doctor --json,
//   init --help, and `pocket demo` in script mode -> remove everything it made.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BUDGET_MB = 60;
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const work = mkdtempSync(join(tmpdir(), 'pocket-package-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(what) {
  process.stdout.write(`check-package: ${what}\n`);
}

function sizeOf(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined || stat.isSymbolicLink()) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** Runs the installed pocket from `cwd` with a clean environment: no POCKET_*, no TELEGRAM_*, an empty HOME. */
function pocket(args, options = {}) {
  const env = { PATH: `${join(work, 'prefix', 'bin')}:${process.env.PATH}`, HOME: join(work, 'home'), LANG: 'C.UTF-8', TMPDIR: tmpdir() };
  const result = spawnSync('pocket', args, { cwd: join(work, 'elsewhere'), env, encoding: 'utf8', timeout: 120_000, ...options });
  if (result.error) throw result.error;
  return result;
}

function expect(condition, message, result) {
  if (condition) return;
  const output = result === undefined ? '' : `\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  throw new Error(`check-package: ${message}${output}`);
}

try {
  mkdirSync(join(work, 'elsewhere'));
  mkdirSync(join(work, 'home'));
  step('npm pack');
  const packed = execFileSync(npm, ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1);
  const tarball = join(work, packed);
  step(`npm i -g --prefix ${join(work, 'prefix')} ${packed}`);
  execFileSync(npm, ['i', '-g', '--prefix', join(work, 'prefix'), tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: join(work, 'elsewhere'),
    stdio: 'inherit',
  });
  const installedMb = sizeOf(join(work, 'prefix')) / 1024 / 1024;
  step(`installed size ${installedMb.toFixed(1)} MB (budget ${BUDGET_MB} MB); tarball ${(statSync(tarball).size / 1024).toFixed(0)} KB`);
  expect(installedMb < BUDGET_MB, `the default install is ${installedMb.toFixed(1)} MB, over ${BUDGET_MB} MB`);

  const versionRun = pocket(['--version']);
  expect(versionRun.status === 0 && versionRun.stdout.trim() === version, `pocket --version should print ${version}`, versionRun);
  const help = pocket(['--help']);
  expect(help.status === 0 && /init/.test(help.stdout) && /doctor/.test(help.stdout), 'pocket --help should list init and doctor', help);
  const initHelp = pocket(['init', '--help']);
  expect(initHelp.status === 0 && /--user-id/.test(initHelp.stdout), 'pocket init --help should describe --user-id', initHelp);

  // No .env in the empty HOME: doctor fails (exit 1) and says so in JSON a script can read.
  const doctor = pocket(['doctor', '--json']);
  let report;
  try {
    report = JSON.parse(doctor.stdout);
  } catch {
    expect(false, 'pocket doctor --json should print JSON', doctor);
  }
  const envCheck = report.checks.find((check) => check.id === 'env-file');
  expect(doctor.status === 1 && report.ok === false && envCheck?.fix === 'Run `pocket init`.', 'doctor --json should send an empty home to `pocket init`', doctor);
  expect(report.checks.find((check) => check.id === 'node')?.status === 'pass', 'doctor should accept this Node', doctor);

  const demo = pocket(['demo'], { input: '/new hi echo hello-from-the-package\n/tail hi\n' });
  expect(demo.status === 0 && /hello-from-the-package/.test(demo.stdout), 'pocket demo in script mode should run a session', demo);
  step(`ok: pocket ${version} installs and runs from another directory`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
