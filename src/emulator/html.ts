// Telegram's parse_mode=HTML, modelled on TDLib's parse_html: it turns markup into plain text + entities and rejects
// what Telegram rejects, with Telegram's wording. One deliberate difference: a bare `&` that starts no entity is an
// error here (Telegram lets it through), because pocket must escape `&` and a lenient check would hide that bug.
import type { MessageEntity } from 'grammy/types';
import { badRequest, type ApiError } from './errors.js';

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

const SIMPLE_TAGS: Record<string, MessageEntity['type']> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler', code: 'code',
};
const ALL_TAGS = new Set([...Object.keys(SIMPLE_TAGS), 'a', 'span', 'pre', 'blockquote', 'tg-emoji']);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  attributes: Map<string, string>;
  offset: number;
}

function fail(reason: string): ApiError {
  return badRequest(`can't parse entities: ${reason}`);
}

/** Decodes `&...;` at `start`; null when it is not a supported entity. */
function decodeEntity(source: string, start: number): { char: string; end: number } | null {
  const match = /^&(#x[0-9a-fA-F]{1,8}|#[0-9]{1,9}|[a-zA-Z]{2,8});/.exec(source.slice(start, start + 13));
  if (match === null) return null;
  const body = match[1]!;
  let char: string | undefined;
  if (body.startsWith('#')) {
    const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    char = valid ? String.fromCodePoint(code) : undefined;
  } else {
    char = NAMED_ENTITIES[body];
  }
  return char === undefined ? null : { char, end: start + match[0].length };
}

export function parseHtml(source: string): FormattedText {
  const byteOffset = (index: number) => Buffer.byteLength(source.slice(0, index));
  const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
  let text = '';
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '&') {
      const decoded = decodeEntity(source, i);
      if (decoded === null) {
        throw fail(`Character '&' must be escaped as "&amp;" at byte offset ${byteOffset(i)}`);
      }
      text += decoded.char;
      i = decoded.end;
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const begin = i++;
    if (source[i] !== '/') {
      while (i < source.length && !isSpace(source[i]) && source[i] !== '>') i++;
      if (i >= source.length) throw fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      const name = source.slice(begin + 1, i).toLowerCase();
      if (!ALL_TAGS.has(name)) throw fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(begin)}`);
      const attributes = new Map<string, string>();
      i = readAttributes(source, i, name, attributes, byteOffset(begin));
      i++; // the '>'
      if (name === 'span' && attributes.get('class') !== 'tg-spoiler') {
        throw fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      }
      if (name === 'tg-emoji' && !/^[0-9]+$/.test(attributes.get('emoji-id') ?? '')) {
        throw fail(`Tag "tg-emoji" must have a valid "emoji-id" attribute at byte offset ${byteOffset(begin)}`);
      }
      open.push({ name, attributes, offset: text.length });
      continue;
    }
    // An end tag.
    if (open.length === 0) throw fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
    i++;
    const nameStart = i;
    while (i < source.length && !isSpace(source[i]) && source[i] !== '>') i++;
    const endName = source.slice(nameStart, i).toLowerCase();
    while (i < source.length && isSpace(source[i])) i++;
    if (source[i] !== '>') throw fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
    i++;
    const tag = open.pop()!;
    if (endName !== '' && endName !== tag.name) {
      throw fail(
        `Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${tag.name}>", found "</${endName}>"`,
      );
    }
    const entity = toEntity(tag, text, open);
    if (entity !== null) entities.push(entity);
  }
  if (open.length > 0) throw fail(`Can't find end tag corresponding to start tag "${open.at(-1)!.name}"`);
  return { text, entities: sortEntities(mergePreCode(entities)) };
}

/** Reads `name="value"` pairs up to the closing '>' (returns its index). */
function readAttributes(
  source: string,
  start: number,
  tag: string,
  into: Map<string, string>,
  tagByteOffset: number,
): number {
  let i = start;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
  for (;;) {
    while (i < source.length && isSpace(source[i])) i++;
    if (i >= source.length) throw fail(`Unclosed start tag at byte offset ${tagByteOffset}`);
    if (source[i] === '>') return i;
    const nameStart = i;
    while (i < source.length && !isSpace(source[i]) && source[i] !== '=' && source[i] !== '>') i++;
    const name = source.slice(nameStart, i).toLowerCase();
    if (name === '') throw fail(`Empty attribute name in the tag "${tag}" at byte offset ${tagByteOffset}`);
    while (i < source.length && isSpace(source[i])) i++;
    if (source[i] !== '=') {
      if (tag === 'blockquote' && name === 'expandable') {
        into.set(name, '');
        continue;
      }
      throw fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${tagByteOffset}`);
    }
    i++;
    while (i < source.length && isSpace(source[i])) i++;
    const quote = source[i];
    let raw: string;
    if (quote === '"' || quote === "'") {
      const end = source.indexOf(quote, i + 1);
      if (end < 0) throw fail(`Unclosed start tag at byte offset ${tagByteOffset}`);
      raw = source.slice(i + 1, end);
      i = end + 1;
    } else {
      const valueStart = i;
      while (i < source.length && !isSpace(source[i]) && source[i] !== '>') i++;
      raw = source.slice(valueStart, i);
    }
    into.set(name, raw.replace(/&(lt|gt|amp|quot);/g, (_, n: string) => NAMED_ENTITIES[n]!));
  }
}

function toEntity(tag: OpenTag, text: string, parents: OpenTag[]): MessageEntity | null {
  const offset = tag.offset;
  const length = text.length - offset;
  if (length <= 0) return null;
  const simple = SIMPLE_TAGS[tag.name];
  if (simple !== undefined) {
    // <pre><code class="language-x"> gives the pre a language instead of a separate code entity.
    const language = /^language-(.+)$/.exec(tag.attributes.get('class') ?? '')?.[1];
    if (tag.name === 'code' && parents.at(-1)?.name === 'pre' && language !== undefined) {
      return { type: 'pre', offset, length, language } as MessageEntity;
    }
    return { type: simple, offset, length } as MessageEntity;
  }
  switch (tag.name) {
    case 'span':
      return { type: 'spoiler', offset, length };
    case 'pre':
      return { type: 'pre', offset, length };
    case 'blockquote':
      return { type: tag.attributes.has('expandable') ? 'expandable_blockquote' : 'blockquote', offset, length };
    case 'tg-emoji':
      return { type: 'custom_emoji', offset, length, custom_emoji_id: tag.attributes.get('emoji-id')! };
    case 'a': {
      const href = tag.attributes.get('href');
      // Telegram silently drops links it cannot use rather than failing the message.
      if (href === undefined || !/^(https?:\/\/|tg:\/\/)\S+$/i.test(href)) return null;
      return { type: 'text_link', offset, length, url: href };
    }
    default:
      return null;
  }
}

/** A language-less pre around a pre-with-language at the same span is one entity in Telegram. */
function mergePreCode(entities: MessageEntity[]): MessageEntity[] {
  return entities.filter(
    (e) =>
      !(e.type === 'pre' && !('language' in e && e.language) &&
        entities.some((o) => o !== e && o.type === 'pre' && o.offset === e.offset && o.length === e.length)),
  );
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
