// One headless terminal per pane: raw pane bytes in, the text a person would see out. A real emulator resolves
// CR, backspace, spinners, progress bars, `clear`, wide chars and every escape sequence the way the pane did.
import unicode11 from '@xterm/addon-unicode11';
import xterm from '@xterm/headless';
import { isBlank, logicalLine } from './buffer-text.js';
import type { ScreenSnapshot } from '../core/screen.js';
import { LineCursor } from './line-cursor.js';
import { snapshotOf } from './snapshot.js';

const { Terminal } = xterm;
const { Unicode11Addon } = unicode11;
type XTerm = InstanceType<typeof Terminal>;

/** xterm's core terminal: its writeSync parses in the caller's turn (see TerminalRenderer.write). */
interface SyncWritable {
  writeSync(data: Uint8Array | string): void;
}

function coreOf(term: XTerm): SyncWritable {
  const core = (term as unknown as { _core?: Partial<SyncWritable> })._core;
  if (typeof core?.writeSync !== 'function') {
    throw new Error('@xterm/headless without a synchronous write: pocket needs @xterm/headless 6.0 (see package.json).');
  }
  return core as SyncWritable;
}

export interface TerminalRendererOptions {
  cols: number;
  rows: number;
  /** Lines kept above the screen; bounds memory whatever the pane prints. */
  scrollback?: number;
}

export const DEFAULT_SCROLLBACK = 2000;

export class TerminalRenderer {
  readonly #term: XTerm;
  readonly #core: SyncWritable;
  readonly #cursor: LineCursor;
  /** The first bytes of a UTF-8 character the last write ended inside (see write). */
  #carry: Uint8Array | null = null;

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
    // xterm counts characters in Unicode 6 widths by default: most emoji (🚀 U+1F680) then take one column where tmux
    // and the programs take two, and everything after one on a line was drawn a column off. Unicode 11 widths agree.
    this.#term.loadAddon(new Unicode11Addon());
    this.#term.unicode.activeVersion = '11';
    this.#core = coreOf(this.#term);
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

  /** The cursor's row on the visible screen, 0 at the top. */
  get cursorRow(): number {
    return this.#term.buffer.active.cursorY;
  }

  /** Lines that left the scrollback before takeNewLines saw them (a flood larger than the scrollback); only grows. */
  get lostLines(): number {
    return this.#cursor.lost;
  }

  /**
   * Parses the data now. xterm's public write() queues it and parses in a setTimeout: every pane event paid at least
   * a 1 ms timer hop plus the timer machinery (~1.1 ms a line against ~1 us, measured), and the daemon had to await
   * every chunk. Its core's writeSync is marked unreliable because a parser hook that returns a promise cannot run
   * inside it; this renderer registers none (LineCursor's hooks are synchronous). Pinned in package.json, checked
   * at construction and by test/terminal/terminal.test.ts, so an xterm without it fails loudly, not slowly.
   */
  write(data: Uint8Array | string): void {
    if (typeof data === 'string') {
      this.#core.writeSync(data);
      return;
    }
    // A UTF-8 character cut in two by a read is held back and written whole with the next bytes: xterm 6.0's decoder
    // drops a three-byte character cut right after its second byte (E2 80 | A6: "…", "•", "›", curly quotes), and
    // pane logs are read in pieces that end anywhere.
    let bytes = data;
    if (this.#carry !== null) {
      bytes = concat(this.#carry, data);
      this.#carry = null;
    }
    const cut = incompleteUtf8Tail(bytes);
    if (cut > 0) {
      // A copy (a Buffer's slice() is a view): the caller's buffer is only lent, the pane tail reuses it.
      this.#carry = new Uint8Array(bytes.subarray(bytes.length - cut));
      bytes = bytes.subarray(0, bytes.length - cut);
    }
    if (bytes.length > 0) this.#core.writeSync(bytes);
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

  /** The visible screen cell by cell, with colours and attributes: what /screen draws. */
  snapshot(): ScreenSnapshot {
    return snapshotOf(this.#term);
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

/** How many bytes at the end of `bytes` start a UTF-8 character that is not complete yet (0-3). */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  // Walk back over continuation bytes (10xxxxxx) to the byte that starts the last character.
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  // Only continuation bytes: not the start of anything to hold back.
  return 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
