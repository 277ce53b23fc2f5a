// The part of @anthropic-ai/claude-agent-sdk (0.3.x) this backend uses, written out by hand: the package is optional
// (it bundles the ~200 MB Claude Code binary), so its own .d.ts is not there to import when pocket is built or
// type-checked. Field names follow the SDK's sdk.d.ts; everything read from a message is checked at run time, since
// a CLI of another version may send more, less or other fields.

export interface PermissionRuleValue {
  toolName: string;
  ruleContent?: string;
}

/** The SDK's PermissionUpdate, as far as this backend builds or forwards it. */
export type PermissionUpdate =
  | {
      type: 'addRules';
      rules: PermissionRuleValue[];
      behavior: 'allow' | 'deny' | 'ask';
      destination: 'userSettings' | 'projectSettings' | 'localSettings' | 'session' | 'cliArg';
    }
  | { type: string; destination: string; [field: string]: unknown };

export type PermissionResult =
  | { behavior: 'allow'; updatedInput: Record<string, unknown>; updatedPermissions?: PermissionUpdate[] }
  | { behavior: 'deny'; message: string; interrupt?: boolean };

export interface CanUseToolOptions {
  signal?: AbortSignal;
  suggestions?: PermissionUpdate[];
  blockedPath?: string;
  decisionReason?: string;
  title?: string;
  description?: string;
  toolUseID: string;
}

export type CanUseTool = (
  toolName: string,
  input: Record<string, unknown>,
  options: CanUseToolOptions,
) => Promise<PermissionResult>;

export interface HookCallbackMatcher {
  matcher?: string;
  hooks: ((input: Record<string, unknown>, toolUseID: string | undefined, options: { signal: AbortSignal }) => Promise<Record<string, unknown>>)[];
}

export interface QueryOptions {
  abortController: AbortController;
  cwd: string;
  env: Record<string, string>;
  permissionMode: 'default';
  canUseTool: CanUseTool;
  hooks: { PreToolUse: HookCallbackMatcher[] };
  includePartialMessages: boolean;
  systemPrompt: { type: 'preset'; preset: 'claude_code' };
  resume?: string;
  forkSession?: boolean;
  sessionId?: string;
  pathToClaudeCodeExecutable?: string;
  stderr: (data: string) => void;
}

/** An Anthropic Messages API content block of a user message (text or a base64 image). */
export type UserContentBlock =
  | { type: 'text'; text: string }
  | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } };

export interface SDKUserMessage {
  type: 'user';
  message: { role: 'user'; content: UserContentBlock[] };
  parent_tool_use_id: null;
  session_id: string;
}

/** What query() yields: any of the SDK's message types; the backend reads them as loose records. */
export type SDKMessage = { type: string; [field: string]: unknown };

export interface Query extends AsyncIterable<SDKMessage> {
  close(): void;
}

export interface ClaudeAgentSdk {
  query(params: { prompt: AsyncIterable<SDKUserMessage>; options: QueryOptions }): Query;
}
