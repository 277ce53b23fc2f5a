// The shapes that are secret whoever owns them: rules as plain data, applied by the Redactor (redact.ts) to all text
// that leaves the process. POCKET_REDACT=off turns these off; the bot token and the .env values are never let out.
//
// A rule replaces what its pattern matched by its marker, except its capturing group (a prefix that says what kind of
// secret it was, like `ghp_` or `password=`; in a pattern of alternatives, the group that took part): rules capture
// nothing else. `anchors` are literal strings one of which every match contains:
// a text holding none of them skips the regex (most output holds none, and a substring search is far cheaper than a
// regex with lookarounds; bench/redact.js measures both). A rule whose matches share no literal (key bodies) gives
// a pattern instead.
//
// Where the shapes come from: the vendors' documented token formats (GitHub's `gh?_` and `github_pat_`, GitLab's
// `glpat-`, Slack's `xox?-`, AWS's `AKIA`/`ASIA` key ids, Google's `AIza`, Stripe's `sk_live_`), plus the
// conventions that hold secrets in ordinary text (assignments, URL user info, PEM/OpenSSH blocks).

export interface SecretShape {
  /** Names the rule in the marker: `[redacted:<id>]`. */
  id: string;
  description: string;
  /** Global regex; what its capturing group matched (when one did) stays in the text. */
  pattern: RegExp;
  /** Literal strings, one of which every match contains (matched case-insensitively when `anchorsIgnoreCase`). */
  anchors: readonly string[] | RegExp;
  anchorsIgnoreCase?: boolean;
}

export const markerOf = (id: string): string => `[redacted:${id}]`;

/** A value already redacted (by a rule, or the exact-value pass's `[REDACTED]`) is not redacted again. */
const NOT_REDACTED = String.raw`(?!\[redacted:|\[REDACTED\])`;

const KEY_LABEL = '(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?';

/** Words that name a secret in an assignment: `DB_PASSWORD=`, `api_key:`, `"client_secret": "`, `--token `. */
const SECRET_WORD = '(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)';

