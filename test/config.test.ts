import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertEnvFilePrivate, defaultHostLabel, loadConfig } from '../src/config.js';
import { PocketError } from '../src/core/errors.js';
import { tempDir } from './helpers/temp-dir.js';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef';

function envFile(text: string, mode = 0o600): { home: string; file: string } {
  const home = tempDir('pocket-config-');
  const file = join(home, '.env');
  writeFileSync(file, text, { mode });
  return { home, file };
}

const load = (text: string, env: NodeJS.ProcessEnv = {}) => {
  const { home, file } = envFile(text);
  return loadConfig({ home, envFile: file, env });
};

describe('loadConfig', () => {
  it('reads .env with defaults', () => {
    const config = load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS= 42, 7 ,42\n`);
    expect(config).toMatchObject({
      botToken: TOKEN,
      authorizedUserIds: [42, 7],
      chatId: 42,
      apiRoot: 'https://api.telegram.org',
      shellEnabled: false,
      staleSeconds: 300,
      redact: true,
      codexSandbox: 'workspace-write',
    });
    expect(config.secrets).toContain(TOKEN);
  });

  it('takes one of the three Codex sandboxes and names the choices when given another', () => {
    expect(load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=42\nPOCKET_CODEX_SANDBOX=read-only\n`).codexSandbox).toBe('read-only');
    expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=42\nPOCKET_CODEX_SANDBOX=none\n`)).toThrow(
      /POCKET_CODEX_SANDBOX: expected read-only, workspace-write or danger-full-access/,
    );
  });

  it('takes POCKET_AGENT_CWD as an absolute path only, naming what was expected', () => {
    expect(load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=42\nPOCKET_AGENT_CWD=/srv/app\n`).agentCwd).toBe('/srv/app');
    for (const folder of ['src/app', '~/src']) {
      expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=42\nPOCKET_AGENT_CWD=${folder}\n`)).toThrow(
        /POCKET_AGENT_CWD: expected the absolute path of a folder/,
      );
    }
  });

  it('lets the environment override .env and strips a trailing slash from the API root', () => {
    const config = load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=42\n`, {
      AUTHORIZED_USER_IDS: '9',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      TELEGRAM_CHAT_ID: '-100123',
    });
    expect(config.authorizedUserIds).toEqual([9]);
    expect(config.apiRoot).toBe('http://127.0.0.1:8081');
    expect(config.chatId).toBe(-100123);
  });

  it('reports every problem at once, naming each key', () => {
    let error: unknown;
    try {
      load('TELEGRAM_BOT_TOKEN=bad\nAUTHORIZED_USER_IDS=x\nPOCKET_SHELL=yes\nPOCKET_STALE_SECONDS=-1\nPOCKET_TMUX_SOCKET=a b\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PocketError);
    const message = (error as PocketError).message;
    for (const key of ['TELEGRAM_BOT_TOKEN', 'AUTHORIZED_USER_IDS', 'POCKET_SHELL', 'POCKET_STALE_SECONDS', 'POCKET_TMUX_SOCKET']) {
      expect(message).toContain(`${key}:`);
    }
    expect(message).not.toContain('bad\n');
  });

  it('does not need a token for the demo', () => {
    const { home, file } = envFile('AUTHORIZED_USER_IDS=1\n');
    expect(loadConfig({ home, envFile: file, env: {}, requireToken: false }).botToken).toBeUndefined();
    expect(() => loadConfig({ home, envFile: file, env: {} })).toThrow(/TELEGRAM_BOT_TOKEN: required/);
  });

  it('reads viewers, and refuses a user listed as operator and viewer, naming the fix', () => {
    expect(load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\nPOCKET_VIEWER_IDS=2, 3\n`).viewerIds).toEqual([2, 3]);
    expect(load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\nPOCKET_VIEWER_IDS=\n`).viewerIds).toEqual([]);
    expect(load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\n`).viewerIds).toEqual([]);
    expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1,2\nPOCKET_VIEWER_IDS=2,3\n`)).toThrow(
      /POCKET_VIEWER_IDS: 2 is also in AUTHORIZED_USER_IDS; a user is either an operator or a viewer: remove it from one of the two lists/,
    );
    // Reported with the other problems at once, not only after they are fixed.
    expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1,2\nPOCKET_VIEWER_IDS=2\nPOCKET_SHELL=yes\n`)).toThrow(
      /POCKET_SHELL: expected "on" or "off"\n {2}- POCKET_VIEWER_IDS: 2 is also in AUTHORIZED_USER_IDS/,
    );
    expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\nPOCKET_VIEWER_IDS=x\n`)).toThrow(/POCKET_VIEWER_IDS: expected positive numeric user ids/);
  });

  it('refuses an empty allow list even when there are viewers', () => {
    for (const text of ['AUTHORIZED_USER_IDS=\n', 'AUTHORIZED_USER_IDS= , ,\n', 'AUTHORIZED_USER_IDS=\nPOCKET_VIEWER_IDS=5\n', 'POCKET_VIEWER_IDS=5\n']) {
      expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\n${text}`)).toThrow(/AUTHORIZED_USER_IDS: (must list at least one|required)/);
    }
  });

  it('takes the /shell switch and its time limit', () => {
    const off = load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\n`);
    expect(off).toMatchObject({ shellEnabled: false, shellTimeoutS: 1800 });
    const on = load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\nPOCKET_SHELL=on\nPOCKET_SHELL_TIMEOUT_SECONDS=90\n`);
    expect(on).toMatchObject({ shellEnabled: true, shellTimeoutS: 90 });
    expect(() => load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\nPOCKET_SHELL_TIMEOUT_SECONDS=0\n`)).toThrow(/POCKET_SHELL_TIMEOUT_SECONDS/);
  });

  it('collects other secret-looking values for redaction', () => {
    const config = load(`TELEGRAM_BOT_TOKEN=${TOKEN}\nAUTHORIZED_USER_IDS=1\nOPENAI_API_KEY=sk-live-abcdef123\n`);
    expect(config.secrets).toContain('sk-live-abcdef123');
  });
});

