// The `pocket demo` chat console: the conversation as a phone shows it, live; an input line that sends as the demo
// user; buttons to focus and press; replies; a topic switcher in forum mode. State in console-reducer.ts, keys in
// keys.ts, what Enter does in console-effects.ts; this file only wires them to the chat.

import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { DemoChat } from '../../../demo/demo-chat.js';
import { effectOfSubmit } from './console-effects.js';
import { type ConsoleAction, consoleReducer, initialConsoleState, topicKey, unreadCounts, visibleThread } from './console-reducer.js';
import { KEY_HINTS, keyToAction } from './keys.js';
import { MessageView } from './message-view.js';
import { windowOf } from './view-window.js';

export interface ConsoleAppProps {
  chat: DemoChat;
  onQuit: () => void;
}

/** Rows taken by everything but the messages: header, topics, notice, reply banner, input, footer. */
const CHROME_ROWS = 7;

export function ConsoleApp({ chat, onQuit }: ConsoleAppProps) {
  const [state, dispatchToReact] = useReducer(consoleReducer, undefined, () => initialConsoleState(chat.view()));
  // Keys can arrive faster than renders (Tab, → and Enter in one burst): the ref follows every action at once, so
  // each key sees where the focus is now, not where it was at the last render.
  const latest = useRef(state);
  const dispatch = useCallback((action: ConsoleAction) => {
    latest.current = consoleReducer(latest.current, action);
    dispatchToReact(action);
  }, []);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();

  useEffect(() => {
    dispatch({ type: 'viewChanged', view: chat.view() });
    return chat.onChange(() => dispatch({ type: 'viewChanged', view: chat.view() }));
  }, [chat, dispatch]);

  const submit = () => {
    const state = latest.current;
    const effect = effectOfSubmit(state);
    try {
      switch (effect.kind) {
        case 'none':
          return;
        case 'quit':
          onQuit();
          exit();
          return;
        case 'notice':
          dispatch({ type: 'noticeShown', notice: effect.notice });
          return;
        case 'topic':
          dispatch({ type: 'topicChosen', threadId: effect.threadId });
          dispatch({ type: 'submitted' });
          return;
        case 'send':
          chat.send(effect.text, { threadId: effect.threadId, replyTo: effect.replyTo });
          dispatch({ type: 'submitted' });
          return;
        case 'press':
          chat.press(effect.messageId, effect.data);
          dispatch({ type: 'noticeShown', notice: { text: `pressed [${effect.label}]`, tone: 'info' } });
          if (state.focus.kind === 'input') dispatch({ type: 'submitted' });
          return;
      }
    } catch (error) {
      // The emulator refuses what Telegram would (a deleted topic, a vanished button): say so, keep the input.
      dispatch({ type: 'noticeShown', notice: { text: (error as Error).message.replace(/^emulator: /, ''), tone: 'error' } });
    }
  };

  useInput(
    (input, key) => {
      const action = keyToAction(input, key, latest.current.focus.kind);
      if (action === null) return;
      switch (action.type) {
        case 'quit':
          onQuit();
          exit();
          return;
        case 'submit':
          submit();
          return;
        case 'erase':
          dispatch({ type: 'erased' });
          return;
        case 'type':
          dispatch({ type: 'typed', text: input });
          return;
        case 'focusButtons':
          dispatch({ type: 'focusButtons' });
          return;
        case 'selectMessages':
          dispatch({ type: 'selectMessages' });
          return;
        case 'back':
          dispatch({ type: 'back' });
          return;
        case 'move':
          dispatch({ type: 'moved', direction: action.direction });
          return;
        case 'reply':
          dispatch({ type: 'replyToFocused' });
          return;
        case 'topic':
          dispatch({ type: 'topicCycled', delta: action.delta });
          return;
      }
    },
    { isActive: isRawModeSupported },
  );

  const lines = visibleThread(state);
  const focus = state.focus;
  const anchor = focus.kind === 'input' ? undefined : focus.messageId;
  const rows = Math.max(6, (stdout.rows ?? 24) - CHROME_ROWS);
  const shown = windowOf(lines, rows, anchor);
  const replyLine = state.replyTo === undefined ? undefined : state.view.lines.find((l) => l.id === state.replyTo);
  return (
    <Box flexDirection="column">
      <Header chat={chat} online={state.view.botOnline} />
      {chat.forum ? <TopicBar topics={state.view.topics} current={state.topic} unread={unreadCounts(state)} /> : null}
      {shown.hiddenAbove > 0 ? <Text dimColor>{`  ↑ ${shown.hiddenAbove} earlier messages`}</Text> : null}
      {lines.length === 0 ? <Text dimColor>  No messages yet. Try /help or /new build sleep 3; echo done</Text> : null}
      {shown.lines.map((line) => (
        <MessageView
          key={line.id}
          line={line}
          selected={focus.kind !== 'input' && focus.messageId === line.id}
          focusedButton={focus.kind === 'buttons' && focus.messageId === line.id ? focus.index : undefined}
        />
      ))}
      {state.notice === undefined ? null : (
        <Text color={state.notice.tone === 'error' ? 'red' : state.notice.tone === 'alert' ? 'magenta' : 'gray'}>
          {`${state.notice.tone === 'alert' ? '⚠ ' : state.notice.tone === 'error' ? '✗ ' : 'ⓘ '}${state.notice.text}`}
        </Text>
      )}
      {replyLine === undefined ? null : <Text dimColor>{`↪ replying to "${replyLine.text.split('\n')[0]}" (Esc cancels)`}</Text>}
      <Text>
        <Text color={focus.kind === 'input' ? 'green' : 'gray'}>{'› '}</Text>
        <Text>{state.input}</Text>
        {focus.kind === 'input' ? <Text inverse> </Text> : null}
      </Text>
      <Text dimColor>{KEY_HINTS[focus.kind].map((h) => `${h.keys} ${h.does}`).join('  ·  ')}</Text>
    </Box>
  );
}

function Header({ chat, online }: { chat: DemoChat; online: boolean }) {
  const where = chat.forum ? 'forum "pocket demo"' : 'private chat';
  return (
    <Text>
      <Text bold>pocket demo</Text>
      <Text dimColor>{` · you (id ${chat.user.id}) and @${chat.botUsername} in a ${where} · `}</Text>
      {online ? <Text color="green">bot online</Text> : <Text color="yellow">waiting for the bot…</Text>}
    </Text>
  );
}

interface TopicBarProps {
  topics: { threadId: number | null; name: string }[];
  current: number | null;
  /** New bot messages per topicKey: where to look next. */
  unread: Record<string, number>;
}

function TopicBar({ topics, current, unread }: TopicBarProps) {
  return (
    <Text>
      <Text dimColor>topics: </Text>
      {topics.map((topic, i) => (
        <Text key={topic.threadId ?? 'general'}>
          {i > 0 ? <Text dimColor> · </Text> : null}
          <Text inverse={topic.threadId === current}>{topic.name}</Text>
          {unread[topicKey(topic.threadId)] ? <Text color="yellow">{` (${unread[topicKey(topic.threadId)]})`}</Text> : null}
        </Text>
      ))}
    </Text>
  );
}
