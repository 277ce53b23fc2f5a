// One answer of the OpenAI Responses API as its server-sent events, the shape `codex` reads (response.created,
// output items, text deltas, response.completed). Shared by `pocket demo`'s model stand-in and the tests' one
// (test/agents/codex/responses-stand-in.ts); what each says differs, how it is streamed does not.
import type { ServerResponse } from 'node:http';

/** Text, a function call (exec_command, apply_patch) or a free-form tool call. */
export type ResponsesReply =
  | { text: string }
  | { call: { name: string; arguments: Record<string, unknown> } }
  | { custom: { name: string; input: string } };

/** An item of a request's `input`: messages, and the outputs of earlier tool calls. */
export interface ResponsesInputItem {
  type?: string;
  role?: string;
  content?: unknown;
  output?: unknown;
}

let ids = 0;

export function streamResponse(res: ServerResponse, model: string, answer: ResponsesReply): void {
  const sse = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const n = ++ids;
  const id = `resp_${n}`;
  const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model };
  sse('response.created', { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
  const item =
    'call' in answer
      ? { type: 'function_call', id: `fc_${n}`, call_id: `call_${n}`, name: answer.call.name, arguments: JSON.stringify(answer.call.arguments), status: 'completed' }
      : 'custom' in answer
        ? { type: 'custom_tool_call', id: `ctc_${n}`, call_id: `call_${n}`, name: answer.custom.name, input: answer.custom.input, status: 'completed' }
        : { type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer.text, annotations: [] }] };
  sse('response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: 'text' in answer ? { ...item, content: [] } : item });
  if ('text' in answer) {
    sse('response.output_text.delta', { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: answer.text });
  }
  sse('response.output_item.done', { type: 'response.output_item.done', output_index: 0, item });
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  sse('response.completed', { type: 'response.completed', response: { ...base, status: 'completed', output: [item], usage } });
  res.end();
}

/** The text of a message's content (a string, or parts with `text`). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: string }) => part?.text ?? '').join('\n');
}

/** The person's prompts in a request, oldest first: user messages that are not codex's own context blocks. */
export function promptsOf(input: ResponsesInputItem[]): string[] {
  return input
    .filter((item) => item.role === 'user')
    .map((item) => contentText(item.content))
    .filter((text) => !text.trimStart().startsWith('<'));
}

/** The output of the tool call the request ends with, if it does. */
export function lastToolOutput(input: ResponsesInputItem[]): string | null {
  const last = input.at(-1);
  if (last?.type !== 'function_call_output' && last?.type !== 'custom_tool_call_output') return null;
  return typeof last.output === 'string' ? last.output : JSON.stringify(last.output);
}
