// Types of model-server.js for the tests that run the real agents against it.
export interface ModelServer {
  port: number;
  close(): Promise<void>;
}
// biome-ignore lint/suspicious/noExplicitAny: the request bodies are whatever the agents send
export type RequestBody = any;
export function startModelServer(options?: {
  onRequest?: (method: string, path: string, body: RequestBody) => void;
}): Promise<ModelServer>;
export function directive(text: string): { kind: string; arg: string };
