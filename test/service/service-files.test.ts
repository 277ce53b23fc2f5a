// The service files as golden text, the PATH they carry, and `systemd-analyze verify` on a unit with real paths.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BAD_SETTINGS_EXIT_CODE, renderLaunchdPlist, renderSystemdUnit, type ServiceSpec, servicePath,
} from '../../src/core/service-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/service');
const SPEC: ServiceSpec = {
  nodePath: '/home/ada/.nvm/versions/node/v22.11.0/bin/node',
  entryPath: '/home/ada/.nvm/versions/node/v22.11.0/lib/node_modules/pocket-operator/bin/pocket.js',
  home: '/home/ada/.pocket',
  userHome: '/home/ada',
  path: '/home/ada/.nvm/versions/node/v22.11.0/bin:/home/ada/.local/bin:/usr/local/bin:/usr/bin:/bin',
  version: '0.1.0',
};

/** Compares with the golden file; POCKET_UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(name: string, text: string): void {
  const file = join(FIXTURES, name);
  if (process.env.POCKET_UPDATE_GOLDEN === '1') writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('the systemd user unit', () => {
  it('matches the golden file', () => {
    golden('pocket.service', renderSystemdUnit(SPEC));
  });

  it('does not restart on bad settings, and quotes what systemd would expand', () => {
    const unit = renderSystemdUnit({ ...SPEC, home: '/home/ada/my "pocket" 100%$HOME' });
    expect(unit).toContain(`RestartPreventExitStatus=${BAD_SETTINGS_EXIT_CODE}`);
    expect(unit).toContain('"--home" "/home/ada/my \\"pocket\\" 100%%$$HOME"');
    expect(unit).toContain('StandardOutput=append:/home/ada/my "pocket" 100%%$HOME/logs/service.log');
  });

  it('refuses a path with a newline (it would end the setting and start another)', () => {
    expect(() => renderSystemdUnit({ ...SPEC, home: '/home/ada/x\nExecStartPre=/bin/rm' })).toThrow(/control character/);
    expect(() => renderSystemdUnit({ ...SPEC, nodePath: 'node' })).toThrow(/absolute path/);
  });

  it('passes `systemd-analyze verify` with real paths', (context) => {
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));
    if (analyze === undefined) {
      console.log('skipped: systemd-analyze is not installed (apt-get install systemd)');
      context.skip();
      return;
    }
    const dir = tempDir('pocket-unit-');
    const home = join(dir, 'pocket home');
    mkdirSync(join(home, 'logs'), { recursive: true });
    const unitFile = join(dir, 'pocket.service');
    const entry = resolve(import.meta.dirname, '../../bin/pocket.js');
    writeFileSync(unitFile, renderSystemdUnit({ ...SPEC, nodePath: process.execPath, entryPath: entry, home, userHome: dir }));
    // verify checks the syntax, every setting, and that ExecStart's executable exists; it prints nothing when clean.
    const out = execFileSync(analyze, ['verify', unitFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });
});

describe('the launchd agent', () => {
  it('matches the golden file', () => {
    golden('dev.pocket-operator.daemon.plist', renderLaunchdPlist(SPEC));
  });

  it('escapes XML', () => {
    const plist = renderLaunchdPlist({ ...SPEC, home: '/Users/ada/a&b<c>' });
    expect(plist).toContain('<string>/Users/ada/a&amp;b&lt;c&gt;</string>');
    expect(plist).not.toContain('a&b');
  });
});

describe('servicePath', () => {
  it('keeps the install-time PATH in order and adds what a service would miss', () => {
    const path = servicePath({
      envPath: '/opt/tools/bin:.::/usr/bin:/opt/tools/bin:relative/bin',
      userHome: '/home/ada',
      nodeDir: '/home/ada/.nvm/versions/node/v22.11.0/bin',
      npmPrefixBin: '/home/ada/.npm-global/bin',
      platform: 'linux',
    });
    expect(path.split(':')).toEqual([
      '/opt/tools/bin', '/usr/bin', '/home/ada/.nvm/versions/node/v22.11.0/bin', '/home/ada/.npm-global/bin',
      '/home/ada/.local/bin', '/usr/local/bin', '/bin', '/usr/sbin', '/sbin',
    ]);
  });

  it('adds Homebrew on macOS', () => {
    const path = servicePath({ envPath: undefined, userHome: '/Users/ada', nodeDir: '/opt/homebrew/bin', npmPrefixBin: undefined, platform: 'darwin' });
    expect(path.split(':').slice(0, 3)).toEqual(['/opt/homebrew/bin', '/Users/ada/.local/bin', '/usr/local/bin']);
  });
});
