// What the chat shows of an agent session: its card (the latest turn's steps, edited in place), a permission
// request, a question, and the footer of an answer. Pure and plain text: the messenger escapes it.
import type { AgentRequest, AgentStep, AgentStepStatus, AgentTurnResult, AgentUsage, ApprovalDecision } from './agents.js';
import type { RenderedButton, RenderedMessage } from './cards.js';
import type { SessionView } from './sessions.js';

const STEP_MAX = 120;
/** Well under 4096 after escaping, like a tmux card. */
const CARD_BUDGET = 3000;
/** How much of a command, a diff or a question a request message shows: the message must stay one message. */
const REQUEST_PART_MAX = 1500;

const STATUS_MARK: Record<AgentStepStatus, string> = {
  running: '…', done: '✓', failed: '✗', declined: '⊘',
};

export interface AgentCardButtonIds {
  refresh: string;
  cancel: string;
  kill: string;
}

/** One line of a step on the card. */
export function stepLine(step: AgentStep): string {
  switch (step.kind) {
    case 'command': {
      // The command is cut, never its exit code.
      const exit = step.exitCode === null ? '' : ` (exit ${step.exitCode})`;
      return `${STATUS_MARK[step.status]} $ ${clip(oneLine(step.command), STEP_MAX - 4 - exit.length)}${exit}`;
    }
    case 'file':
      return clip(`${STATUS_MARK[step.status]} ${step.change === 'add' ? '+' : step.change === 'delete' ? '-' : '~'} ${step.path}`);
    case 'tool':
      return clip(`${STATUS_MARK[step.status]} ${step.name}${step.summary === '' ? '' : `: ${oneLine(step.summary)}`}`);
    case 'todo': {
      const done = step.items.filter((i) => i.done).length;
      const items = step.items.map((i) => `  ${i.done ? '[x]' : '[ ]'} ${clip(oneLine(i.text), STEP_MAX - 6)}`);
      return [`☐ to-do ${done}/${step.items.length}`, ...items].join('\n');
    }
    case 'reasoning':
      return clip(`· ${oneLine(step.headline)}`);
  }
}

const TURN_TEXT = { running: 'running', completed: 'done', cancelled: 'cancelled', failed: 'failed' } as const;

export function renderAgentCard(view: SessionView, ids: AgentCardButtonIds): RenderedMessage {
  const live = view.agentLive;
  const turn = live?.turn ?? null;
  const stateWord = view.state === 'waiting' ? 'waiting for you' : view.state === 'running' ? 'running' : 'idle';
  const label = view.alias === null ? view.name : `${view.name} (${view.alias})`;
  const head = [
    `${view.kind} ${label} — ${stateWord}${view.muted ? ' · muted' : ''}`,
    `in ${view.agent?.cwd ?? '?'}`,
    ...(turn === null ? [] : [`last turn: ${TURN_TEXT[turn.status]}${turn.reason === null ? '' : ` — ${oneLine(turn.reason)}`}`]),
    ...(live !== undefined && live.queued > 0 ? [`${live.queued} message${live.queued === 1 ? '' : 's'} queued`] : []),
  ];
  const body = turn === null ? ['(no turn yet: reply to this card or write in its topic)'] : turn.steps.map(stepLine);
  if (turn !== null && turn.status === 'running' && turn.textTail.trim() !== '') body.push(`✎ ${clip(oneLine(turn.textTail))}`);
  if (turn !== null && turn.usage !== null) body.push(usageLine(turn.usage));
  const text = [...head, '─'.repeat(24), ...newestThatFit(body, CARD_BUDGET - head.join('\n').length)].join('\n');
  const buttons: RenderedButton[][] = [[
    { text: 'Refresh', data: ids.refresh },
    ...(view.state === 'idle' ? [] : [{ text: 'Cancel turn', data: ids.cancel }]),
    { text: 'Kill', data: ids.kill },
  ]];
  return { text, pre: true, buttons, silent: true };
}

/** Tokens and cost, when the SDK told them. */
export function usageLine(usage: AgentUsage): string {
  const cost = usage.costUsd === null ? '' : ` · $${usage.costUsd.toFixed(4)}`;
  return `tokens: ${usage.inputTokens} in / ${usage.outputTokens} out${cost}`;
}

/** The text of a request message (plain; the messenger escapes it). */
export function requestText(label: string, request: AgentRequest): string {
  if (request.type === 'approval') {
    return [
      `🔐 ${label} asks to use ${request.tool}:`,
      ...(request.command === null ? [] : [`$ ${clip(request.command, REQUEST_PART_MAX)}`]),
      ...(request.path === null ? [] : [`file: ${request.path}`]),
      ...(request.diff === null ? [] : ['', clip(request.diff, REQUEST_PART_MAX)]),
      ...(request.reason === null ? [] : [`why: ${clip(request.reason, 300)}`]),
    ].join('\n');
  }
  const parts = request.questions.map((q) => [
    `${q.header === '' ? '' : `${q.header}: `}${clip(q.question, REQUEST_PART_MAX)}`,
    ...q.options.map((o) => `  • ${o.label}${o.description === '' ? '' : ` — ${clip(o.description, 200)}`}`),
  ].join('\n'));
  return [`❓ ${label} asks:`, ...parts, '', 'Press an answer, or reply to this message with your own.'].join('\n');
}

export const DECISION_TEXT: Record<ApprovalDecision, string> = {
  allow: 'Allowed',
  deny: 'Denied',
  'allow-session': 'Allowed for this session',
};

/** The last line of a request message once it is settled. */
export function settledLine(outcome: { by: string; answer: string } | { timedOutAfterMs: number } | { cancelled: true }): string {
  if ('by' in outcome) return `→ ${outcome.answer} (by ${outcome.by})`;
  if ('cancelled' in outcome) return '→ not answered: the turn ended';
  return `→ not answered in ${Math.round(outcome.timedOutAfterMs / 60_000) || '<1'} min: refused`;
}

/** The footer under a final answer. */
export function resultFooter(result: Extract<AgentTurnResult, { outcome: 'completed' }>): string | null {
  const parts = [
    ...(result.changedFiles.length === 0 ? [] : [`${result.changedFiles.length} file${result.changedFiles.length === 1 ? '' : 's'} changed`]),
    ...(result.usage === null ? [] : [usageLine(result.usage)]),
  ];
  return parts.length === 0 ? null : `— ${parts.join(' · ')}`;
}

function newestThatFit(lines: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const cost = line.length + 4 * (line.match(/[&<>]/g)?.length ?? 0) + 1;
    if (used + cost > budget) {
      out.unshift(`(${i + 1} earlier step${i === 0 ? '' : 's'})`);
      break;
    }
    out.unshift(line);
    used += cost;
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
}

function clip(text: string, max = STEP_MAX): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
