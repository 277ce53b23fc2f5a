// The visible screen of a headless terminal cell by cell (text, width, colours, attributes), as core's plain data:
// what /screen draws. xterm keeps colours as a mode (default, 16/256 palette, RGB) and a value; both are copied.
import type xterm from '@xterm/headless';
import type { CellColor, ScreenCell, ScreenRow, ScreenSnapshot } from '../core/screen.js';

type XTerm = InstanceType<typeof xterm.Terminal>;
type Cell = NonNullable<ReturnType<XTerm['buffer']['active']['getNullCell']>>;

export function snapshotOf(term: XTerm): ScreenSnapshot {
  const buffer = term.buffer.active;
  const scratch = buffer.getNullCell();
  const rows: ScreenRow[] = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.baseY + y);
    const cells: ScreenCell[] = [];
    for (let x = 0; x < term.cols; x++) {
      const cell = line?.getCell(x, scratch);
      cells.push(cell === undefined ? blankCell() : cellOf(cell));
    }
    rows.push({ cells, wrapped: line?.isWrapped ?? false });
  }
  return { cols: term.cols, rows };
}

function cellOf(cell: Cell): ScreenCell {
  const width = cell.getWidth();
  return {
    text: cell.isInvisible() ? '' : cell.getChars(),
    width: width === 0 ? 0 : width === 2 ? 2 : 1,
    fg: colorOf(cell.isFgDefault(), cell.isFgRGB(), cell.getFgColor()),
    bg: colorOf(cell.isBgDefault(), cell.isBgRGB(), cell.getBgColor()),
    bold: cell.isBold() !== 0,
    italic: cell.isItalic() !== 0,
    underline: cell.isUnderline() !== 0,
    inverse: cell.isInverse() !== 0,
    dim: cell.isDim() !== 0,
  };
}

// Shared, frozen: most cells of a screen have the default colours or one of a few palette entries, and 20,000
// colour objects per snapshot of a 200x50 screen were a third of its cost.
const DEFAULT: CellColor = Object.freeze({ kind: 'default' });
const PALETTE: readonly CellColor[] = Array.from({ length: 256 }, (_, index) => Object.freeze({ kind: 'palette' as const, index }));

function colorOf(isDefault: boolean, isRgb: boolean, value: number): CellColor {
  if (isDefault) return DEFAULT;
  return isRgb ? { kind: 'rgb', rgb: value & 0xffffff } : PALETTE[value & 0xff]!;
}

function blankCell(): ScreenCell {
  return { text: '', width: 1, fg: DEFAULT, bg: DEFAULT, bold: false, italic: false, underline: false, inverse: false, dim: false };
}
