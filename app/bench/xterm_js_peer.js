#!/usr/bin/env node
// The bench's xterm.js peer: time @xterm/headless on the same bytes, cut in the same chunks, as the Python
// engine (app/bench/peers.py starts this script and reads its one JSON line).
//
// argv: FILE COLS ROWS SCROLLBACK CHUNK RUNS
// stdout: {"version": str, "runs": [seconds...], "screen": [str...], "cursor": [row, col]}
//
// Each run is a fresh Terminal fed every chunk with write(); the clock (CPU time of this process, user +
// system, as the Python side uses process_time) stops in the callback of the last write, when xterm.js has
// parsed everything.  The first run is the cold one (V8 has not compiled the parser yet); the later runs
// are warm.  The screen of the last run is printed so that a test can check the peer saw the same bytes.
// The module is found through NODE_PATH (the tests' reference folder), set by the caller.
'use strict';

const fs = require('fs');
const { Terminal } = require('@xterm/headless');

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function lineText(line, cols, cell) {
  if (!line) return ' '.repeat(cols);
  let out = '';
  let prevWidth = 1;
  for (let x = 0; x < cols; x++) {
    const c = line.getCell(x, cell);
    if (!c) { out += ' '; prevWidth = 1; continue; }
    const w = c.getWidth();
    if (w === 0 && prevWidth === 2) { prevWidth = 1; continue; }
    const ch = c.getChars();
    out += ch === '' ? ' ' : ch;
    prevWidth = w;
  }
  return out;
}

function runOnce(chunks, cols, rows, scrollback) {
  return new Promise((resolve) => {
    const term = new Terminal({ cols, rows, scrollback, allowProposedApi: true, logLevel: 'off' });
    const start = cpuSeconds();
    for (let i = 0; i < chunks.length - 1; i++) term.write(chunks[i]);
    term.write(chunks.length ? chunks[chunks.length - 1] : '', () => resolve({ seconds: cpuSeconds() - start, term }));
  });
}

async function main() {
  const [file, cols, rows, scrollback, chunk, runs] = process.argv.slice(2);
  const data = fs.readFileSync(file);
  const size = Number(chunk);
  const chunks = [];
  for (let i = 0; i < data.length; i += size) chunks.push(new Uint8Array(data.subarray(i, i + size)));
  const times = [];
  let last = null;
  for (let r = 0; r < Number(runs); r++) {
    if (last) last.dispose();
    const { seconds, term } = await runOnce(chunks, Number(cols), Number(rows), Number(scrollback));
    times.push(seconds);
    last = term;
  }
  const buf = last.buffer.active;
  const cell = buf.getNullCell();
  const screen = [];
  for (let y = 0; y < Number(rows); y++) screen.push(lineText(buf.getLine(buf.baseY + y), Number(cols), cell));
  const version = require('@xterm/headless/package.json').version;
  process.stdout.write(JSON.stringify({ version, runs: times, screen, cursor: [buf.cursorY, buf.cursorX] }) + '\n');
  last.dispose();
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
