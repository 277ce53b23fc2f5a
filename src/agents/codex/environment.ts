// The environment a Codex process needs, picked from pocket's own: where it lives (HOME, CODEX_HOME), how it runs
// commands (PATH, SHELL, locale, TMPDIR), how it reaches the model (OpenAI's variables, proxies, CA bundles) and the
// key variables custom providers in its config.toml name (`env_key = "..."`). Everything else stays behind, and
// pocket's own settings (TELEGRAM_*, POCKET_*) stay behind even if a provider's env_key names one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const NEEDED = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TMPDIR',
  'CODEX_HOME',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_ORGANIZATION',
  'OPENAI_PROJECT',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CODEX_CA_CERTIFICATE',
];

const POCKETS_OWN = /^(TELEGRAM|POCKET)_/;

// A provider table's key variable in config.toml: `env_key = "LOCAL_KEY"` (also inside an inline table).
const ENV_KEY = /\benv_key\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g;

/** The variable names custom model providers in codex's config.toml read their key from. */
export function providerKeyNames(configToml: string): string[] {
  return [...new Set([...configToml.matchAll(ENV_KEY)].map((match) => match[1]!))];
}

/** What of source (pocket's environment) a Codex turn gets. */
export function codexEnvironment(source: Record<string, string | undefined>): Record<string, string> {
  const codexHome = source.CODEX_HOME ?? (source.HOME ? join(source.HOME, '.codex') : null);
  let config = '';
  if (codexHome !== null) {
    try {
      config = readFileSync(join(codexHome, 'config.toml'), 'utf8');
    } catch {
      // No config: codex's defaults, which read OPENAI_API_KEY or its own login.
    }
  }
  const out: Record<string, string> = {};
  for (const name of [...NEEDED, ...providerKeyNames(config)]) {
    if (POCKETS_OWN.test(name)) continue;
    const value = source[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
