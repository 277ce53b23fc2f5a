// Request parameters the ways the Bot API accepts them: query string, application/json,
// application/x-www-form-urlencoded and multipart/form-data (grammY's uploads). The multipart parser works on
// Buffers so file bytes come through untouched.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';
import type { UploadedFile } from './params.js';

export interface ParsedRequest {
  fields: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

/** Bodies above this are refused as Telegram does (uploads are 50 MB; room for the other fields). */
export const MAX_BODY_BYTES = 52 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseRequest(query: URLSearchParams, contentType: string, body: Buffer): ParsedRequest {
  const fields: Record<string, unknown> = Object.fromEntries(query);
  const files = new Map<string, UploadedFile>();
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return { fields, files };
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ApiError(400, 'Bad Request: JSON object expected');
    }
    Object.assign(fields, parsed);
  } else if (type === 'application/x-www-form-urlencoded') {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    const value = boundary?.[1] ?? boundary?.[2];
    if (value === undefined) throw new ApiError(400, 'Bad Request: multipart boundary is missing');
    parseMultipart(body, value.trim(), fields, files);
  }
  return { fields, files };
}

function parseMultipart(
  body: Buffer,
  boundary: string,
  fields: Record<string, unknown>,
  files: Map<string, UploadedFile>,
): void {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at < 0) throw new ApiError(400, 'Bad Request: bad multipart body');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return;
    if (body.subarray(at, at + 2).toString() === '\r\n') at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new ApiError(400, 'Bad Request: bad multipart body');
    const headers = parseHeaders(body.subarray(at, headerEnd).toString('utf8'));
    const contentStart = headerEnd + 4;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), contentStart);
    if (next < 0) throw new ApiError(400, 'Bad Request: bad multipart body');
    const content = body.subarray(contentStart, next);
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    const filename = dispositionParam(disposition, 'filename');
    if (name !== undefined) {
      if (filename !== undefined) {
        files.set(name, {
          fieldName: name,
          filename,
          contentType: headers.get('content-type') ?? 'application/octet-stream',
          bytes: Buffer.from(content),
        });
      } else {
        fields[name] = content.toString('utf8');
      }
    }
    at = next + 2;
  }
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** `name="x"` or grammY's unquoted `filename=x` (which runs to the end of the header). */
function dispositionParam(disposition: string, param: string): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${param}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
  if (quoted !== undefined && quoted !== null) return quoted[1]!.replace(/\\(.)/g, '$1');
  const bare = new RegExp(`(?:^|;)\\s*${param}=(.*)$`, 'i').exec(disposition);
  if (bare === null) return undefined;
  return param === 'filename' ? bare[1]!.trim() : bare[1]!.split(';')[0]!.trim();
}
