// Agent sessions from the chat: /claude and /codex start one (in @FOLDER when given), /cancel stops a running turn,
// /resume continues a conversation from the agents' own stores (also one started at the desk), and a photo goes to
// an agent as an image. Continuing by reply, topic or /send goes through the input feature (sendToAgent below).
import { writeFileSync } from 'node:fs';
import { type Context, Composer } from 'grammy';
import type { AgentImage, AgentInput, AgentKind, RecentAgentSession } from '../../core/agents.js';
import { sessionLabel } from '../../core/cards.js';
import { parseCommand } from '../../core/commands.js';
import type { SessionView } from '../../core/sessions.js';
import type { Place } from '../delivery.js';
import { RECEIPT_FAILED, RECEIPT_OK } from './input.js';
import { act, describeError, type Kit, parsed, placeOf, reply, resolveOrReply, routeOf, who } from './kit.js';

const RESUME_CHOICES = 8;
const AGENT_KINDS: readonly AgentKind[] = ['claude', 'codex'];

export function agentsFeature(kit: Kit): Composer<Context> {
  const composer = new Composer<Context>();

  for (const name of AGENT_KINDS) {
    composer.command(name, async (ctx) => {
      const command = parsed(kit, ctx, name, 'agent');
      if (command === null || !hasAgents(kit, ctx)) return;
      await startAgent(kit, ctx, name, command.folder, { text: command.prompt, images: [] });
    });
  }

  composer.command('cancel', async (ctx) => {
    const command = parsed(kit, ctx, 'cancel', 'cancel');
    if (command === null || !hasAgents(kit, ctx)) return;
    let view: SessionView | null;
    if (command.session !== undefined) view = resolveOrReply(kit, ctx, command.session, 'cancel');
    else {
      const busy = kit.sessions.list().filter((s) => s.agent !== undefined && s.state !== 'idle');
      if (busy.length !== 1) {
        void reply(kit, ctx, busy.length === 0 ? 'No agent turn is running.' : `Which one? ${busy.map((s) => s.name).join(', ')} are running: /cancel SESSION.`);
        return;
      }
      view = busy[0]!;
    }
    if (view === null) return;
    const target = view;
    let outcome = { wasRunning: false, dropped: 0 };
    const ok = await act(kit, ctx, 'cancel', { sessionId: target.id }, async () => {
      outcome = await kit.agents!.cancel(target.id);
    });
    if (!ok) return;
    const dropped = outcome.dropped === 0 ? '' : ` ${outcome.dropped} queued message${outcome.dropped === 1 ? '' : 's'} dropped.`;
    void reply(kit, ctx, outcome.wasRunning ? `Cancelling ${sessionLabel(target)}’s turn.${dropped}` : `${sessionLabel(target)} runs no turn.`, { sessionId: target.id });
  });

  composer.command('resume', async (ctx) => {
    const command = parsed(kit, ctx, 'resume', 'resume');
    if (command === null || !hasAgents(kit, ctx)) return;
    const agents = kit.agents!;
    if (command.agent === undefined) {
      const available = await Promise.all(AGENT_KINDS.map(async (k) => ({ kind: k, availability: await agents.availability(k) })));
      const missing = available.filter((a) => !a.availability.ok);
      if (missing.length === AGENT_KINDS.length) {
        const how = missing.map((m) => `${m.kind}: ${m.availability.ok ? '' : m.availability.install}`).join('\n');
        kit.audit.record({ ...who(ctx), action: 'resume', outcome: 'failed', reason: 'no agent available' });
        void reply(kit, ctx, `Neither Claude nor Codex is available on this machine. Install one there with:\n${how}`);
        return;
      }
    }
    let found: RecentAgentSession[] = [];
    const listed = await act(kit, ctx, 'resume', { detail: `${command.agent ?? ''} ${command.id ?? ''}`.trim() }, async () => {
      found = await agents.recent(command.agent, command.id === undefined ? RESUME_CHOICES : 200);
    });
    if (!listed) return;
    if (command.id !== undefined) {
      const match = found.find((r) => r.agentSessionId === command.id);
      if (match === undefined) {
        void reply(kit, ctx, `No ${command.agent ?? 'Codex or Claude'} conversation ${command.id} in the agent folder. /resume lists the recent ones.`);
        return;
      }
      await resumeInto(kit, placeOf(ctx), match.kind, match.agentSessionId, ctx);
      return;
    }
    if (found.length === 0) {
      void reply(kit, ctx, `No recent ${command.agent ?? 'Codex or Claude'} conversations in the agent folder.`);
      return;
    }
    const now = kit.now();
    const ids = kit.registry.oneShot('', found.map((r) => ({ type: 'agent-resume', kind: r.kind, agentSessionId: r.agentSessionId })), now);
    // Redacted before the cut, as everything cut to fit: a token cut in half has no shape left.
    const buttons = found.map((r, i) => [{ text: `${r.kind} · ${age(now - r.updatedAt)} · ${clip(oneLine(kit.redactor.text(r.firstPrompt)), 40)}`, data: ids[i]! }]);
    void reply(kit, ctx, 'Recent conversations, newest first. Choose one to continue it here:', { buttons });
  });

  composer.on('message:photo', async (ctx) => {
    if (!hasAgents(kit, ctx)) return;
    // grammY matches commands in text only: a caption's /claude, /codex or /send is read here.
    const caption = ctx.message.caption ?? '';
    const captioned = /^\/(claude|codex|send)(?:@\w+)?(?:[ \t\n]+([\s\S]*))?$/.exec(caption);
    if (captioned !== null) {
      const name = captioned[1]!;
      const command = parseCommand(name, captioned[2] ?? '', {
        implied: routeOf(kit, ctx)?.sessionId ?? null,
        isSession: (word) => kit.sessions.list().some((s) => s.name === word || s.alias === word),
      });
      if (command === null || !command.ok) {
        void reply(kit, ctx, command?.ok === false ? command.usage : 'Unknown command.');
        return;
      }
      if (command.command.kind === 'agent') {
        const image = await photoOf(kit, ctx);
        if (image === 'failed' || image === null) return;
        await startAgent(kit, ctx, command.command.agent, command.command.folder, { text: command.command.prompt, images: [image] });
        return;
      }
      if (command.command.kind !== 'send') return;
      // The session first: a photo for a session that does not exist is not downloaded (it would stay on disk).
      const target = resolveOrReply(kit, ctx, command.command.session, 'send');
      if (target === null) return;
      const image = await photoOf(kit, ctx);
      if (image === 'failed' || image === null) return;
      await sendToAgent(kit, ctx, target.id, { text: command.command.text, images: [image] }, 'send');
      return;
    }
    const route = routeOf(kit, ctx);
    const view = route === null ? undefined : kit.sessions.get(route.sessionId);
    if (view === undefined || view.agent === undefined) {
      kit.audit.record({ ...who(ctx), action: 'photo', outcome: 'failed', reason: 'no agent session' });
      void reply(kit, ctx, 'Photos go to agent sessions: reply to a Claude or Codex session’s message, write in its topic, or caption the photo with /claude or /codex.');
      return;
    }
    const image = await photoOf(kit, ctx);
    if (image === 'failed' || image === null) return;
    await sendToAgent(kit, ctx, view.id, { text: ctx.message.caption ?? '', images: [image] }, `photo:${route!.via}`);
  });

  return composer;
}

