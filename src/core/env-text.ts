// Editing the text of a .env file: `pocket init` sets a few keys and must keep everything else as the user wrote it
// (comments, blank lines, keys pocket does not know, their order). Pure: text in, text and a list of changes out.

export interface EnvChange {
  key: string;
  kind: 'added' | 'replaced' | 'unchanged';
  /** The value in the file before, for 'replaced' and 'unchanged'. */
  before?: string;
  after: string;
}

export interface EnvPlan {
  text: string;
  changes: EnvChange[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;
const BARE_VALUE = /^[A-Za-z0-9_:.,/@+-]*$/;

/**
 * Sets `values` in the .env text: the first line that assigns a key is rewritten in place, later lines assigning the
 * same key are dropped (they would override it), keys not in the file are appended in the order given.
 */
export function planEnvUpdate(existing: string, values: Record<string, string>): EnvPlan {
  const lines = existing.length === 0 ? [] : existing.replace(/\r?\n$/, '').split(/\r?\n/);
  const written = new Set<string>();
  const changes = new Map<string, EnvChange>();
  const out: string[] = [];
  for (const line of lines) {
    const match = ASSIGNMENT.exec(line);
    const key = match?.[1];
    if (key === undefined || !(key in values)) {
      out.push(line);
      continue;
    }
    if (written.has(key)) continue;
    const before = unquote(match![2]!);
    const after = values[key]!;
    written.add(key);
    changes.set(key, { key, kind: before === after ? 'unchanged' : 'replaced', before, after });
    out.push(before === after ? line : `${key}=${quote(after)}`);
  }
  for (const [key, after] of Object.entries(values)) {
    if (written.has(key)) continue;
    changes.set(key, { key, kind: 'added', after });
    out.push(`${key}=${quote(after)}`);
  }
  return { text: `${out.join('\n')}\n`, changes: Object.keys(values).map((key) => changes.get(key)!) };
}

/** Values pocket writes are tokens and ids; anything else is double-quoted with quotes and backslashes escaped. */
function quote(value: string): string {
  if (/[\n\r]/.test(value)) throw new Error('a .env value cannot span lines');
  return BARE_VALUE.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The value as dotenv reads it, enough to tell whether it changes: quotes removed, a trailing comment dropped. */
function unquote(raw: string): string {
  const value = raw.trim();
  const quoted = /^(["'`])(.*?)\1(?:\s+#.*)?$/.exec(value);
  if (quoted !== null) return quoted[1] === '"' ? quoted[2]!.replace(/\\(["\\])/g, '$1') : quoted[2]!;
  return value.replace(/\s+#.*$/, '');
}
