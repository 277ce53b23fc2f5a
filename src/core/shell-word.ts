// Quoting for the sh command lines pocket writes: the hooks' scripts and the agent commands it rewrites.

/** A word for `sh -c`: single-quoted, so spaces, `$` or quotes in a path stay data. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
