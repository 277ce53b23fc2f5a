// Reads the SDK's messages of one turn (system init, stream_event, assistant, user tool_result, result) and says
// what happened as pocket's AgentEvents: the session id, a step per tool call (a Bash command and its exit code, a
// file written, the to-do list, any other tool), reasoning headlines and the answer's text as it is written.
// Messages of subagents (parent_tool_use_id set) are left out: the card follows the agent the user talks to.
import type { AgentEvent, AgentStep, AgentUsage } from '../../core/agents.js';
import { FILE_TOOLS, filePathOf } from './permissions.js';
import type { SDKMessage } from './sdk-types.js';
import { summarizeToolInput } from './tool-summary.js';

type Block = Record<string, unknown>;

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function contentBlocks(message: SDKMessage): Block[] {
  const content = record(message.message).content;
  return Array.isArray(content) ? content.map(record) : [];
}

function textOfResult(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => str(record(part).text) ?? '').join('\n');
}

/** The first line of a thinking block, without markdown emphasis: Claude starts its thoughts with a short title. */
export function reasoningHeadline(thinking: string): string | null {
  const line = thinking
    .split('\n')
    .map((l) => l.replace(/[*_#`]+/g, '').trim())
    .find((l) => l !== '');
  if (!line) return null;
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

export interface FinishedTurn {
  isError: boolean;
  text: string;
  errors: string[];
  usage: AgentUsage | null;
}

function usageOf(result: SDKMessage): AgentUsage | null {
  const usage = record(result.usage);
  if (Object.keys(usage).length === 0) return null;
  // total_cost_usd carries the whole session's cost when a session is resumed (the CLI restores it from the
  // transcript: 0.00028, then 0.00042 after a resumed turn that cost 0.00014, measured with the real CLI);
  // model_usage_since_last_result (not in the SDK's types yet) has this turn's share.
  const sinceLast = Object.values(record(result.model_usage_since_last_result)).map(record);
  const costUsd = sinceLast.length > 0 ? sinceLast.reduce((sum, m) => sum + num(m.costUSD), 0) : typeof result.total_cost_usd === 'number' ? result.total_cost_usd : null;
  return {
    inputTokens: num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens),
    outputTokens: num(usage.output_tokens),
    costUsd,
  };
}

export interface TurnEventsOptions {
  emit(event: AgentEvent): void;
  /** Whether a file tool adds or updates its file, as far as is known when the step is shown or ends. */
  fileChange(toolName: string, path: string): 'add' | 'update' | 'delete';
  /** A file's path as the chat shows it (relative to the agent's folder when inside it). */
  displayPath(path: string): string;
}

export class TurnEvents {
  sessionId: string | null = null;
  finished: FinishedTurn | null = null;
  readonly #options: TurnEventsOptions;
  /** Each step shown, with its tool and, for a file tool, the path as the tool gave it. */
  readonly #steps = new Map<string, { step: AgentStep; toolName: string; filePath?: string }>();
  readonly #declined = new Set<string>();
  /** Messages whose text arrived as stream_event deltas: their complete assistant message repeats it. */
  readonly #streamed = new Set<string>();
  #streamingMessage: string | null = null;
  #wroteText = false;
  #reasoningCount = 0;

  constructor(options: TurnEventsOptions) {
    this.#options = options;
  }

  /** The session id became known (chosen up front, or from the CLI's init message). */
  setSession(id: string): void {
    if (id === '' || id === this.sessionId) return;
    this.sessionId = id;
    this.#options.emit({ type: 'session', agentSessionId: id });
  }

  /** A tool call pocket refused: its result is a refusal, not a failure. */
  markDeclined(toolUseId: string): void {
    this.#declined.add(toolUseId);
  }

  read(message: SDKMessage): void {
    if (message.type === 'system' && message.subtype === 'init') this.setSession(str(message.session_id) ?? '');
    if (message.type === 'result') this.#readResult(message);
    if (message.parent_tool_use_id) return;
    if (message.type === 'stream_event') this.#readStreamEvent(record(message.event));
    if (message.type === 'assistant') this.#readAssistant(message);
    if (message.type === 'user') for (const block of contentBlocks(message)) if (block.type === 'tool_result') this.#readToolResult(block);
  }

  #text(delta: string): void {
    if (delta === '') return;
    this.#wroteText = true;
    this.#options.emit({ type: 'text', delta });
  }

  #step(step: AgentStep, toolName: string, filePath?: string): void {
    this.#steps.set(step.id, filePath === undefined ? { step, toolName } : { step, toolName, filePath });
    this.#options.emit({ type: 'step', step });
  }

  #readStreamEvent(event: Record<string, unknown>): void {
    if (event.type === 'message_start') this.#streamingMessage = str(record(event.message).id);
    const delta = record(event.delta);
    if (event.type === 'content_block_start' && record(event.content_block).type === 'text' && this.#wroteText) this.#text('\n\n');
    if (event.type === 'content_block_delta' && delta.type === 'text_delta') {
      if (this.#streamingMessage) this.#streamed.add(this.#streamingMessage);
      this.#text(str(delta.text) ?? '');
    }
  }

  #readAssistant(message: SDKMessage): void {
    const messageId = str(record(message.message).id);
    for (const block of contentBlocks(message)) {
      if (block.type === 'text' && !(messageId && this.#streamed.has(messageId))) {
        if (this.#wroteText) this.#text('\n\n');
        this.#text(str(block.text) ?? '');
      }
      if (block.type === 'thinking') {
        const headline = reasoningHeadline(str(block.thinking) ?? '');
        if (headline) this.#step({ kind: 'reasoning', id: `reasoning-${++this.#reasoningCount}`, headline }, 'thinking');
      }
      if (block.type === 'tool_use') this.#readToolUse(block);
    }
  }

  #readToolUse(block: Block): void {
    const id = str(block.id) ?? `tool-${this.#steps.size + 1}`;
    const name = str(block.name) ?? 'tool';
    const input = record(block.input);
    const path = filePathOf(name, input);
    if (name === 'Bash') {
      this.#step({ kind: 'command', id, command: str(input.command) ?? '', status: 'running', exitCode: null }, name);
    } else if (path !== null && name in FILE_TOOLS) {
      const shown = this.#options.displayPath(path);
      this.#step({ kind: 'file', id, path: shown, change: this.#options.fileChange(name, path), status: 'running' }, name, path);
    } else if (name === 'TodoWrite') {
      const todos = Array.isArray(input.todos) ? input.todos.map(record) : [];
      // One list per turn, updated in place: each TodoWrite sends the whole list.
      const items = todos.map((todo) => ({ text: str(todo.content) ?? '', done: todo.status === 'completed' }));
      this.#step({ kind: 'todo', id: 'todo', items }, name);
    } else {
      this.#step({ kind: 'tool', id, name, summary: summarizeToolInput(name, input), status: 'running' }, name);
    }
  }

  #readToolResult(block: Block): void {
    const id = str(block.tool_use_id);
    const known = id ? this.#steps.get(id) : undefined;
    if (!known || !('status' in known.step)) return;
    const isError = block.is_error === true;
    const status = this.#declined.has(known.step.id) ? 'declined' : isError ? 'failed' : 'done';
    const step = known.step;
    if (step.kind === 'command') {
      // Claude Code reports a failed command as an error result starting "Exit code N".
      const exit = /^Exit code (\d+)/.exec(textOfResult(block.content));
      const exitCode = status === 'done' ? 0 : exit ? Number(exit[1]) : null;
      this.#step({ ...step, status, exitCode }, known.toolName);
    } else if (step.kind === 'file') {
      const path = known.filePath ?? step.path;
      this.#step({ ...step, status, change: this.#options.fileChange(known.toolName, path) }, known.toolName, path);
    } else if (step.kind === 'tool') {
      this.#step({ ...step, status }, known.toolName);
    }
  }

  #readResult(message: SDKMessage): void {
    const errors = Array.isArray(message.errors) ? message.errors.filter((e): e is string => typeof e === 'string') : [];
    this.finished = {
      isError: message.is_error === true || message.subtype !== 'success',
      text: str(message.result) ?? '',
      errors,
      usage: usageOf(message),
    };
  }
}
