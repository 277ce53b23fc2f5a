// What pipe-pane runs, the files it writes and the markers it leaves. Shared by the tmux adapter (which attaches the
// pipe) and the pane-log tail (which reads the files and watches the markers).
//
// Rotation is done by the writer, not by re-piping: measured on tmux 3.3a, replacing a pipe under a flood drops the
// bytes tmux still held for the old pipe (20 lines of 400k), because tmux frees the old pipe's buffer unwritten.
// So the pipe runs `split -b MAX -a 6 - LOG.<generation>.`, which writes LOG.<gen>.aaaaaa, .aaaaab, ... each exactly
// MAX bytes, opening the next only once the previous is full. Names sort in write order, a file is complete once a
// later one exists, and the reader deletes each file after reading it: no byte lost, disk bounded by ~2 × MAX.
// A new generation starts whenever the pipe is (re)attached, so a new writer never reuses an old name.
//
// Pane death without polling, as measured on tmux 3.3a: with remain-on-exit on, a pane whose process exits keeps
// its pipe open (the writer gets no EOF), and `pipe-pane` on a dead pane fails ("target pane has exited"). So two
// signals are used, both a file event in the watched directory:
// - `LOG.closed`: written by the pipe's shell when the writer ends — the pane was destroyed (killed, or it exited with
//   remain-on-exit off) or the pipe was replaced.
// - `LOG.died`: written by a per-pane `pane-died` hook (fires when a remain-on-exit pane's process exits). The hook
//   takes the path from the pane option @pocket_log through `#{q:...}`, so no path is quoted into hook text.
// Hooks are not fully trusted (docs/facts.md), so the tail also reports a pane that went quiet after output.
import { PocketError } from '../core/errors.js';

export const LOG_OPTION = '@pocket_log';
/** The pane option holding where this pane's markers go (`<dir>/markers/<log name>`), read by the died hook. */
export const MARKER_OPTION = '@pocket_marker';
/**
 * Markers live in a directory of their own: chokidar re-reads (and lstat()s every entry of) the directory it watches
 * when it changes, and the chunk files next to it change with every line a pane prints.
 */
export const MARKER_DIR = 'markers';
export const CLOSED_SUFFIX = '.closed';
export const DIED_SUFFIX = '.died';
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export const DIED_HOOK = `run-shell -b ": > #{q:${MARKER_OPTION}}${DIED_SUFFIX}"`;

/** Where the markers of the pane log `file` go (without the .closed / .died suffix). */
export function markerBase(file: string): string {
  const slash = file.lastIndexOf('/');
  return `${file.slice(0, slash)}/${MARKER_DIR}/${file.slice(slash + 1)}`;
}

const CHUNK = /^(.+)\.(\d{15})\.([a-z]{6})$/;
const MARKER = /^(.+)\.(closed|died)$/;

export type LogFileName =
  | { base: string; kind: 'chunk'; name: string }
  | { base: string; kind: 'closed' | 'died'; name: string };

/** Which pane log a file in the log directory belongs to, and what it is. */
export function classifyLogFile(name: string): LogFileName | null {
  const chunk = CHUNK.exec(name);
  if (chunk?.[1] !== undefined) return { base: chunk[1], kind: 'chunk', name };
  const marker = MARKER.exec(name);
  if (marker?.[1] !== undefined) return { base: marker[1], kind: marker[2] as 'closed' | 'died', name };
  return null;
}

let lastGeneration = 0;

/** Milliseconds, but strictly increasing within this process, fixed width so names sort in order. */
export function nextGeneration(): string {
  lastGeneration = Math.max(Date.now(), lastGeneration + 1);
  return String(lastGeneration).padStart(15, '0');
}

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
export function pipeCommand(file: string, chunkBytes = DEFAULT_CHUNK_BYTES, generation = nextGeneration()): string {
  assertPipePath(file);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new PocketError('INVALID_INPUT', 'Bad chunk size.');
  // umask: pane output is as private as shell history; the tmux server's own umask may be looser.
  const markers = markerBase(file);
  const command = `umask 077; mkdir -p '${markers.slice(0, markers.lastIndexOf('/'))}'; split -b ${chunkBytes} -a 6 - '${file}.${generation}.'; : > '${markers}${CLOSED_SUFFIX}'`;
  return command.replaceAll('#', '##');
}
