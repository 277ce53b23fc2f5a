// `pocket install` / `uninstall` for macOS, run in this process with the platform set to darwin and a fake
// launchctl on the runner's PATH that records its argv and keeps which jobs are loaded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { install, type ServiceEnvironment, uninstall } from '../../src/cli/commands/service.js';
import { LAUNCHD_LABEL } from '../../src/core/service-files.js';
import { createCommandRunner } from '../../src/service/runner.js';
import { FAKE_NPM, fakeCommands } from '../helpers/fake-commands.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The launchctl subcommands install uses; `print gui/UID` fails when $FAKE_STATE/no-gui exists (an SSH session). */
const FAKE_LAUNCHCTL = `
job_file() { echo "$FAKE_STATE/loaded-$(echo "$1" | tr / _)"; }
case "$1" in
  print)
    if [ -e "$FAKE_STATE/no-gui" ]; then echo "Could not find domain for port identifier" >&2; exit 113; fi
    case "$2" in */*/*) [ -e "$(job_file "$2")" ] || { echo "Could not find service" >&2; exit 113; } ;; esac ;;
  bootstrap)
    if [ -e "$FAKE_STATE/busy-once" ]; then rm "$FAKE_STATE/busy-once"; echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; fi
    touch "$(job_file "$2/${LAUNCHD_LABEL}")" ;;
  bootout) rm -f "$(job_file "$2")" ;;
  enable|kickstart) ;;
  *) echo "fake launchctl: unexpected $*" >&2; exit 99 ;;
esac
`;

function mac() {
  const dir = tempDir('pocket-launchd-');
  const fakes = fakeCommands(dir, { launchctl: FAKE_LAUNCHCTL, npm: FAKE_NPM });
  const said: string[] = [];
  const environment: ServiceEnvironment = {
    platform: 'darwin',
    env: { PATH: '/usr/bin:/bin' },
    nodePath: '/opt/homebrew/bin/node',
    entryPath: '/opt/homebrew/lib/node_modules/pocket-operator/bin/pocket.js',
    userHome: dir,
    userName: 'ada',
    uid: 501,
    run: createCommandRunner({ PATH: `${fakes.bin}:/usr/bin:/bin` }),
    say: (line) => said.push(line),
    sleep: async () => {},
  };
  const home = join(dir, '.pocket');
  const plist = join(dir, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const changes = () => fakes.calls().filter((argv) => argv[0] === 'launchctl' && argv[1] !== 'print').map((argv) => argv.slice(1).join(' '));
  return { dir, fakes, said, environment, home, plist, changes };
}

const JOB = `gui/501/${LAUNCHD_LABEL}`;

describe('pocket install / uninstall (launchd)', () => {
  it('--dry-run prints the plist and the commands, and changes nothing', async () => {
    const { said, environment, home, plist, changes } = mac();
    await install(home, { dryRun: true }, environment);
    const text = said.join('\n');
    expect(text).toContain(`would write ${plist} (mode 644):`);
    expect(text).toContain('<key>SuccessfulExit</key><false/>');
    expect(text).toContain(`would run: launchctl bootstrap gui/501 ${plist}`);
    expect(existsSync(plist)).toBe(false);
    expect(changes()).toEqual([]);
  });

  it('bootstraps, kickstarts an unchanged re-install, and uninstall removes what it added', async () => {
    const { said, environment, home, plist, changes } = mac();
    await install(home, {}, environment);
    expect(readFileSync(plist, 'utf8')).toContain(`<string>${home}/logs/service.log</string>`);
    expect(changes()).toEqual([`enable ${JOB}`, `bootstrap gui/501 ${plist}`]);
    expect(said.join('\n')).toContain('cannot read your login keychain');

    await install(home, {}, environment);
    expect(changes().slice(2)).toEqual([`kickstart -k ${JOB}`]);

    await uninstall(home, {}, environment);
    expect(changes().slice(3)).toEqual([`bootout ${JOB}`]);
    expect(existsSync(plist)).toBe(false);
  });

  it('a changed file is booted out and bootstrapped again, retried once on "Bootstrap failed: 5"', async () => {
    const { fakes, environment, home, plist, changes } = mac();
    await install(home, {}, environment);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(fakes.state, 'busy-once'), '');
    await install(home, {}, { ...environment, nodePath: '/usr/local/bin/node' });
    expect(readFileSync(plist, 'utf8')).toContain('<string>/usr/local/bin/node</string>');
    expect(changes().slice(2)).toEqual([`bootout ${JOB}`, `enable ${JOB}`, `bootstrap gui/501 ${plist}`, `bootstrap gui/501 ${plist}`]);
  });

  it('over SSH without a desktop login: a clear message, nothing written', async () => {
    const { fakes, environment, home, plist } = mac();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(fakes.state, 'no-gui'), '');
    await expect(install(home, {}, environment)).rejects.toThrow(/no gui\/501 domain.*SSH/);
    await expect(install(home, {}, environment)).rejects.toMatchObject({ hint: expect.stringContaining('Log in at the Mac') });
    expect(existsSync(plist)).toBe(false);
  });
});
