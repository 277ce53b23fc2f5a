// Session lifecycle commands: /sessions, /new, /attach, /alias, /kill (which only asks; the Yes button kills).
import { type Context, Composer } from 'grammy';
import { sessionLabel, sessionLine } from '../../core/cards.js';
import type { SessionView } from '../../core/sessions.js';
import { act, describeError, type Kit, parsed, reply, resolveOrReply, who } from './kit.js';

export function sessionsFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();

  composer.command('sessions', async (ctx) => {
    if (parsed(kit, ctx, 'sessions') === null) return;
    let adoptable: string[] = [];
    try {
      adoptable = (await kit.sessions.adoptable()).map((p) => `${p.paneId}  ${p.target}  ${p.command}  (${p.cwd})`);
    } catch (error) {
      adoptable = [`(could not list panes: ${describeError(kit, error).split('\n')[0]})`];
    }
    // /sessions does not wait for the commands sent before it (core/update-lanes.ts): say what is not listed yet.
    // Both read at the same moment, after the tmux call above: a /new that finished while tmux answered is listed,
    // one still running is counted, none falls between the two.
    const known = kit.sessions.list();
    const running = kit.commandsStillRunning();
    const text = [
      // Each machine's bot answers a bare /sessions in a shared group: say which machine this list is from.
      known.length === 0 ? `No sessions on ${kit.hostLabel} yet. Start one with /new NAME [COMMAND].` : `Sessions on ${kit.hostLabel}:`,
      ...known.map(sessionLine),
      ...(running === 0 ? [] : ['', `${running} earlier ${running === 1 ? 'command is' : 'commands are'} still running; what ${running === 1 ? 'it does' : 'they do'} is not listed yet.`]),
      ...(adoptable.length === 0 ? [] : ['', 'Panes you could /attach:', ...adoptable]),
    ].join('\n');
    kit.audit.record({ ...who(ctx), action: 'sessions', outcome: 'ok' });
    void reply(kit, ctx, text);
  });

  composer.command('new', async (ctx) => {
    const command = parsed(kit, ctx, 'new', 'new');
    if (command === null) return;
    let created: SessionView | undefined;
    const ok = await act(kit, ctx, 'new', { detail: `${command.name} ${command.command ?? ''}`.trim() }, async () => {
      created = await kit.sessions.create(command.name, command.command);
    });
    if (ok && created !== undefined) void reply(kit, ctx, `Started ${sessionLabel(created)}: ${created.command || 'a shell'}.`, { sessionId: created.id });
  });

  composer.command('attach', async (ctx) => {
    const command = parsed(kit, ctx, 'attach', 'attach');
    if (command === null) return;
    let adopted: SessionView | undefined;
    const ok = await act(kit, ctx, 'attach', { detail: `${command.target} ${command.name ?? ''}`.trim() }, async () => {
      adopted = await kit.sessions.attach(command.target, command.name);
    });
    if (ok && adopted !== undefined) void reply(kit, ctx, `Attached ${command.target} as ${sessionLabel(adopted)}.`, { sessionId: adopted.id });
  });

  composer.command('alias', async (ctx) => {
    const command = parsed(kit, ctx, 'alias', 'alias');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'alias');
    if (view === null) return;
    const ok = await act(kit, ctx, 'alias', { sessionId: view.id, detail: command.alias }, () =>
      kit.sessions.setAlias(view.id, command.alias).then(() => undefined),
    );
    if (ok) void reply(kit, ctx, `${view.name} is now also ${command.alias}.`);
  });

  composer.command('kill', async (ctx) => {
    const command = parsed(kit, ctx, 'kill', 'kill');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'kill');
    if (view === null) return;
    kit.audit.record({ ...who(ctx), action: 'kill', outcome: 'ok', sessionId: view.id, reason: 'confirmation asked' });
    void askKill(kit, view, { chatId: ctx.chat?.id ?? kit.chatId, replyTo: ctx.msg?.message_id, threadId: threadOf(ctx) });
  });

  return composer;
}

/** Kill asks first: one-shot Yes/No buttons bound to this session. */
export function askKill(kit: Kit, view: SessionView, where: { chatId: number; replyTo?: number | undefined; threadId?: number | undefined }): Promise<number[]> {
  const [yes, no] = kit.registry.oneShot(view.id, [{ type: 'kill-confirm' }, { type: 'kill-cancel' }], kit.now());
  return kit.delivery.text(
    { chatId: where.chatId, ...(where.threadId === undefined ? {} : { threadId: where.threadId }) },
    `Kill ${sessionLabel(view)}? Its process ends${view.adopted ? ' (only the adopted pane is closed)' : ''}.`,
    { ...(where.replyTo === undefined ? {} : { replyTo: where.replyTo }), buttons: [[{ text: 'Yes, kill', data: yes! }, { text: 'No', data: no! }]] },
  );
}

function threadOf(ctx: Context): number | undefined {
  return ctx.msg?.is_topic_message === true ? ctx.msg.message_thread_id : undefined;
}
