// When a pane waits for input, and what the likely answers are: rules kept as data so that a new tool's prompt is
// one more entry here plus a fixture, not new code. Bump PROMPT_RULES_VERSION whenever a rule changes what matches.
// Rules see the last non-blank screen lines with box borders (│ ╭ ─ ╰) already removed; first match wins.

export const PROMPT_RULES_VERSION = 3;

/**
 * Text is typed literally, then Enter; keys are SPECIAL_KEYS names or single characters. delayMs: the dialog ignores
 * keys for a moment after it opens (Claude Code 2.1.33x, measured by scripts/capture-agent-screens), so the answer is
 * sent that long after the button is pressed rather than at once.
 */
export type PromptInput = ({ text: string } | { keys: string[] }) & { delayMs?: number };

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
  /** The program that holds the terminal (an editor, a pager), named in the alert. */
  program?: string;
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
  /** The last line must match (a hint line only this program shows). */
  needsLastLine?: RegExp;
  /**
   * The options carry no numbers: they are the lines at one indentation right above the trailer, exactly one of them
   * highlighted, and at least one trailer line (the key hints) must follow them.
   */
  unnumbered?: boolean;
  press: MenuPress;
  /** See PromptInput.delayMs. */
  delayMs?: number;
}

/**
 * The last line says which keys do what ("Enter to confirm · Esc to cancel", "(Press Enter to submit, Esc to
 * cancel)"): a dialog without options whose answers are those keys. Only Enter, Esc and Tab are offered.
 */
export interface HintsRule extends RuleBase {
  kind: 'hints';
  /** The whole hint line must match (tells one dialog from another). */
  hints: RegExp;
  /** The question: the nearest line above that matches, at most questionWithin lines up; else the hint line. */
  question?: RegExp;
  questionWithin?: number;
  delayMs?: number;
}

export type PromptRule = LineRule | MenuRule | HintsRule;

const yes = (text: string): PromptAnswer => ({ label: 'Yes', input: { text } });
const no = (text: string): PromptAnswer => ({ label: 'No', input: { text } });

/**
 * Claude Code 2.1.33x ignores keys for about a second after a dialog opens (scripts/capture-agent-screens measures
 * it): an answer sent sooner is lost.
 */
const CLAUDE_DIALOG_DELAY_MS = 1_200;

const MARKED_OPTION = /^([❯›>▸▶→●◉*]?)\s*(\d{1,2})[.)]\s+(.+)$/;
const HINTS = /^(esc to (cancel|interrupt)|enter to (confirm|select)|press enter to confirm|enter continue|tab to |↑\/?↓|use arrow keys|\(use arrow keys\))/i;

// The general rules at the end read any program by shape (an option list with one highlighted option above key hints
// is an arrow menu; a hint line says which keys do what; [y/N]; a password), so an unknown program or a new release
// still alerts with answers that work anywhere: arrows and Enter. The program rules before them exist only where
// trying the real program showed something better or different, and each follows screens captured from it
// (scripts/capture-agent-screens; claude 2.1.197, 2.1.328, 2.1.332; codex 0.169.0, 0.171.0; gemini 0.61.0):
// Claude Code's numbered menus take a digit at once, its 2.1.33x arrow dialogs take no digits and ignore keys for a
// moment after they open; Codex takes the letter shown after an option, Esc for "No", a digit in its question and
// sign-in menus, but only arrows and Enter in its trust menu (a digit there moves the highlight without confirming);
// Gemini CLI takes digits everywhere; editors and pagers get their own keys and name themselves.
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
    id: 'claude-trust-arrows',
    description:
      'Claude Code 2.1.33x on a new folder: "Quick safety check", an arrow menu with "No, exit" highlighted first; digits do nothing, keys are ignored for a moment after it opens',
    kind: 'menu',
    unnumbered: true,
    question: /^Quick safety check:/,
    questionWithin: 6,
    option: MARKED_OPTION,
    someOption: /^Yes, I trust this folder$/,
    trailer: HINTS,
    press: 'arrows',
    delayMs: CLAUDE_DIALOG_DELAY_MS,
  },
  {
    id: 'claude-arrows',
    description:
      'Claude Code 2.1.33x asks with an un-numbered arrow menu: "Do you want to use this API key?" (Yes / No (recommended)), auto mode\'s "Do you want to proceed?" (No / Yes)',
    kind: 'menu',
    unnumbered: true,
    question: /^Do you want to .+\?$/,
    questionWithin: 2,
    option: MARKED_OPTION,
    someOption: /^(Yes|No)\b/,
    trailer: HINTS,
    press: 'arrows',
    delayMs: CLAUDE_DIALOG_DELAY_MS,
  },
  {
    id: 'claude-auto-mode-check',
    description:
      'Claude Code 2.1.33x in auto mode when its server-side check is unreachable: "Enter to stay in auto mode · shift+Tab to leave … · Esc to cancel"',
    kind: 'hints',
    hints: /^Enter to stay in auto mode\b.*\bEsc to cancel$/i,
    question: /^Auto mode can't check actions\b/,
    questionWithin: 16,
    delayMs: CLAUDE_DIALOG_DELAY_MS,
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
    id: 'codex-login',
    description: 'Codex CLI without credentials: "Sign in with ChatGPT / Device Code / another way" and its next menu; a digit selects at once',
    kind: 'menu',
    question: /^(Choose how you want to use Codex\.?|Sign in another way|Welcome to Codex\b.*)$/,
    questionWithin: 2,
    option: MARKED_OPTION,
    someOption: /^(Sign in with ChatGPT|Use an OpenAI API key)$/,
    described: true,
    trailer: /^press (enter to continue|esc to go back)$/i,
    press: 'digit',
  },
  {
    id: 'gemini-trust',
    description: 'Gemini CLI on a new folder: "Do you trust the files in this folder?" (folder / parent folder / don\'t trust)',
    kind: 'menu',
    question: /^Do you trust the files in this folder\?$/,
    questionWithin: 6,
    option: MARKED_OPTION,
    someOption: /^Don't trust$/,
    press: 'digit',
  },
  {
    id: 'gemini-auth',
    description: 'Gemini CLI without a chosen sign-in: "How would you like to authenticate for this project?"',
    kind: 'menu',
    question: /^How would you like to authenticate\b/,
    questionWithin: 2,
    option: MARKED_OPTION,
    someOption: /^Use Gemini API Key$/,
    trailer: /^(Existing API key detected\b.*|\(Use Enter to select\)|Terms of Services\b.*|https?:\/\/\S+)$/,
    press: 'arrows',
  },
  {
    id: 'gemini-approval',
    description: 'Gemini CLI asks before a tool runs: "Allow execution of [Shell]?", "Apply this change?"; digits answer',
    kind: 'menu',
    question: /^(Allow execution of .+|Apply this change|Allow .+)\?$/,
    questionWithin: 2,
    option: MARKED_OPTION,
    someOption: /^No, suggest changes\b/,
    press: 'shortcut',
  },
  {
    id: 'gemini-question',
    description: 'Gemini CLI asks the user a question (ask_user): options with descriptions, "Enter to select · ↑/↓ to navigate"',
    kind: 'menu',
    // The question is above the list's scroll marker (▲).
    question: /^[^\s▲▼]/,
    questionWithin: 2,
    option: MARKED_OPTION,
    described: true,
    trailer: /^(Enter to select\b.*|▼)$/,
    needsLastLine: /^Enter to select · ↑\/↓ to navigate\b/,
    press: 'digit',
  },
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
