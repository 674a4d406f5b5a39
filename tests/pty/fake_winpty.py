"""A faithful stand-in for pywinpty's ``PtyProcess`` over ConPTY, for tests on any OS.

It copies the boundary of pywinpty 3.x as read in its sources (``winpty/ptyprocess.py``, and the
native read in winpty-rs ``src/pty/base.rs``), not what we would like it to be:

* ``spawn(argv, cwd=None, env=None, dimensions=(rows, cols), backend=None)`` — a ``str`` argv is
  split with ``shlex.split(posix=False)``, anything but list/tuple is a ``TypeError``, ``env or
  os.environ`` (an empty dict inherits), ``argv[0]`` must resolve or ``FileNotFoundError``.
* ``read(size=1024) -> str`` blocks until there is output.  Native reads take whatever the pipe
  holds (up to ``pipe_read_size`` bytes), decode it as UTF-8 with replacement (so a character
  split between two pipe reads becomes U+FFFD) and drop NULs; the text then travels as UTF-8 and
  ``read`` returns at most about ``size`` bytes' worth, never cutting a character.  An empty native
  read surfaces as ``""`` (pywinpty's ``0011Ignore`` sentinel).  At the end ``EOFError('Pty is
  closed')``; after ``close()`` a blocked read fails with ``OSError`` (its socket was closed).
* ``write(s: str) -> int`` raises ``EOFError('Pty is closed')`` once the process is gone; lone
  surrogates go as U+FFFD (``WideCharToMultiByte``).
* ``isalive()`` is about the process only: false while output is still waiting in the pipe.
  (Like pywinpty, it also sets ``closed = not alive``.)  ``exitstatus`` is ``None`` while alive,
  then the exit code as an unsigned 32-bit number (``GetExitCodeProcess``).
* ``setwinsize(rows, cols)``; ``close(force=False)``; ``terminate``; ``kill(sig)``; ``pid``.

And like ConPTY itself: the pseudo console first sends ``ESC[c`` (DA1) and holds the child until
a DA1 reply (``ESC[?…c``) is written; optionally it then asks ``ESC[6n`` and waits for
``ESC[r;cR``; then it turns on ``?9001h`` and ``?1004h``.  The replies are swallowed, not passed
to the child.

The "process" behind ``pid`` is a real, idle Python process (with an optional grandchild), so
killing by pid with psutil is real; the child's *behaviour* is a Python function run in a thread
once the handshake is done, writing bytes as a program would write them to its console.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import psutil

DA1_REQUEST = b"\x1b[c"
CPR_REQUEST = b"\x1b[6n"
MODES_ON = b"\x1b[?9001h\x1b[?1004h"
_DA1_REPLY = re.compile(rb"\x1b\[\?[0-9;]*c")
_CPR_REPLY = re.compile(rb"\x1b\[[0-9]+;[0-9]+R")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

_IDLE = "import time; time.sleep(3600)"
_IDLE_WITH_GRANDCHILD = (
    "import subprocess, sys, time\n"
    "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3600)'])\n"
    "print(p.pid, flush=True)\n"
    "time.sleep(3600)\n"
)


class ChildKilled(BaseException):
    """Unwinds a child program whose process was killed (not an Exception: programs can't eat it)."""


class FakeConsole:
    """What the child program sees: its console (output pipe, input, size) and its start-up facts."""

    def __init__(self, proc: FakePtyProcess) -> None:
        self._proc = proc
        self.argv = list(proc.argv)
        self.env = dict(proc.env)
        self.cwd = proc.launch_dir

    @property
    def size(self) -> tuple[int, int]:
        """(rows, cols) of the pseudo console now."""
        return self._proc.winsize

    def write(self, data: bytes) -> None:
        """Bytes the program writes; ConPTY passes them on as UTF-8 (here: as given)."""
        self._proc._emit(data)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until the host has read everything written so far (a flush-and-pause)."""
        self._proc._wait_drained(timeout)

    def read_input(self, timeout: float = 10.0) -> bytes:
        """The next input bytes the host wrote (after the handshake replies were taken out)."""
        return self._proc._take_input(timeout)

    def ask_cursor_position(self, timeout: float = 10.0) -> tuple[int, int]:
        """Emit ``ESC[6n`` and wait for the terminal's ``ESC[r;cR`` (as conhost does when asked)."""
        return self._proc._ask_cursor(timeout)


ChildProgram = Callable[[FakeConsole], int]


@dataclass
class FakeConPty:
    """One fake ConPTY world: its :meth:`spawn` has the signature of ``PtyProcess.spawn``.

    ``program`` is the child's behaviour; ``ask_cursor`` makes ConPTY also ask ``ESC[6n`` at start;
    ``pipe_read_size`` is the native read size (pywinpty 3.x reads 32 KiB at a time);
    ``handshake_timeout`` is how long ConPTY holds the child waiting for answers.
    """

    program: ChildProgram
    commands: tuple[str, ...] = ("child.exe",)
    ask_cursor: bool = False
    pipe_read_size: int = 32768
    handshake_timeout: float = 10.0
    grandchild: bool = False
    processes: list[FakePtyProcess] = field(default_factory=list)

    def spawn(
        self,
        argv: list[str] | tuple[str, ...] | str,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        dimensions: tuple[int, int] = (24, 80),
        backend: int | None = None,
    ) -> FakePtyProcess:
        if isinstance(argv, str):
            argv = shlex.split(argv, posix=False)
        if not isinstance(argv, (list, tuple)):
            raise TypeError(f"Expected a list or tuple for argv, got {argv!r}")
        env = env or os.environ
        command = argv[0]
        if command not in self.commands and shutil.which(command, path=env.get("PATH", os.defpath)) is None:
            raise FileNotFoundError(f"The command was not found or was not executable: {command}.")
        proc = FakePtyProcess(self, list(argv), cwd or os.getcwd(), dict(env), dimensions, backend)
        self.processes.append(proc)
        proc._start()
        return proc

    def cleanup(self) -> None:
        """Kill every placeholder process still running (tests call this in teardown)."""
        for proc in self.processes:
            proc._kill_placeholder()


class FakePtyProcess:
    """The ``winpty.PtyProcess`` look-alike; see the module docstring for the semantics copied."""

    def __init__(
        self,
        world: FakeConPty,
        argv: list[str],
        cwd: str,
        env: dict[str, str],
        dimensions: tuple[int, int],
        backend: int | None,
    ) -> None:
        self._world = world
        self.argv = argv
        self.launch_dir = cwd
        self.env = env
        self.backend = backend
        self._winsize = (int(dimensions[0]), int(dimensions[1]))
        self.closed = False
        self.flag_eof = False
        self._cond = threading.Condition()
        self._pipe = bytearray()  # ConPTY's output pipe (UTF-8 bytes as ConPTY sends them)
        self._socket = bytearray()  # pywinpty's socket: text from native reads, as UTF-8
        self._input = bytearray()  # what the host wrote, not yet taken by ConPTY or the child
        self._alive = True
        self._exit_code: int | None = None
        self._socket_closed = False
        self._empty_reads = 0
        #: Every native read's raw bytes, every host write (str), every resize: for assertions.
        self.native_reads: list[bytes] = []
        self.host_writes: list[str] = []
        self.resizes: list[tuple[int, int]] = []
        self.child_started = threading.Event()
        self.handshake_timed_out = False
        self.program_error: BaseException | None = None
        self.grandchild_pid: int | None = None
        self.pid: int | None = self._make_process()

    def _make_process(self) -> int:
        """The real process behind ``pid``: here an idle Python the program's behaviour stands in for."""
        code = _IDLE_WITH_GRANDCHILD if self._world.grandchild else _IDLE
        self._placeholder = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        if self._world.grandchild:
            assert self._placeholder.stdout is not None
            self.grandchild_pid = int(self._placeholder.stdout.readline())
        return self._placeholder.pid

    # -- pywinpty's PtyProcess surface ---------------------------------------------------

    @property
    def exitstatus(self) -> int | None:
        with self._cond:
            return None if self._alive else self._exit_code

    def isalive(self) -> bool:
        with self._cond:
            alive = self._alive
        self.closed = not alive
        return alive

    def read(self, size: int = 1024) -> str:
        with self._cond:
            while not self._socket:
                if self._socket_closed:
                    raise OSError("[WinError 10038] An operation was attempted on something that is not a socket")
                if self._empty_reads:
                    self._empty_reads -= 1
                    return ""
                if self._pipe:
                    self._native_read()
                    if not self._socket:
                        return ""  # a native read that was all NULs: the 0011Ignore sentinel
                    break
                if not self._alive:
                    self.flag_eof = True
                    raise EOFError("Pty is closed")
                self._cond.wait()
            data = bytes(self._socket[:size])
            end = len(data)
            while True:  # pywinpty's recv(1)-until-decodable loop: never cut a character
                try:
                    text = data.decode("utf-8")
                    break
                except UnicodeDecodeError:
                    end += 1
                    data = bytes(self._socket[:end])
            del self._socket[: len(data)]
            return text

    def write(self, s: str) -> int:
        if not self.isalive():
            raise EOFError("Pty is closed")
        data = _LONE_SURROGATE.sub("\ufffd", s).encode("utf-8")
        with self._cond:
            self.host_writes.append(s)
            self._input += data
            self._cond.notify_all()
        return len(data)

    def setwinsize(self, rows: int, cols: int) -> None:
        if cols <= 0 or rows <= 0:
            raise Exception(f"PTY cols and rows must be positive and non-zero. Got: ({cols}, {rows})")
        self._winsize = (rows, cols)
        self.resizes.append((rows, cols))

    def getwinsize(self) -> tuple[int, int]:
        return self._winsize

    def close(self, force: bool = False) -> None:
        if not self.closed:
            with self._cond:
                self._socket_closed = True
                self._cond.notify_all()
            if self.isalive() and not self.terminate(force):
                raise OSError("Could not terminate the child.")
            self.closed = True

    def terminate(self, force: bool = False) -> bool:
        if not self.isalive():
            return True
        self._kill_placeholder()
        self._placeholder.wait(5)
        return not self.isalive()

    def kill(self, sig: int) -> None:
        if self.pid is not None:
            os.kill(self.pid, sig)

    def eof(self) -> bool:
        return self.flag_eof

    @property
    def winsize(self) -> tuple[int, int]:
        return self._winsize

    # -- test controls -------------------------------------------------------------------

    def inject_empty_read(self) -> None:
        """Make the next blocked read return ``""`` as pywinpty does for an empty native read."""
        with self._cond:
            self._empty_reads += 1
            self._cond.notify_all()

    # -- the pseudo console and the child --------------------------------------------------

    def _start(self) -> None:
        threading.Thread(target=self._conhost, name=f"fake-conhost-{self.pid}", daemon=True).start()
        threading.Thread(target=self._watch_placeholder, name=f"fake-proc-{self.pid}", daemon=True).start()

    def _conhost(self) -> None:
        """ConPTY's start-up: ask DA1 (and maybe CPR), hold the child until answered, then run it."""
        try:
            self._emit(DA1_REQUEST)
            if not self._await_reply(_DA1_REPLY, self._world.handshake_timeout):
                self.handshake_timed_out = True
            if self._world.ask_cursor:
                self._emit(CPR_REQUEST)
                if not self._await_reply(_CPR_REPLY, self._world.handshake_timeout):
                    self.handshake_timed_out = True
            self._emit(MODES_ON)
        except ChildKilled:
            return
        self.child_started.set()
        code = 0
        try:
            code = self._world.program(FakeConsole(self))
        except ChildKilled:
            return
        except BaseException as exc:  # a broken test program: the process dies with status 1
            self.program_error = exc
            code = 1
        with self._cond:
            if self._alive:
                self._alive = False
                self._exit_code = code & 0xFFFFFFFF
            self._cond.notify_all()
        self._kill_placeholder()

    def _watch_placeholder(self) -> None:
        """The process was killed from outside (psutil, os.kill): the child dies with it, status 1
        (what ``TerminateProcess(handle, 1)`` leaves; the placeholder's own status is not used, as
        whoever reaped it first — psutil may — decides what ``Popen.wait`` sees)."""
        self._placeholder.wait()
        with self._cond:
            if self._alive:
                self._alive = False
                self._exit_code = 1
            self._cond.notify_all()

    def _kill_placeholder(self) -> None:
        if self._placeholder.poll() is None:
            try:
                tree = psutil.Process(self._placeholder.pid).children(recursive=True)
            except psutil.Error:
                tree = []
            for p in tree:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            with contextlib.suppress(OSError):
                self._placeholder.send_signal(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._placeholder.wait(5)
        if self._placeholder.stdout is not None:
            self._placeholder.stdout.close()

    def _native_read(self) -> None:
        """One ``ReadFile`` + ``MultiByteToWideChar(CP_UTF8)`` + NULs dropped, into the socket."""
        chunk = bytes(self._pipe[: self._world.pipe_read_size])
        del self._pipe[: len(chunk)]
        self.native_reads.append(chunk)
        text = chunk.decode("utf-8", "replace").replace("\0", "")
        self._socket += text.encode("utf-8")
        self._cond.notify_all()

    def _emit(self, data: bytes) -> None:
        with self._cond:
            if not self._alive:
                raise ChildKilled
            self._pipe += data
            self._cond.notify_all()

    def _wait_drained(self, timeout: float) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: not self._pipe or not self._alive, timeout):
                raise TimeoutError("the host did not read the console output")
            if not self._alive:
                raise ChildKilled

    def _await_reply(self, pattern: re.Pattern[bytes], timeout: float) -> bool:
        with self._cond:
            found = self._cond.wait_for(lambda: pattern.search(self._input) is not None or not self._alive, timeout)
            if not self._alive:
                raise ChildKilled
            if not found:
                return False
            m = pattern.search(self._input)
            assert m is not None
            del self._input[m.start() : m.end()]
            return True

    def _take_input(self, timeout: float) -> bytes:
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._input) or not self._alive, timeout):
                raise TimeoutError("no input arrived")
            if not self._alive:
                raise ChildKilled
            data = bytes(self._input)
            self._input.clear()
            return data

    def _ask_cursor(self, timeout: float) -> tuple[int, int]:
        self._emit(CPR_REQUEST)
        with self._cond:
            if not self._cond.wait_for(lambda: _CPR_REPLY.search(self._input) is not None or not self._alive, timeout):
                raise TimeoutError("the terminal did not answer ESC[6n")
            if not self._alive:
                raise ChildKilled
            m = _CPR_REPLY.search(self._input)
            assert m is not None
            reply = bytes(m.group())  # copy before the buffer it points into changes
            del self._input[m.start() : m.end()]
        row, col = reply[2:-1].split(b";")
        return int(row), int(col)


