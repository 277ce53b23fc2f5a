// The part of `codex app-server`'s protocol this backend uses, written by hand from the types codex-cli 0.171.0
// generates (`codex app-server generate-ts --out DIR`: ClientRequest, ServerNotification, ServerRequest, v2/*).
// Only the fields read here are declared; everything else the server sends is ignored, so a newer codex that adds
// fields keeps working. Field names are the wire names.

export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/** v2/Thread (the fields used). */
export interface Thread {
  id: string;
  /** Usually the first user message. */
  preview: string;
  cwd: string;
  /** Unix seconds. */
  updatedAt: number;
  /** The rollout file (marked unstable in the protocol; only used to see a newer change). */
  path: string | null;
  turns: Turn[];
}

export type TurnStatus = 'completed' | 'interrupted' | 'failed' | 'inProgress';

export interface TurnError {
  message: string;
  /** A string such as "unauthorized", or an object such as { httpConnectionFailed: {...} }. */
  codexErrorInfo: unknown;
  additionalDetails: string | null;
}

export interface Turn {
  id: string;
  items: ThreadItem[];
  status: TurnStatus;
  error: TurnError | null;
}

export type ItemStatus = 'inProgress' | 'completed' | 'failed' | 'declined';

export interface FileUpdateChange {
  path: string;
  kind: { type: 'add' } | { type: 'delete' } | { type: 'update'; move_path: string | null };
  diff: string;
}

/** v2/ThreadItem (the variants shown on the card; the rest pass by as `other`). */
export type ThreadItem =
  | { type: 'userMessage'; id: string; content: UserInput[] }
  | { type: 'agentMessage'; id: string; text: string }
  | { type: 'reasoning'; id: string; summary: string[] }
  | { type: 'commandExecution'; id: string; command: string; status: ItemStatus; exitCode: number | null }
  | { type: 'fileChange'; id: string; changes: FileUpdateChange[]; status: ItemStatus }
  | { type: 'mcpToolCall'; id: string; server: string; tool: string; arguments: unknown; status: ItemStatus }
  | { type: 'dynamicToolCall'; id: string; tool: string; arguments: unknown; status: ItemStatus }
  | { type: 'webSearch'; id: string; query: string }
  | { type: 'other'; id: string };

export type UserInput =
  | { type: 'text'; text: string; text_elements: [] }
  | { type: 'localImage'; path: string };

export interface ThreadResponse {
  thread: Thread;
}

export interface TurnStartResponse {
  turn: Turn;
}

export interface ThreadListResponse {
  data: Thread[];
  nextCursor: string | null;
}

export interface ThreadTurnsListResponse {
  data: Turn[];
  nextCursor: string | null;
}

export interface TokenUsageBreakdown {
  inputTokens: number;
  outputTokens: number;
}

export interface ThreadTokenUsage {
  /** The thread's whole use so far. */
  total: TokenUsageBreakdown;
  /** The latest model call's. */
  last: TokenUsageBreakdown;
}

export interface TurnPlanStep {
  step: string;
  status: 'pending' | 'inProgress' | 'completed';
}

export interface ToolRequestUserInputQuestion {
  id: string;
  header: string;
  question: string;
  options: { label: string; description: string }[] | null;
}

/** v2/CommandExecutionApprovalDecision and v2/FileChangeApprovalDecision (the plain ones both share). */
export type ApprovalReply = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** Sources thread/list returns by default are the interactive ones (cli, vscode: app-server threads count as
 * vscode); `codex exec` runs started at the desk are worth continuing too. */
export const LISTED_SOURCE_KINDS = ['cli', 'vscode', 'exec', 'appServer'];
