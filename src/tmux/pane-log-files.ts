// The pane-log files on disk, by the layout pipe-command.ts writes: where a session's log goes, which chunk files
// belong to it, reading back what was already reported, and removing all of it (chunks and markers) at the end.
import { open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MARKER_DIR, classifyLogFile } from './pipe-command.js';

/** Where reading stands: a file name in the log directory ('' before the first) and the offset in it. */
export interface TailPosition {
  file: string;
  offset: number;
}

/**
 * LOG, the path a session's pipe is given: its chunk files are LOG.<generation>.<suffix> next to it. The session's
 * nonce is part of the name, so a session can never take over another's log files, whatever happened to the ids;
 * sessions saved before nonces existed keep `<id>.log`.
 */
export function sessionLogPath(dir: string, session: { id: string; nonce?: string }): string {
  return path.join(dir, session.nonce === undefined ? `${session.id}.log` : `${session.id}-${session.nonce}.log`);
}

/** The session ids that pane logs in `dir` (and its markers) belong to: none of them may be given out again. */
export async function sessionIdsOnDisk(dir: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const folder of [dir, path.join(dir, MARKER_DIR)]) {
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const id = /^(s\d+)[.-]/.exec(name)?.[1];
      if (id !== undefined) ids.add(id);
    }
  }
  return [...ids];
}

/** The chunk files of the log named `base` in `dir`, in write order (names sort that way). */
export async function chunkFiles(dir: string, base: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((name) => {
      const file = classifyLogFile(name);
      return file?.kind === 'chunk' && file.base === base;
    })
    .sort();
}

/** Removes every file of LOG: its chunks, and its markers in the markers directory. A missing file is no error. */
export async function removeLogFiles(log: string): Promise<void> {
  const base = path.basename(log);
  const dir = path.dirname(log);
  for (const folder of [dir, path.join(dir, MARKER_DIR)]) {
    const names = await readdir(folder).catch(() => [] as string[]);
    const own = names.filter((name) => name === base || name.startsWith(`${base}.`));
    await Promise.all(own.map((name) => rm(path.join(folder, name), { force: true })));
  }
}

/**
 * Up to `maxBytes` of the file at `position` just before it, starting at a line boundary: output that was already
 * reported, read back after a restart to rebuild the screen. Empty when the file is gone.
 */
export async function readLogBefore(dir: string, position: TailPosition, maxBytes: number): Promise<Uint8Array> {
  if (position.file === '' || position.offset === 0) return new Uint8Array();
  const start = Math.max(0, position.offset - maxBytes);
  const handle = await open(path.join(dir, position.file), 'r').catch(() => null);
  if (!handle) return new Uint8Array();
  try {
    const buffer = Buffer.alloc(position.offset - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    const bytes = buffer.subarray(0, bytesRead);
    // A read that starts mid-file starts mid-line: drop up to the first newline.
    const newline = start === 0 ? -1 : bytes.indexOf(0x0a);
    return bytes.subarray(newline + 1);
  } finally {
    await handle.close();
  }
}
