// What of pocket's environment a Codex process gets: what codex needs, never pocket's own secrets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { codexEnvironment, providerKeyNames } from '../../../src/agents/codex/environment.js';

function homeWithConfig(toml: string | null): string {
  const home = mkdtempSync(join(tmpdir(), 'pocket-codex-env-'));
  onTestFinished(() => rmSync(home, { recursive: true, force: true }));
  if (toml !== null) {
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex/config.toml'), toml);
  }
  return home;
}

describe('codexEnvironment', () => {
  it("keeps PATH, HOME, OpenAI's key and the key variables config.toml's providers name; drops pocket's secrets", () => {
    const home = homeWithConfig(
      [
        'model_provider = "local"',
        '[model_providers.local]',
        'env_key = "LOCAL_KEY"',
        '[model_providers.other]',
        "env_key = 'OTHER_KEY'",
        'model_providers.inline = { name = "x", env_key = "INLINE_KEY" }',
        '[model_providers.bad]',
        'env_key = "TELEGRAM_BOT_TOKEN"',
      ].join('\n'),
    );
    const env = codexEnvironment({
      PATH: '/usr/bin',
      HOME: home,
      OPENAI_API_KEY: 'sk-openai',
      LOCAL_KEY: 'local',
      INLINE_KEY: 'inline',
      TELEGRAM_BOT_TOKEN: '123456:secret',
      POCKET_SHELL: 'on',
      AWS_SECRET_ACCESS_KEY: 'aws',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: home, OPENAI_API_KEY: 'sk-openai', LOCAL_KEY: 'local', INLINE_KEY: 'inline' });
  });

  it('reads the providers of CODEX_HOME when it is set, and works without any config', () => {
    const codexHome = join(homeWithConfig(null), 'elsewhere');
    mkdirSync(codexHome);
    writeFileSync(join(codexHome, 'config.toml'), '[model_providers.p]\nenv_key = "P_KEY"\n');
    expect(codexEnvironment({ CODEX_HOME: codexHome, P_KEY: 'p', TELEGRAM_BOT_TOKEN: 't' })).toEqual({ CODEX_HOME: codexHome, P_KEY: 'p' });
    expect(codexEnvironment({ HOME: homeWithConfig(null), TELEGRAM_BOT_TOKEN: 't' })).not.toHaveProperty('TELEGRAM_BOT_TOKEN');
    expect(providerKeyNames('env_key = "A"\nenv_key = "A"\n# env_key = bad')).toEqual(['A']);
  });
});