# -- a real child behind the fake ConPTY: for the contract suite (tests/pty/conftest.py) ---------------------------


class RealChildConPty:
    """ConPTY's boundary around a real program, so the source contract every backend keeps runs on pywinpty's
    semantics here too: ``spawn`` starts argv on a real POSIX pty (standing in for the console: the program sees a
    terminal of the spawned size), and a conhost thread does what ConPTY does between it and pywinpty — DA1 first,
    nothing passed on until the terminal answers, ``?9001h?1004h``, then the console's output as the pipe's bytes,
    and the host's input (handshake answers taken out) to the console. pywinpty's ``read`` semantics are the
    fake's (UTF-8 with replacement per native read, NULs dropped); the exit code is what Windows reports (a
    process ended by a kill: 1, as TerminateProcess leaves it); closing kills everything attached to the console,
    as closing a pseudo console does. Unlike Windows, a resize reaches the program as SIGWINCH, so the contract's
    resize promise is not made for it (test_conpty.py checks resizes at the boundary)."""

    def __init__(self) -> None:
        self.processes: list[RealChildProcess] = []

    def spawn(
        self,
        argv: list[str] | tuple[str, ...] | str,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        dimensions: tuple[int, int] = (24, 80),
        backend: int | None = None,
    ) -> RealChildProcess:
        if isinstance(argv, str):
            argv = shlex.split(argv, posix=False)
        if not isinstance(argv, (list, tuple)):
            raise TypeError(f"Expected a list or tuple for argv, got {argv!r}")
        world = FakeConPty(lambda con: 0, commands=())
        proc = RealChildProcess(world, list(argv), cwd or os.getcwd(), dict(env or os.environ), dimensions, backend)
        self.processes.append(proc)
        proc._start()
        return proc


