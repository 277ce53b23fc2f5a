// What `pocket install` writes and runs: the systemd user unit (Linux), the launchd agent (macOS), and the PATH they
// carry. Pure text from plain inputs, so the files are golden-tested and `--dry-run` prints exactly what install does.
//
// Decisions, and why:
// - The unit runs `pocket start --foreground` with absolute paths of node and of pocket's entry point: a service
//   starts with a minimal PATH (systemd: /usr/local/bin:/usr/bin:/bin; launchd: /usr/bin:/bin:/usr/sbin:/sbin), where
//   an nvm node, ~/.local/bin (claude) or the npm prefix (codex) are not found. The user's PATH is captured at install
//   time, plus those folders, for the tmux sessions and agent CLIs the daemon starts.
// - Bad settings exit with BAD_SETTINGS_EXIT_CODE (78, EX_CONFIG from sysexits.h), which the unit does not restart:
//   restarting cannot fix a wrong .env, and a loop of failed starts only fills the log. Other failures restart after
//   RestartSec, at most StartLimitBurst times in StartLimitIntervalSec. launchd has no such exception: KeepAlive
//   {SuccessfulExit=false} retries any failure every ThrottleInterval seconds.
// - Readiness: Type=exec plus an ExecStartPost that waits (`pocket __wait-ready`) until the bot's first getUpdates
//   succeeded, so `systemctl --user start` returns when the bot can be reached, or fails. Type=notify would need
//   sd_notify: node:dgram has no unix datagram sockets, the npm wrappers (sd-notify, unix-dgram) are native addons
//   that need a compiler at install, and a `systemd-notify --ready` child is dropped by systemd 252 when it exits
//   before systemd reads its cgroup (systemd issue 2739; fixed only by `--exec` in 254).
// - No sandboxing options: everything the daemon starts inherits them: the tmux server of /new (and so the user's
//   shells), /shell commands and coding agents. In a user unit every seccomp-based option (SystemCallFilter,
//   LockPersonality, RestrictRealtime, ProtectClock...) implies NoNewPrivileges=yes, which breaks sudo in those
//   sessions; PrivateTmp hides /tmp/tmux-UID, the user's own tmux server; ProtectSystem/ProtectHome make the
//   sessions' files read-only. `systemd-analyze security --offline=true --user` rates this unit 9.8 (UNSAFE; systemd
//   252), the honest figure for a remote shell: pocket's safeguards are the authorized user ids, the private files
//   and the audit log (SECURITY.md). What the unit does limit: KillMode stays control-group, and the tmux server runs in its own scope
//   (the daemon starts it through `systemd-run --user --scope`), so stopping the service stops only pocket.
// - Logs: the daemon writes logs/pocket.log itself (rotated); the service's own stdout/stderr, which under a manager
//   carry only start-up errors and crashes, go to logs/service.log.
import { PocketError } from './errors.js';

/** EX_CONFIG (sysexits.h): `pocket start --foreground` exits with it when the settings are wrong. */
export const BAD_SETTINGS_EXIT_CODE = 78;
export const SYSTEMD_UNIT_NAME = 'pocket.service';
export const LAUNCHD_LABEL = 'dev.pocket-operator.daemon';
/** The first line of every file install writes: uninstall removes only a file that starts with it. */
export const WRITTEN_BY = 'Written by `pocket install`';
/** Seconds `pocket __wait-ready` waits for the first successful getUpdates; the unit's start timeout is above it. */
export const READY_TIMEOUT_S = 60;

export interface ServiceSpec {
  /** Absolute path of the node executable (process.execPath at install). */
  nodePath: string;
  /** Absolute path of pocket's entry point (bin/pocket.js). */
  entryPath: string;
  /** The pocket home the service runs. */
  home: string;
  /** The user's home directory: the service's working directory. */
  userHome: string;
  /** The PATH the service runs with (servicePath). */
  path: string;
  /** pocket's version, named in the header so an old file is recognised after an upgrade. */
  version: string;
}

export function logsDirOf(home: string): string {
  return `${home.replace(/\/+$/, '')}/logs`;
}

/**
 * The service's PATH: the install-time PATH (absolute entries only, first occurrence kept), then the folders a
 * service would miss: node's own folder, the npm global prefix's bin, ~/.local/bin, and the system folders.
 */
export function servicePath(input: {
  envPath: string | undefined;
  userHome: string;
  nodeDir: string;
  npmPrefixBin: string | undefined;
  platform: 'linux' | 'darwin';
}): string {
  const extras = [
    input.nodeDir,
    input.npmPrefixBin,
    `${input.userHome}/.local/bin`,
    ...(input.platform === 'darwin' ? ['/opt/homebrew/bin'] : []),
    '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin',
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of [...(input.envPath ?? '').split(':'), ...extras]) {
    // A relative entry ('.', '') would resolve against the service's working directory: never in a service.
    if (entry === undefined || !entry.startsWith('/') || seen.has(entry)) continue;
    seen.add(entry);
    out.push(entry);
  }
  return out.join(':');
}

