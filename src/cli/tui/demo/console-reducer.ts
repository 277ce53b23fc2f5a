// The chat console's state: the conversation as last seen, the topic shown, the input line, where the focus is
// (input, a selected message, or one button of it), the message being replied to, and a one-line notice.

import { type ChatLine, type ConversationView, linesInTopic, pressable } from '../../../demo/conversation.js';

export type Focus =
  | { kind: 'input' }
  | { kind: 'messages'; messageId: number }
  | { kind: 'buttons'; messageId: number; index: number };

export interface Notice {
  text: string;
  tone: 'info' | 'error' | 'alert';
}

export interface ConsoleState {
  view: ConversationView;
  /** Thread shown and written to; null is General (the whole chat when private). */
  topic: number | null;
  input: string;
  focus: Focus;
  replyTo: number | undefined;
  notice: Notice | undefined;
  /** Per topic (topicKey), the newest message id the user has had on screen: the rest counts as unread. */
  seenUpTo: Record<string, number>;
}

export type ConsoleAction =
  | { type: 'viewChanged'; view: ConversationView }
  | { type: 'typed'; text: string }
  | { type: 'erased' }
  | { type: 'submitted' }
  | { type: 'selectMessages' }
  | { type: 'focusButtons' }
  | { type: 'back' }
  | { type: 'moved'; direction: 'up' | 'down' | 'left' | 'right' }
  | { type: 'replyToFocused' }
  | { type: 'topicCycled'; delta: number }
  | { type: 'topicChosen'; threadId: number | null }
  | { type: 'noticeShown'; notice: Notice };

export function initialConsoleState(view: ConversationView): ConsoleState {
  return markSeen({ view, topic: null, input: '', focus: { kind: 'input' }, replyTo: undefined, notice: undefined, seenUpTo: {} });
}

export const topicKey = (threadId: number | null): string => (threadId === null ? 'general' : String(threadId));

/** Bot messages per topic (topicKey) that arrived while another topic was on screen. */
export function unreadCounts(state: ConsoleState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of state.view.lines) {
    const key = topicKey(line.threadId);
    if (line.from === 'bot' && line.id > (state.seenUpTo[key] ?? 0)) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function markSeen(state: ConsoleState): ConsoleState {
  const newest = visibleThread(state).at(-1)?.id ?? 0;
  const key = topicKey(state.topic);
  if ((state.seenUpTo[key] ?? 0) >= newest) return state;
  return { ...state, seenUpTo: { ...state.seenUpTo, [key]: newest } };
}

/** The lines of the topic on screen. */
export function visibleThread(state: ConsoleState): ChatLine[] {
  return linesInTopic(state.view.lines, state.topic);
}

export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'viewChanged':
      return viewChanged(state, action.view);
    case 'typed':
      // Pasted newlines would split a command: the input line holds one message.
      return { ...state, input: state.input + action.text.replace(/[\r\n]+/g, ' '), focus: { kind: 'input' } };
    case 'erased':
      return { ...state, input: [...state.input].slice(0, -1).join('') };
    case 'submitted':
      return { ...state, input: '', replyTo: undefined, focus: { kind: 'input' } };
    case 'selectMessages': {
      const newest = visibleThread(state).at(-1);
      return newest === undefined ? state : { ...state, focus: { kind: 'messages', messageId: newest.id } };
    }
    case 'focusButtons':
      return focusButtons(state);
    case 'back':
      if (state.focus.kind !== 'input') return { ...state, focus: { kind: 'input' } };
      return { ...state, replyTo: undefined, notice: undefined };
    case 'moved':
      return moved(state, action.direction);
    case 'replyToFocused':
      if (state.focus.kind === 'input') return state;
      return { ...state, replyTo: state.focus.messageId, focus: { kind: 'input' } };
    case 'topicCycled': {
      const topics = state.view.topics;
      const at = Math.max(0, topics.findIndex((t) => t.threadId === state.topic));
      const next = topics[(at + action.delta + topics.length) % topics.length];
      return next === undefined ? state : switchTopic(state, next.threadId);
    }
    case 'topicChosen':
      return switchTopic(state, action.threadId);
    case 'noticeShown':
      return { ...state, notice: action.notice };
  }
}

function switchTopic(state: ConsoleState, threadId: number | null): ConsoleState {
  if (threadId === state.topic) return state;
  return markSeen({ ...state, topic: threadId, focus: { kind: 'input' }, replyTo: undefined });
}

function viewChanged(state: ConsoleState, view: ConversationView): ConsoleState {
  const next: ConsoleState = { ...state, view };
  // A topic deleted under us, or a focused message deleted: fall back rather than point at nothing.
  if (!view.topics.some((t) => t.threadId === state.topic)) Object.assign(next, { topic: null, focus: { kind: 'input' } });
  const lines = visibleThread(next);
  const focus = next.focus;
  if (focus.kind !== 'input') {
    const line = lines.find((l) => l.id === focus.messageId);
    if (line === undefined) next.focus = { kind: 'input' };
    else if (focus.kind === 'buttons') {
      const count = pressable(line).length;
      next.focus = count === 0 ? { kind: 'messages', messageId: line.id } : { ...focus, index: Math.min(focus.index, count - 1) };
    }
  }
  if (next.replyTo !== undefined && !view.lines.some((l) => l.id === next.replyTo)) next.replyTo = undefined;
  const fresh = view.notices.slice(state.view.notices.length).at(-1);
  if (fresh !== undefined) next.notice = { text: fresh.text, tone: fresh.alert ? 'alert' : 'info' };
  return markSeen(next);
}

/** Tab: the buttons of the selected message, else of the newest message that has any. */
function focusButtons(state: ConsoleState): ConsoleState {
  const lines = visibleThread(state);
  const selected = state.focus.kind === 'messages' ? lines.find((l) => l.id === (state.focus as { messageId: number }).messageId) : undefined;
  const target = selected !== undefined && pressable(selected).length > 0
    ? selected
    : lines.findLast((l) => pressable(l).length > 0);
  if (target === undefined) return { ...state, notice: { text: 'no buttons to press yet', tone: 'info' } };
  return { ...state, focus: { kind: 'buttons', messageId: target.id, index: 0 } };
}

function moved(state: ConsoleState, direction: 'up' | 'down' | 'left' | 'right'): ConsoleState {
  const focus = state.focus;
  if (focus.kind === 'input') return state;
  const lines = visibleThread(state);
  const at = lines.findIndex((l) => l.id === focus.messageId);
  if (at < 0) return { ...state, focus: { kind: 'input' } };
  if (focus.kind === 'messages') {
    if (direction === 'left' || direction === 'right') return state;
    const next = lines[Math.min(lines.length - 1, Math.max(0, at + (direction === 'up' ? -1 : 1)))]!;
    return { ...state, focus: { kind: 'messages', messageId: next.id } };
  }
  if (direction === 'left' || direction === 'right') {
    const count = Math.max(1, pressable(lines[at]!).length);
    const index = (focus.index + (direction === 'left' ? -1 : 1) + count) % count;
    return { ...state, focus: { ...focus, index } };
  }
  // Up/down among the messages that have buttons.
  const candidates = direction === 'up' ? lines.slice(0, at).reverse() : lines.slice(at + 1);
  const next = candidates.find((l) => pressable(l).length > 0);
  return next === undefined ? state : { ...state, focus: { kind: 'buttons', messageId: next.id, index: 0 } };
}
