// The `pocket init` screen: the steps as they happen, the token typed without echo (only its length is shown), the
// pairing code, and a yes/no before values already in .env are replaced. The steps themselves run in run-init.ts.
import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import type { EnvChange } from '../../../core/env-text.js';
import { isPocketError } from '../../../core/errors.js';
import { describeChange, describeEvent, nextSteps } from '../../init/describe.js';
import { type InitIO, type InitResult, interrupted } from '../../init/run-init.js';
import { initialInitState, initReducer } from './init-reducer.js';

export interface InitAppProps {
  /** Runs the steps with the screen as their IO (runInit with the home, flags and deps bound). */
  run: (io: InitIO, signal: AbortSignal) => Promise<InitResult>;
  now: () => number;
  /** Called once when the steps end; the error is what the CLI reports. */
  onExit: (error: unknown) => void;
}

export function InitApp({ run, now, onExit }: InitAppProps) {
  const [state, dispatch] = useReducer(initReducer, initialInitState);
  const { exit } = useApp();
  // The open question's answer: resolve with what was typed, or reject when Ctrl-C ends the run.
  const answer = useRef<{ token?: (token: string) => void; confirm?: (yes: boolean) => void; cancel?: (error: Error) => void }>({});
  const abort = useRef(new AbortController());
  // Keys read the state through a ref set while rendering: Ink draws a frame before React re-subscribes the input
  // handler, so a key typed right after a prompt appears would otherwise meet the handler of the frame before it.
  const current = useRef(state);
  current.current = state;

  // The steps run once for the life of the screen; run, now and onExit do not change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: one run per screen
  useEffect(() => {
    const io: InitIO = {
      show: (event) => dispatch({ type: 'say', lines: describeEvent(event, now()) }),
      askToken: () =>
        new Promise<string>((resolve, reject) => {
          answer.current = { token: resolve, cancel: reject };
          dispatch({ type: 'ask-token' });
        }),
      confirmReplace: (changes: EnvChange[]) =>
        new Promise<boolean>((resolve, reject) => {
          answer.current = { confirm: resolve, cancel: reject };
          dispatch({ type: 'ask-confirm', changes });
        }),
    };
    run(io, abort.current.signal).then(
      (result) => {
        dispatch({ type: 'done', lines: nextSteps(result.username) });
        onExit(undefined);
      },
      (error: unknown) => {
        dispatch({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(isPocketError(error) && error.hint !== undefined ? { hint: error.hint } : {}) });
        onExit(error);
      },
    );
  }, []);

  useEffect(() => {
    if (state.outcome !== undefined) exit();
  }, [state.outcome, exit]);

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      const reason = interrupted();
      abort.current.abort(reason);
      answer.current.cancel?.(reason);
      answer.current = {};
      return;
    }
    const prompt = current.current.prompt;
    if (prompt?.kind === 'token') {
      if (key.return) {
        dispatch({ type: 'answered' });
        answer.current.token?.(prompt.typed);
        answer.current = {};
      } else if (key.backspace || key.delete) {
        dispatch({ type: 'erase' });
      } else if (input.length > 0 && !key.ctrl && !key.meta) {
        dispatch({ type: 'type', text: input });
      }
    } else if (prompt?.kind === 'confirm') {
      const yes = input.toLowerCase() === 'y';
      if (yes || input.toLowerCase() === 'n' || key.return || key.escape) {
        dispatch({ type: 'answered' });
        answer.current.confirm?.(yes);
        answer.current = {};
      }
    }
  });

  return (
    <Box flexDirection="column">
      <Text bold>pocket init</Text>
      {state.lines.map((line, index) => (
        // Lines are only ever appended, so the index is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
        <Text key={index}>{line}</Text>
      ))}
      {state.prompt?.kind === 'token' && (
        <Text>
          Bot token from @BotFather (not shown as you type): <Text color="cyan">{state.prompt.typed.length} characters</Text>
        </Text>
      )}
      {state.prompt?.kind === 'confirm' && (
        <Box flexDirection="column">
          <Text color="yellow">.env already has values that would change:</Text>
          {state.prompt.changes.map((change) => (
            <Text key={change.key}>  {describeChange(change)}</Text>
          ))}
          <Text>Replace them? [y/N]</Text>
        </Box>
      )}
      {state.outcome?.kind === 'done' && state.outcome.lines.map((line) => <Text key={line} color="green">{line}</Text>)}
      {state.outcome?.kind === 'failed' && <Text color="red">{state.outcome.message}</Text>}
      {state.outcome?.kind === 'failed' && state.outcome.hint !== undefined && <Text>hint: {state.outcome.hint}</Text>}
    </Box>
  );
}
