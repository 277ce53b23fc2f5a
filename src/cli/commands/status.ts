// `pocket status`: JSON for scripts, an Ink TUI (the cockpit) in a terminal, plain text otherwise (--watch: then the
// changes as log lines). Exit 1 when no daemon runs or when it does not answer (a stopped daemon accepts the
// connection and never replies: see daemon/silence.ts).
import { PocketError } from '../../core/errors.js';
import { notRunningSnapshot, type SessionStatus, type StatusSnapshot, unansweredSnapshot } from '../../core/status.js';
import { userInfo } from 'node:os';
import { attachPlan, tmuxSocketDir } from '../attach-plan.js';
import { PROBE_MS, probeLiveness } from '../cockpit-link.js';
import { connectIpc, type IpcClient } from '../../daemon/ipc/client.js';
import { explainSilence } from '../silence.js';
import { inspectLock } from '../../state/lock.js';
import { type HomePaths, homePaths } from '../../state/paths.js';
import { pocketVersion } from '../../version.js';

/** Where the person was in the cockpit (tui/status-app.ts's ResumeView): kept across an attach. */
type ResumeView = { selectedId: string | null; filter: string };

export async function status(home: string, options: { json?: boolean; watch?: boolean }): Promise<void> {
  if (options.json && options.watch) {
    throw new PocketError('USAGE', '--json and --watch do not go together: --json prints one object, --watch follows the changes as text.');
  }
  const paths = homePaths(home);
  let client: IpcClient;
  try {
    client = await connectIpc(paths.socket);
  } catch (error) {
    if (!(error instanceof PocketError) || error.code !== 'DAEMON_NOT_RUNNING') throw error;
    if (options.json) process.stdout.write(`${JSON.stringify(notRunningSnapshot(pocketVersion()))}\n`);
    else process.stdout.write(`pocket daemon is not running (home: ${home})\nhint: start it with \`pocket start\`\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const snapshot = await client.request('status').catch((error: unknown) => {
      const explained = explainSilence(paths, error);
      // Scripts still get their one object: the daemon runs (it holds the lock), and why nothing more is known.
      if (options.json && explained instanceof PocketError && explained.code === 'DAEMON_UNRESPONSIVE') {
        const verdict = inspectLock(paths.lock);
        const pid = verdict.kind === 'held' ? verdict.record.pid : null;
        process.stdout.write(`${JSON.stringify(unansweredSnapshot(pocketVersion(), pid, explained.message, new Date().toISOString()))}\n`);
      }
      throw explained;
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(snapshot)}\n`);
      return;
    }
    if (process.stdout.isTTY && process.stdin.isTTY) {
      await runTui(client, snapshot, paths);
      return;
    }
    const { formatStatusText } = await import('../status-text.js');
    process.stdout.write(`${formatStatusText(snapshot, Date.now(), home)}\n`);
    if (options.watch) await watchText(client, paths, snapshot);
  } finally {
    client.close();
  }
}

