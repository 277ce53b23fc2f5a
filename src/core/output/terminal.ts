// One headless terminal per pane: raw pane bytes in, the text a person would see out. A real emulator resolves
// CR, backspace, spinners, progress bars, `clear`, wide chars and every escape sequence the way the pane did.
import xterm from '@xterm/headless';
import { isBlank, logicalLine } from './buffer-text.js';
import { LineCursor } from './line-cursor.js';

const { Terminal } = xterm;
type XTerm = InstanceType<typeof Terminal>;

export interface TerminalRendererOptions {
  cols: number;
  rows: number;
  /** Lines kept above the screen; bounds memory whatever the pane prints. */
  scrollback?: number;
}

export const DEFAULT_SCROLLBACK = 2000;

export class TerminalRenderer {
  readonly #term: XTerm;
  readonly #cursor: LineCursor;

  constructor(options: TerminalRendererOptions) {
    this.#term = new Terminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: options.scrollback ?? DEFAULT_SCROLLBACK,
      allowProposedApi: true,
      // Pane logs carry the CR LF the tty produced; a bare LF must stay a bare LF.
      convertEol: false,
      logLevel: 'off',
    });
    this.#cursor = new LineCursor(this.#term, options.scrollback ?? DEFAULT_SCROLLBACK);
  }

  get cols(): number {
    return this.#term.cols;
  }

  get rows(): number {
    return this.#term.rows;
  }

  /** True while a full-screen program owns the pane: use screen(), new lines make no sense there. */
  get alternateScreen(): boolean {
    return this.#term.buffer.active.type === 'alternate';
  }

  /** Lines that left the scrollback before takeNewLines saw them (a flood larger than the scrollback); only grows. */
  get lostLines(): number {
    return this.#cursor.lost;
  }

  /** Resolves once xterm has parsed the data; awaiting each chunk keeps xterm's write queue (and memory) bounded. */
  write(data: Uint8Array | string): Promise<void> {
    return new Promise((resolve) => this.#term.write(data, resolve));
  }

  /** The visible rows, right-trimmed. */
  screen(): string[] {
    const buffer = this.#term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.#term.rows; y++) {
      out.push((buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '').trimEnd());
    }
    return out;
  }

  /** The last n logical lines of history and screen, wrapped rows joined, trailing blank rows dropped. */
  lines(n: number): string[] {
    const buffer = this.#term.buffer.active;
    let end = buffer.length;
    while (end > 0 && isBlank(buffer, end - 1)) end--;
    const out: string[] = [];
    while (end > 0 && out.length < n) {
      let start = end - 1;
      while (start > 0 && buffer.getLine(start)?.isWrapped) start--;
      out.push(logicalLine(buffer, start, end));
      end = start;
    }
    return out.reverse();
  }

  /** Lines completed since the last call: the cursor has moved past them. Empty on the alternate screen. */
  takeNewLines(): string[] {
    return this.#cursor.take();
  }

  resize(cols: number, rows: number): void {
    if (cols === this.#term.cols && rows === this.#term.rows) return;
    // Reflow renumbers rows: collect what is complete under the old geometry first.
    this.#cursor.beforeResize();
    this.#term.resize(cols, rows);
    this.#cursor.afterResize();
  }

  dispose(): void {
    this.#cursor.dispose();
    this.#term.dispose();
  }
}
