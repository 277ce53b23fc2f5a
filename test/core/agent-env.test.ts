import { describe, expect, it } from 'vitest';
import { agentEnvironment } from '../../src/core/agent-env.js';

describe('the environment of agent processes', () => {
  it('passes the allow-list and the agents\' own variables, never pocket\'s token or .env values', () => {
    const token = '7000000001:CANARYsecretsecretsecretsecretsecret';
    const source = {
      PATH: '/usr/bin', HOME: '/home/u', USER: 'u', LANG: 'C.UTF-8', TERM: 'xterm', SHELL: '/bin/bash', TMPDIR: '/tmp',
      ANTHROPIC_API_KEY: 'sk-ant-1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', OPENAI_API_KEY: 'sk-2', CODEX_HOME: '/c', CLAUDE_CONFIG_DIR: '/d',
      TELEGRAM_BOT_TOKEN: token, POCKET_CHAT_ID: '-100', POCKET_AGENT_CWD: '/w', AWS_SECRET_ACCESS_KEY: 'aws', GITHUB_TOKEN: 'gh',
      SSH_AUTH_SOCK: '/tmp/ssh', OPENAI_ORG: 'a-dotenv-secret',
      UNSET: undefined,
    };
    const env = agentEnvironment(source, [token, 'a-dotenv-secret']);
    expect(env).toEqual({
      PATH: '/usr/bin', HOME: '/home/u', USER: 'u', LANG: 'C.UTF-8', TERM: 'xterm', SHELL: '/bin/bash', TMPDIR: '/tmp',
      ANTHROPIC_API_KEY: 'sk-ant-1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', OPENAI_API_KEY: 'sk-2', CODEX_HOME: '/c', CLAUDE_CONFIG_DIR: '/d',
    });
    expect(JSON.stringify(env)).not.toContain('CANARY');
  });
});

describe('variables a backend adds by name', () => {
  it('keep no value that is one of pocket\'s secrets and no TELEGRAM_ / POCKET_ name', async () => {
    const { withoutSecretValues } = await import('../../src/core/agent-env.js');
    expect(withoutSecretValues({ LOCAL_KEY: 'tg-token', OTHER_KEY: 'fine', POCKET_X: 'y', HTTPS_PROXY: 'http://proxy:3128' }, ['tg-token']))
      .toEqual({ OTHER_KEY: 'fine', HTTPS_PROXY: 'http://proxy:3128' });
  });
});
