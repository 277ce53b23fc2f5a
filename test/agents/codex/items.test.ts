// How Codex's items read on the card, and how a failed turn reads in the chat.
import { describe, expect, it } from 'vitest';
import { changePreview, displayCommand, displayPath, filesInDiff, reasoningHeadline } from '../../../src/agents/codex/items.js';
import { describeTurnError, userInput } from '../../../src/agents/codex/turn.js';

describe('Codex items on the card', () => {
  it('shows the command the model asked for, not the shell wrapper codex runs it in', () => {
    expect(displayCommand("/bin/bash -lc 'npm test'")).toBe('npm test');
    expect(displayCommand("/usr/bin/zsh -lc 'echo '\\''quoted'\\'' && ls'")).toBe("echo 'quoted' && ls");
    expect(displayCommand("bash -c 'ls'")).toBe('ls');
    // Not a wrapper: left as it is.
    expect(displayCommand('git status')).toBe('git status');
    expect(displayCommand("/bin/bash -lc 'a' 'b'")).toBe("/bin/bash -lc 'a' 'b'");
  });

  it('takes the headline of a reasoning summary without its bold marks', () => {
    expect(reasoningHeadline(['**Planning the fix**\n\nI will read the tests first.'])).toBe('Planning the fix');
    expect(reasoningHeadline(['', 'Plain first line\nmore'])).toBe('Plain first line');
    expect(reasoningHeadline([])).toBeNull();
  });

  it('shows paths inside the folder relative to it, others whole', () => {
    expect(displayPath('/work/app/src/a.ts', '/work/app')).toBe('src/a.ts');
    expect(displayPath('/work/other/a.ts', '/work/app')).toBe('/work/other/a.ts');
    expect(displayPath('src/a.ts', '/work/app')).toBe('src/a.ts');
  });

  it('lists the files of a unified diff once each, renamed files by their new name', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      'diff --git a/old.md b/docs/new.md',
      'rename from old.md',
      'diff --git a/src/a.ts b/src/a.ts',
    ].join('\n');
    expect(filesInDiff(diff)).toEqual(['src/a.ts', 'docs/new.md']);
  });

  it('previews an added, a deleted and an updated file as a diff', () => {
    const preview = changePreview(
      [
        { path: '/p/new.txt', kind: { type: 'add' }, diff: 'one\ntwo\n' },
        { path: '/p/gone.txt', kind: { type: 'delete' }, diff: '' },
        { path: '/p/a.ts', kind: { type: 'update', move_path: null }, diff: '@@ -1 +1 @@\n-a\n+b\n' },
      ],
      '/p',
    );
    expect(preview).toBe(
      ['--- /dev/null', '+++ b/new.txt', '+one', '+two', '--- a/gone.txt', '+++ /dev/null', '--- a/a.ts', '+++ b/a.ts', '@@ -1 +1 @@', '-a', '+b', ''].join(
        '\n',
      ),
    );
  });
});

describe('Codex turn failures and inputs', () => {
  it('says in one sentence why a turn failed, by the cause codex gives', () => {
    const error = (codexErrorInfo: unknown, message = 'it broke', additionalDetails: string | null = null) => ({
      message,
      codexErrorInfo,
      additionalDetails,
    });
    expect(describeTurnError(error('unauthorized', '401 Unauthorized'))).toBe(
      "The model API refused Codex's credentials: 401 Unauthorized. Sign in with `codex login` or set OPENAI_API_KEY.",
    );
    expect(describeTurnError(error({ responseStreamDisconnected: { httpStatusCode: null } }, 'stream closed', 'Connection reset'))).toBe(
      'Codex could not get an answer from the model API: stream closed (Connection reset).',
    );
    expect(describeTurnError(error('usageLimitExceeded', 'You hit your limit.'))).toBe("The model API's limits stopped Codex: You hit your limit.");
    expect(describeTurnError(error('other', 'Missing environment variable: `LOCAL_KEY`.'))).toBe(
      'Codex failed: Missing environment variable: `LOCAL_KEY`.',
    );
    expect(describeTurnError(null)).toBe('Codex ended the turn as failed without saying why.');
  });

  it('sends an image-only message without an empty text item', () => {
    expect(userInput({ text: '', images: [{ path: '/h/.state/p.jpg', mimeType: 'image/jpeg' }] })).toEqual([
      { type: 'localImage', path: '/h/.state/p.jpg' },
    ]);
  });
});
