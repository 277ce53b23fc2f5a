import { describe, expect, it } from 'vitest';
import { attachPlan, tmuxSocketDir } from '../../src/cli/attach-plan.js';

describe('attachPlan', () => {
  const dir = '/tmp/tmux-1000';
  const select = ['select-window', '-t', '%12', ';', 'select-pane', '-t', '%12', ';'];

  it('switches the client in place inside a client of pocket\'s own server', () => {
    expect(attachPlan('%12', 'pocket', '/tmp/tmux-1000/pocket,4242,0', dir)).toEqual({ inPlace: true, args: ['-L', 'pocket', ...select, 'switch-client', '-t', '%12'] });
    expect(attachPlan('%12', undefined, '/tmp/tmux-1000/default,4242,3', dir)).toEqual({ inPlace: true, args: [...select, 'switch-client', '-t', '%12'] });
  });

  it('attaches (the TUI leaves) outside tmux and inside another tmux server', () => {
    expect(attachPlan('%12', 'pocket', undefined, dir)).toEqual({ inPlace: false, args: ['-L', 'pocket', ...select, 'attach-session', '-t', '%12'] });
    expect(attachPlan('%12', 'pocket', '/tmp/tmux-1000/default,99,0', dir).inPlace).toBe(false);
    expect(attachPlan('%12', 'pocket', '', dir).inPlace).toBe(false);
  });

  it('finds tmux\'s socket folder like tmux does', () => {
    expect(tmuxSocketDir({}, 1000)).toBe('/tmp/tmux-1000');
    expect(tmuxSocketDir({ TMUX_TMPDIR: '/run/user/1000/' }, 1000)).toBe('/run/user/1000/tmux-1000');
  });
});