function assertPrintable(what: string, value: string): void {
  if (/[\x00-\x1f\x7f]/.test(value)) {
    throw new PocketError('INVALID_INPUT', `The ${what} contains a control character: ${JSON.stringify(value.slice(0, 80))}.`, {
      hint: 'A service file cannot carry it; move pocket (or the home) to a path without one.',
    });
  }
}

/** One word of a systemd command line or assignment: quoted, with \ " escaped, % and $ doubled (no expansion). */
function systemdWord(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%').replaceAll('$', '$$$$')}"`;
}

/** A path setting (WorkingDirectory, StandardOutput): taken literally to the end of the line, % still expands. */
function systemdPath(value: string): string {
  return value.replaceAll('%', '%%');
}

function systemdCommand(spec: ServiceSpec, args: string[]): string {
  return [spec.nodePath, spec.entryPath, '--home', spec.home, ...args].map(systemdWord).join(' ');
}

function checkSpec(spec: ServiceSpec): void {
  for (const [what, value] of Object.entries(spec)) assertPrintable(what, value);
  for (const what of ['nodePath', 'entryPath', 'home', 'userHome'] as const) {
    if (!spec[what].startsWith('/')) throw new PocketError('INVALID_INPUT', `The ${what} must be an absolute path, got ${JSON.stringify(spec[what])}.`);
  }
}

/** The unit's line that names the home it serves (`pocket restart` looks for it). */
export function unitHomeLine(home: string): string {
  return `Environment=${systemdWord(`POCKET_HOME=${home}`)}`;
}

/** The plist's entry that names the home it serves. */
export function plistHomeLine(home: string): string {
  return `<key>POCKET_HOME</key><string>${xml(home)}</string>`;
}

export function renderSystemdUnit(spec: ServiceSpec): string {
  checkSpec(spec);
  const logs = logsDirOf(spec.home);
  const env = (key: string, value: string): string => `Environment=${systemdWord(`${key}=${value}`)}`;
  return [
    `# ${WRITTEN_BY} (pocket ${spec.version}); \`pocket uninstall\` removes it. Settings: ${spec.home}/.env.`,
    '# Re-run `pocket install` after upgrading pocket or node, or after changing PATH: this file has their paths.',
    '[Unit]',
    'Description=Pocket Operator: Telegram remote control for tmux sessions',
    // At most 5 starts in 10 minutes: a daemon that keeps failing is left failed (`systemctl --user status pocket`).
    'StartLimitIntervalSec=600',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=exec',
    `ExecStart=${systemdCommand(spec, ['start', '--foreground'])}`,
    // Started once the bot's first getUpdates succeeded; a daemon that cannot poll fails the start.
    `ExecStartPost=${systemdCommand(spec, ['__wait-ready', '--timeout', String(READY_TIMEOUT_S)])}`,
    `TimeoutStartSec=${READY_TIMEOUT_S + 30}`,
    // The daemon drains for up to 10 s after a stop (bot-service.ts SHUTDOWN_DRAIN_MS); SIGKILL only well after.
    'TimeoutStopSec=30',
    'Restart=on-failure',
    'RestartSec=10',
    `RestartPreventExitStatus=${BAD_SETTINGS_EXIT_CODE}`,
    // The default, said out loud: the tmux server is not in this cgroup (it is started in its own scope).
    'KillMode=control-group',
    `WorkingDirectory=${systemdPath(spec.userHome)}`,
    unitHomeLine(spec.home),
    env('PATH', spec.path),
    env('POCKET_SERVICE_MANAGER', 'systemd'),
    `StandardOutput=append:${systemdPath(`${logs}/service.log`)}`,
    `StandardError=append:${systemdPath(`${logs}/service.log`)}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function xml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function renderLaunchdPlist(spec: ServiceSpec): string {
  checkSpec(spec);
  const logs = logsDirOf(spec.home);
  const str = (value: string): string => `<string>${xml(value)}</string>`;
  const args = [spec.nodePath, spec.entryPath, '--home', spec.home, 'start', '--foreground'];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${xml(WRITTEN_BY)} (pocket ${xml(spec.version)}); \`pocket uninstall\` removes it. Re-run install after upgrading pocket or node. -->`,
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${str(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((arg) => `    ${str(arg)}`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    `    ${plistHomeLine(spec.home)}`,
    `    <key>PATH</key>${str(spec.path)}`,
    `    <key>POCKET_SERVICE_MANAGER</key>${str('launchd')}`,
    '  </dict>',
    `  <key>WorkingDirectory</key>${str(spec.userHome)}`,
    '  <key>RunAtLoad</key><true/>',
    // Restart after a failure only: a clean `pocket stop` (exit 0) stays stopped.
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key><false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key><integer>10</integer>',
    '  <key>ExitTimeOut</key><integer>30</integer>',
    `  <key>StandardOutPath</key>${str(`${logs}/service.log`)}`,
    `  <key>StandardErrorPath</key>${str(`${logs}/service.log`)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
