// What Codex's thread items look like on pocket's card: a commandExecution is a command step, a fileChange one file
// step per path, an MCP or dynamic tool call a tool step, a reasoning summary its headline. Pure functions of the
// protocol's data.
import { relative, isAbsolute } from 'node:path';
import type { AgentStep, AgentStepStatus } from '../../core/agents.js';
import type { FileUpdateChange, ItemStatus, ThreadItem, TurnPlanStep } from './protocol.js';

const SUMMARY_CHARS = 120;

export function stepStatus(status: ItemStatus | undefined): AgentStepStatus {
  switch (status) {
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'declined':
      return 'declined';
    default:
      return 'running';
  }
}

// codex runs every command as `/bin/bash -lc '<command>'` (zsh or sh on other machines); the card shows what the
// model asked for. POSIX single quotes hold anything but a quote, written '\'' inside.
const SHELL_WRAPPER = /^(?:\/\S*\/)?(?:ba|z)?sh -l?c '((?:[^']|'\\'')*)'$/;

export function displayCommand(command: string): string {
  const wrapped = SHELL_WRAPPER.exec(command.trim());
  return wrapped ? wrapped[1]!.replaceAll("'\\''", "'") : command;
}

/** The first line of a reasoning summary, without its markdown bold (Codex writes "**Planning the fix**\n\n..."). */
export function reasoningHeadline(summary: readonly string[]): string | null {
  const first = summary.find((part) => part.trim() !== '');
  if (first === undefined) return null;
  const line = first.trim().split('\n')[0]!.trim();
  return line.replace(/^\*\*(.+?)\*\*$/, '$1').trim() || null;
}

export function fileChangeKind(change: FileUpdateChange): 'add' | 'update' | 'delete' {
  return change.kind.type;
}

/** A path as the user thinks of it: relative to the turn's folder when it is inside it. */
export function displayPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

function summarize(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

/** The card steps of one item as it starts or completes; items the card does not show give none. */
export function stepsOf(item: ThreadItem, cwd: string): AgentStep[] {
  switch (item.type) {
    case 'commandExecution':
      return [
        {
          kind: 'command',
          id: item.id,
          command: displayCommand(item.command),
          status: stepStatus(item.status),
          exitCode: item.exitCode ?? null,
        },
      ];
    case 'fileChange':
      return item.changes.map((change) => ({
        kind: 'file',
        id: `${item.id}:${change.path}`,
        path: displayPath(change.path, cwd),
        change: fileChangeKind(change),
        status: stepStatus(item.status),
      }));
    case 'mcpToolCall':
      return [
        {
          kind: 'tool',
          id: item.id,
          name: `${item.server}.${item.tool}`,
          summary: summarize(item.arguments),
          status: stepStatus(item.status),
        },
      ];
    case 'dynamicToolCall':
      return [{ kind: 'tool', id: item.id, name: item.tool, summary: summarize(item.arguments), status: stepStatus(item.status) }];
    case 'webSearch':
      // A search has no status of its own: it is done when its item completes (the caller passes completed items).
      return [{ kind: 'tool', id: item.id, name: 'web search', summary: summarize(item.query), status: 'done' }];
    case 'reasoning': {
      const headline = reasoningHeadline(item.summary ?? []);
      return headline === null ? [] : [{ kind: 'reasoning', id: item.id, headline }];
    }
    default:
      return [];
  }
}

export function todoStep(turnId: string, plan: readonly TurnPlanStep[]): AgentStep {
  return { kind: 'todo', id: `plan:${turnId}`, items: plan.map((step) => ({ text: step.step, done: step.status === 'completed' })) };
}

/** The files a unified diff touches (`diff --git a/X b/Y` headers; Y is the name after a rename). */
export function filesInDiff(diff: string): string[] {
  const files: string[] = [];
  for (const match of diff.matchAll(/^diff --git a\/.+? b\/(.+)$/gm)) {
    if (!files.includes(match[1]!)) files.push(match[1]!);
  }
  return files;
}

/** A preview of a proposed change for an approval: codex gives an added file's content, an update's unified diff. */
export function changePreview(changes: readonly FileUpdateChange[], cwd: string): string {
  return changes
    .map((change) => {
      const path = displayPath(change.path, cwd);
      if (change.kind.type === 'add') {
        const lines = change.diff.endsWith('\n') ? change.diff.slice(0, -1).split('\n') : change.diff.split('\n');
        return [`--- /dev/null`, `+++ b/${path}`, ...lines.map((line) => `+${line}`)].join('\n');
      }
      if (change.kind.type === 'delete') return `--- a/${path}\n+++ /dev/null`;
      return change.diff.startsWith('---') ? change.diff : `--- a/${path}\n+++ b/${path}\n${change.diff}`;
    })
    .join('\n');
}
