// One message as the phone shows it: who sent it, its current text (clipped), what it replies to, a document,
// reactions, and its inline buttons, one row per keyboard row, the focused one highlighted.

import { Box, Text } from 'ink';
import { type ChatButton, type ChatLine, formatSize } from '../../../demo/conversation.js';
import { clipText } from './view-window.js';

export interface MessageViewProps {
  line: ChatLine;
  selected: boolean;
  /** Index among the message's pressable buttons, when the focus is on one of them. */
  focusedButton: number | undefined;
}

const INDENT = '       ';

/** Rows and buttons with stable ids; `press` numbers the callback buttons in reading order, as `!N` counts them. */
function layout(line: ChatLine) {
  let press = 0;
  return {
    text: clipText(line.text).map((row, i) => ({ id: `t${i}`, row, first: i === 0 })),
    buttons: line.buttons.map((row, r) => ({
      id: `r${r}`,
      cells: row.map((button: ChatButton, c) => ({
        id: `c${r}.${c}`,
        button,
        press: button.data === undefined ? undefined : press++,
        last: c === row.length - 1,
      })),
    })),
  };
}

export function MessageView({ line, selected, focusedButton }: MessageViewProps) {
  const bot = line.from === 'bot';
  const marks = [line.edits > 0 ? `edited ${line.edits}×` : '', line.silent ? '🔕' : '', line.pinned ? '📌' : '']
    .filter((m) => m !== '')
    .join(' · ');
  const { text, buttons } = layout(line);
  return (
    <Box flexDirection="column">
      {text.map(({ id, row, first }) => (
        <Text key={id} wrap="truncate-end">
          <Text color="yellow">{selected ? '▌' : ' '}</Text>
          {first ? (
            <>
              <Text bold color={bot ? 'cyan' : 'green'}>{bot ? 'bot' : 'you'}</Text>
              <Text> › </Text>
              {line.replyTo === undefined ? null : <Text dimColor>{`↪ "${line.replyTo.preview}" `}</Text>}
            </>
          ) : (
            <Text>{'      '}</Text>
          )}
          <Text>{row}</Text>
          {first && line.reactions.length > 0 ? <Text>{`  ${line.reactions.join(' ')}`}</Text> : null}
          {first && marks !== '' ? <Text dimColor>{`  (${marks})`}</Text> : null}
        </Text>
      ))}
      {line.document === undefined ? null : <Text>{`${INDENT}📄 ${line.document.name} (${formatSize(line.document.size)})`}</Text>}
      {buttons.map(({ id, cells }) => (
        <Text key={id} wrap="truncate-end">
          {INDENT}
          {cells.map((cell) => {
            const focused = cell.press !== undefined && cell.press === focusedButton;
            return (
              <Text key={cell.id}>
                <Text inverse={focused} color={focused ? 'yellow' : 'blue'}>
                  {cell.button.data === undefined ? `[ ${cell.button.text} ↗ ]` : `[ ${cell.button.text} ]`}
                </Text>
                {cell.last ? '' : ' '}
              </Text>
            );
          })}
        </Text>
      ))}
    </Box>
  );
}