/** Continues an agent session with this input; the person sees a receipt, and how many turns are ahead of theirs. */
export async function sendToAgent(kit: Kit, ctx: Context, sessionId: string, input: AgentInput, action: string): Promise<void> {
  if (!hasAgents(kit, ctx)) return;
  let ahead = 0;
  const ok = await act(kit, ctx, action, { sessionId, detail: input.text }, async () => {
    ({ ahead } = await kit.agents!.send(sessionId, input));
  });
  const chatId = ctx.chat?.id;
  const messageId = ctx.msg?.message_id;
  if (ok && ahead > 0) void reply(kit, ctx, `Queued, ${ahead} ahead: it goes to the agent when ${ahead === 1 ? 'the running turn ends' : 'the turns before it end'}.`, { sessionId });
  if (chatId === undefined || messageId === undefined) return;
  void kit.react(chatId, messageId, ok ? RECEIPT_OK : RECEIPT_FAILED).catch((error: unknown) => {
    kit.log.debug('bot.receipt_failed', { error: describeError(kit, error) });
  });
}

/** Continues a stored conversation as a pocket session and says so, its last exchange first. */
export async function resumeInto(kit: Kit, place: Place, kind: AgentKind, agentSessionId: string, ctx: Context): Promise<string> {
  const agents = kit.agents;
  if (agents === null) return 'Agents are not available here.';
  try {
    const resumed = await agents.resume(kind, agentSessionId);
    kit.audit.record({ ...who(ctx), action: 'resume', outcome: 'ok', sessionId: resumed.session.id, detail: `${kind} ${agentSessionId}` });
    const label = sessionLabel(resumed.session);
    const last = resumed.last === null ? null : { prompt: kit.redactor.text(resumed.last.prompt), answer: kit.redactor.text(resumed.last.answer) };
    const lines = [
      resumed.reused ? `${kind} conversation ${agentSessionId} is already session ${label}.` : `Continuing ${kind} conversation ${agentSessionId} as session ${label}.`,
      ...(resumed.fork ? ['Its transcript changed in the last 5 minutes: it may still be open at the desk, so this continues as a fork (a copy); the original stays as it is.'] : []),
      ...(last === null ? [] : ['', 'Last exchange:', `› ${clip(last.prompt, 1000)}`, '', clip(last.answer, 2500)]),
      '',
      'Reply to this message or write in its topic to continue.',
    ];
    void kit.delivery.text({ ...place, sessionId: resumed.session.id }, lines.join('\n'));
    return `Continuing as ${resumed.session.name}`;
  } catch (error) {
    kit.audit.record({ ...who(ctx), action: 'resume', outcome: 'failed', reason: describeError(kit, error).split('\n')[0], detail: `${kind} ${agentSessionId}` });
    void kit.delivery.text(place, describeError(kit, error));
    return 'Not resumed';
  }
}

