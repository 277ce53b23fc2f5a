// One Claude turn: one query() of @anthropic-ai/claude-agent-sdk, which starts Claude Code with stream-json on its
// stdin/stdout. A continued conversation resumes the session id (a copy of it with forkSession). Only context.env
// reaches the CLI (the SDK's `env` replaces the whole environment); permissionMode 'default' sends every tool the
// user's rules do not allow to canUseTool. Whatever happens ends as a result: this never throws, and a request still
// open when the turn is cancelled is answered with a refusal so the CLI is not left waiting.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type {
  AgentAnswer,
  AgentEvent,
  AgentInput,
  AgentTurnContext,
  AgentTurnHandlers,
  AgentTurnResult,
} from '../../core/agents.js';
import { Redactor } from '../../core/redact.js';
import { describeCrash, describeErrorResult } from './failures.js';
import { FileChanges } from './file-changes.js';
import { ASK_USER_QUESTION, FILE_TOOLS, filePathOf, permissionResult, requestFor } from './permissions.js';
import { CLAUDE_SDK_INSTALL, importSdk, locateSdk } from './sdk-loader.js';
import type { CanUseTool, ClaudeAgentSdk, QueryOptions, SDKUserMessage, UserContentBlock } from './sdk-types.js';
import { TurnEvents } from './turn-events.js';

export interface ClaudeTurnSetup {
  searchPaths: string[];
  claudePath: string | undefined;
  allowedForSession: Map<string, Set<string>>;
}

/** How many of the CLI's last stderr lines are kept to explain a crash. */
const STDERR_LINES = 20;

/** Resolves when any of the signals aborts (a CLI of another version may send a request without one). */
function abortedAny(signals: (AbortSignal | undefined)[]): Promise<void> {
  return new Promise((resolve) => {
    for (const signal of signals) {
      if (!signal) continue;
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    }
  });
}

