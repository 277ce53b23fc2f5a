// A loopback stand-in for the model APIs of Claude Code (Anthropic Messages), Codex CLI (OpenAI Responses) and Gemini
// CLI (Gemini generateContent / streamGenerateContent), just enough for their TUIs to show their question screens.
// The user's last message says what the "model" does:
//   `run: CMD`       claude: a Bash tool_use; codex: an exec_command function_call; gemini: run_shell_command
//   `escalate: CMD`  codex: an exec_command asking to run outside the sandbox; claude: same as run
//   `write: PATH`    claude: a Write tool_use creating PATH; codex: an apply_patch adding PATH
//   `edit: PATH`     claude: a Read tool_use of PATH, then an Edit changing `before` to `after`; codex: as write
//   `ask: QUESTION`  claude: an AskUserQuestion tool_use; codex: request_user_input (Plan mode); gemini: ask_user;
//                    three options
//   `plan: STEP`     claude in plan mode: writes a one-step plan to its plan file, then ExitPlanMode
//   anything else    a short text answer
// Once a tool result comes back the answer is text quoting the result, so a capture can see whether the tool ran or
// was refused. Not a model: nothing here looks at more than the latest user message and tool result.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** @param {import('node:http').ServerResponse} res @param {string} event @param {unknown} data */
function sse(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** @typedef {'run' | 'escalate' | 'write' | 'edit' | 'ask' | 'plan'} Kind */
/** @param {string} text @returns {{ kind: Kind | 'text', arg: string }} */
export function directive(text) {
  const m = /^(run|escalate|write|edit|ask|plan):[ \t]*(.+)$/m.exec(text);
  if (!m) return { kind: 'text', arg: '' };
  return { kind: /** @type {Kind} */ (m[1]), arg: (m[2] ?? '').trim() };
}

// ---- Anthropic Messages (claude) ----

/** @param {unknown} content @returns {string} */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (part?.type === 'text' || part?.type === 'input_text' || part?.type === 'output_text') return part.text ?? '';
      if (part?.type === 'tool_result') return `[tool_result] ${textOf(part.content)}`;
      return '';
    })
    .join('\n');
}

/** What the stand-in model says to one /v1/messages request: text, or a tool call. */
function claudeTurn(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  // Claude Code appends `system` messages after the user's turn: the turn to answer is the last `user` one.
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  const hasTools = Array.isArray(body.tools) && body.tools.some((t) => t?.name === 'Bash');
  const lastContent = Array.isArray(last?.content) ? last.content : [{ type: 'text', text: textOf(last?.content) }];
  // After a refusal the next prompt shares the user turn with the tool_result: the later of the two is answered.
  const resultAt = lastContent.findLastIndex((p) => p?.type === 'tool_result');
  const askedAt = lastContent.findLastIndex((p) => p?.type === 'text' && directive(p.text).kind !== 'text');
  const result = resultAt > askedAt ? lastContent[resultAt] : undefined;
  if (result) {
    const previous = [...messages].reverse().find((m) => m?.role === 'assistant');
    const used = (Array.isArray(previous?.content) ? previous.content : []).find((p) => p?.type === 'tool_use');
    if (used && !result.is_error) {
      // `edit:` reads the file first (Claude Code refuses to edit an unread file), then edits it.
      if (used.name === 'Read') {
        return { tool: { name: 'Edit', input: { file_path: used.input?.file_path, old_string: 'before', new_string: 'after' } } };
      }
      // `plan:` writes the plan file, then asks to leave plan mode.
      if (used.name === 'Write' && /\/plans\/[^/]+\.md$/.test(used.input?.file_path ?? '')) {
        return { tool: { name: 'ExitPlanMode', input: {} } };
      }
    }
    const verdict = result.is_error ? 'was refused or failed' : 'ran';
    return { text: `The tool ${verdict}: ${textOf(result.content).slice(0, 120).replace(/\s+/g, ' ')}` };
  }
  // Side requests (titles, topic checks) come without the Bash tool: answer them with plain text.
  if (!hasTools) return { text: 'Capture session' };
  const { kind, arg } = directive(textOf(lastContent.slice(Math.max(askedAt, 0))));
  switch (kind) {
    case 'run':
    case 'escalate':
      return { tool: { name: 'Bash', input: { command: arg, description: 'Run the requested command' } } };
    case 'write':
      return { tool: { name: 'Write', input: { file_path: arg, content: 'written by the stand-in model\n' } } };
    case 'edit':
      return { tool: { name: 'Read', input: { file_path: arg } } };
    case 'ask':
      return { tool: { name: 'AskUserQuestion', input: { questions: [askQuestion(arg)] } } };
    case 'plan': {
      // Plan mode names the file the plan goes to in its instructions.
      const planFile = /create your plan at (\S+\.md)/.exec(JSON.stringify(body.messages))?.[1];
      if (!planFile) return { text: 'Not in plan mode: no plan file to write.' };
      return { tool: { name: 'Write', input: { file_path: planFile, content: `# Plan\n\n1. ${arg}\n` } } };
    }
    default:
      return { text: 'Nothing to do.' };
  }
}

