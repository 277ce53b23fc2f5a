// The one script pocket runs in osascript (JavaScript for Automation), written to a private file and run as
// `osascript -l JavaScript FILE OP ARG...`. Every input (a tty, text to type, a key) arrives in argv and is used as a
// value: nothing from outside is ever spliced into this text, so quotes, backslashes, unicode and a leading dash
// arrive literally. osascript stops reading options at the script file (BSD getopt), so an argument after it that
// starts with '-' is data too.
//
// Terminal's scripting dictionary (Terminal.sdef; `sdef /System/Applications/Utilities/Terminal.app`): a window has
// `id` and tabs; a tab has `tty` ("/dev/ttys003"), `processes` (list of names, oldest first), `busy`, `custom title`,
// `contents` (the visible rows), `history` (the whole scrollback), `number of rows`, `number of columns`, `selected`;
// `do script TEXT in TAB` types TEXT and a return into the tab. Keys other than return need System Events (UI
// scripting, the Accessibility permission). Each property read is an Apple event: reading one property of all tabs
// of a window at once (`w.tabs.tty()`) costs one event whatever the number of tabs.
//
// Answers are one line of JSON on stdout. Errors from Terminal or System Events are not caught (except in probe):
// osascript prints them on stderr as "FILE: execution error: Error: MESSAGE (NUMBER)" and exits 1, and osascript.ts
// reads the number.
/** What the script says when Terminal's tab is not in front for keys (osascript.ts tells the person what to do). */
export const NOT_IN_FRONT = 'pocket: the tab did not come to the front (another application has the focus); no key was pressed';

export const JXA_SCRIPT = `
function run(argv) {
  var op = argv[0];
  var terminal = Application('Terminal');
  if (op === 'probe') return JSON.stringify(probe(terminal));
  // Never launch Terminal to look at it: a quit Terminal has no tabs.
  if (!terminal.running()) {
    if (op === 'list') return JSON.stringify({ running: false, tabs: [] });
    if (op === 'read') return JSON.stringify({ running: false, tabs: argv.slice(1).map(function (tty) { return { tty: tty, closed: true }; }) });
    return JSON.stringify({ running: false, closed: true });
  }
  if (op === 'list') return JSON.stringify({ running: true, tabs: listTabs(terminal) });
  if (op === 'read') return JSON.stringify({ running: true, tabs: readTabs(terminal, argv.slice(1)) });
  var found = findTab(terminal, argv[1]);
  if (found === null) return JSON.stringify({ running: true, closed: true });
  if (op === 'history') {
    var max = Number(argv[2]);
    var text = found.tab.history() || '';
    var truncated = text.length > max;
    return JSON.stringify({ running: true, closed: false, text: truncated ? text.slice(text.length - max) : text, truncated: truncated });
  }
  if (op === 'type') {
    if (argv[3] === 'enter') terminal.doScript(argv[2], { in: found.tab });
    else {
      focus(terminal, found);
      Application('System Events').keystroke(argv[2]);
    }
    return JSON.stringify({ running: true, closed: false });
  }
  if (op === 'keys') {
    focus(terminal, found);
    var events = Application('System Events');
    // Triples: kind ("code" or "char"), value, modifier ("" or "control").
    for (var i = 2; i + 2 < argv.length; i += 3) {
      var using = argv[i + 2] === 'control' ? { using: 'control down' } : {};
      if (argv[i] === 'code') events.keyCode(Number(argv[i + 1]), using);
      else events.keystroke(argv[i + 1], using);
    }
    return JSON.stringify({ running: true, closed: false });
  }
  throw new Error('pocket: unknown operation ' + op);
}

function listTabs(terminal) {
  var out = [];
  var windows = terminal.windows();
  for (var w = 0; w < windows.length; w++) {
    var tabs = windows[w].tabs;
    var ttys;
    // A window without tabs (Settings, an inspector) answers with an error: it is no terminal.
    try { ttys = tabs.tty(); } catch (e) { continue; }
    var id = windows[w].id();
    var processes = tabs.processes();
    var busy = tabs.busy();
    var titles = tabs.customTitle();
    var rows = tabs.numberOfRows();
    var columns = tabs.numberOfColumns();
    for (var t = 0; t < ttys.length; t++) {
      out.push({ windowId: id, tabIndex: t + 1, tty: ttys[t], processes: processes[t] || [], busy: busy[t] === true, title: titles[t] || '', rows: rows[t], columns: columns[t] });
    }
  }
  return out;
}

function readTabs(terminal, ttys) {
  var where = tabsByTty(terminal);
  return ttys.map(function (tty) {
    var tab = where[tty];
    if (tab === undefined) return { tty: tty, closed: true };
    return { tty: tty, closed: false, contents: tab.contents() || '', busy: tab.busy() === true, processes: tab.processes() || [] };
  });
}

function tabsByTty(terminal) {
  var where = {};
  var windows = terminal.windows();
  for (var w = 0; w < windows.length; w++) {
    var ttys;
    try { ttys = windows[w].tabs.tty(); } catch (e) { continue; }
    for (var t = 0; t < ttys.length; t++) where[ttys[t]] = windows[w].tabs[t];
  }
  return where;
}

function findTab(terminal, tty) {
  var windows = terminal.windows();
  for (var w = 0; w < windows.length; w++) {
    var ttys;
    try { ttys = windows[w].tabs.tty(); } catch (e) { continue; }
    for (var t = 0; t < ttys.length; t++) {
      if (ttys[t] === tty) return { window: windows[w], tab: windows[w].tabs[t] };
    }
  }
  return null;
}

// Keys go to the frontmost window of the frontmost application: the tab is selected and brought to the front first,
// then checked to be there: macOS may not bring Terminal forward (another application took the focus meanwhile), and
// the keys would go to that application. (It could still take the focus between the check and the keys: a few ms.)
function focus(terminal, found) {
  found.tab.selected = true;
  found.window.frontmost = true;
  terminal.activate();
  delay(0.2);
  if (!terminal.frontmost() || !found.window.frontmost() || !found.tab.selected()) {
    throw new Error('${NOT_IN_FRONT}');
  }
}

function probe(terminal) {
  var out = { running: terminal.running(), automation: null, accessibility: null };
  if (out.running) {
    try { terminal.windows.length; out.automation = { ok: true }; }
    catch (e) { out.automation = { ok: false, number: e.errorNumber || 0, message: String(e.message) }; }
  }
  try {
    // Reading another application's windows through System Events is UI scripting: it needs Accessibility.
    Application('System Events').applicationProcesses.byName('Finder').windows.length;
    out.accessibility = { ok: true };
  } catch (e) {
    out.accessibility = { ok: false, number: e.errorNumber || 0, message: String(e.message) };
  }
  return out;
}
`;
