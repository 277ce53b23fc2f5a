// Method parameters arrive as JSON values (application/json) or as strings (query, urlencoded, multipart, where
// objects are JSON-encoded). One reader makes both look the same, with Bot-API-like errors for bad values.
import { badRequest } from './errors.js';

export interface UploadedFile {
  fieldName: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  requiredString(name: string, emptyMessage = `${name} is empty`): string {
    const value = this.string(name);
    if (value === undefined) throw badRequest(emptyMessage);
    return value;
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw badRequest(`field "${name}" must be of type Integer`);
    return n;
  }

  requiredInt(name: string, emptyMessage = `${name} is empty`): number {
    const value = this.int(name);
    if (value === undefined) throw badRequest(emptyMessage);
    return value;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  /** An object or array parameter; strings are JSON-decoded the way Telegram does for form fields. */
  json<T = unknown>(name: string): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** A file parameter: an uploaded part (by field name or attach://id) or a string (file_id or URL). */
  file(name: string): UploadedFile | string | undefined {
    const direct = this.files.get(name);
    if (direct !== undefined) return direct;
    const value = this.string(name);
    if (value?.startsWith('attach://')) {
      const attached = this.files.get(value.slice('attach://'.length));
      if (attached === undefined) throw badRequest(`wrong file identifier/HTTP URL specified`);
      return attached;
    }
    return value;
  }
}
