// The /summary digest of a session: what state it is in, how long it ran, how it ended, the errors it printed and
// its last lines. Pure: the caller hands in the cleaned lines it kept.
import type { SessionState } from '../status.js';

/** Lines that report a problem. Kept as data so a new tool's wording is a one-line change. */
export const ERROR_PATTERNS: readonly RegExp[] = [
  /\berror\b|\berr!|\berrors?:/i,
  /\bfail(ed|ure|s)?\b/i,
  /\bexception\b/i,
  /\b[A-Z]\w*(Error|Exception)\b/,
  /\btraceback\b/i,
  /\bpanic(ked)?\b/i,
  /\bfatal\b/i,
  /\bsegmentation fault\b|\bcore dumped\b/i,
  /\bunhandled\b.*\breject/i,
];

/** Lines that mention errors but say there were none ("0 errors", "no failures", "failed: 0"). */
export const NOT_ERROR_PATTERNS: readonly RegExp[] = [
  /\b(0|no|zero)\s+(errors?|failures?|failed|exceptions?)\b/i,
  /\b(errors?|failures?|failed)\s*[:=]\s*0\b/i,
  /\bwithout (errors?|failures?)\b/i,
];

export function isErrorLine(line: string): boolean {
  return ERROR_PATTERNS.some((p) => p.test(line)) && !NOT_ERROR_PATTERNS.some((p) => p.test(line));
}

export interface DigestInput {
  state: SessionState;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms of the exit, null while alive. */
  endedAt: number | null;
  now: number;
  exitCode: number | null;
  /** Cleaned output lines, oldest first. */
  lines: readonly string[];
  maxErrors?: number;
  maxLastLines?: number;
}

export interface SessionDigest {
  state: SessionState;
  runtimeS: number;
  exitCode: number | null;
  /** Distinct error lines, the most recent last. */
  errorLines: string[];
  lastLines: string[];
}

export function summarize(input: DigestInput): SessionDigest {
  const maxErrors = input.maxErrors ?? 5;
  const maxLast = input.maxLastLines ?? 10;
  // Walk backwards so the most recent occurrence of a repeated error is the one kept.
  const seen = new Set<string>();
  const errors: string[] = [];
  for (let i = input.lines.length - 1; i >= 0 && errors.length < maxErrors; i--) {
    const line = (input.lines[i] ?? '').trim();
    if (line === '' || !isErrorLine(line)) continue;
    const key = line.replace(/\s+/g, ' ').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    // Whole: /summary cuts a long one once it is redacted (a token cut in half has no shape left).
    errors.push(line);
  }
  let end = input.lines.length;
  while (end > 0 && (input.lines[end - 1] ?? '').trim() === '') end--;
  return {
    state: input.state,
    runtimeS: Math.max(0, Math.round(((input.endedAt ?? input.now) - input.startedAt) / 1000)),
    exitCode: input.exitCode,
    errorLines: errors.reverse(),
    lastLines: input.lines.slice(Math.max(0, end - maxLast), end),
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
