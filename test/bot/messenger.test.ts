import { Api, InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';
import { TelegramApiError } from '../../src/bot/api-errors.js';
import { clip, Messenger, textChunks } from '../../src/bot/messenger.js';
import { Redactor } from '../../src/core/redact.js';
import { PocketError } from '../../src/core/errors.js';

type Call = { method: string; payload: Record<string, unknown> };
type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: object };

/** A real grammY Api whose transformer answers instead of the network, recording every call. */
function fakeApi(answer: (call: Call, index: number) => Answer | undefined = () => undefined) {
  const calls: Call[] = [];
  const api = new Api('4242:canary-SECRET');
  let nextId = 100;
  api.config.use(async (_prev, method, payload) => {
    const call = { method, payload: payload as Record<string, unknown> };
    calls.push(call);
    const custom = answer(call, calls.length - 1);
    const result = custom ?? { ok: true, result: method === 'sendMessage' || method === 'sendDocument' ? { message_id: nextId++ } : true };
    // biome-ignore lint/suspicious/noExplicitAny: the transformer's return type depends on the method
    return result as any;
  });
  return { api, calls, messenger: new Messenger(api, { redactor: new Redactor(['4242:canary-SECRET']) }) };
}

const parseError: Answer = { ok: false, error_code: 400, description: "Bad Request: can't parse entities: Unexpected end tag at byte offset 9" };

