// Claude Code's own store of conversations, read for /resume: `<config>/projects/<folder key>/<session id>.jsonl`,
// where <config> is $CLAUDE_CONFIG_DIR or ~/.claude, written by the CLI in a terminal and through the SDK alike.
// Each line is one JSON entry (user and assistant messages, attachments, bookkeeping). The folder key is the
// folder's path with every character but [a-zA-Z0-9] replaced by '-' (checked with Claude Code 2.1.197:
// /tmp/x/proj.dir_x -> -tmp-x-proj-dir-x); past 200 characters the CLI cuts it and appends a hash, so a long key is
// matched by its first 200 characters and the `cwd` the entries carry.
import { type Dirent, openSync, readSync, closeSync, fstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { AgentExchange, RecentAgentSession } from '../../core/agents.js';

const KEY_LIMIT = 200;
/** How much of a transcript is read for its first prompt (the head) or its last exchange (the tail). */
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 4 * 1024 * 1024;

export function claudeConfigDir(env: Record<string, string | undefined>): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}

export function folderKey(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

type Entry = Record<string, unknown>;

function readSlice(path: string, from: 'head' | 'tail', bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, from === 'head' ? 0 : size - length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The entries of a piece of a transcript; lines cut by the slice's edges or broken are skipped. */
function entriesOf(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      // A line cut by the slice, or one the CLI was still writing.
    }
  }
  return entries;
}

// What the CLI records as a user message but the user did not type: slash-command echoes, shell escapes, caveats.
const NOT_TYPED = /^(<command-|<local-command-|<bash-|<system-reminder>|Caveat: )/;

/** The text the user typed, when the entry is a prompt (not a tool result, a meta or a subagent's message). */
export function promptOf(entry: Entry): string | null {
  if (entry.type !== 'user' || entry.isMeta === true || entry.isSidechain === true) return null;
  const content = (entry.message as Entry | undefined)?.content;
  let text: string | null = null;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    if (content.some((block) => (block as Entry)?.type === 'tool_result')) return null;
    text = content.map((block) => ((block as Entry)?.type === 'text' ? String((block as Entry).text ?? '') : '')).join('\n');
  }
  const trimmed = text?.trim() ?? '';
  return trimmed === '' || NOT_TYPED.test(trimmed) ? null : trimmed;
}

function answerOf(entry: Entry): string | null {
  if (entry.type !== 'assistant' || entry.isSidechain === true) return null;
  const content = (entry.message as Entry | undefined)?.content;
  if (!Array.isArray(content)) return null;
  const text = content
    .filter((block) => (block as Entry)?.type === 'text')
    .map((block) => String((block as Entry).text ?? ''))
    .join('\n')
    .trim();
  return text === '' ? null : text;
}

function subfolders(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  } catch {
    return [];
  }
}

function transcripts(dir: string): { path: string; id: string; mtimeMs: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const path = join(dir, name);
      return [{ path, id: basename(name, '.jsonl'), mtimeMs: statSync(path).mtimeMs }];
    } catch {
      return [];
    }
  });
}

export class ClaudeSessionStore {
  readonly #projects: string;

  constructor(configDir: string) {
    this.#projects = join(configDir, 'projects');
  }

  /** The project folders that may hold conversations of a folder with these keys (short, or cut and hashed). */
  #foldersFor(keys: string[]): string[] {
    return subfolders(this.#projects)
      .map((entry) => entry.name)
      .filter((name) => keys.some((key) => name === key || (key.length > KEY_LIMIT && name.startsWith(`${key.slice(0, KEY_LIMIT)}-`))))
      .map((name) => join(this.#projects, name));
  }

  async listRecent(cwd: string, limit: number): Promise<RecentAgentSession[]> {
    // The CLI may have been started in the folder's real path (a symlinked checkout, macOS's /tmp).
    const keys = [...new Set([folderKey(cwd), folderKey(realpathOr(cwd))])];
    const found = this.#foldersFor(keys).flatMap(transcripts).sort((a, b) => b.mtimeMs - a.mtimeMs);
    const sessions: RecentAgentSession[] = [];
    for (const file of found) {
      if (sessions.length >= limit) break;
      const entries = entriesOf(readSlice(file.path, 'head', HEAD_BYTES));
      const recordedCwd = entries.map((entry) => entry.cwd).find((value): value is string => typeof value === 'string');
      // A cut and hashed key is shared by every folder with the same first 200 characters.
      if (recordedCwd && !keys.includes(folderKey(recordedCwd))) continue;
      const firstPrompt = entries.map(promptOf).find((prompt) => prompt !== null);
      if (!firstPrompt) continue;
      sessions.push({ kind: 'claude', agentSessionId: file.id, cwd: recordedCwd ?? cwd, firstPrompt, updatedAt: file.mtimeMs });
    }
    return sessions;
  }

  async lastExchange(agentSessionId: string): Promise<AgentExchange | null> {
    // Session ids are UUIDs; anything else cannot name a transcript (and must not walk out of the folder).
    if (!/^[0-9a-zA-Z-]+$/.test(agentSessionId)) return null;
    const file = subfolders(this.#projects)
      .flatMap((folder) => transcripts(join(this.#projects, folder.name)))
      .filter((transcript) => transcript.id === agentSessionId)
      .sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    if (!file) return null;
    const entries = entriesOf(readSlice(file.path, 'tail', TAIL_BYTES));
    let prompt: string | null = null;
    let answer = '';
    for (const entry of entries) {
      const typed = promptOf(entry);
      if (typed !== null) {
        prompt = typed;
        answer = '';
      }
      answer = answerOf(entry) ?? answer;
    }
    return prompt === null ? null : { prompt, answer };
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A folder that is gone can still have conversations.
    return path;
  }
}
