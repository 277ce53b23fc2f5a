// Cheap plain text from a one-off string (a command's output, an error message) where a terminal emulator is
// overkill: escape sequences removed, then carriage returns and backspaces applied line by line as a terminal would.

// OSC (titles, OSC 8 links, OSC 52 clipboard) ends at BEL or ST; DCS, SOS, PM and APC end at ST.
const STRING_SEQUENCE = /(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)/g;
const CSI = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]/g;
const OTHER_ESCAPE = /\x1b[ -/]*[0-~]/g;
// A sequence cut off at the end of the string: it would swallow what comes next, so drop it.
const UNFINISHED = /(?:\x1b\]|\x1b[PX^_])[^\x07\x1b]*$|\x1b\[[0-?]*[ -/]*$|\x1b[ -/]*$/;
// Other C0/C1 controls have no visible effect in text; tab, LF, CR and backspace are handled below.
const INVISIBLE = /[\x00-\x07\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/g;

export function stripAnsi(s: string): string {
  return s
    .replace(STRING_SEQUENCE, '')
    .replace(CSI, '')
    .replace(UNFINISHED, '')
    .replace(OTHER_ESCAPE, '')
    .replace(INVISIBLE, '');
}

/** Applies CR (back to column 0, later text overwrites) and backspace (one column left) to one line. */
export function applyOverwrites(line: string): string {
  if (!line.includes('\r') && !line.includes('\b')) return line;
  const cells: string[] = [];
  let col = 0;
  for (const ch of line) {
    if (ch === '\r') col = 0;
    else if (ch === '\b') col = Math.max(0, col - 1);
    else cells[col++] = ch;
  }
  return Array.from(cells, (cell) => cell ?? ' ').join('');
}

export function cleanText(s: string): string {
  return stripAnsi(s)
    .split('\n')
    .map((line) => applyOverwrites(line.endsWith('\r') ? line.slice(0, -1) : line).trimEnd())
    .join('\n');
}