async function runTui(first: IpcClient, initial: StatusSnapshot, paths: HomePaths): Promise<void> {
  const home = paths.home;
  // Ink draws only the last frame when it believes it runs in CI (it reads $CI when loaded); a person at a terminal
  // asked for the live view, whatever their shell exports.
  process.env.CI = 'false';
  if (process.env.CONTINUOUS_INTEGRATION !== undefined) process.env.CONTINUOUS_INTEGRATION = 'false';
  // React's production build (read when react loads): the development one checks and times every element, which
  // was most of the cockpit's CPU (bench/cockpit: 24-39% of a core with 20 busy sessions, development build).
  process.env.NODE_ENV ??= 'production';
  const { renderStatusTui } = await import('../tui/render.js');
  const { CockpitConnection } = await import('../cockpit-link.js');
  const connection = new CockpitConnection({
    client: first,
    reconnect: () => connectIpc(paths.socket),
    user: localUser(),
    // The banner shows one line: the explanation and its remedy together.
    explain: (error) => {
      const explained = explainSilence(paths, error);
      return explained instanceof PocketError ? new Error(`${explained.message} ${explained.hint ?? ''}`.trim()) : (explained as Error);
    },
  });
  try {
    let snapshot = initial;
    let resume: ResumeView | undefined;
    // Each round is one mount of the TUI; Enter outside pocket's tmux ends a round to give tmux the terminal, and the
    // cockpit comes back when the user detaches.
    for (;;) {
      const leaving: { to: SessionStatus | null; view?: ResumeView } = { to: null };
      await renderStatusTui({
        initial: snapshot,
        ...(resume === undefined ? {} : { resume }),
        home,
        subscribe: (onSnapshot, onError) => connection.onSnapshot(onSnapshot, onError),
        cockpit: {
          subscribe: (onEvent) => connection.onCockpit(onEvent),
          focus: (id) => connection.focus(id),
          kill: (id) => connection.kill(id),
          setMuted: (id, muted) => connection.setMuted(id, muted),
          attach: async (session, view) => {
            const plan = attachPlan(session.target, await tmuxSocketOf(paths), process.env.TMUX, tmuxSocketDir(process.env, process.getuid?.() ?? 0));
            if (!plan.inPlace) {
              leaving.to = session;
              leaving.view = view;
              return 'leave';
            }
            await runTmux(plan.args, false);
            return 'switched';
          },
        },
        onQuit: () => {},
      });
      const target = leaving.to;
      if (target === null) return;
      const plan = attachPlan(target.target, await tmuxSocketOf(paths), process.env.TMUX, tmuxSocketDir(process.env, process.getuid?.() ?? 0));
      // Ink has restored the terminal (cooked mode, cursor): tmux takes it over, and gives it back on detach.
      await runTmux(plan.args, true).catch((error: unknown) => {
        process.stderr.write(`pocket: could not attach to ${target.name}: ${error instanceof Error ? error.message : String(error)}\n`);
      });
      process.stdout.write('\u001b[2J\u001b[H');
      snapshot = connection.snapshot() ?? snapshot;
      resume = leaving.view;
    }
  } finally {
    connection.close();
  }
}

/** The OS user at this terminal, named in the audit log for what they do from the cockpit. */
function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** POCKET_TMUX_SOCKET from the home's .env (or the environment), undefined for tmux's default server. */
async function tmuxSocketOf(paths: HomePaths): Promise<string | undefined> {
  // Loaded here: the settings' schema (zod) is no cost `pocket status --json` may pay.
  const { loadConfig } = await import('../../config.js');
  try {
    return loadConfig({ home: paths.home, envFile: paths.env }).tmuxSocket;
  } catch {
    return process.env.POCKET_TMUX_SOCKET;
  }
}

/** Runs tmux: with the terminal and without TMUX (so it nests) to attach, quietly to switch a client. */
async function runTmux(args: string[], withTerminal: boolean): Promise<void> {
  const { execa } = await import('execa');
  const env = { ...process.env };
  if (withTerminal) delete env.TMUX;
  await execa('tmux', args, { env, extendEnv: false, stdio: withTerminal ? 'inherit' : 'pipe' });
}

async function watchText(
  client: IpcClient,
  paths: HomePaths,
  first: StatusSnapshot,
): Promise<void> {
  const { cockpitLines, statusChanges } = await import('../status-text.js');
  let stopProbing = (): void => {};
  let previous = first;
  const stamp = (): string => new Date().toISOString();
  const ended = await new Promise<{ silent: unknown } | { closed: true }>((resolve) => {
    client
      .subscribe(
        (snapshot) => {
          for (const line of statusChanges(previous, snapshot)) process.stdout.write(`${stamp()} ${line}\n`);
          previous = snapshot;
        },
        () => resolve({ closed: true }),
      )
      .then(() =>
        client.cockpit((event) => {
          for (const line of cockpitLines(event)) process.stdout.write(`${stamp()} ${line}\n`);
        }, () => resolve({ closed: true })).catch((error: unknown) => {
          // An older daemon has no cockpit stream: the session and bot changes still print.
          if (!(error instanceof PocketError && error.code === 'IPC_PROTOCOL')) throw error;
        }),
      )
      .catch((error: unknown) => resolve({ silent: error }));
    stopProbing = probeLiveness(client, PROBE_MS, (error) => resolve({ silent: error }));
  });
  stopProbing();
  if ('silent' in ended) throw explainSilence(paths, ended.silent);
  process.stdout.write('pocket daemon stopped\n');
  process.exitCode = 1;
}