async function startAgent(kit: Kit, ctx: Context, kind: AgentKind, folder: string | undefined, input: AgentInput): Promise<void> {
  let view: SessionView | undefined;
  const ok = await act(kit, ctx, kind, { detail: `${folder === undefined ? '' : `@${folder} `}${input.text}`.trim() }, async () => {
    view = await kit.agents!.startSession({ kind, folder, input });
  });
  if (!ok || view === undefined) return;
  const started = input.text.trim() !== '' || input.images.length > 0;
  void reply(kit, ctx, [
    `Started ${kind} session ${sessionLabel(view)} in ${view.agent?.cwd ?? '?'}.`,
    started ? 'Working on it: its card shows what it does; the answer comes as a new message.' : 'Reply to this message or write in its topic to give it a task.',
  ].join('\n'), { sessionId: view.id });
}

/** The message's photo saved for the agent (0600, deleted after its turn); 'failed' when it was answered already. */
async function photoOf(kit: Kit, ctx: Context): Promise<AgentImage | null | 'failed'> {
  const largest = ctx.msg?.photo?.at(-1);
  if (largest === undefined) return null;
  try {
    const bytes = await kit.download(largest.file_id);
    const path = kit.agents!.imagePath('jpg');
    writeFileSync(path, bytes, { mode: 0o600 });
    return { path, mimeType: 'image/jpeg' };
  } catch (error) {
    kit.audit.record({ ...who(ctx), action: 'photo', outcome: 'failed', reason: 'download failed' });
    void reply(kit, ctx, `The photo could not be fetched from Telegram: ${describeError(kit, error)}`);
    return 'failed';
  }
}

function hasAgents(kit: Kit, ctx: Context): boolean {
  if (kit.agents !== null) return true;
  void reply(kit, ctx, 'This pocket daemon runs no coding agents.');
  return false;
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} d ago`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
