// Claude's canUseTool, both ways: what the CLI asks (a tool and its input) as pocket's AgentRequest, and the
// person's AgentAnswer as the PermissionResult the CLI expects. Pure: the caller reads the file a diff preview needs.
// Two rules from the CLI itself (FACTS.md): an allow must carry `updatedInput` or the CLI refuses it, and
// AskUserQuestion is answered by allowing it with `answers` (question text -> chosen label, several labels joined
// by ", ") added to its input.
import type { AgentAnswer, AgentRequest } from '../../core/agents.js';
import type { CanUseToolOptions, PermissionResult, PermissionUpdate } from './sdk-types.js';
import { summarizeToolInput } from './tool-summary.js';
import { unifiedDiff } from './unified-diff.js';

export const ASK_USER_QUESTION = 'AskUserQuestion';

/** The tools that write files, with the input field naming the file. */
export const FILE_TOOLS: Record<string, string> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function filePathOf(toolName: string, input: Record<string, unknown>): string | null {
  const field = FILE_TOOLS[toolName];
  return field ? text(input[field]) : null;
}

/** Applies Edit / MultiEdit replacements to `content`; null when one of them does not match (the CLI would refuse). */
function applyEdits(content: string, edits: unknown[]): string | null {
  let next = content;
  for (const edit of edits) {
    const { old_string: oldText, new_string: newText, replace_all: all } = (edit ?? {}) as Record<string, unknown>;
    if (typeof oldText !== 'string' || typeof newText !== 'string') return null;
    if (oldText === '' ? next !== '' : !next.includes(oldText)) return null;
    next = oldText === '' ? newText : all === true ? next.replaceAll(oldText, newText) : next.replace(oldText, () => newText);
  }
  return next;
}

/** The diff a file tool would make, or null when it cannot be told (a notebook, an edit that does not match). */
export function filePreviewDiff(
  toolName: string,
  input: Record<string, unknown>,
  displayPath: string,
  current: string | null,
): string | null {
  if (toolName === 'Write') {
    const content = text(input.content);
    return content === null ? null : unifiedDiff(displayPath, current, content);
  }
  const edits = toolName === 'Edit' ? [input] : toolName === 'MultiEdit' && Array.isArray(input.edits) ? input.edits : null;
  if (!edits) return null;
  if (current !== null) {
    const next = applyEdits(current, edits);
    if (next !== null) return unifiedDiff(displayPath, current, next);
  }
  // The file is unreadable or has changed: show the replacements themselves.
  const parts = edits.map((edit) => {
    const { old_string: oldText, new_string: newText } = (edit ?? {}) as Record<string, unknown>;
    return unifiedDiff(displayPath, text(oldText) ?? '', text(newText) ?? '');
  });
  return parts.join('') || null;
}

interface Question {
  header: string;
  question: string;
  options: { label: string; description: string }[];
  multiSelect: boolean;
}

function questionsOf(input: Record<string, unknown>): Question[] {
  const raw = Array.isArray(input.questions) ? input.questions : [];
  return raw.map((item) => {
    const q = (item ?? {}) as Record<string, unknown>;
    const options = Array.isArray(q.options) ? q.options : [];
    return {
      header: text(q.header) ?? '',
      question: text(q.question) ?? '',
      options: options.map((option) => {
        const o = (option ?? {}) as Record<string, unknown>;
        return { label: text(o.label) ?? '', description: text(o.description) ?? '' };
      }),
      multiSelect: q.multiSelect === true,
    };
  });
}

export interface RequestFile {
  /** The file's path as the chat shows it (relative to the agent's folder when inside it). */
  displayPath: string;
  /** Its content now; null when it does not exist or cannot be read. */
  current: string | null;
}

/** What pocket asks the person for one canUseTool call. */
export function requestFor(
  toolName: string,
  input: Record<string, unknown>,
  options: Pick<CanUseToolOptions, 'blockedPath' | 'decisionReason' | 'title' | 'description'>,
  file: RequestFile | null,
): AgentRequest {
  if (toolName === ASK_USER_QUESTION) return { type: 'question', questions: questionsOf(input) };
  const isBash = toolName === 'Bash';
  // Bash calls carry the model's own description; a file tool's path and diff say it all; other tools show their input.
  const ownWords = isBash ? text(input.description) : file ? null : summarizeToolInput(toolName, input) || null;
  const reason = options.decisionReason ?? options.title ?? options.description ?? ownWords;
  return {
    type: 'approval',
    tool: toolName,
    command: isBash ? text(input.command) : null,
    path: file?.displayPath ?? options.blockedPath ?? null,
    diff: file ? filePreviewDiff(toolName, input, file.displayPath, file.current) : null,
    reason,
  };
}

const TIMEOUT_MESSAGE = 'Nobody answered on Telegram in time, so this was not allowed.';

/** The session rule that stops the CLI asking about this tool again in the running turn. */
export function sessionRules(toolName: string, suggestions: PermissionUpdate[] | undefined): PermissionUpdate[] {
  // The CLI's own suggestions may target the project's or user's settings files: keep only its folder grants, and
  // only for this session; pocket does not write the user's Claude settings.
  const folders = (suggestions ?? []).filter((s) => s.type === 'addDirectories').map((s) => ({ ...s, destination: 'session' }));
  return [{ type: 'addRules', rules: [{ toolName }], behavior: 'allow', destination: 'session' }, ...folders];
}

/** The PermissionResult for the person's answer to requestFor(toolName, input). */
export function permissionResult(
  toolName: string,
  input: Record<string, unknown>,
  answer: AgentAnswer,
  suggestions: PermissionUpdate[] | undefined,
): PermissionResult {
  if (answer.type === 'timeout') return { behavior: 'deny', message: TIMEOUT_MESSAGE };
  if (toolName === ASK_USER_QUESTION) {
    if (answer.type !== 'question') return { behavior: 'deny', message: 'The question was not answered.' };
    const answers: Record<string, string> = {};
    questionsOf(input).forEach((q, index) => {
      const given = answer.answers[index];
      if (given !== undefined) answers[q.question] = given;
    });
    return { behavior: 'allow', updatedInput: { ...input, answers } };
  }
  if (answer.type !== 'approval') return { behavior: 'deny', message: 'The request was not approved.' };
  if (answer.decision === 'deny') {
    return { behavior: 'deny', message: answer.reason ? `Denied from Telegram: ${answer.reason}` : 'The user denied this from Telegram.' };
  }
  if (answer.decision === 'allow-session') {
    return { behavior: 'allow', updatedInput: input, updatedPermissions: sessionRules(toolName, suggestions) };
  }
  return { behavior: 'allow', updatedInput: input };
}
