// A loopback stand-in for the OpenAI Responses API, just enough for the real codex to complete turns with no network
// (FACTS.md "Real coding agents, offline"; scripts/capture-agent-screens/model-server.js does the same for the TUIs).
// The latest user prompt says what the "model" does:
//   `escalate: CMD`  an exec_command call asking to run CMD outside the sandbox, which codex puts to the client
//   `write: PATH`    an apply_patch adding PATH (in the read-only sandbox codex asks before applying it)
//   anything else    the text "Heard: PROMPT; earlier: P1 | P2", naming the earlier prompts the request carried, so a
//                    test can see that a resumed thread's history reached the model
// After a tool result the answer is "Tool result: ..." quoting it.
import { createServer, type ServerResponse } from 'node:http';

interface InputItem {
  type?: string;
  role?: string;
  content?: unknown;
  output?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: string }) => part?.text ?? '').join('\n');
}

/** The person's prompts in a request, oldest first: user messages that are not codex's own context blocks. */
export function promptsOf(input: InputItem[]): string[] {
  return input
    .filter((item) => item.role === 'user')
    .map((item) => textOf(item.content))
    .filter((text) => !text.trimStart().startsWith('<'));
}

type Reply =
  | { text: string }
  | { call: { name: string; arguments: Record<string, unknown> } }
  | { custom: { name: string; input: string } };

interface Tool {
  type?: string;
  name?: string;
}

function reply(input: InputItem[], tools: Tool[]): Reply {
  const last = input.at(-1);
  if (last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output') {
    const output = typeof last.output === 'string' ? last.output : JSON.stringify(last.output);
    return { text: `Tool result: ${output.replace(/\s+/g, ' ').slice(0, 160)}` };
  }
  const prompts = promptsOf(input);
  const prompt = prompts.at(-1) ?? '';
  const escalate = /^escalate:\s*(.+)$/m.exec(prompt);
  if (escalate) {
    return {
      call: {
        name: 'exec_command',
        arguments: { cmd: escalate[1]!.trim(), sandbox_permissions: 'require_escalated', justification: 'The test asks to run this.' },
      },
    };
  }
  const write = /^write:\s*(.+)$/m.exec(prompt);
  if (write) {
    const patch = `*** Begin Patch\n*** Add File: ${write[1]!.trim()}\n+written by the stand-in model\n*** End Patch\n`;
    // codex offers apply_patch as a free-form (custom) tool or a function to some models; to others (this
    // stand-in's, 0.171.0) only through its shell tool, where it recognises an `apply_patch` heredoc.
    const applyPatch = tools.find((tool) => tool.name === 'apply_patch');
    if (applyPatch?.type === 'custom') return { custom: { name: 'apply_patch', input: patch } };
    if (applyPatch) return { call: { name: 'apply_patch', arguments: { input: patch } } };
    return { call: { name: 'exec_command', arguments: { cmd: `apply_patch <<'PATCH'\n${patch}PATCH` } } };
  }
  return { text: `Heard: ${prompt}; earlier: ${prompts.slice(0, -1).join(' | ')}` };
}

let ids = 0;

function stream(res: ServerResponse, model: string, answer: Reply): void {
  const sse = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const id = `resp_${++ids}`;
  const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model };
  sse('response.created', { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
  const item =
    'call' in answer
      ? { type: 'function_call', id: `fc_${ids}`, call_id: `call_${ids}`, name: answer.call.name, arguments: JSON.stringify(answer.call.arguments), status: 'completed' }
      : 'custom' in answer
        ? { type: 'custom_tool_call', id: `ctc_${ids}`, call_id: `call_${ids}`, name: answer.custom.name, input: answer.custom.input, status: 'completed' }
        : { type: 'message', id: `msg_${ids}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer.text, annotations: [] }] };
  sse('response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: 'text' in answer ? { ...item, content: [] } : item });
  if ('text' in answer) {
    sse('response.output_text.delta', { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: answer.text });
  }
  sse('response.output_item.done', { type: 'response.output_item.done', output_index: 0, item });
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  sse('response.completed', { type: 'response.completed', response: { ...base, status: 'completed', output: [item], usage } });
  res.end();
}

export interface ResponsesStandIn {
  port: number;
  /** The input of every /v1/responses request, in order. */
  requests: InputItem[][];
  close(): Promise<void>;
}

export async function startResponsesStandIn(): Promise<ResponsesStandIn> {
  const requests: InputItem[][] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/v1/responses') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { input?: InputItem[]; model?: string; tools?: Tool[] };
        const input = Array.isArray(body.input) ? body.input : [];
        requests.push(input);
        stream(res, body.model ?? 'stand-in', reply(input, Array.isArray(body.tools) ? body.tools : []));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `the stand-in has no ${req.method} ${path}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A codex config.toml that sends every request to the stand-in on port (its key variable: LOCAL_KEY). */
export function localProviderConfig(port: number): string {
  return [
    'model = "gpt-5-codex"',
    'model_provider = "local"',
    '[model_providers.local]',
    'name = "local"',
    `base_url = "http://127.0.0.1:${port}/v1"`,
    'env_key = "LOCAL_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}
