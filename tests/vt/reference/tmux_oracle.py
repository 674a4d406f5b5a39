"""Second-opinion oracle: render a byte stream in a detached tmux pane.

Why: xterm.js is our primary reference, but one reference can be wrong; tmux is an
independent, mature C implementation. Where both agree we can be confident; where they
disagree we look at xterm's own source/behaviour and usually side with xterm.js.

How it works:
  * a private tmux server (``-L <unique socket>``, ``-f <our config>``: no status line so
    the pane has exactly ``rows`` rows, ``history-limit`` from the case);
  * the pane runs ``sh -c 'stty raw -echo; cat FILE; printf MARKER; sleep'``: ``stty raw``
    turns off the line discipline's ONLCR, otherwise every LF would reach tmux as CR LF;
  * MARKER is ``CAN ESC \\ OSC 2 ; token BEL``: CAN/ST first close whatever sequence the
    stream left open, then the title is set to a unique token; tmux parses pane output in
    order, so once ``#{pane_title}`` shows the token every byte of the stream was parsed;
  * ``capture-pane -p`` (no ``-e``/``-J``) gives the text; rows are right-padded to the
    row width in cells (wcwidth), cursor from ``#{cursor_y} #{cursor_x}``.

Known differences between tmux and xterm (expect disagreement there; xterm.js wins):
  * tmux keeps its own idea of tab stops, REP, wide-char edge cases, and of which
    sequences it supports at all (e.g. DECALN yes; some rarely used ones not);
  * history is not captured while the alternate screen is active (tmux hides it);
  * a wide char that does not fit at the last column, combining characters after a
    wide char and invalid UTF-8 are handled differently in places.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from wcwidth import wcswidth

from .oracle import Case, Result

_MARKER_PREFIX = "mojiscope-done-"


def _tmux(sock: str, conf: Path, *args: str, timeout: float = 10.0) -> str:
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("TMUX", None)
    proc = subprocess.run(
        ["tmux", "-u", "-L", sock, "-f", str(conf), *args],
        capture_output=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode("utf-8", errors="replace")


def _pad(row: str, cols: int) -> str:
    """Right-pad a captured row to ``cols`` cells (capture-pane trims trailing spaces)."""
    width = wcswidth(row)
    if width < 0:  # a character wcwidth cannot measure: fall back to one cell per char
        width = len(row)
    return row + " " * max(0, cols - width)


def render(case: Case, timeout: float = 20.0) -> Result:
    """Run ``case`` in a fresh tmux server and return the pane as a :class:`Result`."""
    token = _MARKER_PREFIX + uuid.uuid4().hex
    sock = f"mojiscope-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="mojiscope-tmux-") as tmp:
        tmpdir = Path(tmp)
        data_file = tmpdir / "stream.bin"
        data_file.write_bytes(case.data)
        conf = tmpdir / "tmux.conf"
        conf.write_text(
            "set -g status off\n"
            f"set -g history-limit {max(case.scrollback, 0)}\n"
            "set -g default-terminal xterm-256color\n"
            "set -g remain-on-exit on\n"
            "setw -g automatic-rename off\n"
        )
        marker = f"\\030\\033\\\\\\033]2;{token}\\007"
        script = (
            f"stty raw -echo; cat {shlex.quote(str(data_file))}; "
            f"printf '{marker}'; exec sleep 100000"
        )
        try:
            _tmux(
                sock, conf, "new-session", "-d", "-x", str(case.cols), "-y", str(case.rows),
                "sh", "-c", script,
            )
            deadline = time.monotonic() + timeout
            while True:
                title = _tmux(sock, conf, "display", "-p", "#{pane_title}").strip()
                if title == token:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"tmux did not finish parsing within {timeout}s")
                time.sleep(0.01)
            info = _tmux(
                sock, conf, "display", "-p",
                "#{cursor_y} #{cursor_x} #{alternate_on} #{history_size} #{pane_width} #{pane_height}",
            ).split()
            cy, cx, alt_on, hsize, width, height = (int(v) for v in info)
            if (width, height) != (case.cols, case.rows):
                raise RuntimeError(f"tmux pane is {width}x{height}, wanted {case.cols}x{case.rows}")
            screen = _tmux(sock, conf, "capture-pane", "-p", "-S", "0", "-E", str(case.rows - 1))
            rows = screen.split("\n")[: case.rows]
            rows += [""] * (case.rows - len(rows))
            history: list[str] = []
            if hsize > 0 and not alt_on:
                hist = _tmux(sock, conf, "capture-pane", "-p", "-S", f"-{hsize}", "-E", "-1")
                history = [_pad(r, case.cols) for r in hist.split("\n")[:hsize]]
        finally:
            subprocess.run(
                ["tmux", "-L", sock, "kill-server"], capture_output=True, timeout=10, check=False
            )
    return Result(
        display=[_pad(r, case.cols) for r in rows],
        cursor=(cy, min(cx, case.cols - 1)),
        history=history,
        alt=bool(alt_on),
    )


def main() -> None:
    """Debug helper: ``python -m reference.tmux_oracle COLS ROWS FILE`` prints the pane."""
    import sys

    cols, rows, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    res = render(Case(cols, rows, Path(path).read_bytes()))
    for line in res.history:
        print(f"h|{line}|")
    for line in res.display:
        print(f" |{line}|")
    print("cursor", res.cursor, "alt", res.alt)


if __name__ == "__main__":
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    main()
