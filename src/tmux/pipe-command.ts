// What pipe-pane runs, and the marker files it leaves. Shared by the tmux adapter (which attaches the pipe) and the
// pane-log tail (which watches for the markers).
//
// Pane death without polling, as measured on tmux 3.3a: with remain-on-exit on, a pane whose process exits keeps
// its pipe open (the `cat` gets no EOF), and `pipe-pane` on a dead pane fails ("target pane has exited"). So two
// signals are used, both ending in a file event in the watched directory:
// - `<log>.closed`: written by the pipe's shell when `cat` ends — the pane was destroyed (killed, or it exited with
//   remain-on-exit off) or the pipe was replaced.
// - `<log>.died`: written by a per-pane `pane-died` hook (fires when a remain-on-exit pane's process exits). The hook
//   takes the path from the pane option @pocket_log through `#{q:...}`, so no path is quoted into hook text.
// Hooks are not fully trusted (FACTS), so the tail also reports a pane that went quiet after output.
import { PocketError } from '../core/errors.js';

export const LOG_OPTION = '@pocket_log';
export const CLOSED_SUFFIX = '.closed';
export const DIED_SUFFIX = '.died';

export const DIED_HOOK = `run-shell -b ": > #{q:${LOG_OPTION}}${DIED_SUFFIX}"`;

/** Rejects paths the shell quoting below cannot carry; the tail and tmux both need an absolute path. */
export function assertPipePath(file: string): string {
  if (!file.startsWith('/') || /['\x00-\x1f\x7f]/.test(file)) {
    throw new PocketError('INVALID_INPUT', `Unusable pane log path ${JSON.stringify(file.slice(0, 200))}.`, {
      hint: 'Use an absolute path without quotes or control characters.',
    });
  }
  return file;
}

/** pipe-pane format-expands its command, so `#` is doubled; /bin/sh gets single-quoted paths. */
export function pipeCommand(file: string): string {
  assertPipePath(file);
  const command = `cat >> '${file}'; : > '${file}${CLOSED_SUFFIX}'`;
  return command.replaceAll('#', '##');
}
