// Documents and photos: multipart uploads are kept byte for byte so tests can read what the bot sent (a photo too,
// which Telegram would re-encode as a JPEG); a file_id re-sends a stored file; URLs cannot be fetched offline.
import { ApiError, badRequest } from '../errors.js';
import { checkCaption, checkReplyMarkup, formatText, MAX_UPLOAD_BYTES } from '../rules.js';
import { imageSize } from '../image-size.js';
import type { StoredDocument, StoredPhoto } from '../state.js';
import { type MethodContext, type MethodHandler, nowSeconds, spend } from './context.js';
import { sendTarget } from './messages.js';

const MIME_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain', log: 'text/plain', md: 'text/markdown', json: 'application/json', html: 'text/html',
  csv: 'text/csv', pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', zip: 'application/zip',
  gz: 'application/gzip',
};

function mimeOf(fileName: string, declared: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  // Telegram goes by the extension; grammY always declares application/octet-stream.
  return (extension !== undefined ? MIME_BY_EXTENSION[extension] : undefined) ?? declared;
}

function documentOf(ctx: MethodContext): StoredDocument {
  const input = ctx.params.file('document');
  if (input === undefined) throw badRequest('there is no document in the request');
  if (typeof input === 'string') {
    const known = [...ctx.state.files.values()].find((f) => f.fileId === input);
    if (known === undefined) throw badRequest('wrong file identifier/HTTP URL specified');
    return known;
  }
  if (input.bytes.length === 0) throw badRequest('file must be non-empty');
  if (input.bytes.length > MAX_UPLOAD_BYTES) throw new ApiError(413, 'Request Entity Too Large');
  const fileName = ctx.params.string('file_name') ?? input.filename;
  const stored: StoredDocument = {
    ...ctx.state.newFileIds(),
    fileName,
    mimeType: mimeOf(fileName, input.contentType || 'application/octet-stream'),
    bytes: input.bytes,
  };
  return stored;
}

/** A bot's message carrying a file (sendDocument, sendPhoto): the same target, caption, markup and pacing checks. */
function sendMedia(ctx: MethodContext, media: (ctx: MethodContext) => { document: StoredDocument } | { photo: StoredPhoto }): unknown {
  const { chat, threadId, replyTo } = sendTarget(ctx);
  const caption = formatText(ctx.params, 'caption', 'caption_entities');
  checkCaption(caption.text);
  const markup = checkReplyMarkup(ctx.params.json('reply_markup'), false);
  const attached = media(ctx);
  spend(ctx, chat);
  const file = 'document' in attached ? attached.document : attached.photo.file;
  ctx.state.files.set(file.fileId, file);
  const record = ctx.state.addMessage(chat, {
    fromBot: true,
    from: ctx.bot,
    date: nowSeconds(ctx),
    threadId,
    caption: caption.text,
    entities: caption.entities,
    ...attached,
    replyToMessageId: replyTo,
    replyMarkup: markup !== undefined && 'inline_keyboard' in markup ? markup : undefined,
    disableNotification: ctx.params.bool('disable_notification'),
  });
  return ctx.state.toMessage(record);
}

const sendDocument: MethodHandler = (ctx) => sendMedia(ctx, (c) => ({ document: documentOf(c) }));

/** sendPhoto's limits (Bot API docs): at most 10 MB, width + height at most 10000, sides at most 20 to 1. */
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const PHOTO_MAX_SIDES = 10_000;
const PHOTO_MAX_RATIO = 20;

function photoOf(ctx: MethodContext): StoredPhoto {
  const input = ctx.params.file('photo');
  if (input === undefined) throw badRequest('there is no photo in the request');
  if (typeof input === 'string') {
    const known = [...ctx.state.chats.values()].flatMap((c) => [...c.messages.values()]).find((m) => m.photo?.file.fileId === input);
    if (known?.photo === undefined) throw badRequest('wrong file identifier/HTTP URL specified');
    return known.photo;
  }
  if (input.bytes.length === 0) throw badRequest('file must be non-empty');
  // The messages Telegram answers with for each limit (MTProto's error names, which the Bot API passes on).
  if (input.bytes.length > PHOTO_MAX_BYTES) throw badRequest('PHOTO_SAVE_FILE_INVALID');
  const size = imageSize(input.bytes);
  if (size === null) throw badRequest('IMAGE_PROCESS_FAILED');
  const { width, height } = size;
  if (width === 0 || height === 0 || width + height > PHOTO_MAX_SIDES || Math.max(width, height) / Math.min(width, height) > PHOTO_MAX_RATIO) {
    throw badRequest('PHOTO_INVALID_DIMENSIONS');
  }
  const png = input.bytes[0] === 0x89;
  const file: StoredDocument = {
    ...ctx.state.newFileIds(),
    fileName: input.filename,
    mimeType: png ? 'image/png' : 'image/jpeg',
    bytes: input.bytes,
  };
  return { file, width, height };
}

const sendPhoto: MethodHandler = (ctx) => sendMedia(ctx, (c) => ({ photo: photoOf(c) }));

const getFile: MethodHandler = (ctx) => {
  const fileId = ctx.params.requiredString('file_id');
  const file = ctx.state.files.get(fileId);
  if (file === undefined) throw badRequest('invalid file_id');
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.bytes.length,
    file_path: `documents/${file.fileId}`,
  };
};

export const fileMethods: Record<string, MethodHandler> = { sendDocument, sendPhoto, getFile };
