// The environment an agent process gets: an allow-list, never the daemon's whole environment. The daemon's
// environment holds pocket's own secrets (TELEGRAM_BOT_TOKEN, everything .env set); an agent runs commands a model
// chose, so whatever it can read may end up in a prompt sent to a provider or in a file it writes.

/** Variables an agent needs to find its tools, its home and its locale, and to reach its model API (proxies, CAs). */
const BASIC = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'SHELL', 'TMPDIR', 'TZ',
  'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
] as const;

/** The agents' own variables: their API keys, endpoints and settings (ANTHROPIC_API_KEY, OPENAI_BASE_URL, CODEX_HOME...). */
const AGENT_PREFIXES = ['ANTHROPIC_', 'OPENAI_', 'CODEX_', 'CLAUDE_'] as const;

/** Never passed, whatever its name: pocket's own settings and the bot's token. */
const POCKET_PREFIXES = ['TELEGRAM_', 'POCKET_'] as const;

/**
 * The allowed variables of `source`, without any whose value is one of pocket's secrets (a .env value copied into
 * an allowed name, say ANTHROPIC_API_KEY=$TELEGRAM_BOT_TOKEN by mistake, stays home too).
 */
export function agentEnvironment(source: Readonly<Record<string, string | undefined>>, pocketSecrets: readonly string[]): Record<string, string> {
  const secrets = new Set(pocketSecrets.filter((s) => s.length > 0));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || secrets.has(value)) continue;
    if (POCKET_PREFIXES.some((p) => name.startsWith(p))) continue;
    const allowed = (BASIC as readonly string[]).includes(name) || AGENT_PREFIXES.some((p) => name.startsWith(p));
    if (allowed) env[name] = value;
  }
  return env;
}

/** `env` without any variable whose value is one of pocket's secrets (for variables a backend adds by name). */
export function withoutSecretValues(env: Readonly<Record<string, string>>, pocketSecrets: readonly string[]): Record<string, string> {
  const secrets = new Set(pocketSecrets.filter((s) => s.length > 0));
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => !secrets.has(value) && !POCKET_PREFIXES.some((p) => name.startsWith(p))));
}
