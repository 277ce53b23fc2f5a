// Session lifecycle commands: /sessions, /new, /attach, /alias, /kill (which only asks; the Yes button kills).
import { type Context, Composer } from 'grammy';
import { sessionLabel, sessionLine } from '../../core/cards.js';
import { isPocketError } from '../../core/errors.js';
import type { SessionView } from '../../core/sessions.js';
import { type TabInfo, tabLabel } from '../../core/terminal-tabs.js';
import type { Place } from '../delivery.js';
import { act, describeError, type Kit, parsed, placeOf, reply, resolveOrReply, who } from './kit.js';

/** The seed's safeguard, said once per home, at the first Terminal.app adoption. */
export const TERMINAL_HISTORY_WARNING =
  'Note: a mirrored Terminal.app tab brings its visible history with it. /tail, /summary, /screen and its card may send '
  + 'anything that tab showed (commands, output, secrets that were printed) into Telegram; redaction catches only known '
  + 'secret shapes. /kill stops mirroring (the tab stays open).';

/** Buttons for at most this many tabs: one message, no scrolling wall of buttons. */
const TAB_BUTTONS = 20;

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
    const tabs = await adoptableTabs(kit);
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
    if (typeof tabs === 'string') void reply(kit, ctx, tabs);
    else if (tabs.length > 0) {
      const shown = tabs.slice(0, TAB_BUTTONS);
      const ids = kit.registry.oneShot('', shown.map((tab) => ({ type: 'adopt-tab', tty: tab.tty })), kit.now());
      const more = tabs.length > shown.length ? ` (${tabs.length - shown.length} more: /attach ttysNNN)` : '';
      void reply(kit, ctx, `Terminal.app tabs you could mirror${more}:`, { buttons: shown.map((tab, i) => [{ text: tabLabel(tab), data: ids[i]! }]) });
    }
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
    if (ok && adopted !== undefined) announceAdopted(kit, { ...placeOf(ctx), ...(ctx.msg === undefined ? {} : { replyTo: ctx.msg.message_id }) }, adopted, command.target);
  });

  composer.command('alias', async (ctx) => {
    const command = parsed(kit, ctx, 'alias', 'alias');
    if (command === null) return;
    const view = resolveOrReply(kit, ctx, command.session, 'alias');
    if (view === null) return;
    const ok = await act(kit, ctx, 'alias', { sessionId: view.id, detail: command.alias }, () =>
      kit.sessions.setAlias(view.id, command.alias).then(() => undefined),
    );
    // A session has one alias: a new one replaces the old, which the answer says so nobody keeps using it.
    const replaced = view.alias !== null && view.alias !== command.alias ? ` (no longer ${view.alias})` : '';
    if (ok) void reply(kit, ctx, `${view.name} is now also ${command.alias}${replaced}.`);
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
    view.kind === 'terminal'
      ? `Stop mirroring ${sessionLabel(view)}? The Terminal tab stays open; pocket forgets the session.`
      : `Kill ${sessionLabel(view)}? Its process ends${view.adopted ? ' (only the adopted pane is closed)' : ''}.`,
    { ...(where.replyTo === undefined ? {} : { replyTo: where.replyTo }), buttons: [[{ text: 'Yes, kill', data: yes! }, { text: 'No', data: no! }]] },
  );
}

/**
 * Tabs /sessions offers, or one line saying why it cannot list them. Nothing where Terminal.app does not exist:
 * a Linux user has no tabs to be told about at every /sessions.
 */
async function adoptableTabs(kit: Kit): Promise<TabInfo[] | string> {
  try {
    return await kit.sessions.adoptableTabs();
  } catch (error) {
    if (isPocketError(error) && error.code === 'TERMINAL_APP_UNAVAILABLE') return [];
    return `Could not list Terminal.app tabs: ${describeError(kit, error)}`;
  }
}

/** Says which session an adopted pane or tab became; the first tab ever adopted here brings the history warning. */
export function announceAdopted(kit: Kit, where: Place & { replyTo?: number }, view: SessionView, target: string): void {
  const { replyTo, ...place } = where;
  const what = view.kind === 'terminal' ? `the Terminal tab ${view.paneId.replace(/^\/dev\//, '')}` : target;
  void kit.delivery.text({ ...place, sessionId: view.id }, `Attached ${what} as ${sessionLabel(view)}.`, replyTo === undefined ? {} : { replyTo });
  if (view.kind === 'terminal' && kit.firstTime('terminal-history')) void kit.delivery.text(place, TERMINAL_HISTORY_WARNING);
}

function threadOf(ctx: Context): number | undefined {
  return ctx.msg?.is_topic_message === true ? ctx.msg.message_thread_id : undefined;
}