describe('Messenger.sendText', () => {
  it('escapes HTML and returns the message id', async () => {
    const { messenger, calls } = fakeApi();
    expect(await messenger.sendText(1, 'a < b && c > d <b>x</b>')).toEqual([100]);
    expect(calls[0]).toEqual({ method: 'sendMessage', payload: { chat_id: 1, text: 'a &lt; b &amp;&amp; c &gt; d &lt;b&gt;x&lt;/b&gt;', parse_mode: 'HTML' } });
  });

  it('wraps monospace output in <pre> and passes thread, reply, silence and buttons', async () => {
    const { messenger, calls } = fakeApi();
    await messenger.sendText(-100, '$ ls\n<dir>', {
      pre: true,
      threadId: 7,
      replyTo: 55,
      silent: true,
      buttons: [[{ text: 'Refresh', data: 'r:1' }, { text: 'Kill', data: 'k:1' }]],
    });
    expect(calls[0]?.payload).toEqual({
      chat_id: -100,
      text: '<pre>$ ls\n&lt;dir&gt;</pre>',
      parse_mode: 'HTML',
      message_thread_id: 7,
      disable_notification: true,
      reply_parameters: { message_id: 55, allow_sending_without_reply: true },
      reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'r:1' }, { text: 'Kill', callback_data: 'k:1' }]] },
    });
  });

  it('never passes the General topic (id 1) as message_thread_id', async () => {
    const { messenger, calls } = fakeApi();
    await messenger.sendText(-100, 'x', { threadId: 1 });
    expect(calls[0]?.payload).not.toHaveProperty('message_thread_id');
  });

  it('splits long text under 4096 after escaping, in order, reply on the first, buttons on the last', async () => {
    const { messenger, calls } = fakeApi();
    const line = `${'<&>'.repeat(30)} 😀 ${'x'.repeat(40)}`;
    const text = Array.from({ length: 300 }, (_, n) => `${n} ${line}`).join('\n');
    const ids = await messenger.sendText(1, text, { replyTo: 9, buttons: [[{ text: 'Tail', data: 't:1' }]] });
    expect(ids.length).toBeGreaterThan(3);
    expect(ids).toEqual(ids.map((_, n) => 100 + n));
    expect(textChunks(text)).toHaveLength(ids.length);
    const texts = calls.map((c) => c.payload.text as string);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(4096);
      expect(t).not.toMatch(/&[a-z]*$/); // no entity cut at the end
      expect(t).not.toMatch(/[\ud800-\udbff]$/); // no lone high surrogate
    }
    const unescaped = texts.map((t) => t.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'));
    expect(unescaped.join('\n')).toBe(text);
    expect(calls.map((c) => 'reply_parameters' in c.payload)).toEqual(calls.map((_, n) => n === 0));
    expect(calls.map((c) => 'reply_markup' in c.payload)).toEqual(calls.map((_, n) => n === calls.length - 1));
  });

  it('resends the same chunk as plain text when Telegram cannot parse the HTML', async () => {
    const { messenger, calls } = fakeApi((call) => (call.payload.parse_mode === 'HTML' ? parseError : undefined));
    expect(await messenger.sendText(1, 'a <b> c', { silent: true })).toEqual([100]);
    expect(calls.map((c) => c.payload)).toEqual([
      { chat_id: 1, text: 'a &lt;b&gt; c', parse_mode: 'HTML', disable_notification: true },
      { chat_id: 1, text: 'a <b> c', disable_notification: true },
    ]);
  });

  it('sends "(empty)" rather than an empty message', async () => {
    const { messenger, calls } = fakeApi();
    await messenger.sendText(1, '  \n ');
    expect(calls[0]?.payload.text).toBe('(empty)');
  });

  it('rejects callback data over 64 bytes before sending anything', async () => {
    const { messenger, calls } = fakeApi();
    const long = 'é'.repeat(33); // 33 characters, 66 bytes
    await expect(messenger.sendText(1, 'x', { buttons: [[{ text: 'Go', data: long }]] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(messenger.sendText(1, 'x', { buttons: [[{ text: 'Go', data: '' }]] })).rejects.toBeInstanceOf(PocketError);
    await messenger.sendText(1, 'x', { buttons: [[{ text: 'Go', data: 'é'.repeat(32) }]] });
    expect(calls).toHaveLength(1);
  });

  it('throws a classified, redacted TelegramApiError', async () => {
    const { messenger } = fakeApi(() => ({ ok: false, error_code: 400, description: 'Bad Request: message thread not found' }));
    const err = await messenger.sendText(-100, 'x', { threadId: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramApiError);
    expect((err as TelegramApiError).api).toEqual({ kind: 'thread_not_found' });
  });

  it('keeps the token out of network errors', async () => {
    const api = new Api('4242:canary-SECRET', { apiRoot: 'http://127.0.0.1:1' });
    const err = await new Messenger(api, { redactor: new Redactor(['4242:canary-SECRET']) }).sendText(1, 'x').catch((e: unknown) => e);
    expect((err as TelegramApiError).api).toEqual({ kind: 'network' });
    expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain('canary-SECRET');
  });
});

describe('Messenger.editText', () => {
  it('edits with escaped HTML and buttons', async () => {
    const { messenger, calls } = fakeApi();
    await messenger.editText(1, 50, 'state: <running>', { buttons: [[{ text: 'Refresh', data: 'r:1' }]] });
    expect(calls[0]).toEqual({
      method: 'editMessageText',
      payload: {
        chat_id: 1,
        message_id: 50,
        text: 'state: &lt;running&gt;',
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'r:1' }]] },
      },
    });
  });

  it('counts "message is not modified" as success', async () => {
    const { messenger } = fakeApi(() => ({ ok: false, error_code: 400, description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message' }));
    await expect(messenger.editText(1, 50, 'same')).resolves.toBeUndefined();
  });

  it('falls back to plain text, and still reports a missing message', async () => {
    const fallback = fakeApi((call) => (call.payload.parse_mode === 'HTML' ? parseError : undefined));
    await fallback.messenger.editText(1, 50, '<x>', { pre: true });
    expect(fallback.calls.map((c) => c.payload.text)).toEqual(['<pre>&lt;x&gt;</pre>', '<x>']);

    const gone = fakeApi(() => ({ ok: false, error_code: 400, description: 'Bad Request: message to edit not found' }));
    await expect(gone.messenger.editText(1, 50, 'x')).rejects.toMatchObject({ api: { kind: 'message_not_found' } });
  });

  it('cuts text longer than one message with an ellipsis', async () => {
    const { messenger, calls } = fakeApi();
    await messenger.editText(1, 50, 'y'.repeat(10_000));
    const text = calls[0]?.payload.text as string;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('Messenger documents, reactions and callbacks', () => {
  it('uploads bytes as a named document with a clipped caption in the topic', async () => {
    const { messenger, calls } = fakeApi();
    const id = await messenger.sendDocument(-100, 'build.log', new TextEncoder().encode('lots of output'), {
      caption: 'c'.repeat(2000),
      threadId: 12,
    });
    expect(id).toBe(100);
    const payload = calls[0]?.payload ?? {};
    expect(payload.document).toBeInstanceOf(InputFile);
    expect((payload.document as InputFile).filename).toBe('build.log');
    expect((payload.caption as string).length).toBe(1024);
    expect(payload.message_thread_id).toBe(12);
  });

  it('reacts with an emoji', async () => {
    const { messenger, calls } = fakeApi();
    await messenger.react(1, 50, '👍');
    expect(calls[0]).toEqual({ method: 'setMessageReaction', payload: { chat_id: 1, message_id: 50, reaction: [{ type: 'emoji', emoji: '👍' }] } });
  });

  it('answers callbacks, and shrugs off a query that is too old', async () => {
    const { messenger, calls } = fakeApi((_call, n) =>
      n === 1 ? { ok: false, error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' } : undefined,
    );
    await messenger.answerCallback('q1', 'Sent Ctrl-C');
    await expect(messenger.answerCallback('q2')).resolves.toBeUndefined();
    expect(calls.map((c) => c.payload)).toEqual([{ callback_query_id: 'q1', text: 'Sent Ctrl-C' }, { callback_query_id: 'q2' }]);
  });
});

describe('clip', () => {
  it('never ends on half a surrogate pair', () => {
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
  });
});
