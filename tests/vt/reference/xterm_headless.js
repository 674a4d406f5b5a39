#!/usr/bin/env node
// Reference oracle: run byte streams through xterm.js (@xterm/headless) and
// print the resulting screens in Mojiscope's conventions.
//
// Why: Mojiscope's engine targets xterm behaviour; xterm.js is a mature,
// independent emulator that mirrors xterm closely and runs headless in node,
// so it is the primary referee for the golden and differential tests.
//
// stdin : JSON list of cases {"cols": int, "rows": int, "data_b64": str,
//                             "scrollback"?: int}
// stdout: JSON list of results, one per case, same order:
//         {"display": [str...], "cursor": [row, col], "history": [str...],
//          "alt": bool}
//         or {"error": "..."} if xterm.js threw on that case.
//
// Conventions applied (they mirror app.vt.Terminal's public surface):
//  * a row is built cell by cell: a wide char appears once and its width-0
//    placeholder cell contributes nothing; an empty cell is a space; so a row
//    is "padded to the row width" in cells, not in UTF-16 units;
//  * xterm.js keeps cursorX == cols after the last column was written
//    (pending wrap); Mojiscope reports cols - 1 then;
//  * history is the normal buffer's scrollback (the lines above baseY),
//    oldest first, even while the alternate screen is active.
'use strict';

const { Terminal } = require('@xterm/headless');

/** Render one buffer line as Mojiscope does (see header). */
function lineText(line, cols, cell) {
  if (!line) return ' '.repeat(cols);
  let out = '';
  let prevWidth = 1;
  for (let x = 0; x < cols; x++) {
    const c = line.getCell(x, cell);
    if (!c) { out += ' '; prevWidth = 1; continue; }
    const w = c.getWidth();
    // The placeholder right of a wide char contributes nothing. A width-0 cell
    // that is NOT such a placeholder (xterm.js stores a combining mark written
    // at column 0 that way and advances the cursor) shows its content.
    if (w === 0 && prevWidth === 2) { prevWidth = 1; continue; }
    const ch = c.getChars();
    out += ch === '' ? ' ' : ch;
    prevWidth = w;
  }
  return out;
}

function snapshot(term, cols, rows) {
  const active = term.buffer.active;
  const normal = term.buffer.normal;
  const cell = active.getNullCell();
  const display = [];
  for (let y = 0; y < rows; y++) {
    display.push(lineText(active.getLine(active.baseY + y), cols, cell));
  }
  const history = [];
  for (let y = 0; y < normal.baseY; y++) {
    history.push(lineText(normal.getLine(y), cols, cell));
  }
  const col = Math.min(active.cursorX, cols - 1);
  return {
    display,
    cursor: [active.cursorY, col],
    history,
    alt: active.type === 'alternate',
  };
}

// xterm.js parses asynchronously (WriteBuffer uses timers), so a bug inside it
// surfaces as an uncaught exception, not as a throw from write(): route it to
// the case being rendered so one bad case cannot take the whole batch down.
let failCurrent = null;
process.on('uncaughtException', (e) => {
  if (failCurrent) failCurrent(e);
  else { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); }
});

function runCase(c) {
  return new Promise((resolve) => {
    let term = null;
    let done = false;
    const finish = (res) => {
      if (done) return;
      done = true;
      failCurrent = null;
      try { if (term) term.dispose(); } catch (e) { /* already broken */ }
      resolve(res);
    };
    failCurrent = (e) => finish({ error: 'xterm.js threw: ' + String(e && e.stack || e).split('\n').slice(0, 3).join(' | ') });
    const cols = c.cols | 0;
    const rows = c.rows | 0;
    try {
      term = new Terminal({
        cols,
        rows,
        scrollback: c.scrollback === undefined ? 10000 : c.scrollback,
        allowProposedApi: true,
        convertEol: false,
        logLevel: 'off',
      });
    } catch (e) {
      finish({ error: String(e && e.stack || e) });
      return;
    }
    const data = Uint8Array.from(Buffer.from(c.data_b64 || '', 'base64'));
    try {
      term.write(data, () => {
        let res;
        try {
          res = snapshot(term, cols, rows);
        } catch (e) {
          res = { error: String(e && e.stack || e) };
        }
        finish(res);
      });
    } catch (e) {
      finish({ error: String(e && e.stack || e) });
    }
  });
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const c of cases) results.push(await runCase(c));
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
