// The `pocket init` screen's state: the lines said so far, the one question open (the token, typed without echo, or
// whether to replace values in .env), and how it ended.
import type { EnvChange } from '../../../core/env-text.js';

export type InitPrompt = { kind: 'token'; typed: string } | { kind: 'confirm'; changes: EnvChange[] };

export interface InitScreenState {
  lines: string[];
  prompt: InitPrompt | undefined;
  outcome: { kind: 'done'; lines: string[] } | { kind: 'failed'; message: string; hint?: string } | undefined;
}

export type InitAction =
  | { type: 'say'; lines: string[] }
  | { type: 'ask-token' }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'ask-confirm'; changes: EnvChange[] }
  | { type: 'answered' }
  | { type: 'done'; lines: string[] }
  | { type: 'failed'; message: string; hint?: string };

export const initialInitState: InitScreenState = { lines: [], prompt: undefined, outcome: undefined };

export function initReducer(state: InitScreenState, action: InitAction): InitScreenState {
  switch (action.type) {
    case 'say':
      return { ...state, lines: [...state.lines, ...action.lines] };
    case 'ask-token':
      return { ...state, prompt: { kind: 'token', typed: '' } };
    case 'type':
      // Pasted text arrives as one chunk; line breaks in it are not part of a token.
      return state.prompt?.kind === 'token'
        ? { ...state, prompt: { kind: 'token', typed: state.prompt.typed + action.text.replace(/[\r\n]/g, '') } }
        : state;
    case 'erase':
      return state.prompt?.kind === 'token' ? { ...state, prompt: { kind: 'token', typed: state.prompt.typed.slice(0, -1) } } : state;
    case 'ask-confirm':
      return { ...state, prompt: { kind: 'confirm', changes: action.changes } };
    case 'answered':
      return { ...state, prompt: undefined };
    case 'done':
      return { ...state, prompt: undefined, outcome: { kind: 'done', lines: action.lines } };
    case 'failed':
      return {
        ...state,
        prompt: undefined,
        outcome: { kind: 'failed', message: action.message, ...(action.hint === undefined ? {} : { hint: action.hint }) },
      };
  }
}
