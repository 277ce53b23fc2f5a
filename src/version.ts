// The package version, read once from package.json next to dist/ (no JSON import: keeps --version cheap).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function pocketVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
