// The shapes that are secret whoever owns them: rules as plain data, applied by the Redactor (redact.ts) to all text
// that leaves the process. POCKET_REDACT=off turns these off; the bot token and the .env values are never let out.
//
// A rule replaces what its pattern matched by its marker, except its capturing group (a prefix that says what kind of
// secret it was, like `ghp_` or `password=`; in a pattern of alternatives, the group that took part): rules capture
// nothing else. Three kinds of rule, by what tells the Redactor where to try them:
// - `hint` (a regex without look-arounds that matches within every match of the rule, starting at most `hintAt`
//   characters after the match's start): a rule within one line. Such a rule is tried only next to its hints: V8's
//   regex engine has no multi-pattern search, so a rule whose first characters are common letters is tried at nearly
//   every character, where a scan for its hints skips ahead (they start at rare letters where they can: `cret` for
//   secret, `ken` for token; bench/redact.js, docs/performance.md). The rules without `ownPass` run together as one
//   regex (flags gm: ^ and $ are line bounds, so none may rely on case-insensitivity); each rule with `ownPass` runs
//   alone before them, with its own flags.
// - `anchors` (literal strings one of which every match contains): a rule that may span lines, run on the whole text
//   when it holds an anchor: the private key blocks.
// - `lineStarts` (a regex matching the start of a line where the rule may match) with `lineBody`: tried only at
//   those lines (the key-body rule, whose pattern spans lines and whose base64 start is everywhere).
//

// Where the shapes come from: the vendors' documented token formats (GitHub's `gh?_` and `github_pat_`, GitLab's
// `glpat-`, Slack's `xox?-`, AWS's `AKIA`/`ASIA` key ids, Google's `AIza`, Stripe's `sk_live_`), plus the
// conventions that hold secrets in ordinary text (assignments, URL user info, PEM/OpenSSH blocks).

export interface SecretShape {
  /** Names the rule in the marker: `[redacted:<id>]`. */
  id: string;
  description: string;
  /** What its capturing group matched (when one did) stays in the text. Flags: see above. */
  pattern: RegExp;
  /** A multi-line rule run alone on the whole text, when the text holds one of these. */
  anchors?: readonly string[];
  /** A multi-line rule run alone, tried only at the starts of the lines this matches (from the line start on)... */
  lineStarts?: RegExp;
  /**
   * With `lineStarts`: the probe can match only where the line, after any leading blanks, holds one of these numbers
   * of `chars` (a one-character class, ASCII), then blanks to its end (or a \r). Checked first, character by character
   * with an early exit (prose fails within a few characters): a regex call costs ~0.2 us, and a third of the lines of
   * ordinary output are 64 characters or longer.
   */
  lineBody?: {
    lengths: readonly number[];
    chars: RegExp;
    /**
     * No match starts within `lines` lines after a line matching `line` (a negative look back of the pattern), when
     * all lines between match `body`; such lines are skipped. `marker`: a literal every such line holds.
     */
    notWithin?: { marker: string; line: RegExp; body: RegExp; lines: number };
    /**
     * No match starts at a line followed, within `lines` lines all matching `body`, by a line starting with `marker`
     * (a negative look ahead from the match's end, which is a line on at least); from such a line to that one, none.
     */
    notBefore?: { marker: string; body: RegExp; lines: number };
  };
  /** A rule within one line: a regex (no look-arounds) matching within every match of the rule... */
  hint?: RegExp;
  /** ...starting at most this many characters after the match's start. Too small a number would let matches by. */
  hintAt?: number;
  /** With `hint`: run alone on the hinted lines, before the rules that run together (its match decides theirs). */
  ownPass?: boolean;
}

export const markerOf = (id: string): string => `[redacted:${id}]`;

/** A value already redacted (by a rule, or the exact-value pass's `[REDACTED]`) is not redacted again. */
const NOT_REDACTED = String.raw`(?!\[redacted:|\[REDACTED\])`;

const KEY_LABEL = '(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?';

/**
 * Words that name a secret in an assignment: `DB_PASSWORD=`, `api_key:`, `"client_secret": "`, `--token `. Spelled
 * out in three cases instead of the i flag, which the rules that run together cannot have (and which made this rule
 * alone run at a third of the speed).
 */
const SECRET_WORD = `(?:${['password', 'passwd', 'passphrase', 'secret', 'token']
  .flatMap((word) => [word, word[0]!.toUpperCase() + word.slice(1), word.toUpperCase()])
  .join('|')}|[Aa]pi[_-]?[Kk]ey|API[_-]?KEY|apikey|APIKEY|[Aa]ccess[_-]?[Kk]ey|ACCESS[_-]?KEY|[Pp]rivate[_-]?[Kk]ey|PRIVATE[_-]?KEY)`;

