// The prompt rules of the coding agents pocket is tried with: Claude Code, Codex CLI and Gemini CLI. Each follows
// screens captured from the real program (scripts/capture-agent-screens; claude 2.1.197, 2.1.328, 2.1.332; codex
// 0.169.0, 0.171.0; gemini 0.61.0), and exists only where trying it showed something better or different from the
// general rules (prompt-rules.ts): Claude Code's numbered menus take a digit at once, its 2.1.33x arrow dialogs take
// no digits and ignore keys for a moment after they open; Codex takes the letter shown after an option, Esc for
// "No", a digit in its question and sign-in menus, but only arrows and Enter in its trust menu (a digit there moves
// the highlight without confirming); Gemini CLI takes digits everywhere. A change here that changes what matches bumps
// PROMPT_RULES_VERSION (prompt-rules.ts).
import { HINTS, MARKED_OPTION, type PromptRule } from './prompt-rule-kinds.js';

/**
 * Claude Code 2.1.33x ignores keys for about a second after a dialog opens (scripts/capture-agent-screens measures
 * it): an answer sent sooner is lost.
 */
const CLAUDE_DIALOG_DELAY_MS = 1_200;

/** In the order they are tried (the first match wins): a program's own dialogs before its general-looking questions. */
export const AGENT_PROMPT_RULES: readonly PromptRule[] = [
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
];
