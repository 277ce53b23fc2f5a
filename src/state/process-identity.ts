// Who a pid really is. PID 1 on some machines does not reap orphans, so `kill(pid, 0)` succeeds on zombies, and
// pids get reused: a lock judged by liveness alone would signal a stranger. We compare the process start time
// recorded at lock time and look at its command line before treating a pid as our daemon.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  /** Exists and is not a zombie. */
  alive: boolean;
  /** An opaque start-time key; equal keys mean the same process. Null when unknown. */
  startKey: string | null;
  /** The command line, NUL-joined args as spaces; empty when unknown. */
  commandLine: string;
  /** Stopped by a signal (SIGSTOP, Ctrl-Z) or a debugger: alive but running no code until SIGCONT. */
  stopped: boolean;
}

const GONE: ProcessIdentity = { alive: false, startKey: null, commandLine: '', stopped: false };

export function processIdentity(pid: number): ProcessIdentity {
  if (!Number.isInteger(pid) || pid <= 0) return GONE;
  return process.platform === 'linux' ? linuxIdentity(pid) : psIdentity(pid);
}

function linuxIdentity(pid: number): ProcessIdentity {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return GONE;
  }
  // The command name (field 2) is in parentheses and may contain spaces or ')': split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  if (state === 'Z' || state === 'X' || state === 'x') return { ...GONE, startKey: startTime ?? null };
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // A process may hide its cmdline; identity then rests on the start time alone.
  }
  return { alive: true, startKey: startTime ?? null, commandLine, stopped: state === 'T' || state === 't' };
}

function psIdentity(pid: number): ProcessIdentity {
  try {
    const out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-o', 'command=', '-p', String(pid)], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (out === '') return GONE;
    const match = /^(\S+)\s+(\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4})\s+(.*)$/.exec(out);
    if (!match) return { alive: true, startKey: null, commandLine: out, stopped: out.startsWith('T') };
    if (match[1]!.startsWith('Z')) return { ...GONE, startKey: match[2]! };
    return { alive: true, startKey: match[2]!, commandLine: match[3]!, stopped: match[1]!.startsWith('T') };
  } catch {
    return GONE;
  }
}
