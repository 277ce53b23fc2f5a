// The demo's stand-in for Anthropic's Messages API and OpenAI's Responses API on 127.0.0.1, so `/claude` and `/codex`
// in `pocket demo` run the real Claude Code (through the Claude Agent SDK, when installed) and the real codex (when
// on PATH) with no account and no network. Not a model: it answers the latest user message, streamed as the real
// APIs stream. `run: COMMAND` asks to run COMMAND (Claude's Bash tool; codex's exec_command outside its sandbox),
// which brings up the permission buttons in the chat; after the tool result it says whether the command ran;
// anything else gets a short text answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { lastToolOutput, promptsOf, type ResponsesInputItem, type ResponsesReply, streamResponse } from './responses-stream.js';

export interface ModelStandIn {
  /** What ANTHROPIC_BASE_URL is set to; codex's provider base_url is this plus /v1. */
  url: string;
  close(): Promise<void>;
}

interface Part {
  type?: string;
  text?: string;
  content?: unknown;
  is_error?: boolean;
}

type Reply = { text: string } | { bash: string };

export async function startModelStandIn(): Promise<ModelStandIn> {
  let ids = 0;
  const server = createServer((req, res) => {
    void answer(req, res, () => `${Date.now().toString(36)}${(ids++).toString(36)}`).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, newId: () => string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'POST' && path === '/v1/responses') {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { input?: ResponsesInputItem[]; model?: string };
    streamResponse(res, body.model ?? 'pocket-demo', codexReply(Array.isArray(body.input) ? body.input : []));
    return;
  }
  if (req.method !== 'POST' || !path?.startsWith('/v1/messages')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'the pocket demo stand-in only answers /v1/messages and /v1/responses' } }));
    return;
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { model?: string; messages?: Array<{ role?: string; content?: unknown }>; tools?: Array<{ name?: string }> };
  const reply = replyTo(body);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const sse = (event: string, data: object): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  const usage = { input_tokens: 12, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  sse('message_start', { message: { id: `msg_${newId()}`, type: 'message', role: 'assistant', model: body.model ?? 'pocket-demo', content: [], stop_reason: null, stop_sequence: null, usage } });
  if ('bash' in reply) {
    sse('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${newId()}`, name: 'Bash', input: {} } });
    sse('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify({ command: reply.bash, description: 'Run the command you asked for' }) } });
  } else {
    sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    // In words, as a model streams: the card shows the answer being written.
    for (const word of reply.text.match(/\S+\s*/g) ?? [reply.text]) sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } });
  }
  sse('content_block_stop', { index: 0 });
  sse('message_delta', { delta: { stop_reason: 'bash' in reply ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 8 } });
  sse('message_stop', {});
  res.end();
}

function replyTo(body: { messages?: Array<{ role?: string; content?: unknown }>; tools?: Array<{ name?: string }> }): Reply {
  // Side requests (a title for the conversation) come without tools.
  if (!(body.tools ?? []).some((t) => t.name === 'Bash')) return { text: 'pocket demo' };
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const parts: Part[] = Array.isArray(last?.content) ? (last.content as Part[]) : [{ type: 'text', text: String(last?.content ?? '') }];
  const result = parts.find((p) => p.type === 'tool_result');
  if (result !== undefined) {
    const output = textOf(result.content).replace(/\s+/g, ' ').trim().slice(0, 200);
    return { text: result.is_error === true ? `The command did not run: ${output}` : `The command ran. It printed: ${output || '(nothing)'}` };
  }
  // Claude Code adds reminders to the user's turn: the user's words are the last text part that is not one.
  const said = parts.filter((p) => p.type === 'text' && !(p.text ?? '').startsWith('<system-reminder>')).map((p) => p.text ?? '').at(-1) ?? '';
  const run = /^run:\s*(.+)$/m.exec(said);
  if (run !== null) return { bash: run[1]!.trim() };
  return { text: `This is pocket demo's stand-in model, not a real one: you said "${said.trim().slice(0, 200)}". Reply "run: touch hello.txt" to see a permission request.` };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Part[]).map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('\n');
}

/** What the stand-in says to codex: the same grammar as to Claude; a command goes out as one needing approval. */
function codexReply(input: ResponsesInputItem[]): ResponsesReply {
  const output = lastToolOutput(input);
  if (output !== null) {
    // codex wraps what the command printed in its own report ("Chunk ID: … Process exited with code 0 … Output:").
    const printed = (/Output:\s*([\s\S]*)$/.exec(output)?.[1] ?? output).replace(/\s+/g, ' ').trim().slice(0, 200);
    return { text: `The command ran. It printed: ${printed || '(nothing)'}` };
  }
  const said = promptsOf(input).at(-1) ?? '';
  const run = /^run:\s*(.+)$/m.exec(said);
  if (run !== null) {
    // Outside the sandbox, so codex asks the chat first, as it would for a real model's risky command.
    return { call: { name: 'exec_command', arguments: { cmd: run[1]!.trim(), sandbox_permissions: 'require_escalated', justification: 'You asked to run this.' } } };
  }
  return { text: `This is pocket demo's stand-in model, not a real one: you said "${said.trim().slice(0, 200)}". Reply "run: touch hello.txt" to see a permission request.` };
}