class RealChildProcess(FakePtyProcess):
    """:class:`FakePtyProcess` whose child is a real program on a pty (see :class:`RealChildConPty`)."""

    def _make_process(self) -> int:
        import fcntl
        import struct
        import termios

        master, slave = os.openpty()
        rows, cols = self._winsize
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        try:
            self._child = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                cwd=self.launch_dir,
                env=self.env,
                start_new_session=True,
                preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            )
        except FileNotFoundError:
            os.close(master)
            os.close(slave)
            raise FileNotFoundError(f"The command was not found or was not executable: {self.argv[0]}.") from None
        os.close(slave)
        self._master = master
        self._placeholder = self._child
        self._status: int | None = None
        self._reaped = threading.Event()
        return self._child.pid

    def _start(self) -> None:
        threading.Thread(target=self._reap, name=f"fake-reaper-{self.pid}", daemon=True).start()
        threading.Thread(target=self._conhost, name=f"fake-conhost-{self.pid}", daemon=True).start()

    def _reap(self) -> None:
        """The exit code as Windows reports it, taken the moment the child ends: a kill's psutil may reap it first
        (then it was killed: 1, what TerminateProcess leaves), and a death by a signal is 1 too."""
        try:
            _, status = os.waitpid(self._child.pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            code = -1
        self._child.returncode = code  # reaped here: Popen must not wait for it again
        self._status = (1 if code < 0 else code) & 0xFFFFFFFF
        self._reaped.set()

    def _conhost(self) -> None:
        try:
            self._emit(DA1_REQUEST)
            if not self._await_reply(_DA1_REPLY, self._world.handshake_timeout):
                self.handshake_timed_out = True
            self._emit(MODES_ON)
        except ChildKilled:
            return
        self.child_started.set()
        threading.Thread(target=self._feed_console, name=f"fake-conin-{self.pid}", daemon=True).start()
        while True:  # the console's output, until nothing holds the console any more
            try:
                data = os.read(self._master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            with self._cond:
                self._pipe += data
                self._cond.notify_all()
        self._reaped.wait()
        with self._cond:
            self._alive = False
            self._exit_code = self._status
            self._cond.notify_all()
        with contextlib.suppress(OSError):
            os.close(self._master)

    def _feed_console(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._input) or not self._alive)
                if not self._alive:
                    return
                data = bytes(self._input)
                self._input.clear()
            with contextlib.suppress(OSError):
                os.write(self._master, data)

    def isalive(self) -> bool:
        """About the process only (as pywinpty's): false while its last output may still be on its way."""
        alive = not self._reaped.is_set()
        self.closed = not alive
        return alive

    @property
    def exitstatus(self) -> int | None:
        return self._status

    def close(self, force: bool = False) -> None:
        """pywinpty's close, and the pseudo console going with it: nothing attached to it survives."""
        with self._cond:
            self._socket_closed = True
            self._cond.notify_all()
        self._kill_placeholder()
        self.closed = True

    def _kill_placeholder(self) -> None:
        """Closing the console: everything attached to it ends (the child's session, orphans included)."""
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(proc.pid) == self._child.pid:
                    proc.kill()
        self._reaped.wait(5)

