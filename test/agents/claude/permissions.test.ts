// canUseTool both ways, without the SDK: what pocket asks, and what the CLI gets back.
import { describe, expect, it } from 'vitest';
import { filePreviewDiff, permissionResult, requestFor } from '../../../src/agents/claude/permissions.js';
import { describeCrash, describeErrorResult } from '../../../src/agents/claude/failures.js';

describe('Claude permission requests', () => {
  it('asks about another tool with a one-line summary of its input as the reason', () => {
    expect(requestFor('WebFetch', { url: 'https://example.com/a', prompt: 'read it' }, {}, null)).toEqual({
      type: 'approval',
      tool: 'WebFetch',
      command: null,
      path: null,
      diff: null,
      reason: 'https://example.com/a',
    });
    // The CLI's own sentence wins when it gives one; a blocked path is the path.
    expect(requestFor('Bash', { command: 'cat /etc/shadow' }, { decisionReason: 'outside the project', blockedPath: '/etc/shadow' }, null)).toMatchObject({
      command: 'cat /etc/shadow',
      path: '/etc/shadow',
      reason: 'outside the project',
    });
  });

  it('previews MultiEdit on the file as it is, and falls back to the replacements when they do not match', () => {
    const input = { file_path: '/p/a.ts', edits: [{ old_string: 'let', new_string: 'const' }, { old_string: 'x = 1', new_string: 'x = 2' }] };
    expect(filePreviewDiff('MultiEdit', input, 'a.ts', 'let x = 1;\n')).toBe('--- a/a.ts\n+++ b/a.ts\n@@ -1,1 +1,1 @@\n-let x = 1;\n+const x = 2;\n');
    expect(filePreviewDiff('MultiEdit', input, 'a.ts', 'changed meanwhile\n')).toBe(
      '--- a/a.ts\n+++ b/a.ts\n@@ -1,1 +1,1 @@\n-let\n\\ No newline at end of file\n+const\n\\ No newline at end of file\n' +
        '--- a/a.ts\n+++ b/a.ts\n@@ -1,1 +1,1 @@\n-x = 1\n\\ No newline at end of file\n+x = 2\n\\ No newline at end of file\n',
    );
    expect(filePreviewDiff('NotebookEdit', { notebook_path: '/p/n.ipynb' }, 'n.ipynb', '{}')).toBeNull();
  });

  it('answers a multi-select question with the labels joined, keyed by the question text', () => {
    const questions = [
      { question: 'Which checks?', header: 'Checks', multiSelect: true, options: [{ label: 'lint', description: '' }, { label: 'test', description: '' }] },
      { question: 'Where?', header: 'Where', multiSelect: false, options: [{ label: 'CI', description: '' }, { label: 'local', description: '' }] },
    ];
    expect(permissionResult('AskUserQuestion', { questions }, { type: 'question', answers: ['lint, test', 'CI'] }, undefined)).toEqual({
      behavior: 'allow',
      updatedInput: { questions, answers: { 'Which checks?': 'lint, test', 'Where?': 'CI' } },
    });
    expect(permissionResult('AskUserQuestion', { questions }, { type: 'timeout' }, undefined)).toMatchObject({ behavior: 'deny' });
  });

  it('keeps the CLI\'s folder grants for this session only, never its rules for the settings files', () => {
    const suggestions = [
      { type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test *' }], behavior: 'allow', destination: 'localSettings' } as const,
      { type: 'addDirectories', directories: ['/p'], destination: 'session' },
    ];
    expect(permissionResult('Bash', { command: 'npm test' }, { type: 'approval', decision: 'allow-session' }, suggestions)).toEqual({
      behavior: 'allow',
      updatedInput: { command: 'npm test' },
      updatedPermissions: [
        { type: 'addRules', rules: [{ toolName: 'Bash' }], behavior: 'allow', destination: 'session' },
        { type: 'addDirectories', directories: ['/p'], destination: 'session' },
      ],
    });
  });
});

describe('Claude failure reasons', () => {
  it('says what the real CLI reported, as one sentence', () => {
    const finished = (text: string) => ({ isError: true, text, errors: [], usage: null });
    expect(describeErrorResult(finished('API Error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)'))).toBe(
      'The Claude API could not answer (API Error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)); try again later.',
    );
    expect(describeCrash(new Error('Claude Code process exited with code 1'), ['loading', 'Segmentation fault'])).toBe(
      'Claude Code stopped before the turn ended: Claude Code process exited with code 1 — Segmentation fault',
    );
    expect(describeCrash(null, [])).toBe('Claude Code ended the turn without an answer.');
  });
});