/** `ask: Which test runner should we use?` becomes a question with three fixed options. */
function askQuestion(question) {
  return {
    question,
    header: 'Runner',
    multiSelect: false,
    options: [
      { label: 'Vitest', description: 'Fast, ESM-native' },
      { label: 'Jest', description: 'Widely used' },
      { label: 'node:test', description: 'No dependency' },
    ],
  };
}

let ids = 0;
const nextId = (prefix) => `${prefix}_${Date.now().toString(36)}${(ids++).toString(36)}`;

function streamClaude(res, body, turn) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: nextId('msg'),
      type: 'message',
      role: 'assistant',
      model: body.model ?? 'stand-in',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  });
  if (turn.tool) {
    sse(res, 'content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: nextId('toolu'), name: turn.tool.name, input: {} },
    });
    sse(res, 'content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.tool.input) },
    });
  } else {
    sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: turn.text } });
  }
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: turn.tool ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: 5 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

// ---- OpenAI Responses (codex) ----

function codexTurn(body) {
  const input = Array.isArray(body.input) ? body.input : [];
  const last = input.at(-1);
  if (last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output') {
    const output = typeof last.output === 'string' ? last.output : JSON.stringify(last.output);
    return { text: `Tool result: ${output.slice(0, 160).replace(/\s+/g, ' ')}` };
  }
  const user = [...input].reverse().find((item) => item?.role === 'user');
  const { kind, arg } = directive(textOf(user?.content));
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const toolNamed = (name) => tools.find((t) => t?.name === name);
  if (kind === 'run' || kind === 'escalate') {
    // `escalate:` asks to run outside the sandbox, which `--ask-for-approval on-request` puts to the user.
    const escalated =
      kind === 'escalate'
        ? { sandbox_permissions: 'require_escalated', justification: 'Do you want to let the stand-in model run this outside the sandbox?' }
        : {};
    if (toolNamed('exec_command')) return { call: { name: 'exec_command', arguments: { cmd: arg, ...escalated } } };
    return { call: { name: 'shell', arguments: { command: ['bash', '-lc', arg], ...escalated } } };
  }
  if (kind === 'write' || kind === 'edit') {
    const patch = `*** Begin Patch\n*** Add File: ${arg}\n+written by the stand-in model\n*** End Patch\n`;
    const tool = toolNamed('apply_patch');
    if (tool?.type === 'custom') return { custom: { name: 'apply_patch', input: patch } };
    if (tool) return { call: { name: 'apply_patch', arguments: { input: patch } } };
    // Without an apply_patch tool Codex takes the patch through its shell tool, as its instructions say.
    return { call: { name: 'exec_command', arguments: { cmd: `apply_patch <<'PATCH'\n${patch}PATCH` } } };
  }
  if (kind === 'ask' && toolNamed('request_user_input')) {
    const { question, header, options } = askQuestion(arg);
    return { call: { name: 'request_user_input', arguments: { questions: [{ id: 'runner', header, question, options }] } } };
  }
  return { text: 'Nothing to do.' };
}

