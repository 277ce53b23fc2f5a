// Does the screen show a prompt waiting for an answer? Interprets the rules of prompt-rules.ts over the bottom of
// the screen only: a question that scrolled up was already answered.
import {
  type HintsRule,
  type MenuPress,
  type MenuRule,
  PROMPT_RULES,
  PROMPT_RULES_VERSION,
  type PromptAnswer,
  type PromptRule,
} from './prompt-rules.js';

export interface PromptMatch {
  ruleId: string;
  /** The question line as shown (the prompt line itself for one-line prompts). */
  question: string;
  /** Likely answers, in screen order; empty for secrets. */
  answers: PromptAnswer[];
  /** A password or the like: it must be typed by the person, never sent from a button. */
  secret: boolean;
  /** The program that holds the terminal, when the rule knows it (vim, less). */
  program?: string;
  rulesVersion: number;
}

/** How many non-blank lines at the bottom of the screen the rules look at. */
export const PROMPT_WINDOW = 24;
const LABEL_MAX = 48;

const BOX_ONLY = /^[\s\u2500-\u257f]*$/;

/** Screen lines without box borders and blank lines, the last PROMPT_WINDOW of them; indentation kept. */
export function promptWindow(screen: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of screen) {
    if (BOX_ONLY.test(raw)) continue;
    // The left border and its one space of padding go; the indent inside the box stays.
    const line = raw.trimEnd().replace(/\s*[│┃║]$/, '').replace(/^\s*[│┃║] ?/, '').trimEnd();
    if (line.trim() !== '') out.push(line);
  }
  return out.slice(-PROMPT_WINDOW);
}

export function detectPrompt(screen: readonly string[], rules: readonly PromptRule[] = PROMPT_RULES): PromptMatch | null {
  const lines = promptWindow(screen);
  if (lines.length === 0) return null;
  for (const rule of rules) {
    const found = matchRule(rule, lines);
    if (found) {
      const program = rule.program === undefined ? {} : { program: rule.program };
      return { ruleId: rule.id, ...found, secret: rule.secret ?? false, ...program, rulesVersion: PROMPT_RULES_VERSION };
    }
  }
  return null;
}

function matchRule(rule: PromptRule, lines: string[]): Found | null {
  switch (rule.kind) {
    case 'line':
      return matchLine(rule, lines);
    case 'hints':
      return matchHints(rule, lines);
    case 'menu':
      return rule.unnumbered ? matchUnnumberedMenu(rule, lines) : matchMenu(rule, lines);
  }
}

type Found = { question: string; answers: PromptAnswer[] };

function matchLine(rule: PromptRule & { kind: 'line' }, lines: string[]): Found | null {
  const last = (lines.at(-1) ?? '').trim();
  return rule.question.test(last) ? { question: last, answers: rule.answers } : null;
}

interface Option {
  marked: boolean;
  number: number;
  label: string;
}

function matchMenu(rule: MenuRule, lines: string[]): Found | null {
  let i = lines.length - 1;
  if (rule.needsLastLine && !rule.needsLastLine.test((lines[i] ?? '').trim())) return null;
  let inputPrompt: string | undefined;
  if (rule.needsInputPrompt) {
    const last = (lines[i] ?? '').trim();
    if (!rule.needsInputPrompt.test(last) || rule.option.test(last)) return null;
    inputPrompt = last;
    i--;
  }
  while (i >= 0 && rule.trailer?.test((lines[i] ?? '').trim()) && !rule.option.test((lines[i] ?? '').trim())) i--;

  // Options bottom-up. An indented line that is no option is held: it continues the label of the option above it
  // when a narrow pane wrapped that label, and is context (a command, a reason) when the block ends first.
  const options: Option[] = [];
  let held: string[] = [];
  for (; i >= 0; i--) {
    const line = lines[i] ?? '';
    const m = rule.option.exec(line.trim());
    // Numbers count down going up; another numbered line above the first option (a plan's "1. …") ends the block.
    const first = options[0];
    if (m && first !== undefined && Number(m[2]) !== first.number - 1) break;
    if (m) {
      // A described option's own text ends at a wide gap; the lines held under it describe it rather than wrap it.
      const own = rule.described ? (m[3] ?? '').split(/\s{2,}/)[0] : m[3];
      const label = [own ?? '', ...(rule.described ? [] : held)].join(' ').replace(/\s+/g, ' ').trim();
      options.unshift({ marked: (m[1] ?? '') !== '', number: Number(m[2]), label });
      held = [];
    } else if (/^\s{2,}\S/.test(line) && held.length < 2) {
      held.unshift(line.trim());
    } else break;
  }
  if (!isMenu(options, rule)) return null;

  // Held lines left above the first option are context (the question itself when everything is indented): they are
  // looked at first and do not count against questionWithin.
  let question = questionAbove(lines, i + held.length, rule.questionWithin + held.length, rule.question);
  question ??= inputPrompt;
  if (question === undefined) return null;
  return { question, answers: options.map((o) => withDelay(answerFor(o, options, rule.press), rule.delayMs)) };
}

