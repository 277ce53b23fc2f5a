// Terminal.app as pocket sees it (macOS): its tabs, what one shows, and typing into one. The port the daemon uses;
// src/terminal-app/ implements it with osascript. Plain data only.
import type { TabHistory, TabPoll } from './tab-mirror.js';

/** One Terminal.app tab, as Terminal's scripting dictionary describes it. */
export interface TabInfo {
  /** The window's `id` (stable while it is open). */
  windowId: number;
  /** 1-based `index` of the tab in its window: changes when tabs before it close, so never an identity. */
  tabIndex: number;
  /** The tab's terminal device (`/dev/ttys003`): its identity while it is open, and how a restart finds it again. */
  tty: string;
  /** The processes on its tty, oldest first (`["login", "-zsh", "npm"]`). */
  processes: string[];
  busy: boolean;
  /** The tab's custom title, or '' when none was set. */
  title: string;
  rows: number;
  columns: number;
}

/** A poll of one tab; `closed` when no open tab has that tty any more. */
export type TabRead = ({ tty: string; closed: false } & TabPoll & { processes: string[] }) | { tty: string; closed: true };

export type TabsAvailability = { ok: true } | { ok: false; reason: string };

/** Keys Terminal.app's tabs accept through System Events: the same names as /keys. */
export interface TerminalTabs {
  /** Whether this machine can mirror tabs (macOS, or a stand-in osascript for tests); asked once. */
  availability(): TabsAvailability;
  /** Every tab of every Terminal window; empty when Terminal is not running (it is never launched for this). */
  listTabs(): Promise<TabInfo[]>;
  /** The visible rows of each tab, in one osascript call. */
  readTabs(ttys: readonly string[]): Promise<TabRead[]>;
  /** The last `maxChars` characters of a tab's scrollback; null when the tab is closed. */
  readHistory(tty: string, maxChars: number): Promise<TabHistory | null>;
  /** Types text literally; Enter after it unless enter is false. */
  typeText(tty: string, text: string, options?: { enter?: boolean }): Promise<void>;
  /** Presses keys (SPECIAL_KEYS or single characters) in the tab, which is brought to the front first. */
  pressKeys(tty: string, keys: readonly string[]): Promise<void>;
}

/** A tab target as /attach takes it: `ttys003` or `/dev/ttys003`. */
const TAB_TARGET = /^(?:\/dev\/)?(ttys\d{1,4})$/;

/** The tty a target names (`/dev/ttys003`), or null when the target is no tab (a tmux pane). */
export function tabTargetTty(target: string): string | null {
  const match = TAB_TARGET.exec(target);
  return match === null ? null : `/dev/${match[1]}`;
}

/** A tab as /sessions lists it: which window, its title or running program, its tty. */
export function tabLabel(tab: TabInfo): string {
  const program = tab.processes.at(-1)?.replace(/^-/, '') ?? '';
  const what = tab.title !== '' ? tab.title : program || 'shell';
  return `${what} · window ${tab.windowId} tab ${tab.tabIndex} · ${tab.tty.replace(/^\/dev\//, '')}`;
}
