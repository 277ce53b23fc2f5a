// When a pane waits for input, and what the likely answers are: rules kept as data so that a new tool's prompt is
// one more entry here plus a fixture, not new code. Bump PROMPT_RULES_VERSION whenever a rule changes what matches.
// Rules see the last non-blank screen lines with box borders (│ ╭ ─ ╰) already removed; first match wins.

export const PROMPT_RULES_VERSION = 2;

/** Text is typed literally, then Enter; keys are SPECIAL_KEYS names or single characters. */
export type PromptInput = { text: string } | { keys: string[] };

export interface PromptAnswer {
  label: string;
  input: PromptInput;
}

/** How an option of a menu is chosen. */
export type MenuPress =
  /** Its number as a key (Claude Code). */
  | 'digit'
  /** The letter in its trailing `(y)`, `(esc)` becomes Esc; the number when it has none (Codex CLI). */
  | 'shortcut'
  /** Up/Down from the highlighted option, then Enter (arrow-key menus that ignore digits). */
  | 'arrows'
  /** Its number typed at the prompt, then Enter (`select` in shells, numbered choices). */
  | 'typed';

interface RuleBase {
  id: string;
  description: string;
  secret?: boolean;
}

/** The question is the last non-blank line: the cursor waits at its end. */
export interface LineRule extends RuleBase {
  kind: 'line';
  question: RegExp;
  answers: PromptAnswer[];
}

/**
 * A block of at least two numbered options at the bottom of the screen (only trailer lines may follow it), with the
 * question at most `questionWithin` lines above the block (up to two indented lines right above it do not count).
 */
export interface MenuRule extends RuleBase {
  kind: 'menu';
  question: RegExp;
  questionWithin: number;
  /** Group 1: the highlight marker (may be empty), group 2: the number, group 3: the label. */
  option: RegExp;
  /** Lines allowed below the options: hints, an input prompt. */
  trailer?: RegExp;
  /**
   * Options carry a description, on indented lines under them or after a gap of two or more spaces on their line;
   * the answer's label is the option's own text alone.
   */
  described?: boolean;
  /** Some option label must match (tells one tool's menu from another). */
  someOption?: RegExp;
  /** One option must carry the highlight marker (an arrow-key menu is live). */
  needsMarker?: boolean;
  /** The last line must be a trailer that is an input prompt (`#?`, `Enter choice:`); it becomes the question. */
  needsInputPrompt?: RegExp;
  press: MenuPress;
}

export type PromptRule = LineRule | MenuRule;

const yes = (text: string): PromptAnswer => ({ label: 'Yes', input: { text } });
const no = (text: string): PromptAnswer => ({ label: 'No', input: { text } });

const MARKED_OPTION = /^([❯›>▸▶→●◉*]?)\s*(\d{1,2})[.)]\s+(.+)$/;
const HINTS = /^(esc to (cancel|interrupt)|enter to (confirm|select)|press enter to confirm|enter continue|tab to |↑\/?↓|use arrow keys|\(use arrow keys\))/i;

// The Claude Code and Codex CLI rules follow screens captured from the real programs (claude 2.1.197, codex 0.169.0;
// scripts/capture-agent-screens), and their answers are the keys that were seen to work there: a digit answers any
// Claude Code menu at once; Codex takes the letter shown after an option, Esc for "No", a digit in its question
// menu, but only arrows and Enter in its trust menu (a digit there moves the highlight without confirming).
export const PROMPT_RULES: readonly PromptRule[] = [
  {
    id: 'claude-permission',
    description:
      'Claude Code asks before it uses a tool (or an API key from the environment): "Do you want to …?", numbered options',
    kind: 'menu',
    question: /^Do you want to .+\?$/,
    questionWithin: 2,
    option: MARKED_OPTION,
    // "Yes, and don't ask again …", "Yes, allow all edits …"; older versions: "No, and tell Claude …"; the API key.
    someOption: /tell Claude what to do differently|^Yes, (and|allow) |^No \(recommended\)$/i,
    trailer: HINTS,
    press: 'digit',
  },
  {
    id: 'claude-question',
    description: 'Claude Code asks the user a question of its own (AskUserQuestion): options, "Type something.", "Chat about this"',
    kind: 'menu',
    question: /\S/,
    questionWithin: 1,
    option: MARKED_OPTION,
    someOption: /^Chat about this$/,
    described: true,
    trailer: HINTS,
    press: 'digit',
  },
  {
    id: 'claude-plan',
    description: 'Claude Code has a plan ready: "Would you like to proceed?", auto mode / approve edits / tell Claude',
    kind: 'menu',
    question: /Would you like to proceed\?$/,
    questionWithin: 2,
    option: MARKED_OPTION,
    someOption: /^Tell Claude what to change$/,
    described: true,
    trailer: /^ctrl\+g to edit\b|^esc to cancel\b/i,
    press: 'digit',
  },
  {
    id: 'claude-trust',
    description: 'Claude Code on a folder for the first time: "Quick safety check: Is this a project you … trust?"',
    kind: 'menu',
    question: /^Quick safety check:/,
    questionWithin: 8,
    option: MARKED_OPTION,
    someOption: /^Yes, I trust this folder$/,
    trailer: HINTS,
    press: 'digit',
  },
  {
    id: 'codex-approval',
    description: 'Codex CLI asks to approve a command or an edit, options with (y)/(a)/(p)/(esc) shortcuts',
    kind: 'menu',
    question: /^(Would you like to (run the following command|make the following edits|.+)\?|Allow (command|edits?)\?)/,
    questionWithin: 12,
    option: MARKED_OPTION,
    someOption: /tell Codex what to do differently|\((y|a|p|n|esc)\)$/i,
    trailer: HINTS,
    press: 'shortcut',
  },
  {
    id: 'codex-question',
    description: 'Codex CLI asks the user a question (request_user_input, Plan mode): options, "None of the above"',
    kind: 'menu',
    question: /\S/,
    questionWithin: 1,
    option: MARKED_OPTION,
    someOption: /^None of the above\b/,
    described: true,
    trailer: HINTS,
    press: 'digit',
  },
  {
    id: 'codex-trust',
    description: 'Codex CLI on a folder for the first time: "Trust this folder?"; digits only move its highlight',
    kind: 'menu',
    question: /^Trust this folder\?/,
    questionWithin: 6,
    option: MARKED_OPTION,
    someOption: /^Trust and continue$/,
    trailer: HINTS,
    press: 'arrows',
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
