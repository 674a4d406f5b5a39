"""A child on a real POSIX pseudo-terminal: what a terminal emulator sees, byte for byte.

The child leads a new session with the pty's slave as its controlling terminal, so it has job control, gets
SIGWINCH when :meth:`PtySource.resize` changes the size, and has a foreground process group the probes can ask
about. The parent keeps only the master: once the child and everything else holding the slave are gone, Linux
reports EIO on the master (macOS: end of file), which is the end of the output. The bytes are exact as the line
discipline passes them: a program's ``\\n`` arrives as ``\\r\\n`` (ONLCR), as on any terminal, unless the
program puts its tty in raw mode.

Imports cleanly on Windows (the probes and the factory import it everywhere); using it there raises
:class:`SourceUnavailableError`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import functools
import os
import shlex
import shutil
import struct
import subprocess
import sys

from app.pty._common import (
    READ_SIZE,
    ChunkQueue,
    Family,
    FamilyEnding,
    closed_error,
    default_signals_for_children,
    reap,
)
from app.pty.base import Chunk, SourceError, SourceUnavailableError, SpawnSpec

if sys.platform != "win32":
    import fcntl
    import termios

    #: What a termios call raises (not an OSError).
    _TtyError: type[Exception] = termios.error
else:
    _TtyError = OSError

__all__ = ["Launched", "PtySource", "launch", "tty_iutf8"]

_UNAVAILABLE = "a POSIX pty is not available on Windows; use the ConPTY backend (conpty) or pipes (pipe)"
# Linux's value; Python exposes termios.IUTF8 on Linux, not everywhere.
_IUTF8 = 0o040000


def _check_size(cols: int, rows: int) -> None:
    if not (0 < cols < 65536 and 0 < rows < 65536):
        raise ValueError(f"a terminal size is 1..65535 columns and rows, not {cols}x{rows}")


def _set_winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def tty_iutf8(fd: int, enable: bool | None = None) -> bool:
    """The tty's IUTF8 flag (erase removes a whole UTF-8 character in cooked mode), set first if ``enable`` is
    given; returns the flag as it now is.

    ``fd`` may be the master: on Linux, termios calls on a pty master act on its slave, which is where the line
    discipline reads the flag. UTF-8 enforcement sets it; the code page probe reports it.
    """
    if sys.platform == "win32":
        raise SourceUnavailableError(_UNAVAILABLE)
    flag = getattr(termios, "IUTF8", _IUTF8)
    attrs = termios.tcgetattr(fd)
    if enable is not None:
        attrs[0] = (attrs[0] | flag) if enable else (attrs[0] & ~flag)
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        attrs = termios.tcgetattr(fd)
    return bool(attrs[0] & flag)


def _take_controlling_tty() -> None:
    """Runs in the child between fork and exec, after ``setsid``: make the slave (already fd 0) its controlling
    terminal. ``subprocess`` has no option for this and opening the slave by name would need code in the child
    anyway; this is one ioctl on objects bound before the fork, so it allocates nothing worth worrying about.

    Only where :func:`_ctty_launcher` finds no launcher: a ``preexec_fn`` makes ``subprocess`` fork the whole
    process with the GIL held (20-45 ms on the GUI thread for a 300 MB app) instead of ``vfork``."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@functools.cache
def _ctty_launcher() -> str | None:
    """util-linux's ``setsid``, which takes the pty as its controlling terminal (``--ctty``) and then execs the
    command in the same process, or ``None`` where it is missing (macOS, BSD).

    Why not Python alone: the session leader itself must make the pty its controlling terminal, and the only hook
    ``subprocess`` gives the child is ``preexec_fn``, which turns its ``vfork`` into a full ``fork`` (the GIL held
    while the page tables of the whole app are copied: a 20-45 ms stall of the window at every session's start,
    against 4-8 ms). ``os.posix_spawn`` could open the slave after ``setsid`` but cannot change directory, and the
    window starts its shells in the home folder. The launcher costs the child one exec (~1 ms)."""
    path = shutil.which("setsid")
    if path is None or not path.startswith(("/usr/bin/", "/bin/")):
        return None
    return path


def _check_program(spec: SpawnSpec) -> None:
    """Raise what ``subprocess`` would for a program that cannot run: with a launcher in front, the launcher's
    exec would fail in the child instead, as a message on the pty and exit status 127, and the caller would
    learn nothing. The same lookup as ``execvpe``: a name with a slash is taken from the child's directory, a
    bare name is looked up on the child's PATH."""
    name = spec.argv[0]
    if os.sep in name:
        candidate = os.path.join(spec.cwd or "", name)
        if not os.path.isfile(candidate):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)
        if not os.access(candidate, os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
        return
    search = os.pathsep.join(os.get_exec_path(dict(spec.env) if spec.env is not None else None))
    if shutil.which(name, path=search) is None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)


