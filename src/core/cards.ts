// What a status card and an alert say. Pure: the bot renders with these and sends through the outbox. Text is plain
// (the messenger escapes it; cards are sent as one <pre> block so the terminal lines keep their columns).
import { renderAgentCard } from './agent-cards.js';
import type { AlertKind, FullScreen, SessionView } from './sessions.js';

export interface CardButtonIds {
  refresh: string;
  tail: string;
  /** Full-screen sessions (alternate screen): the screen as an image. */
  screen: string;
  ctrlC: string;
  enter: string;
  kill: string;
  /** Agent sessions: cancel the running turn. */
  cancel: string;
}

export interface RenderedButton {
  text: string;
  data: string;
}

export interface RenderedMessage {
  text: string;
  pre: boolean;
  buttons: RenderedButton[][];
  silent: boolean;
}

export const CARD_LINES = 15;
const LINE_MAX = 160;
/** Well under 4096 after escaping (&amp; is 5 characters for 1): the messenger would cut, but a card should not. */
const CARD_BUDGET = 3000;

const STATE_ICON: Record<SessionView['state'], string> = { running: '▶', idle: '⏸', waiting: '❓', exited: '■' };

export function sessionLabel(view: Pick<SessionView, 'name' | 'alias'>): string {
  return view.alias === null ? view.name : `${view.name} (${view.alias})`;
}

/**
 * A session's forum topic: the session first (what a person looks for in the topic list), then the machine it runs
 * on, so the topics of several machines in one group tell themselves apart (POCKET_HOST_LABEL).
 */
export function topicName(view: Pick<SessionView, 'name' | 'alias'>, hostLabel: string): string {
  return `${sessionLabel(view)} · ${hostLabel}`;
}

export function stateText(view: SessionView): string {
  if (view.state === 'exited') return view.exitCode === null ? 'exited' : `exited (code ${view.exitCode})`;
  if (view.state === 'waiting') return 'waiting for input';
  return view.state;
}

/** `hostLabel` names the machine in the command line, like a prompt (`laptop$ make`): cards of several machines can share a chat. */
export function renderCard(view: SessionView, lines: readonly string[], ids: CardButtonIds, hostLabel = ''): RenderedMessage {
  if (view.agentLive !== undefined) return renderAgentCard(view, ids);
  const head = [
    `${STATE_ICON[view.state]} ${sessionLabel(view)} — ${stateText(view)}${view.muted ? ' · muted' : ''}`,
    `${hostLabel}$ ${clipLine(view.command || '(shell)')}`,
  ];
  if (view.state === 'waiting' && view.prompt !== null) head.push(`? ${clipLine(view.prompt.question)}`);
  const shown = view.screen === undefined ? lines.slice(-CARD_LINES) : screenExcerpt(view.screen);
  const body = fitLines(shown.map((line) => clipLine(line)), CARD_BUDGET - head.join('\n').length);
  const text = [...head, '─'.repeat(24), ...(body.length === 0 ? ['(no output yet)'] : body)].join('\n');
  const look: RenderedButton[] = [{ text: 'Refresh', data: ids.refresh }, { text: 'Tail', data: ids.tail }];
  // A full-screen program draws rather than prints: the card's text is a cut of its screen, the picture is the screen.
  if (view.screen !== undefined) look.push({ text: 'Screen', data: ids.screen });
  const buttons: RenderedButton[][] =
    view.state === 'exited'
      ? [look]
      : [look, [{ text: 'Ctrl-C', data: ids.ctrlC }, { text: 'Enter', data: ids.enter }, { text: 'Kill', data: ids.kill }]];
  return { text, pre: true, buttons, silent: true };
}

/** The alert for an event; answer buttons only for a non-secret prompt (a password is typed by the person). */
export function renderAlert(view: SessionView, kind: AlertKind, answerIds: readonly string[]): RenderedMessage {
  const label = sessionLabel(view);
  if (kind === 'exited') {
    return { text: `■ ${label} exited${view.exitCode === null ? '' : ` with code ${view.exitCode}`}.`, pre: false, buttons: [], silent: false };
  }
  if (kind === 'gone' && view.kind === 'terminal') {
    return { text: `■ ${label} ended while pocket was stopped: its Terminal tab was closed. /sessions offers the open tabs.`, pre: false, buttons: [], silent: false };
  }
  if (kind === 'gone') {
    return {
      text: `■ ${label} ended while pocket was stopped: its tmux pane is gone (tmux was restarted, or the machine rebooted). Start it again with /new.`,
      pre: false, buttons: [], silent: false,
    };
  }
  if (kind === 'idle') {
    return { text: `⏸ ${label} has gone quiet.`, pre: false, buttons: [], silent: true };
  }
  const prompt = view.prompt;
  const question = prompt === null ? '' : `\n${prompt.question}`;
  const secret = prompt?.secret === true;
  const hint = secret ? '\nIt asks for a secret: reply to this message to type it.' : '\nReply to this message to answer.';
  const answers = secret || prompt === null ? [] : prompt.answers;
  const buttons = answers
    .map((answer, i) => ({ text: clipLine(answer.label, 40), data: answerIds[i] ?? '' }))
    .filter((b) => b.data !== '');
  // An editor or a pager holds the terminal (git rebase -i opened vim): say which, the question alone is its status line.
  const holder = prompt?.program === undefined ? '' : ` (${prompt.program} holds the terminal)`;
  return { text: `❓ ${label} waits for input${holder}:${question}${hint}`, pre: false, buttons: rows(buttons, 3), silent: false };
}

/** A one-line entry of /sessions. */
export function sessionLine(view: SessionView): string {
  return `${STATE_ICON[view.state]} ${sessionLabel(view)} — ${stateText(view)}${view.muted ? ', muted' : ''} — ${clipLine(view.command || '(shell)', 60)}`;
}

function rows<T>(items: T[], width: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += width) out.push(items.slice(i, i + width));
  return out;
}

function clipLine(line: string, max = LINE_MAX): string {
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A full-screen program's screen in a card's lines: the rows down to the cursor, which is where the program is (the
 * line being edited in vim, the prompt under the page in less), or the top rows when the cursor is near the top.
 */
function screenExcerpt(screen: FullScreen): string[] {
  const end = Math.min(screen.lines.length, Math.max(screen.cursorRow + 1, CARD_LINES));
  return screen.lines.slice(Math.max(0, end - CARD_LINES), end);
}

/** The newest lines that fit the budget (escaped length counted generously). */
function fitLines(lines: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const cost = line.length + 4 * (line.match(/[&<>]/g)?.length ?? 0) + 1;
    if (used + cost > budget) break;
    out.unshift(line);
    used += cost;
  }
  return out;
}