/** Finds the question: the nearest line that matches, from line `from` up, at most `within` lines. */
function questionAbove(lines: string[], from: number, within: number, question: RegExp): string | undefined {
  for (let j = from; j >= 0 && j > from - within; j--) {
    const line = (lines[j] ?? '').trim();
    if (question.test(line)) return line;
  }
  return undefined;
}

const HIGHLIGHT = /^(\s*)[❯›>▸▶→●]\s+(\S.*)$/;
const MENU_MAX = 9;

/** Options without numbers: the lines at one indentation above the hints, one of them highlighted. */
function matchUnnumberedMenu(rule: MenuRule, lines: string[]): Found | null {
  let i = lines.length - 1;
  let hints = 0;
  while (i >= 0 && rule.trailer?.test((lines[i] ?? '').trim())) {
    i--;
    hints++;
  }
  if (hints === 0) return null;
  const options: Option[] = [];
  let column: number | null = null;
  for (; i >= 0; i--) {
    const line = lines[i] ?? '';
    const marked = HIGHLIGHT.exec(line);
    const label = marked ? (marked[2] ?? '') : line.trim();
    const at = line.length - line.trimStart().length + (marked ? line.trimStart().length - label.length : 0);
    column ??= at;
    // A label starts with a letter or digit: output lines (⎿ …, $ …) above the dialog end the block.
    if (at !== column || !/^[\p{L}\p{N}]/u.test(label) || Array.from(label).length > LABEL_MAX) break;
    options.unshift({ marked: marked !== null, number: 0, label });
    if (options.length > MENU_MAX) return null;
  }
  options.forEach((o, k) => {
    o.number = k + 1;
  });
  if (options.filter((o) => o.marked).length !== 1 || !isMenu(options, rule)) return null;
  const question = questionAbove(lines, i, rule.questionWithin, rule.question);
  if (question === undefined) return null;
  return { question, answers: options.map((o) => withDelay(answerFor(o, options, 'arrows'), rule.delayMs)) };
}

const HINT_KEYS: Record<string, string> = { enter: 'Enter', esc: 'Esc', tab: 'Tab' };

/** "Enter to confirm · Esc to cancel": each Enter / Esc / Tab hint becomes an answer labelled with what it does. */
function matchHints(rule: HintsRule, lines: string[]): Found | null {
  const last = (lines.at(-1) ?? '').trim();
  if (!rule.hints.test(last)) return null;
  const answers: PromptAnswer[] = [];
  for (const part of last.replace(/^\(|\)$/g, '').split(/\s*[·,]\s*/)) {
    const m = /^(?:press\s+)?(\w+) to (.+)$/i.exec(part.trim());
    const key = HINT_KEYS[(m?.[1] ?? '').toLowerCase()];
    if (m && key) answers.push(withDelay({ label: shorten(capitalize(m[2] ?? '')), input: { keys: [key] } }, rule.delayMs));
  }
  if (answers.length === 0) return null;
  const question = rule.question ? questionAbove(lines, lines.length - 2, rule.questionWithin ?? 1, rule.question) : undefined;
  if (rule.question && question === undefined) return null;
  return { question: question ?? last, answers };
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function withDelay(answer: PromptAnswer, delayMs: number | undefined): PromptAnswer {
  return delayMs === undefined ? answer : { ...answer, input: { ...answer.input, delayMs } };
}

function isMenu(options: Option[], rule: MenuRule): boolean {
  if (options.length < 2) return false;
  if (options.some((o, k) => o.number !== k + 1)) return false;
  if (rule.needsMarker && !options.some((o) => o.marked)) return false;
  if (rule.someOption && !options.some((o) => rule.someOption?.test(o.label))) return false;
  return true;
}

const SHORTCUT = /\s*\((\w+|esc)\)$/i;

function answerFor(option: Option, all: Option[], press: MenuPress): PromptAnswer {
  // Codex's "(y)" / "(esc)" is the key, not part of the label; "No (recommended)" keeps its words.
  const label = shorten(/\((\w|esc)\)$/i.test(option.label) ? option.label.replace(SHORTCUT, '') : option.label);
  const digit = String(option.number);
  switch (press) {
    case 'digit':
      return { label, input: { keys: [digit] } };
    case 'typed':
      return { label, input: { text: digit } };
    case 'shortcut': {
      const key = SHORTCUT.exec(option.label)?.[1];
      if (key === undefined || key.length > 3) return { label, input: { keys: [digit] } };
      return { label, input: { keys: [key.toLowerCase() === 'esc' ? 'Esc' : key] } };
    }
    case 'arrows': {
      const from = all.findIndex((o) => o.marked);
      const delta = option.number - 1 - Math.max(0, from);
      const moves: string[] = Array(Math.abs(delta)).fill(delta > 0 ? 'Down' : 'Up');
      return { label, input: { keys: [...moves, 'Enter'] } };
    }
  }
}

function shorten(label: string): string {
  const chars = Array.from(label);
  return chars.length <= LABEL_MAX ? label : `${chars.slice(0, LABEL_MAX - 1).join('')}…`;
}
