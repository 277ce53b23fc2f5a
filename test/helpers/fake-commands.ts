// Fake executables for the commands pocket install runs (systemctl, launchctl, loginctl, npm): each records its
// argv as a line in calls.log, then runs a small bash body that answers like the real one. Put `bin` first on
// PATH of the process under test.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeCommands {
  bin: string;
  /** The state folder the bodies may keep files in ($FAKE_STATE). */
  state: string;
  /** Every call so far, each as its argv (the command name first). */
  calls(): string[][];
}

export function fakeCommands(dir: string, bodies: Record<string, string>): FakeCommands {
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  const log = join(dir, 'calls.log');
  mkdirSync(bin, { recursive: true });
  mkdirSync(state, { recursive: true });
  for (const [name, body] of Object.entries(bodies)) {
    const file = join(bin, name);
    const script = [
      '#!/usr/bin/env bash',
      `FAKE_STATE=${JSON.stringify(state)}`,
      // One call per line, its arguments separated by the unit separator (no argument of install's holds one).
      `{ printf '%s' ${JSON.stringify(name)}; printf '\\037%s' "$@"; printf '\\n'; } >> ${JSON.stringify(log)}`,
      body,
      '',
    ].join('\n');
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  return {
    bin,
    state,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\x1f')) : []),
  };
}

/** systemctl --user as far as install and uninstall use it, keeping enabled/active as files in $FAKE_STATE. */
export const FAKE_SYSTEMCTL = `
shift # --user
case "$1" in
  show-environment) echo "HOME=$HOME" ;;
  daemon-reload) ;;
  enable) touch "$FAKE_STATE/enabled" ;;
  start|restart) touch "$FAKE_STATE/active" ;;
  is-active) if [ -e "$FAKE_STATE/active" ]; then echo active; else echo inactive; exit 3; fi ;;
  disable) rm -f "$FAKE_STATE/enabled"; [ "$2" = "--now" ] && rm -f "$FAKE_STATE/active" ;;
  reset-failed) echo "Unit $2 not loaded." >&2; exit 5 ;;
  *) echo "fake systemctl: unexpected $*" >&2; exit 99 ;;
esac
`;

export const FAKE_LOGINCTL = 'echo no';
export const FAKE_NPM = 'echo /opt/fake-npm';
