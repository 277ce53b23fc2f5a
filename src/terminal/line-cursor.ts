// Which lines of a headless terminal are new since the last look. A line is complete once the cursor has left it.
// Rows are numbered absolutely (rows trimmed off the scrollback are counted), because an xterm marker on a visible
// row dies when that row is erased (`clear`). Trimming is measured by an anchor marker kept in history, where
// erasing cannot reach it. Programs also move the cursor back up (`clear`, multi-line progress), so the rows the
// cursor jumped between are watched too, and a row is reported again only when its text changed.
import type xterm from '@xterm/headless';
import { logicalLine } from './buffer-text.js';

type XTerm = InstanceType<typeof xterm.Terminal>;
type Params = (number | number[])[];
type Marker = NonNullable<ReturnType<XTerm['registerMarker']>>;

export class LineCursor {
  readonly #term: XTerm;
  readonly #hooks: { dispose(): void }[];
  readonly #scrollback: number;
  /** Rows trimmed off the top before the anchor was set, and the anchor's row then. */
  #base = 0;
  #anchor: Marker | undefined;
  #anchorLine = 0;
  /** First absolute row not yet reported. */
  #next = 0;
  /** Lowest absolute row the cursor went to, and highest row it left by a jump, since the last take. */
  #low = Number.POSITIVE_INFINITY;
  #high = Number.NEGATIVE_INFINITY;
  /** Text last reported per absolute row, for rows the cursor can still reach. */
  #reported = new Map<number, string>();
  #pending: string[] = [];
  /** Rows that left history before they were taken, only grows. */
  lost = 0;

