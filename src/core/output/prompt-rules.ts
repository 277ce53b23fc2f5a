// When a pane waits for input, and what the likely answers are: rules kept as data so that a new tool's prompt is
// one more entry here (a coding agent's: in agent-prompt-rules.ts) plus a fixture, not new code. Bump
// PROMPT_RULES_VERSION whenever a rule, here or there, changes what matches. Rules see the last non-blank screen lines
// with box borders (│ ╭ ─ ╰) already removed; first match wins. What a rule can say: prompt-rule-kinds.ts.
import { AGENT_PROMPT_RULES } from './agent-prompt-rules.js';
import { HINTS, MARKED_OPTION, type PromptAnswer, type PromptRule } from './prompt-rule-kinds.js';

export type { HintsRule, LineRule, MenuPress, MenuRule, PromptAnswer, PromptInput, PromptRule } from './prompt-rule-kinds.js';

export const PROMPT_RULES_VERSION = 3;

const yes = (text: string): PromptAnswer => ({ label: 'Yes', input: { text } });
const no = (text: string): PromptAnswer => ({ label: 'No', input: { text } });

// The general rules at the end read any program by shape (an option list with one highlighted option above key hints
// is an arrow menu; a hint line says which keys do what; [y/N]; a password), so an unknown program or a new release
// still alerts with answers that work anywhere: arrows and Enter. The program rules before them exist only where
// trying the real program showed something better or different, and each follows screens captured from it
// (scripts/capture-agent-screens): the coding agents' (agent-prompt-rules.ts), then editors and pagers, which get their
// own keys and name themselves.
export const PROMPT_RULES: readonly PromptRule[] = [
  ...AGENT_PROMPT_RULES,
  {
    id: 'editor-vim',
    description:
      'vim (vi) holds the terminal with a file just opened ("FILE" 33L, 1521B in its last line, normal mode): :wq saves and quits, :cq quits with an error',
    kind: 'line',
    program: 'vim',
    // A long path is cut at the left with "<". No Escape first: vim takes an Escape followed at once by ":" as one
    // key, and the :wq never happens (tried in the capture).
    question: /^[<"].*" (\[New\]|\d+L, \d+B)/,
    answers: [
      { label: 'Save and quit (:wq)', input: { text: ':wq' } },
      { label: 'Quit with an error (:cq)', input: { text: ':cq' } },
    ],
  },
  {
    id: 'editor-nano',
    description: 'nano holds the terminal (its ^G Help … ^X Exit bar): it needs Ctrl+X, which pocket does not send, so no buttons',
    kind: 'line',
    program: 'nano',
    question: /^\^X Exit\b|\^G Help\b.*\^X Exit\b/,
    answers: [],
  },
  {
    id: 'pager-less',
    description: 'A pager (less, git log, man) at its prompt, ":" or "(END)": Space shows the next page, q quits',
    kind: 'line',
    program: 'less',
    question: /^(:|\(END\)|.*\(END\)|lines \d+-\d+\/\d+\b.*)$/,
    answers: [
      { label: 'Next page', input: { keys: [' '] } },
      { label: 'Quit (q)', input: { keys: ['q'] } },
    ],
  },
  {
    id: 'password',
    description: 'A password, passphrase or PIN prompt; answers never go through a button',
    kind: 'line',
    question: /(password|passphrase|passcode|\bPIN\b|verification code|one-time code).{0,80}:\s*$|^\[sudo\] password for/i,
    answers: [],
    secret: true,
  },
  {
    id: 'yes-no-short',
    description: 'Shell-style confirmation: [y/N], [Y/n], (y/n)',
    kind: 'line',
    question: /[[(]\s*[yY]\s*\/\s*[nN]\s*[\])]\s*[?:]?\s*$/,
    answers: [yes('y'), no('n')],
  },
  {
    id: 'yes-no-long',
    description: 'Confirmation spelled out: (yes/no), [yes/no], ssh\'s (yes/no/[fingerprint])',
    kind: 'line',
    question: /[[(]\s*yes\s*\/\s*no(\s*\/[^)]{1,20})?\s*[\])]\s*[?:]?\s*$/i,
    answers: [yes('yes'), no('no')],
  },
  {
    id: 'default-answer',
    description: 'A question with its default in parentheses, as npm init asks: "package name: (shop)"; Enter takes it',
    kind: 'line',
    question: /^[\w][\w .'/-]{0,60}: \([^()]{1,60}\)\s*$/,
    answers: [{ label: 'Take the default', input: { keys: ['Enter'] } }],
  },
  {
    id: 'key-hints',
    description: 'A dialog that lists its keys on the last line: "(Press Enter to submit, Esc to cancel …)"',
    kind: 'hints',
    hints: /^\(?(press )?enter to \w+.*\besc to \w+/i,
  },
  {
    id: 'press-enter',
    description: '"Press Enter to continue", "Press any key"',
    kind: 'line',
    question: /\b(press|hit)\s+(enter|return|any key)\b[^.!]{0,60}[\s.!:…]*$/i,
    answers: [{ label: 'Enter', input: { keys: ['Enter'] } }],
  },
  {
    id: 'menu-select',
    description: 'An arrow-key menu: a question, then numbered options with one highlighted',
    kind: 'menu',
    question: /([?:]|\(use arrow keys\))$/i,
    questionWithin: 1,
    option: MARKED_OPTION,
    needsMarker: true,
    trailer: HINTS,
    press: 'arrows',
  },
  {
    id: 'menu-highlighted',
    description: 'An arrow-key menu without numbers: options at one indentation, one highlighted, key hints under them',
    kind: 'menu',
    unnumbered: true,
    question: /[?:]$|\?/,
    questionWithin: 3,
    option: MARKED_OPTION,
    trailer: HINTS,
    press: 'arrows',
  },
  {
    id: 'menu-typed',
    description: 'Numbered options followed by an input prompt for the number (`select` in shells, `Choice [1-3]:`)',
    kind: 'menu',
    question: /[?:]$/,
    questionWithin: 1,
    option: /^()(\d{1,2})[.)]\s+(.+)$/,
    needsInputPrompt: /^(#\?|.*\b(choice|choose|select|option|number|selection|enter)\b.{0,40}[?:>])$/i,
    press: 'typed',
  },
];
