// The unified diffs of approvals and turn diffs: exact for the usual shapes, and for random edits checked the way a
// reader's tools would use them: GNU patch applies each to the old text and must get the new one.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/agents/claude/unified-diff.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('unifiedDiff', () => {
  it('shows a new file, a deleted file, and nothing for the same text', () => {
    expect(unifiedDiff('a.txt', null, 'one\ntwo\n')).toBe('--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n');
    expect(unifiedDiff('a.txt', 'one\n', null)).toBe('--- a/a.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-one\n');
    expect(unifiedDiff('a.txt', 'same\n', 'same\n')).toBe('');
  });

  it('keeps three lines of context and splits far-apart changes into hunks', () => {
    const before = `${Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    const after = before.replace('line 2\n', 'line two\n').replace('line 19\n', 'line nineteen\n');
    expect(unifiedDiff('n.txt', before, after)).toBe(
      '--- a/n.txt\n+++ b/n.txt\n' +
        '@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n' +
        '@@ -16,5 +16,5 @@\n line 16\n line 17\n line 18\n-line 19\n+line nineteen\n line 20\n',
    );
  });

  it('marks a last line without a newline, as diff -u does', () => {
    expect(unifiedDiff('x', 'a\nb', 'a\nb\n')).toBe('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  });

  it('produces diffs GNU patch applies exactly, for random edits', () => {
    const dir = tempDir('pocket-diff-');
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const words = ['alpha', 'beta', 'gamma', 'delta', '', '}', 'return x;'];
    for (let round = 0; round < 40; round++) {
      const before = Array.from({ length: random(30) }, () => words[random(words.length)]);
      const after = before.flatMap((line) => {
        const roll = random(10);
        if (roll === 0) return [];
        if (roll === 1) return [line, words[random(words.length)]];
        if (roll === 2) return [`changed ${line}`];
        return [line];
      });
      const endBefore = random(4) === 0 ? '' : '\n';
      const endAfter = random(4) === 0 ? '' : '\n';
      const beforeText = before.length ? before.join('\n') + endBefore : '';
      const afterText = after.length ? after.join('\n') + endAfter : '';
      const diff = unifiedDiff('f.txt', beforeText, afterText);
      if (beforeText === afterText) {
        expect(diff).toBe('');
        continue;
      }
      writeFileSync(join(dir, 'f.txt'), beforeText);
      writeFileSync(join(dir, 'f.diff'), diff);
      execFileSync('patch', ['--quiet', '--force', join(dir, 'f.txt'), join(dir, 'f.diff')]);
      expect(readFileSync(join(dir, 'f.txt'), 'utf8'), diff).toBe(afterText);
    }
  });
});
