// What a prompt rule can say (prompt-rules.ts holds the rules, detect.ts reads them): the three kinds of rule, how an
// answer is typed, and the option and hint lines most menus share.

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

/** A numbered option, maybe highlighted: group 1 the marker (may be empty), group 2 the number, group 3 the label. */
export const MARKED_OPTION = /^([❯›>▸▶→●◉*]?)\s*(\d{1,2})[.)]\s+(.+)$/;
/** Key hint lines under a dialog ("Esc to cancel", "Enter to confirm", "↑/↓"): the usual trailer of a menu. */
export const HINTS = /^(esc to (cancel|interrupt)|enter to (confirm|select)|press enter to confirm|enter continue|tab to |↑\/?↓|use arrow keys|\(use arrow keys\))/i;
