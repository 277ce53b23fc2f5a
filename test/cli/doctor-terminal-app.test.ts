// `pocket doctor`'s Terminal.app check: skipped with why off macOS, and against the fake osascript (POCKET_OSASCRIPT)
// what it says when Automation or Accessibility is denied, and how to grant it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { terminalAppCheck } from '../../src/cli/doctor/terminal-app-check.js';
import type { CheckResult } from '../../src/core/doctor.js';
import { fakeTerminal } from '../helpers/fake-terminal.js';
import { tempDir } from '../helpers/temp-dir.js';

async function check(settings: Record<string, string>): Promise<CheckResult> {
  const home = tempDir('pocket-doctor-tabs-');
  const values = { AUTHORIZED_USER_IDS: '701', ...settings };
  writeFileSync(join(home, '.env'), Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  const report = await runDoctor(home, { HOME: home }, [terminalAppCheck]);
  // The doctor writes nothing into the home.
  expect(existsSync(join(home, '.state'))).toBe(false);
  return report.checks[0]!;
}

describe('pocket doctor: Terminal.app', () => {
  it.skipIf(process.platform === 'darwin')('is skipped off macOS, saying why', async () => {
    expect(await check({})).toMatchObject({ id: 'terminal-app', status: 'skip', detail: `Terminal.app mirroring needs macOS; this machine runs ${process.platform}.` });
  });

  it('passes when pocket may control Terminal and press keys', async () => {
    const fake = fakeTerminal();
    expect(await check({ POCKET_OSASCRIPT: fake.bin })).toMatchObject({ status: 'pass', detail: 'Terminal tabs can be mirrored; keys allowed (Accessibility granted)' });
  });

  it('warns with the Accessibility fix when System Events refuses, and the Automation fix when Terminal does', async () => {
    const fake = fakeTerminal();
    fake.update((s) => {
      s.accessibility = false;
    });
    const keys = await check({ POCKET_OSASCRIPT: fake.bin });
    expect(keys).toMatchObject({ status: 'warn', detail: expect.stringMatching(/cannot press keys: .*assistive access\. \(-25211\)$/) });
    expect(keys.fix).toMatch(/Privacy & Security > Accessibility/);
    fake.update((s) => {
      s.automation = false;
    });
    const automation = await check({ POCKET_OSASCRIPT: fake.bin });
    expect(automation).toMatchObject({ status: 'warn', detail: expect.stringMatching(/may not control Terminal.*\(-1743\)$/) });
    expect(automation.fix).toMatch(/Privacy & Security > Automation/);
  });

  it('warns when osascript itself fails', async () => {
    const fake = fakeTerminal();
    fake.update((s) => {
      s.fail = 'osascript: couldn\'t connect to the window server';
    });
    expect(await check({ POCKET_OSASCRIPT: fake.bin })).toMatchObject({ status: 'warn', detail: "osascript (probe) failed: osascript: couldn't connect to the window server" });
  });
});
