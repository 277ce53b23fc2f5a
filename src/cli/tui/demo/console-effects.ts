// What Enter does, decided from the state alone: send the typed message, press a button, switch topic, or quit.
// The console app performs the effect; keeping the decision here keeps it testable without a terminal.

import { pressable } from '../../../demo/conversation.js';
import { findButton, findTopic, parseConsoleInput } from '../../../demo/console-input.js';
import { type ConsoleState, type Notice, visibleThread } from './console-reducer.js';

export type ConsoleEffect =
  | { kind: 'none' }
  | { kind: 'quit' }
  | { kind: 'send'; text: string; threadId: number | undefined; replyTo: number | undefined }
  | { kind: 'press'; messageId: number; data: string; label: string }
  | { kind: 'topic'; threadId: number | null }
  | { kind: 'notice'; notice: Notice };

export function effectOfSubmit(state: ConsoleState): ConsoleEffect {
  const focus = state.focus;
  if (focus.kind === 'buttons') {
    const line = visibleThread(state).find((l) => l.id === focus.messageId);
    const button = line === undefined ? undefined : pressable(line)[focus.index];
    return line === undefined || button === undefined
      ? { kind: 'none' }
      : { kind: 'press', messageId: line.id, data: button.data, label: button.text };
  }
  const command = parseConsoleInput(state.input);
  switch (command.kind) {
    case 'empty':
      return { kind: 'none' };
    case 'quit':
      return { kind: 'quit' };
    case 'send':
      return { kind: 'send', text: command.text, threadId: state.topic ?? undefined, replyTo: state.replyTo };
    case 'press': {
      const target = findButton(visibleThread(state), command.selector);
      if (typeof target === 'string') return { kind: 'notice', notice: { text: target, tone: 'error' } };
      return { kind: 'press', messageId: target.messageId, data: target.button.data, label: target.button.text };
    }
    case 'topic': {
      const topic = findTopic(state.view.topics, command.name);
      if (typeof topic === 'string') return { kind: 'notice', notice: { text: topic, tone: 'error' } };
      return { kind: 'topic', threadId: topic.threadId };
    }
  }
}
