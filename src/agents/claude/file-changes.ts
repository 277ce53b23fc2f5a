// The files a turn's file tools (Write, Edit, MultiEdit, NotebookEdit) changed, and one unified diff of them.
// Each file is read once before the first tool touches it (from the PreToolUse hook, which the CLI awaits before it
// runs the tool) and once when the turn ends; only files whose content differs are reported. Files changed by Bash
// commands are not tracked: the command is on the card, its effects are the user's to inspect.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { unifiedDiff } from './unified-diff.js';

/** Larger files are reported as changed without a diff: a diff document of megabytes helps nobody on a phone. */
const MAX_DIFF_BYTES = 512 * 1024;

/** A file's content: null when it does not exist, 'unreadable' when it is binary, too big or cannot be read. */
type Content = string | null | 'unreadable';

function readContent(path: string): Content {
  try {
    if (statSync(path).size > MAX_DIFF_BYTES) return 'unreadable';
    const text = readFileSync(path, 'utf8');
    return text.includes('\u0000') ? 'unreadable' : text;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
}

export class FileChanges {
  readonly #cwd: string;
  readonly #before = new Map<string, Content>();

  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  absolute(path: string): string {
    return isAbsolute(path) ? path : resolve(this.#cwd, path);
  }

  /** The path as the chat shows it: relative to the agent's folder when inside it. */
  displayPath(path: string): string {
    const abs = this.absolute(path);
    const rel = relative(this.#cwd, abs);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  }

  /** Reads the file as it is before a tool changes it; later calls for the same file keep the first version. */
  snapshot(path: string): void {
    const abs = this.absolute(path);
    if (!this.#before.has(abs)) this.#before.set(abs, readContent(abs));
  }

  /** The file's content now, for a diff preview (null when missing or unreadable). */
  current(path: string): string | null {
    const content = readContent(this.absolute(path));
    return content === 'unreadable' ? null : content;
  }

  /** Whether a file tool adds or updates its file, judged by the snapshot (or the file now, before one is taken). */
  change(toolName: string, path: string): 'add' | 'update' {
    const abs = this.absolute(path);
    const before = this.#before.has(abs) ? this.#before.get(abs) : readContent(abs);
    return before === null && toolName === 'Write' ? 'add' : 'update';
  }

  /** The files that differ from their snapshot, by display path, and the diff of those that can be shown. */
  finish(): { changedFiles: string[]; diff: string | null } {
    const changedFiles: string[] = [];
    const diffs: string[] = [];
    for (const [abs, before] of this.#before) {
      const after = readContent(abs);
      if (after === before && after !== 'unreadable') continue;
      const shown = this.displayPath(abs);
      changedFiles.push(shown);
      if (before !== 'unreadable' && after !== 'unreadable') diffs.push(unifiedDiff(shown, before, after));
    }
    return { changedFiles, diff: diffs.length > 0 ? diffs.join('') : null };
  }
}