async function userMessage(input: AgentInput): Promise<SDKUserMessage> {
  const images = await Promise.all(
    input.images.map(async (image): Promise<UserContentBlock> => {
      let data: Buffer;
      try {
        data = await readFile(image.path);
      } catch (error) {
        throw new Error(`the image ${image.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return { type: 'image', source: { type: 'base64', media_type: image.mimeType, data: data.toString('base64') } };
    }),
  );
  const content: UserContentBlock[] = [...images, { type: 'text', text: input.text }];
  return { type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, session_id: '' };
}

/** Values of the agent's environment that look secret, kept out of failure reasons. */
function secretsOf(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name]) => /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i.test(name))
    .map(([, value]) => value);
}

export async function runClaudeTurn(
  setup: ClaudeTurnSetup,
  context: AgentTurnContext,
  input: AgentInput,
  handlers: AgentTurnHandlers,
  signal: AbortSignal,
): Promise<AgentTurnResult> {
  if (signal.aborted) return { outcome: 'cancelled' };
  const redactor = new Redactor(secretsOf(context.env));
  const located = locateSdk(setup.searchPaths);
  if (!located) return { outcome: 'failed', reason: `The Claude Agent SDK is not installed here: run ${CLAUDE_SDK_INSTALL}` };
  let sdk: ClaudeAgentSdk;
  let message: SDKUserMessage;
  try {
    sdk = await importSdk(located);
    message = await userMessage(input);
  } catch (error) {
    return { outcome: 'failed', reason: redactor.text(`Claude could not start: ${(error as Error).message}`) };
  }
  return queryTurn(sdk, setup, context, message, handlers, signal, redactor);
}

async function queryTurn(
  sdk: ClaudeAgentSdk,
  setup: ClaudeTurnSetup,
  context: AgentTurnContext,
  message: SDKUserMessage,
  handlers: AgentTurnHandlers,
  signal: AbortSignal,
  redactor: Redactor,
): Promise<AgentTurnResult> {
  const emit = (event: AgentEvent): void => {
    try {
      handlers.onEvent(event);
    } catch {
      // The session's view of the turn is not the turn: a failing card edit must not stop the agent.
    }
  };
  const files = new FileChanges(context.cwd);
  const turn = new TurnEvents({
    emit,
    fileChange: (tool, path) => files.change(tool, path),
    displayPath: (path) => files.displayPath(path),
  });
  const abortController = new AbortController();
  const cancel = (): void => abortController.abort();
  signal.addEventListener('abort', cancel, { once: true });

  // The id of a new conversation or a fork is chosen here (the CLI's --session-id) but announced only once the CLI
  // works under it: at its init message, or at a request that comes before the init message has been read (the SDK
  // calls canUseTool as requests arrive, FACTS.md). A CLI that fails before either (a resumed id it has no
  // transcript of, measured) has stored nothing under the id, which a later turn could then not continue.
  const resume = context.agentSessionId ?? undefined;
  const sessionId = !resume || context.fork ? randomUUID() : undefined;
  const expectedSession = (sessionId ?? resume) as string;

  const canUseTool: CanUseTool = async (toolName, toolInput, options) => {
    const path = filePathOf(toolName, toolInput);
    if (path !== null) files.snapshot(path);
    const session = turn.sessionId ?? expectedSession;
    // A fork goes on from its original: what was allowed there for the session is allowed in the copy.
    const allowed = setup.allowedForSession.get(session) ?? (resume ? setup.allowedForSession.get(resume) : undefined);
    if (toolName !== ASK_USER_QUESTION && allowed?.has(toolName)) return { behavior: 'allow', updatedInput: toolInput };
    const file = path === null ? null : { displayPath: files.displayPath(path), current: files.current(path) };
    const request = requestFor(toolName, toolInput, options, file);
    if (turn.sessionId === null) turn.setSession(expectedSession);
    const stop = abortedAny([signal, options.signal]);
    let answer: AgentAnswer = { type: 'timeout' };
    if (!signal.aborted && !options.signal?.aborted) {
      try {
        answer = await Promise.race([handlers.onRequest(request), stop.then((): AgentAnswer => ({ type: 'timeout' }))]);
      } catch {
        answer = { type: 'timeout' };
      }
    }
    const result = permissionResult(toolName, toolInput, answer, options.suggestions);
    if (result.behavior === 'deny') turn.markDeclined(options.toolUseID);
    if (answer.type === 'approval' && answer.decision === 'allow-session') {
      setup.allowedForSession.set(session, new Set(allowed).add(toolName));
    }
    return result;
  };

  const stderr: string[] = [];
  const options: QueryOptions = {
    abortController,
    cwd: context.cwd,
    env: context.env,
    permissionMode: 'default',
    canUseTool,
    // Read each file before a file tool changes it: the CLI waits for the hook, so the copy is the file before.
    hooks: {
      PreToolUse: [
        {
          matcher: Object.keys(FILE_TOOLS).join('|'),
          hooks: [
            async (hookInput) => {
              const toolInput = (hookInput.tool_input ?? {}) as Record<string, unknown>;
              const path = filePathOf(String(hookInput.tool_name ?? ''), toolInput);
              if (path !== null) files.snapshot(path);
              return { continue: true };
            },
          ],
        },
      ],
    },
    includePartialMessages: true,
    // Claude Code's own system prompt (the SDK's default is an empty one): the agent works as it does at the desk.
    systemPrompt: { type: 'preset', preset: 'claude_code' },
    stderr: (data) => {
      stderr.push(...data.split('\n').filter((line) => line.trim() !== ''));
      stderr.splice(0, Math.max(0, stderr.length - STDERR_LINES));
    },
  };
  if (resume) options.resume = resume;
  if (resume && context.fork) options.forkSession = true;
  if (sessionId) options.sessionId = sessionId;
  if (setup.claudePath) options.pathToClaudeCodeExecutable = setup.claudePath;

  async function* prompt(): AsyncGenerator<SDKUserMessage> {
    yield message;
  }

  let thrown: unknown = null;
  const query = sdk.query({ prompt: prompt(), options });
  try {
    for await (const sdkMessage of query) {
      turn.read(sdkMessage);
    }
  } catch (error) {
    thrown = error;
  } finally {
    signal.removeEventListener('abort', cancel);
    if (thrown !== null || signal.aborted) query.close();
  }

  if (signal.aborted) return { outcome: 'cancelled' };
  const finished = turn.finished;
  if (finished && !finished.isError) {
    return { outcome: 'completed', text: finished.text, usage: finished.usage, ...files.finish() };
  }
  if (finished) return { outcome: 'failed', reason: redactor.text(describeErrorResult(finished)) };
  return { outcome: 'failed', reason: redactor.text(describeCrash(thrown, stderr)) };
}