function streamCodex(res, body, turn) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const id = nextId('resp');
  const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model: body.model ?? 'stand-in' };
  sse(res, 'response.created', { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
  let item;
  if (turn.call) {
    item = {
      type: 'function_call',
      id: nextId('fc'),
      call_id: nextId('call'),
      name: turn.call.name,
      arguments: JSON.stringify(turn.call.arguments),
      status: 'completed',
    };
  } else if (turn.custom) {
    item = {
      type: 'custom_tool_call',
      id: nextId('ctc'),
      call_id: nextId('call'),
      name: turn.custom.name,
      input: turn.custom.input,
      status: 'completed',
    };
  } else {
    item = {
      type: 'message',
      id: nextId('msg'),
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: turn.text, annotations: [] }],
    };
  }
  const added = item.type === 'message' ? { ...item, content: [] } : item;
  sse(res, 'response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: added });
  if (item.type === 'message') {
    sse(res, 'response.output_text.delta', {
      type: 'response.output_text.delta',
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      delta: turn.text,
    });
  }
  sse(res, 'response.output_item.done', { type: 'response.output_item.done', output_index: 0, item });
  sse(res, 'response.completed', {
    type: 'response.completed',
    response: {
      ...base,
      status: 'completed',
      output: [item],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 15,
      },
    },
  });
  res.end();
}

// ---- Gemini generateContent (gemini) ----

/** A value that fits a JSON schema (Gemini CLI's side calls, such as its model router, ask for JSON). */
function sampleOf(schema) {
  const type = String(schema?.type ?? 'string').toLowerCase();
  if (type === 'object') {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, sub]) => [key, sampleOf(sub)]));
  }
  if (type === 'array') return [];
  if (type === 'integer' || type === 'number') return 10;
  if (type === 'boolean') return false;
  return Array.isArray(schema?.enum) ? schema.enum[0] : 'simple';
}

function geminiTurn(body) {
  const schema = body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema;
  if (schema) return { text: JSON.stringify(sampleOf(schema)) };
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const last = contents.at(-1);
  const parts = Array.isArray(last?.parts) ? last.parts : [];
  const response = parts.find((p) => p?.functionResponse)?.functionResponse;
  if (response) {
    return { text: `Tool result: ${JSON.stringify(response.response ?? {}).slice(0, 160).replace(/\s+/g, ' ')}` };
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) => t?.functionDeclarations ?? []);
  if (tools.length === 0) return { text: 'Capture session' };
  const { kind, arg } = directive(parts.map((p) => p?.text ?? '').join('\n'));
  switch (kind) {
    case 'run':
    case 'escalate':
      return { call: { name: 'run_shell_command', args: { command: arg, description: 'Run the requested command' } } };
    case 'write':
    case 'edit':
      return { call: { name: 'write_file', args: { file_path: arg, content: 'written by the stand-in model\n' } } };
    case 'ask': {
      const { question, header, options } = askQuestion(arg);
      return { call: { name: 'ask_user', args: { questions: [{ question, header, type: 'choice', options }] } } };
    }
    default:
      return { text: 'Nothing to do.' };
  }
}

function geminiResponse(body, turn) {
  const part = turn.call ? { functionCall: { name: turn.call.name, args: turn.call.args } } : { text: turn.text };
  return {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: body.model ?? 'stand-in',
  };
}

function streamGemini(res, body, turn) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`data: ${JSON.stringify(geminiResponse(body, turn))}\n\n`);
  res.end();
}

/**
 * Starts the stand-in on 127.0.0.1 and a random port; onRequest sees every request.
 * @param {{ onRequest?: (method: string, path: string, body: any) => void }} [options]
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startModelServer(options = {}) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        body = { raw };
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      options.onRequest?.(req.method ?? '', path, body);
      if (req.method === 'POST' && path === '/v1/messages') return streamClaude(res, body, claudeTurn(body));
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') return json(res, 200, { input_tokens: 10 });
      if (req.method === 'POST' && path === '/v1/responses') return streamCodex(res, body, codexTurn(body));
      const gemini = /^\/v1(beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(path);
      if (req.method === 'POST' && gemini) {
        if (gemini[3] === 'countTokens') return json(res, 200, { totalTokens: 10 });
        const turn = geminiTurn(body);
        if (gemini[3] === 'streamGenerateContent') return streamGemini(res, { ...body, model: gemini[2] }, turn);
        return json(res, 200, geminiResponse({ ...body, model: gemini[2] }, turn));
      }
      if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { data: [], object: 'list' });
      return json(res, 404, { error: { type: 'not_found_error', message: `stand-in has no ${req.method} ${path}` } });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function json(res, status, data) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(data));
}

// Run on its own (`node model-server.js`) to drive a CLI by hand: prints the port, logs each request.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startModelServer({
    onRequest: (method, path, body) => console.log(method, path, JSON.stringify(body).slice(0, 200)),
  });
  console.log(`stand-in model API on http://127.0.0.1:${server.port}`);
}