def _launch(spec: SpawnSpec, slave: int) -> subprocess.Popen[bytes]:
    """Start the child on ``slave`` as the leader of a new session with the pty as its controlling terminal:
    through :func:`_ctty_launcher` (``vfork``) where there is one, else with ``preexec_fn`` (``fork``)."""
    launcher = _ctty_launcher()
    if launcher is not None:
        _check_program(spec)
    default_signals_for_children()  # Ctrl-C and hang-up reach the child even if this process ignores them
    return subprocess.Popen(
        list(spec.argv) if launcher is None else [launcher, "--ctty", "--", *spec.argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=dict(spec.env) if spec.env is not None else None,
        cwd=spec.cwd,
        # Not for the launcher: it calls setsid() itself, and it forks first when it is already a process group
        # leader, which would leave us holding the pid of a parent that exits at once.
        start_new_session=launcher is None,
        preexec_fn=_take_controlling_tty if launcher is None else None,
        close_fds=True,
    )


@dataclasses.dataclass(frozen=True)
class Launched:
    """A child started on a new pty: the master (non-blocking; the slave is closed here) and the process."""

    master: int
    proc: subprocess.Popen[bytes]


def launch(spec: SpawnSpec, *, iutf8: bool = False) -> Launched:
    """Start ``spec`` on a new pty of its size (with the IUTF8 flag set first, if asked); :class:`SourceError` if
    it cannot be started."""
    master, slave = os.openpty()
    try:
        _set_winsize(slave, spec.cols, spec.rows)
        if iutf8:
            tty_iutf8(slave, True)
        os.set_blocking(master, False)
        proc = _launch(spec, slave)
    except (OSError, subprocess.SubprocessError, _TtyError) as exc:
        os.close(master)
        raise SourceError(f"cannot start {shlex.join(spec.argv)}: {exc}") from exc
    finally:
        # Our copy of the slave must go, or the master never reports the end of the output.
        os.close(slave)
    return Launched(master, proc)


async def _until_exec(launcher: subprocess.Popen[bytes]) -> None:
    """Wait (without blocking the loop) until the launcher has exec'd the command: ``subprocess`` returns once the
    launcher runs, and for the next millisecond the child is still ``setsid``, before its ``setsid()`` even, so
    a probe would name the wrong program and a hang-up would miss the session. Where the child stops being the
    launcher shows is its argv in ``/proc`` (empty while the exec is under way); without ``/proc``, or once the
    child is gone, there is nothing to wait for. Bounded: a launcher stuck for 5 s is the command's business
    from then on."""
    assert isinstance(launcher.args, list)
    launched = b"".join(os.fsencode(arg) + b"\0" for arg in launcher.args)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5.0
    delay = 0.0002
    proc = f"/proc/{launcher.pid}"
    while True:
        try:
            with open(f"{proc}/cmdline", "rb") as f:
                argv = f.read()
            if argv and argv != launched:
                return
            if not argv:  # in the middle of the exec (seen for ~1 ms), or a zombie already
                with open(f"{proc}/stat", "rb") as f:
                    if f.read().rpartition(b")")[2].split()[:1] == [b"Z"]:
                        return
        except OSError:
            return
        if loop.time() > deadline:
            return
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.01)


