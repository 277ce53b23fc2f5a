import { describe, expect, it } from 'vitest';
import { formatDuration, isErrorLine, summarize } from '../../../src/core/output/summarize.js';

const base = { state: 'exited' as const, startedAt: 1_000_000, endedAt: 1_000_000 + 125_400, now: 9_999_999, exitCode: 1 };

describe('isErrorLine', () => {
  it.each([
    'src/a.ts(3,5): error TS2552: Cannot find name',
    'npm ERR! code ELIFECYCLE',
    'Traceback (most recent call last):',
    "thread 'main' panicked at src/main.rs:2:5",
    'FATAL: database is locked',
    'Tests: 2 failed, 10 passed',
    'java.lang.IllegalStateException: boom',
    'Segmentation fault (core dumped)',
    "TypeError: Cannot read properties of undefined (reading 'x')",
  ])('flags %s', (line) => expect(isErrorLine(line)).toBe(true));

  it.each([
    'Found 0 errors. Watching for file changes.',
    'no errors found',
    'Tests: 0 failed, 12 passed',
    'errors: 0, warnings: 2',
    'compiled without errors',
    'Build finished in 2.1s',
  ])('does not flag %s', (line) => expect(isErrorLine(line)).toBe(false));
});

describe('summarize', () => {
  it('keeps the last distinct errors, newest last, and the last non-blank lines', () => {
    const lines = [
      'start',
      'error: first',
      'error: repeated',
      'ok',
      'error:  repeated',
      'Found 0 errors',
      'error: second',
      'error: third',
      'done',
      '',
      '',
    ];
    const d = summarize({ ...base, lines, maxErrors: 3, maxLastLines: 2 });
    expect(d.errorLines).toEqual(['error:  repeated', 'error: second', 'error: third']);
    expect(d.lastLines).toEqual(['error: third', 'done']);
    expect(d.runtimeS).toBe(125);
    expect(d.exitCode).toBe(1);
  });

  it('keeps an error line whole: the redactor, where it leaves, must see a token whole before anything cuts it', () => {
    const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const line = `error: ${'x'.repeat(283)} ${token} rejected`;
    const d = summarize({ ...base, lines: [line] });
    expect(d.errorLines).toEqual([line]);
  });

  it('measures a live session up to now', () => {
    const d = summarize({ ...base, state: 'running', endedAt: null, now: 1_000_000 + 3_600_000, exitCode: null, lines: [] });
    expect(d.runtimeS).toBe(3600);
    expect(d.errorLines).toEqual([]);
  });
});

describe('formatDuration', () => {
  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(65), formatDuration(3_700), formatDuration(90_000)]).toEqual([
      '5s',
      '1m 05s',
      '1h 01m',
      '1d 1h',
    ]);
  });
});
