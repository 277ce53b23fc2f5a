// How pocket types a line into a pane. Text, then Enter on its own: a TUI reads an Enter that arrives with the text
// as part of a paste, a newline in its input (docs/facts.md). For most programs a 40 ms gap is enough (the tmux
// adapter's single call). The coding agents' TUIs are the exception: Claude Code 2.1.332 left /send's text in its
// input unsubmitted on a loaded machine, where the gap reached it as one read; for them the Enter waits until the
// pane shows the text (service.ts), which costs a second tmux call and the pane-log read (~190 -> ~370 ms to a
// shell's `read` at load 13 on the 2-core machine), so ordinary panes keep the single call.

/** Programs, by the basename of the command's first word, whose input reads a fast Enter as part of a paste. */
const PASTE_READING_PROGRAMS: ReadonlySet<string> = new Set(['claude', 'codex', 'gemini']);

/** True when a session whose command is `command` (as /new ran it, or the pane's program for /attach) is one. */
export function readsFastEnterAsPaste(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return PASTE_READING_PROGRAMS.has(first.split('/').pop() ?? '');
}