class PtySource(FamilyEnding):
    """A child on a new pty: bytes out through the master, input written to the master, size by TIOCSWINSZ."""

    kind = "pty"
    fidelity = "exact bytes, as the pty's line discipline passes them (ONLCR: a program's \\n arrives as \\r\\n)"

    def __init__(self, spec: SpawnSpec) -> None:
        if sys.platform == "win32":
            raise SourceUnavailableError(_UNAVAILABLE)
        if not spec.argv:
            raise SourceError("nothing to run: the command line is empty")
        _check_size(spec.cols, spec.rows)
        self.spec = spec
        self._proc: subprocess.Popen[bytes] | None = None
        self._family: Family | None = None
        self._master = -1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue = ChunkQueue(1)
        self._reading = False
        self._pending = bytearray()
        self._escalation: asyncio.TimerHandle | None = None
        self._closed = False
        self._taken_over = False

    # -- state -----------------------------------------------------------------------------------------------

    @property
    def input_pending(self) -> int:
        """Bytes written to the child that the pty has not taken yet (it does not read its input)."""
        return len(self._pending)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def returncode(self) -> int | None:
        return self._family.poll() if self._family is not None else None

    @property
    def master_fd(self) -> int | None:
        """The master's descriptor while the source is open (for probes; do not read from it)."""
        return self._master if self._master >= 0 else None

    def foreground_pid(self) -> int | None:
        """The pty's foreground process group (its leader's pid), the process whose locale and environment the
        probes should show; ``None`` once closed or when the kernel cannot say."""
        if self._master < 0:
            return None
        try:
            pgid = os.tcgetpgrp(self._master)
        except OSError:
            return None
        return pgid if pgid > 0 else None

    def iutf8(self, enable: bool | None = None) -> bool:
        """:func:`tty_iutf8` on this session's pty."""
        if self._master < 0:
            raise closed_error(self.returncode)
        return tty_iutf8(self._master, enable)

    # -- life ------------------------------------------------------------------------------------------------

    def take_over(self, launched: Launched) -> None:
        """Run on a child already started for this source's spec (:mod:`app.pty.first_shell`: the first session's
        shell, started while the app was still loading): :meth:`start` then only wires its pty to the loop."""
        if self._proc is not None or self._closed:
            raise SourceError("this source was already started; make a new one for a new run")
        self._master, self._proc = launched.master, launched.proc
        self._taken_over = True

    async def start(self) -> None:
        if (self._proc is not None and not self._taken_over) or self._closed:
            raise SourceError("this source was already started; make a new one for a new run")
        loop = asyncio.get_running_loop()
        taken_over, self._taken_over = self._taken_over, False
        if not taken_over:
            launched = launch(self.spec)
            self._master, self._proc = launched.master, launched.proc
        assert self._proc is not None
        self._loop = loop
        self._family = Family(self._proc)
        self._resume()
        if _ctty_launcher() is not None:  # a shell taken over has long been exec'd: one look at /proc, as a rule
            await _until_exec(self._proc)

    async def read(self) -> Chunk | None:
        return await self._queue.get(self._resume)

    def read_nowait(self) -> Chunk | None:
        """A chunk that is ready now, without a turn of the loop: one queued, or one read from the master at once;
        ``None`` when there is none right now (``read()`` waits for the next, or tells the end).

        Why: a pty hands over at most a few KiB per read, so a flood is thousands of reads, and each one waking
        the session through the loop (the reader's callback, an event, a task step) cost more than reading again
        right after the last chunk was taken in, when the program has usually refilled the pty.
        """
        chunk = self._queue.get_nowait(self._resume)
        if chunk is None and self._reading:
            self._on_readable()
            chunk = self._queue.get_nowait(self._resume)
        return chunk

    def write(self, data: bytes) -> None:
        if self._proc is None:
            raise SourceError("the source is not started yet")
        status = self.returncode
        if self._closed or self._master < 0 or status is not None:
            raise closed_error(status)
        if not data:
            return
        if self._pending:
            self._pending += data
            return
        try:
            sent = os.write(self._master, data)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            raise closed_error(self.returncode) from exc
        if sent < len(data):
            self._pending += data[sent:]
            assert self._loop is not None
            self._loop.add_writer(self._master, self._flush)

    def resize(self, cols: int, rows: int) -> None:
        """Set the size; the kernel sends SIGWINCH to the foreground process group if it changed."""
        _check_size(cols, rows)
        if self._proc is None:
            self.spec = dataclasses.replace(self.spec, cols=cols, rows=rows)
            return
        status = self.returncode
        if self._closed or self._master < 0 or status is not None:
            raise closed_error(status)
        _set_winsize(self._master, cols, rows)

    async def wait(self) -> int:
        """The exit status, once the output has ended (all of it queued for :meth:`read`) and the child is
        reaped. Unread output beyond the flow-control mark holds the child, as a full pipe would: read
        concurrently."""
        if self._proc is None:
            raise SourceError("the source is not started yet")
        await self._queue.ended.wait()
        assert self._family is not None
        return await reap(self._family.poll)

    # -- plumbing --------------------------------------------------------------------------------------------

    def _resume(self) -> None:
        if not self._reading and self._master >= 0 and not self._queue.ended.is_set() and self._loop is not None:
            self._loop.add_reader(self._master, self._on_readable)
            self._reading = True

    def _pause(self) -> None:
        if self._reading and self._loop is not None:
            self._loop.remove_reader(self._master)
            self._reading = False

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            # EIO: every holder of the slave is gone (Linux). Any other error also ends the stream rather than
            # spinning on a descriptor that will never read again.
            data = b""
        if not data:
            self._pause()
            self._queue.end_stream()
            return
        assert self._loop is not None
        self._queue.put(Chunk(data, self._loop.time(), "pty"))
        if self._queue.full:
            self._pause()

    def _flush(self) -> None:
        try:
            sent = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            sent = len(self._pending)  # the child is gone; its input with it
        del self._pending[:sent]
        if not self._pending and self._loop is not None:
            self._loop.remove_writer(self._master)

    def _release(self) -> None:
        self._pause()
        if self._master >= 0:
            if self._pending and self._loop is not None:
                self._loop.remove_writer(self._master)
            self._pending.clear()
            os.close(self._master)
            self._master = -1
        self._queue.abort()
