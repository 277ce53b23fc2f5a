// `pocket logs [-f] [-n N] [--audit]`: the daemon log (or with --audit the audit log) for people; follows across
// rotation.
import { closeSync, existsSync, openSync, readSync, statSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { PocketError } from '../../core/errors.js';
import { formatLogLine } from '../../log.js';
import { formatAuditLine } from '../audit-format.js';
import { homePaths } from '../../state/paths.js';

export async function logs(home: string, options: { follow?: boolean; lines: string; audit?: boolean }): Promise<void> {
  const count = Number(options.lines);
  if (!Number.isInteger(count) || count < 0) {
    throw new PocketError('USAGE', `-n expects a whole number of lines, got ${JSON.stringify(options.lines)}.`);
  }
  const paths = homePaths(home);
  const file = options.audit ? paths.auditLog : paths.daemonLog;
  const format = options.audit ? formatAuditLine : formatLogLine;
  let offset = 0;
  try {
    const size = statSync(file).size;
    for (const line of readTail(file, size, count)) process.stdout.write(`${format(line)}\n`);
    offset = size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!options.follow) {
      process.stdout.write(`no ${options.audit ? 'audit' : 'daemon'} log yet at ${file}\n`);
      return;
    }
    // Following watches the logs folder, which the first daemon of this home creates: without it there is nothing to
    // watch (and a mistyped --home must not be created here).
    if (!existsSync(dirname(file))) {
      throw new PocketError('DAEMON_NOT_RUNNING', `No ${options.audit ? 'audit' : 'daemon'} log to follow: ${dirname(file)} does not exist, so pocket has not run with this home.`, {
        hint: 'Check --home (or POCKET_HOME); or run `pocket start` first, then `pocket logs -f` again.',
      });
    }
  }
  if (options.follow) await follow(file, offset, format);
}

/** The last `count` lines of the first `size` bytes, reading backwards in blocks so a big log costs little. */
function readTail(file: string, size: number, count: number): string[] {
  const fd = openSync(file, 'r');
  try {
    let start = size;
    let buffer = Buffer.alloc(0);
    while (start > 0 && buffer.toString('utf8').split('\n').length <= count + 1) {
      const length = Math.min(64 * 1024, start);
      start -= length;
      const block = Buffer.alloc(length);
      readSync(fd, block, 0, length, start);
      buffer = Buffer.concat([block, buffer]);
    }
    const lines = buffer.toString('utf8').split('\n').filter((line) => line.length > 0);
    return count === 0 ? [] : lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}

function follow(file: string, fromOffset: number, format: (line: string) => string): Promise<void> {
  let offset = fromOffset;
  let partial = '';
  const drain = (): void => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return; // rotated away; the new file appears with the next event
    }
    if (size < offset) offset = 0; // rotated: start the new file from its beginning
    if (size === offset) return;
    const fd = openSync(file, 'r');
    try {
      const chunk = Buffer.alloc(size - offset);
      readSync(fd, chunk, 0, chunk.length, offset);
      offset = size;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) process.stdout.write(`${format(line)}\n`);
    } finally {
      closeSync(fd);
    }
  };
  // Watch the directory: the log file itself is replaced on rotation.
  const watcher = watch(dirname(file), () => drain());
  drain();
  return new Promise((resolve) => {
    const finish = (): void => {
      watcher.close();
      resolve();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}
