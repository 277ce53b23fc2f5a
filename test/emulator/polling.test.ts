import { Api, Bot, GrammyError, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { apiError, type Harness, startHarness } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h?.emu.close();
});

describe('identity and token', () => {
  it('answers getMe with the bot made from the token', async () => {
    h = await startHarness({ token: '42:secret', botUsername: 'pocket_bot' });
    const me = await h.api.getMe();
    expect(me).toMatchObject({ id: 42, is_bot: true, username: 'pocket_bot' });
  });

  it('refuses a wrong token with 401 Unauthorized', async () => {
    h = await startHarness({ token: '42:secret' });
    const wrong = new Api('42:wrong', { apiRoot: h.emu.url });
    const error = await apiError(wrong.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe('Unauthorized');
  });

  it('answers an unknown method with 404 Not Found', async () => {
    h = await startHarness();
    const res = await fetch(`${h.emu.url}/bot${h.emu.token}/noSuchMethod`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });

  it('accepts GET query parameters and urlencoded bodies', async () => {
    h = await startHarness({ rate: false });
    const user = h.emu.user(7);
    h.emu.createPrivateChat(user);
    const viaQuery = await fetch(`${h.emu.url}/bot${h.emu.token}/sendMessage?chat_id=7&text=hi`);
    expect(await viaQuery.json()).toMatchObject({ ok: true, result: { text: 'hi', chat: { id: 7 } } });
    const viaForm = await fetch(`${h.emu.url}/bot${h.emu.token}/sendmessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '7', text: 'form', reply_markup: '{"inline_keyboard":[[{"text":"a","callback_data":"x"}]]}' }),
    });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { text: 'form', reply_markup: { inline_keyboard: [[{ callback_data: 'x' }]] } } });
  });
});

describe('getUpdates', () => {
  it('holds a long poll until an update is injected, then answers at once', async () => {
    h = await startHarness();
    const user = h.emu.user(7, { firstName: 'Ann' });
    const chat = h.emu.createPrivateChat(user);
    let answered = false;
    const poll = h.api.getUpdates({ timeout: 30 }).then((updates) => {
      answered = true;
      return updates;
    });
    await h.emu.waitFor(() => h.emu.polling, { description: 'the poll to be held' });
    expect(answered).toBe(false);
    const sent = h.emu.sendText(chat, user, '/sessions now');
    const updates = await poll;
    expect(updates).toHaveLength(1);
    expect(updates[0]!.update_id).toBe(sent.update_id);
    expect(updates[0]!.message).toMatchObject({
      text: '/sessions now',
      from: { id: 7 },
      chat: { id: 7, type: 'private' },
      entities: [{ type: 'bot_command', offset: 0, length: 9 }],
    });
  });

  it('returns an empty list when the timeout passes', async () => {
    h = await startHarness();
    expect(await h.api.getUpdates({ timeout: 1 })).toEqual([]);
  });

  it('keeps updates until a higher offset confirms them; a negative offset keeps the last ones', async () => {
    h = await startHarness();
    const user = h.emu.user(7);
    const chat = h.emu.createPrivateChat(user);
    const a = h.emu.sendText(chat, user, 'a');
    const b = h.emu.sendText(chat, user, 'b');
    const c = h.emu.sendText(chat, user, 'c');
    expect((await h.api.getUpdates()).map((u) => u.update_id)).toEqual([a.update_id, b.update_id, c.update_id]);
    expect((await h.api.getUpdates({ limit: 1 })).map((u) => u.update_id)).toEqual([a.update_id]);
    expect((await h.api.getUpdates({ offset: b.update_id })).map((u) => u.update_id)).toEqual([b.update_id, c.update_id]);
    expect((await h.api.getUpdates({ offset: -1 })).map((u) => u.update_id)).toEqual([c.update_id]);
    expect(await h.api.getUpdates({ offset: c.update_id + 1 })).toEqual([]);
    expect(h.emu.pendingUpdates()).toEqual([]);
  });

  it('drops update types outside allowed_updates and remembers the setting', async () => {
    h = await startHarness();
    const user = h.emu.user(7);
    const chat = h.emu.createPrivateChat(user);
    h.emu.sendText(chat, user, 'hello');
    expect(await h.api.getUpdates({ allowed_updates: ['callback_query'] })).toEqual([]);
    h.emu.sendText(chat, user, 'again');
    expect(await h.api.getUpdates()).toEqual([]);
  });

  it('terminates a waiting poll with 409 when another getUpdates arrives', async () => {
    h = await startHarness();
    const first = apiError(h.api.getUpdates({ timeout: 30 }));
    await h.emu.waitFor(() => h.emu.polling);
    const other = new Api(h.emu.token, { apiRoot: h.emu.url });
    const second = other.getUpdates({ timeout: 0 });
    const error = await first;
    expect(error.error_code).toBe(409);
    expect(error.description).toMatch(/^Conflict: terminated by other getUpdates request/);
    expect(await second).toEqual([]);
  });

  it('ends a waiting poll when the server closes', async () => {
    h = await startHarness();
    const poll = h.api.getUpdates({ timeout: 30 });
    await h.emu.waitFor(() => h.emu.polling);
    await h.emu.close();
    expect(await poll).toEqual([]);
  });

  it('delivers to a real grammY bot (start, handle, stop) and redelivers a duplicate update_id', async () => {
    h = await startHarness();
    const user = h.emu.user(7);
    const chat = h.emu.createPrivateChat(user);
    const bot = new Bot(h.emu.token, { client: { apiRoot: h.emu.url } });
    const seen: number[] = [];
    bot.on('message:text', async (ctx) => {
      seen.push(ctx.update.update_id);
      await ctx.reply(`echo ${ctx.message.text}`);
    });
    bot.catch(() => {});
    const running = bot.start({ timeout: 30 });
    const update = h.emu.sendText(chat, user, 'one');
    await h.emu.waitFor(() => h.emu.lastMessage(chat)?.text === 'echo one');
    h.emu.injectRawUpdate(update);
    await h.emu.waitFor(() => seen.length === 2);
    expect(seen).toEqual([update.update_id, update.update_id]);
    await bot.stop();
    await running;
    expect(h.emu.calls.some((c) => c.method === 'deleteWebhook')).toBe(true);
  });
});

describe('transport failures surface as grammY errors', () => {
  it('injects errors, dropped connections and outages', async () => {
    h = await startHarness();
    h.emu.faults.failNext('getMe', { error_code: 502, description: 'Bad Gateway', times: 2 });
    expect((await apiError(h.api.getMe())).error_code).toBe(502);
    expect((await apiError(h.api.getMe())).error_code).toBe(502);
    await expect(h.api.getMe()).resolves.toMatchObject({ is_bot: true });

    h.emu.faults.dropNextConnection('getMe');
    await expect(h.api.getMe()).rejects.toBeInstanceOf(HttpError);
    expect(h.emu.calls.at(-1)).toMatchObject({ method: 'getMe', outcome: 'dropped' });

    h.emu.faults.failNext('*', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
    expect((await apiError(h.api.getUpdates())).error_code).toBe(409);

    h.emu.faults.setOffline(true);
    await expect(h.api.getMe()).rejects.toBeInstanceOf(HttpError);
    h.emu.faults.setOffline(false);
    await expect(h.api.getMe()).resolves.toMatchObject({ is_bot: true });
  });

  it('going offline cuts a waiting long poll', async () => {
    h = await startHarness();
    const poll = h.api.getUpdates({ timeout: 30 }).catch((error: unknown) => error);
    await h.emu.waitFor(() => h.emu.polling);
    h.emu.faults.setOffline(true);
    expect(await poll).toBeInstanceOf(HttpError);
    await h.emu.waitFor(() => !h.emu.polling);
    expect(GrammyError).toBeDefined();
  });

  it('a hang fault reads calls and never answers them, even after clear(); close() still ends them', async () => {
    h = await startHarness();
    h.emu.faults.hangNext('getUpdates', Number.POSITIVE_INFINITY);
    const first = h.api.getUpdates({ timeout: 0 }).catch((error: unknown) => error);
    const second = h.api.getUpdates({ timeout: 0 }).catch((error: unknown) => error);
    await h.emu.waitFor(() => h.emu.calls.filter((c) => c.method === 'getUpdates' && c.outcome === 'hung').length === 2);
    expect(h.emu.hanging).toBe(2);
    // Other methods are still answered while those hang.
    await expect(h.api.getMe()).resolves.toMatchObject({ is_bot: true });
    h.emu.faults.clear();
    await expect(h.api.getUpdates({ timeout: 0 })).resolves.toEqual([]);
    // Calls already caught stay silent: a connection lost to dropped packets does not come back.
    expect(h.emu.hanging).toBe(2);
    // close() resolves only once the server has no connection left.
    await h.emu.close();
    expect(await first).toBeInstanceOf(HttpError);
    expect(await second).toBeInstanceOf(HttpError);
    expect(h.emu.hanging).toBe(0);
  });

  it('a hung call ends when its client gives up: grammY reports the deadline as an HttpError', async () => {
    h = await startHarness();
    h.emu.faults.hangNext('sendMessage');
    const impatient = new Api(h.emu.token, { apiRoot: h.emu.url, timeoutSeconds: 1 });
    const error = await impatient.sendMessage(1, 'lost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(String((error as HttpError).error)).toMatch(/timed out after 1 seconds/);
    expect(h.emu.calls.filter((c) => c.method === 'sendMessage').map((c) => c.outcome)).toEqual(['hung']);
    await h.emu.waitFor(() => h.emu.hanging === 0, { description: 'the server to see the client give up' });
    // The fault was used up: the next call is answered (with the error a chat nobody created gets).
    expect((await apiError(h.api.sendMessage(1, 'answered'))).error_code).toBe(400);
  });
});