  constructor(term: XTerm, scrollback: number) {
    this.#term = term;
    this.#scrollback = scrollback;
    let savedY = 0;
    const arg = (params: Params, fallback = 1): number => {
      const value = params[0];
      return typeof value === 'number' && value > 0 ? value : fallback;
    };
    const save = (): boolean => {
      savedY = this.#normal()?.cursorY ?? savedY;
      return false;
    };
    const parser = term.parser;
    this.#hooks = [
      term.onScroll(() => this.#keepAnchor()),
      parser.registerCsiHandler({ final: 'H' }, (p) => this.#reach(arg(p) - 1)),
      parser.registerCsiHandler({ final: 'f' }, (p) => this.#reach(arg(p) - 1)),
      parser.registerCsiHandler({ final: 'd' }, (p) => this.#reach(arg(p) - 1)),
      parser.registerCsiHandler({ final: 'A' }, (p) => this.#reach(this.#cursorY() - arg(p))),
      parser.registerCsiHandler({ final: 'F' }, (p) => this.#reach(this.#cursorY() - arg(p))),
      parser.registerCsiHandler({ final: 'r' }, () => this.#reach(0)),
      parser.registerCsiHandler({ final: 'J' }, (p) => this.#eraseDisplay(arg(p, 0))),
      parser.registerEscHandler({ final: 'M' }, () => this.#reach(this.#cursorY() - 1)),
      parser.registerEscHandler({ final: '7' }, save),
      parser.registerCsiHandler({ final: 's' }, save),
      parser.registerEscHandler({ final: '8' }, () => this.#reach(savedY)),
      parser.registerCsiHandler({ final: 'u' }, () => this.#reach(savedY)),
      parser.registerEscHandler({ final: 'c' }, () => this.#fullReset()),
    ];
  }

  #normal() {
    const buffer = this.#term.buffer.active;
    return buffer.type === 'normal' ? buffer : undefined;
  }

  #cursorY(): number {
    return this.#term.buffer.active.cursorY;
  }

  /** Rows gone from the top of the normal buffer so far: absolute row = trimmed + buffer index. */
  #trimmed(): number {
    const anchor = this.#anchor;
    if (!anchor) return this.#base;
    // A dead anchor means at least its row went; only ED 3 and floods outrunning #keepAnchor get here.
    return anchor.isDisposed ? this.#base + this.#anchorLine + 1 : this.#base + this.#anchorLine - anchor.line;
  }

  /**
   * Called per scroll: re-anchor on the last history row before trimming gets near the anchor. Trimming reaches it
   * after the rows still free in the buffer plus the rows above it; counting only the rows above made every scroll
   * of a filling buffer replace the marker (a new marker and its emitter per line, most of the garbage at 50 panes).
   */
  #keepAnchor(): void {
    const buffer = this.#normal();
    if (!buffer || buffer.baseY === 0) return;
    const anchor = this.#anchor;
    const free = Math.max(0, this.#term.rows + this.#scrollback - buffer.length);
    if (anchor && !anchor.isDisposed && anchor.line + free > this.#scrollback / 2) return;
    this.#base = this.#trimmed();
    anchor?.dispose();
    this.#anchor = this.#term.registerMarker(-buffer.cursorY - 1);
    this.#anchorLine = buffer.baseY - 1;
  }

  #dropAnchor(trimmed: number): void {
    this.#anchor?.dispose();
    this.#anchor = undefined;
    this.#base = trimmed;
  }

  /** Notes a cursor move to screen row y; returns false so xterm still performs the move. */
  #reach(y: number): boolean {
    const buffer = this.#normal();
    if (buffer) {
      const top = this.#trimmed() + buffer.baseY;
      // The row being left is complete, even when the cursor goes up rather than down.
      this.#high = Math.max(this.#high, top + buffer.cursorY);
      this.#low = Math.min(this.#low, top + Math.max(0, Math.min(y, this.#term.rows - 1)));
    }
    return false;
  }

  /** Rows about to be erased are collected first: they may never have been looked at. */
  #eraseDisplay(mode: number): boolean {
    const buffer = this.#normal();
    if (!buffer) return false;
    this.#keep(this.#collect(true));
    // ED 3 deletes the scrollback: those rows count as trimmed.
    if (mode === 3) this.#dropAnchor(this.#trimmed() + buffer.baseY);
    return false;
  }

  #fullReset(): boolean {
    if (this.#normal()) this.#keep(this.#collect(true));
    // RIS replaces the buffer: every row of the old one is gone and numbering goes on after them.
    this.#dropAnchor(this.#trimmed() + this.#term.buffer.normal.length);
    this.#next = this.#base;
    this.#reported.clear();
    return false;
  }

  #keep(lines: string[]): void {
    this.#pending.push(...lines);
    const excess = this.#pending.length - this.#scrollback;
    if (excess > 0) {
      this.#pending.splice(0, excess);
      this.lost += excess;
    }
  }

  take(): string[] {
    const pending = this.#pending;
    this.#pending = [];
    if (!this.#normal()) return pending;
    return pending.length === 0 ? this.#collect() : pending.concat(this.#collect());
  }

  /**
   * Reports complete rows from where we stopped (or from the lowest row the cursor went back to) up to the cursor,
   * and rows below the cursor that it left; a row is reported again only when its text changed, blank rows below
   * the cursor (erased, not printed) not at all. The cursor's own line is still being written, unless it is about
   * to be erased.
   */
  #collect(erasing = false): string[] {
    const buffer = this.#term.buffer.normal;
    const base = this.#trimmed();
    let start = this.#next - base;
    if (start < 0) {
      this.lost += -start;
      start = 0;
    }
    const wrapped = (y: number): boolean => buffer.getLine(y)?.isWrapped ?? false;
    let from = Math.max(0, Math.min(start, this.#low - base));
    while (from > 0 && wrapped(from)) from--;
    const cursor = buffer.baseY + buffer.cursorY;
    let cursorStart = cursor;
    while (cursorStart > 0 && wrapped(cursorStart)) cursorStart--;
    let cursorEnd = cursor + 1;
    while (cursorEnd < buffer.length && wrapped(cursorEnd)) cursorEnd++;
    let end = Math.min(buffer.length, Math.max(cursorStart, this.#high - base + 1));
    while (end < buffer.length && wrapped(end)) end++;
    if (erasing) end = Math.max(end, Math.min(cursorEnd, buffer.length));

    const out: string[] = [];
    const reachable = buffer.baseY;
    for (let y = from; y < end; ) {
      if (y === cursorStart && !erasing) {
        y = cursorEnd;
        continue;
      }
      let next = y + 1;
      while (next < end && wrapped(next)) next++;
      const text = logicalLine(buffer, y, next);
      if (this.#reported.get(base + y) !== text && (y < cursorStart || text !== '')) out.push(text);
      if (y >= reachable) this.#reported.set(base + y, text);
      y = next;
    }
    for (const row of this.#reported.keys()) if (row < base + reachable) this.#reported.delete(row);

    this.#next = base + cursorStart;
    this.#low = Number.POSITIVE_INFINITY;
    this.#high = Number.NEGATIVE_INFINITY;
    return out;
  }

  beforeResize(): void {
    if (this.#normal()) this.#keep(this.#collect());
  }

  afterResize(): void {
    // Reflow renumbers rows: start afresh from the cursor's line, which is the only one not yet reported.
    const buffer = this.#term.buffer.normal;
    this.#dropAnchor(this.#trimmed());
    this.#keepAnchor();
    this.#reported.clear();
    let line = buffer.baseY + buffer.cursorY;
    while (line > 0 && buffer.getLine(line)?.isWrapped) line--;
    this.#next = this.#trimmed() + line;
    this.#low = Number.POSITIVE_INFINITY;
    this.#high = Number.NEGATIVE_INFINITY;
  }

  dispose(): void {
    for (const hook of this.#hooks) hook.dispose();
    this.#anchor?.dispose();
  }
}