describe('assertEnvFilePrivate', () => {
  it('accepts 0600 and a missing file, refuses group/world bits with the fix', () => {
    expect(() => assertEnvFilePrivate(envFile('', 0o600).file)).not.toThrow();
    expect(() => assertEnvFilePrivate('/nonexistent/.env')).not.toThrow();
    for (const mode of [0o640, 0o604, 0o660]) {
      const { file } = envFile('', mode);
      expect(() => assertEnvFilePrivate(file)).toThrow(/readable by others/);
    }
  });
});

describe('POCKET_HOST_LABEL', () => {
  it('defaults to the hostname without its domain', () => {
    expect(defaultHostLabel('ada-laptop.local')).toBe('ada-laptop');
    expect(defaultHostLabel('')).toBe('pocket');
    expect(defaultHostLabel('x'.repeat(40))).toBe('x'.repeat(32));
  });

  it('is taken from the settings, and refused with a control character or too long', () => {
    const home = tempDir('pocket-config-');
    const file = join(home, '.env');
    writeFileSync(file, 'AUTHORIZED_USER_IDS=1\nPOCKET_HOST_LABEL=desk\n');
    expect(loadConfig({ home, envFile: file, env: {}, requireToken: false }).hostLabel).toBe('desk');
    expect(() => loadConfig({ home, envFile: file, env: { POCKET_HOST_LABEL: 'a\tb' }, requireToken: false })).toThrow(/POCKET_HOST_LABEL: expected a short name/);
    expect(() => loadConfig({ home, envFile: file, env: { POCKET_HOST_LABEL: 'y'.repeat(33) }, requireToken: false })).toThrow(/POCKET_HOST_LABEL/);
  });
});
