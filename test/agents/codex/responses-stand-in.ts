// A loopback stand-in for the OpenAI Responses API, just enough for the real codex to complete turns with no network
// (FACTS.md "Real coding agents, offline"; scripts/capture-agent-screens/model-server.js does the same for the TUIs).
// The latest user prompt says what the "model" does:
//   `escalate: CMD`  an exec_command call asking to run CMD outside the sandbox, which codex puts to the client
//   `write: PATH`    an apply_patch adding PATH (in the read-only sandbox codex asks before applying it)
//   anything else    the text "Heard: PROMPT; earlier: P1 | P2", naming the earlier prompts the request carried, so a
//                    test can see that a resumed thread's history reached the model
// After a tool result the answer is "Tool result: ..." quoting it.
import { createServer } from 'node:http';
import {
  lastToolOutput,
  promptsOf,
  type ResponsesInputItem as InputItem,
  type ResponsesReply as Reply,
  streamResponse as stream,
} from '../../../src/demo/responses-stream.js';

export { promptsOf };

interface Tool {
  type?: string;
  name?: string;
}

function reply(input: InputItem[], tools: Tool[]): Reply {
  const output = lastToolOutput(input);
  if (output !== null) return { text: `Tool result: ${output.replace(/\s+/g, ' ').slice(0, 160)}` };
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
