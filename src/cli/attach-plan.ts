// How Enter in the cockpit reaches a session's pane: inside a client of pocket's own tmux server, switch that client
// to the pane (the cockpit stays where it is); anywhere else (a plain terminal, or a client of another tmux server)
// attach a new client to pocket's server, which needs the terminal: the TUI leaves first, and TMUX is unset so that
// tmux agrees to nest.

export interface AttachPlan {
  /** tmux's arguments. */
  args: string[];
  /** switch-client: done without leaving the TUI. */
  inPlace: boolean;
}

/**
 * `socket` is POCKET_TMUX_SOCKET (tmux -L), undefined for tmux's default server; `tmuxEnv` is $TMUX ("socket path,
 * server pid,session"); `socketDir` is where tmux keeps its sockets ($TMUX_TMPDIR or /tmp, then tmux-UID).
 */
export function attachPlan(paneId: string, socket: string | undefined, tmuxEnv: string | undefined, socketDir: string): AttachPlan {
  const server = socket === undefined ? [] : ['-L', socket];
  const ours = `${socketDir}/${socket ?? 'default'}`;
  const inPlace = tmuxEnv !== undefined && tmuxEnv !== '' && tmuxEnv.split(',')[0] === ours;
  // The pane's window and the pane made current first: attaching to a session shows whatever window it was on.
  const select = ['select-window', '-t', paneId, ';', 'select-pane', '-t', paneId, ';'];
  return { args: [...server, ...select, inPlace ? 'switch-client' : 'attach-session', '-t', paneId], inPlace };
}

export function tmuxSocketDir(env: NodeJS.ProcessEnv, uid: number): string {
  const base = env.TMUX_TMPDIR === undefined || env.TMUX_TMPDIR === '' ? '/tmp' : env.TMUX_TMPDIR.replace(/\/+$/, '');
  return `${base}/tmux-${uid}`;
}