/** One full line of a key body: 64 or 70 base64 characters with upper case, lower case and a digit among them. */
const FULL_BODY_LINE = '(?=[A-Za-z0-9+/]{0,69}[A-Z])(?=[A-Za-z0-9+/]{0,69}[a-z])(?=[A-Za-z0-9+/]{0,69}[0-9])(?:[A-Za-z0-9+/]{70}|[A-Za-z0-9+/]{64})';

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    id: 'private-key',
    description: 'PEM and OpenSSH private key blocks (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH, PGP), BEGIN to END; '
      + 'a block whose END is not in the text (it is still being printed, or a window of lines ends inside it) '
      + 'is redacted to the end of the text',
    pattern: new RegExp(String.raw`-----BEGIN ${KEY_LABEL}-----[\s\S]*?(?:-----END ${KEY_LABEL}-----|(?![\s\S]))`),
    anchors: ['PRIVATE KEY'],
  },
  {
    id: 'private-key',
    description: 'the rest of a private key block whose BEGIN is not in the text (a window of lines that starts '
      + 'inside the block: a card, /tail): from the start of the text to the END line',
    pattern: new RegExp(String.raw`^(?:(?!-----BEGIN )[\s\S])*?-----END ${KEY_LABEL}-----`),
    anchors: ['PRIVATE KEY'],
  },
  {
    id: 'private-key',
    description: 'the body lines of a private key block seen without its BEGIN or END (a window that starts and ends '
      + 'inside the block): two or more lines, all but the last of exactly 64 (PEM) or 70 (OpenSSH) base64 '
      + 'characters mixing upper case, lower case and digits (hex digests, 64 characters too, have no upper case; '
      + '`base64` wraps at 76), the last one base64 too (the end of the body is shorter). One such line alone is '
      + 'let through: any line of 64 base64 characters would be redacted with it. Not inside a block that is not a '
      + 'private key (a certificate, a public key): the rules above have replaced every private block, so a BEGIN or '
      + 'END line still next to the lines belongs to a public one',
    pattern: new RegExp(
      // The look back and the look ahead are the costly parts: they run only at lines that are body lines already,
      // and over at most 120 lines (an 8192-bit RSA key has 100): unbounded, 64-column base64 cost a scan back over
      // the whole blob at every line (bench/redact.js: 21 kB of base64 took 100 ms).
      String.raw`^(?=[ \t]*${FULL_BODY_LINE}[ \t]*$)(?<!-----BEGIN [A-Z0-9 ]+-----\r?\n(?:[A-Za-z0-9+/=]*\r?\n){0,120})`
        + String.raw`[ \t]*${FULL_BODY_LINE}[ \t]*$(?:\r?\n[ \t]*${FULL_BODY_LINE}[ \t]*$)*\r?\n[ \t]*[A-Za-z0-9+/]{1,70}={0,2}[ \t]*$`
        + String.raw`(?!(?:\r?\n[A-Za-z0-9+/=]*){0,120}\r?\n-----END )`,
      'gm',
    ),
    // The line is all one full body line: 64 or 70 base64 characters, blanks around (the rule's first line). Lines
    // that only start with 64 (sha256sum, 76-column base64, minified code) no longer run the rule's look-arounds.
    lineStarts: /[ \t]*(?:[A-Za-z0-9+/]{70}|[A-Za-z0-9+/]{64})[ \t]*(?![^\n\r\u2028\u2029])/,
    lineBody: {
      lengths: [64, 70],
      chars: /[A-Za-z0-9+/]/,
      // The pattern's look back, as the lines go by: inside a public block (a certificate) every line would cost it a
      // scan back to the BEGIN line (ca-certificates: 4 us a line, most of this rule's time).
      notWithin: { marker: '-----BEGIN ', line: /-----BEGIN [A-Z0-9 ]+-----\r?$/, body: /^[A-Za-z0-9+/=]*\r?$/, lines: 120 },
      // The pattern's look ahead: in a window that starts inside a certificate (a card, /tail) every line ran it and
      // the look back, over the lines to the END: 55% of bench/redact's time in 2 KB windows.
      notBefore: { marker: '-----END ', body: /^[A-Za-z0-9+/=]*\r?$/, lines: 120 },
    },
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ids: AKIA (long-term), ASIA (temporary), AIDA/AROA (user and role ids)',
    pattern: /\b(A(?:KIA|SIA|IDA|ROA))[A-Z0-9]{16}\b/,
    hint: /A(?:KIA|SIA|IDA|ROA)/,
    hintAt: 0,
  },
  {
    id: 'aws-secret-key',
    description: 'AWS secret access keys in an assignment (credentials file, env, JSON): 40 base64 characters',
    pattern: new RegExp(String.raw`((?:aws_?|AWS_?)?(?:secret_?access_?key|SECRET_?ACCESS_?KEY|[Ss]ecret[Aa]ccess[Kk]ey)["']?[ \t]*[:=][ \t]*["']?)${NOT_REDACTED}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`),
    hint: /cret|CRET/,
    hintAt: 6, // (aws_)secret
  },
  {
    id: 'github-token',
    description: 'GitHub tokens: ghp_ (classic), gho_ (OAuth), ghu_/ghs_ (app user/server), ghr_ (refresh), github_pat_ (fine-grained)',
    pattern: /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{22,255}\b/,
    hint: /gh[pousr]_|github_pat_/,
    hintAt: 0,
  },
  {
    id: 'gitlab-token',
    description: 'GitLab personal, project and group access tokens (glpat-)',
    pattern: /\b(glpat-)[A-Za-z0-9_-]{20,}/,
    hint: /glpat-/,
    hintAt: 0,
  },
  {
    id: 'slack-token',
    description: 'Slack tokens: xoxb- (bot), xoxp- (user), xoxa-/xoxr- (app, refresh), xoxs-, xoxo-',
    pattern: /\b(xox[abposr]-)[A-Za-z0-9-]{10,}/,
    hint: /xox[abposr]-/,
    hintAt: 0,
  },
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook and workflow URLs (the path is the secret)',
    pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/,
    hint: /hooks\.slack\.com\//,
    hintAt: 8, // after `https://`
  },
  {
    id: 'anthropic-key',
    description: 'Anthropic API keys (sk-ant-api03-..., sk-ant-admin01-...)',
    pattern: /\b(sk-ant-)[A-Za-z0-9_-]{32,}/,
    hint: /k-ant-/,
    hintAt: 1,
  },
  {
    id: 'openai-key',
    description: 'OpenAI API keys: sk- (legacy, 48 characters), sk-proj-, sk-svcacct-, sk-admin-',
    pattern: new RegExp(String.raw`\b(sk-(?:proj-|svcacct-|admin-)?)${NOT_REDACTED}(?!ant-)[A-Za-z0-9_-]{32,}`),
    hint: /k-/,
    hintAt: 1,
  },
  {
    id: 'google-api-key',
    description: 'Google API keys (AIza and 35 characters)',
    pattern: /\b(AIza)[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/,
    hint: /AIza/,
    hintAt: 0,
  },
  {
    id: 'stripe-key',
    description: 'Stripe secret and restricted keys, live and test (publishable pk_ keys are public by design: kept)',
    pattern: /\b((?:sk|rk)_(?:live|test)_)[0-9A-Za-z]{16,}/,
    hint: /k_(?:live|test)_/,
    hintAt: 1,
  },
  {
    id: 'jwt',
    description: 'JSON Web Tokens: three base64url segments, the first a JSON header (eyJ...)',
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
    hint: /yJ/,
    hintAt: 1,
  },
  {
    id: 'url-credentials',
    description: 'the password in a URL with user info (scheme://user:password@host); the user name stays',
    // Starts at `://`, the scheme outside the match: a start at every word would cost the one pass a third.
    pattern: new RegExp(String.raw`(://[^\s/?#@:]*:)${NOT_REDACTED}[^\s/?#@]+(?=@)`),
    hint: /:\/\/[^\s/?#@:]*:/,
    hintAt: 0,
  },
  {
    id: 'secret-assignment',
    description: 'the value assigned to a name ending in password, passphrase, secret, token, api_key, access_key, '
      + 'private_key (lower case, UPPER case or Capitalised, so camelCase too): quoted after = or : (JSON, YAML, TOML, '
      + 'shell), unquoted after = (env, query strings, --flag=value), a YAML value that ends its line (key: value), '
      + 'and the argument after a --flag (--password value)',
    pattern: new RegExp(
      String.raw`(${SECRET_WORD}(?:["']?[ \t]*[:=][ \t]*["']|=|:[ \t]+|(?<=--[A-Za-z0-9_-]*)[ \t]+))${NOT_REDACTED}(?:`
        + [
          // "password": "x", password = 'x', PASSWORD="x"
          String.raw`(?<=["'])[^"'\r\n]+(?=["'])`,
          // PASSWORD=x, --password=x, ?token=x&
          String.raw`(?<==)[^\s"'&;,)}\]]+`,
          // password: x (YAML: the rest of the line, maybe inside a quoted string: echo 'password: x')
          String.raw`(?<=:[ \t]+)[^\s"'{}\[\],;()]+(?=["'\x60]*[ \t]*$)`,
          // password: x2y... anywhere in a line when the value looks made, not written: 6+ characters with a digit
          // (typed-ahead echo and prompts put other text after it; prose after a colon rarely has digits)
          String.raw`(?<=:[ \t]+)(?=[^\s"'{}\[\],;()]*[0-9])[^\s"'{}\[\],;()]{6,}`,
          // --password x
          String.raw`(?<=[A-Za-z0-9_-][ \t]+)(?!-)[^\s"']+`,
        ].join('|')
        + ')',
    ),
    // Every spelling of SECRET_WORD holds one (camelCase too: apiKey has Key; Secret has cret, Token has ken).
    hint: /pass|Pass|PASS|cret|CRET|ken|KEN|key|Key|KEY/,
    hintAt: 8, // `KEY` in `PRIVATE_KEY`
    // Before the rules that run together: `password=ghp_...` is an assignment, and says so.
    ownPass: true,
  },
];