/** One full line of a key body: 64 or 70 base64 characters with upper case, lower case and a digit among them. */
const FULL_BODY_LINE = '(?=[A-Za-z0-9+/]{0,69}[A-Z])(?=[A-Za-z0-9+/]{0,69}[a-z])(?=[A-Za-z0-9+/]{0,69}[0-9])(?:[A-Za-z0-9+/]{70}|[A-Za-z0-9+/]{64})';

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    id: 'private-key',
    description: 'PEM and OpenSSH private key blocks (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH, PGP), BEGIN to END; '
      + 'a block whose END is not in the text (it is still being printed, or a window of lines ends inside it) '
      + 'is redacted to the end of the text',
    pattern: new RegExp(String.raw`-----BEGIN ${KEY_LABEL}-----[\s\S]*?(?:-----END ${KEY_LABEL}-----|$)`, 'g'),
    anchors: ['-----BEGIN '],
  },
  {
    id: 'private-key',
    description: 'the rest of a private key block whose BEGIN is not in the text (a window of lines that starts '
      + 'inside the block: a card, /tail): from the start of the text to the END line',
    pattern: new RegExp(String.raw`^[\s\S]*?-----END ${KEY_LABEL}-----`, 'g'),
    anchors: ['-----END '],
  },
  {
    id: 'private-key',
    description: 'the body lines of a private key block seen without its BEGIN or END (a window that starts and ends '
      + 'inside the block): lines of exactly 64 (PEM) or 70 (OpenSSH) base64 characters, each mixing upper case, '
      + 'lower case and digits (hex digests, 64 characters too, have no upper case; `base64` wraps at 76), and the '
      + 'shorter base64 line right after them (the last line of the body)',
    pattern: new RegExp(String.raw`(?:^[ \t]*${FULL_BODY_LINE}[ \t]*(?:\r?\n|$))+(?:[ \t]*[A-Za-z0-9+/]{1,69}={0,2}[ \t]*$)?`, 'gm'),
    anchors: /[A-Za-z0-9+/]{64}/,
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ids: AKIA (long-term), ASIA (temporary), AIDA/AROA (user and role ids) and 16 more',
    pattern: /\b(A(?:KIA|SIA|IDA|ROA))[A-Z0-9]{16}\b/g,
    anchors: ['AKIA', 'ASIA', 'AIDA', 'AROA'],
  },
  {
    id: 'aws-secret-key',
    description: 'AWS secret access keys in an assignment (credentials file, env, JSON): 40 base64 characters',
    pattern: new RegExp(String.raw`((?:aws_?secret_?access_?key|secret_?access_?key)["']?\s*[:=]\s*["']?)${NOT_REDACTED}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`, 'gi'),
    anchors: ['secret'],
    anchorsIgnoreCase: true,
  },
  {
    id: 'github-token',
    description: 'GitHub tokens: ghp_ (classic), gho_ (OAuth), ghu_/ghs_ (app user/server), ghr_ (refresh), github_pat_ (fine-grained)',
    pattern: /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{22,255}\b/g,
    anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  },
  {
    id: 'gitlab-token',
    description: 'GitLab personal, project and group access tokens (glpat-)',
    pattern: /\b(glpat-)[A-Za-z0-9_-]{20,}/g,
    anchors: ['glpat-'],
  },
  {
    id: 'slack-token',
    description: 'Slack tokens: xoxb- (bot), xoxp- (user), xoxa-/xoxr- (app, refresh), xoxs-, xoxo-',
    pattern: /\b(xox[abposr]-)[A-Za-z0-9-]{10,}/g,
    anchors: ['xox'],
  },
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook and workflow URLs (the path is the secret)',
    pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g,
    anchors: ['hooks.slack.com'],
  },
  {
    id: 'anthropic-key',
    description: 'Anthropic API keys (sk-ant-api03-..., sk-ant-admin01-...)',
    pattern: /\b(sk-ant-)[A-Za-z0-9_-]{32,}/g,
    anchors: ['sk-ant-'],
  },
  {
    id: 'openai-key',
    description: 'OpenAI API keys: sk- (legacy, 48 characters), sk-proj-, sk-svcacct-, sk-admin-',
    pattern: new RegExp(String.raw`\b(sk-(?:proj-|svcacct-|admin-)?)${NOT_REDACTED}(?!ant-)[A-Za-z0-9_-]{32,}`, 'g'),
    anchors: ['sk-'],
  },
  {
    id: 'google-api-key',
    description: 'Google API keys (AIza and 35 characters)',
    pattern: /\b(AIza)[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
    anchors: ['AIza'],
  },
  {
    id: 'stripe-key',
    description: 'Stripe secret and restricted keys, live and test (publishable pk_ keys are public by design: kept)',
    pattern: /\b((?:sk|rk)_(?:live|test)_)[0-9A-Za-z]{16,}/g,
    anchors: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
  },
  {
    id: 'jwt',
    description: 'JSON Web Tokens: three base64url segments, the first a JSON header (eyJ...)',
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
    anchors: ['eyJ'],
  },
  {
    id: 'url-credentials',
    description: 'the password in a URL with user info (scheme://user:password@host); the user name stays',
    pattern: new RegExp(String.raw`(\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s/?#@:]*:)${NOT_REDACTED}[^\s/?#@]+(?=@)`, 'g'),
    anchors: ['://'],
  },
  {
    id: 'secret-assignment',
    description: 'the value assigned to a name ending in password, secret, token, api_key, access_key, credentials... '
      + 'quoted after = or : (JSON, YAML, TOML, shell), unquoted after = (env, query strings, --flag=value), a YAML '
      + 'value that ends its line (key: value), and the argument after a --flag (--password value)',
    pattern: new RegExp(
      [
        // "password": "x", password = 'x', PASSWORD="x"
        String.raw`(${SECRET_WORD}["']?[ \t]*[:=][ \t]*["'])${NOT_REDACTED}[^"'\r\n]+(?=["'])`,
        // PASSWORD=x, --password=x, ?token=x&
        String.raw`(${SECRET_WORD}=)${NOT_REDACTED}[^\s"'&;,)}\]]+`,
        // password: x (YAML, the rest of the line)
        String.raw`(${SECRET_WORD}:[ \t]+)${NOT_REDACTED}[^\s"'{}\[\],;()]+(?=[ \t]*$)`,
        // --password x
        String.raw`(--[A-Za-z0-9-]*${SECRET_WORD}[ \t]+)${NOT_REDACTED}(?!-)[^\s"']+`,
      ].join('|'),
      'gim',
    ),
    anchors: ['pass', 'secret', 'token', 'key', 'credential'],
    anchorsIgnoreCase: true,
  },
];
