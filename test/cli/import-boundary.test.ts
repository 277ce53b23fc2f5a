// `pocket --version` must not pay for ink and react: only src/cli/tui/ may import them (statically or lazily).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');
const TUI = join(SRC, 'cli/tui');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('ink and react', () => {
  it('are imported only under src/cli/tui/', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.startsWith(`${TUI}/`))
      .filter((file) => /(?:from\s+|import\s*\(\s*)['"](?:ink|react)(?:\/[^'"]*)?['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
