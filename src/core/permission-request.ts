// A PermissionRequest hook that waits for the phone (its script: hook-spool.ts): what its payload asks, the alert
// the daemon raises from it (Allow / Deny), and what the hook prints back to Claude Code once the request ended.

/** How long a request waits for the phone: as long as the SDK agents' approvals (APPROVAL_TIMEOUT_MS). */
export const HOOK_APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** What a PermissionRequest asks, as the alert shows it. */
export interface PermissionAsk {
  tool: string;
  command: string | null;
  path: string | null;
  /** Another tool's input (a URL, a pattern...), when it has no command or path; the alert shows its start. */
  preview: string | null;
}

const TOOL_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const PREVIEW_MAX = 300;

/**
 * The ask in a PermissionRequest payload, or null when it is not one. A payload cut at the cap is not valid JSON: its
 * first fields (tool_name comes before tool_input) are read from the text.
 */
export function parsePermissionPayload(text: string): PermissionAsk | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fromCutPayload(text);
  }
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  const tool = record.tool_name;
  if (typeof tool !== 'string' || !TOOL_NAME.test(tool)) return null;
  const input = typeof record.tool_input === 'object' && record.tool_input !== null ? (record.tool_input as Record<string, unknown>) : {};
  const command = typeof input.command === 'string' ? input.command : null;
  const path = typeof input.file_path === 'string' ? input.file_path : typeof input.notebook_path === 'string' ? input.notebook_path : null;
  const rest = command === null && path === null && Object.keys(input).length > 0 ? JSON.stringify(input) : null;
  return { tool, command, path, preview: rest };
}

function fromCutPayload(text: string): PermissionAsk | null {
  const field = (key: string): string | null => {
    const match = new RegExp(`"${key}":\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(text);
    if (match === null) return null;
    try {
      return JSON.parse(match[1]!) as string;
    } catch {
      return null;
    }
  };
  const tool = field('tool_name');
  if (tool === null || !TOOL_NAME.test(tool)) return null;
  return { tool, command: field('command'), path: field('file_path'), preview: null };
}

function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A decision as Claude Code reads it from the hook's stdout. */
export function permissionDecisionJson(decision: 'allow' | { deny: string }): string {
  const body = decision === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: decision.deny };
  return JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: body } });
}

// ---- The alert of a waiting PermissionRequest ----

/** The rule id of a hook request's prompt: this prefix and the request's id (so each request is its own episode). */
const HOOK_REQUEST_RULE = 'claude-permission-hook:';

export type HookDecision = 'allow' | 'deny';

/**
 * The prompt a waiting PermissionRequest puts the session at: the hook's ask, answered by the hook's decision. What
 * it shows is passed through `redact` (the daemon's redactor) before it is cut to fit: a token cut in half has no
 * shape left for the redactor to find, and a piece of it would go out.
 */
export function hookRequestPrompt(requestId: string, ask: PermissionAsk, redact: (text: string) => string): {
  ruleId: string;
  question: string;
  answers: { label: string; input: { keys: string[] } }[];
  secret: false;
  rulesVersion: number;
} {
  const lines = [
    `Claude asks to use ${ask.tool}:`,
    ...(ask.command === null ? [] : [`$ ${clipText(redact(ask.command), 1500)}`]),
    ...(ask.path === null ? [] : [`file: ${redact(ask.path)}`]),
    ...(ask.preview === null ? [] : [clipText(redact(ask.preview), PREVIEW_MAX)]),
  ];
  // The buttons decide through the hook (HookDecision), never by keys: these inputs are not typed.
  const answers = (['Allow', 'Deny'] as const).map((label) => ({ label, input: { keys: [] } }));
  return { ruleId: `${HOOK_REQUEST_RULE}${requestId}`, question: lines.join('\n'), answers, secret: false, rulesVersion: 0 };
}

/** The request id of a hook request's prompt, or null for a prompt the screen rules found. */
export function hookRequestOf(ruleId: string): string | null {
  return ruleId.startsWith(HOOK_REQUEST_RULE) ? ruleId.slice(HOOK_REQUEST_RULE.length) : null;
}

/** The decision of the alert's answer `label` (hookRequestPrompt's). */
export function hookDecisionOf(label: string): HookDecision {
  return label === 'Allow' ? 'allow' : 'deny';
}

/** How a hook's request ended. */
export type HookRequestEnd =
  | { kind: 'decided'; decision: HookDecision; by: string }
  | { kind: 'desk' }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'ended'; why: 'exited' | 'replaced' | 'stopped' };

/** The hook's output for how its request ended: a decision, or nothing (the dialog at the desk stays). */
export function hookOutput(end: HookRequestEnd): string {
  if (end.kind === 'decided') {
    return permissionDecisionJson(end.decision === 'allow' ? 'allow' : { deny: `Refused from Telegram by ${end.by}.` });
  }
  if (end.kind === 'timeout') return permissionDecisionJson({ deny: `Nobody answered from Telegram within ${Math.round(end.afterMs / 60_000)} min.` });
  return '';
}

/** The last line of the alert once its request ended. */
export function hookEndLine(end: HookRequestEnd): string {
  switch (end.kind) {
    case 'decided':
      return `→ answered: ${end.decision === 'allow' ? 'Allow' : 'Deny'} by ${end.by}`;
    case 'desk':
      return '→ answered at the desk';
    case 'timeout':
      return `→ not answered in ${Math.round(end.afterMs / 60_000) || '<1'} min: refused`;
    case 'ended':
      return end.why === 'exited' ? '→ not answered: the session ended'
        : end.why === 'replaced' ? '→ not answered here: a newer request came'
        : '→ not answered here: pocket stopped; answer at the desk';
  }
}
