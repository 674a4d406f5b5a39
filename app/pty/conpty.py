"""ConPTY through pywinpty, as a :class:`~app.pty.base.Source`.

What pywinpty (>= 3.0.3) gives us, and what this module does about it:

* ``PtyProcess.read(size)`` blocks and returns ``str``.  Underneath, winpty-rs reads the ConPTY
  output pipe with ``ReadFile``, decodes each read with ``MultiByteToWideChar(CP_UTF8)`` (invalid or
  truncated sequences become U+FFFD) and drops NUL characters.  So a character that ConPTY happened
  to split across two pipe reads arrives as U+FFFD, and the exact bytes are gone before Python sees
  them.  We re-encode the text to UTF-8 bytes and say so in :attr:`ConPtySource.fidelity`.
* ``read`` raises ``EOFError`` once the output is finished; it can also return ``""`` (pywinpty's
  ``0011Ignore`` sentinel for an empty native read), which is *not* the end.
* Reads block, so one reader thread per session does them and hands chunks to the asyncio loop
  with ``loop.call_soon_threadsafe``; the loop never blocks on the pipe.
* ``isalive()`` is about the process, not the pipe: it turns false while output is still queued.
  We keep reading after the child exits until EOF, so the tail is not lost.  Because ConPTY may
  keep its pipe open after the child is gone (pywinpty issue #565, the pseudo console holds the
  write end), the reader is given up only when the child is dead *and* a read has been waiting
  for :attr:`ConPtySource.drain_idle` seconds with nothing arriving.
* ``isalive()`` itself may wait (winpty-rs asks ``WaitForSingleObject`` with a timeout), and
  ``PtyProcess.write`` calls it on every write; so exit polling and writes run in their own
  threads, and no call on the loop waits on the child.
* ConPTY starts by asking ``ESC[c`` (DA1), possibly ``ESC[6n``, and holds the child until the
  terminal answers.  The session's terminal answers through :meth:`ConPtySource.write`, which
  queues to the writer thread at once.

No Qt here, and pywinpty is imported only when a real ConPTY is started (Windows only).
"""

from __future__ import annotations

import functools
import importlib
import sys
import time
from collections.abc import Callable
from typing import Protocol

import psutil

from app.pty._threaded import ThreadedSource
from app.pty.base import SourceError, SourceUnavailableError, SpawnSpec
from app.pty.hosts import console_host

__all__ = [
    "CONPTY_FIDELITY",
    "ConPtySource",
    "PtyFactory",
    "PtyProcessLike",
    "kill_process_tree",
]

#: What the bytes of a ConPTY session are worth (shown in the UI and written into recordings).
CONPTY_FIDELITY = (
    "UTF-8 re-encoded from ConPTY's text reads; a character split across reads shows as U+FFFD; NUL bytes are dropped"
)

#: pywinpty's ``winpty.Backend.ConPTY``; we ask for it explicitly so a silent fallback to the old
#: winpty agent (whose output is different again) cannot happen behind the fidelity label.
_BACKEND_CONPTY = 0


class PtyProcessLike(Protocol):
    """The part of ``winpty.PtyProcess`` (pywinpty 3.x) this source uses."""

    pid: int | None

    def read(self, size: int = 1024) -> str: ...

    def write(self, s: str) -> int: ...

    def isalive(self) -> bool: ...

    @property
    def exitstatus(self) -> int | None: ...

    def setwinsize(self, rows: int, cols: int) -> None: ...

    def close(self, force: bool = False) -> None: ...


class PtyFactory(Protocol):
    """Starts a child, with the signature of ``winpty.PtyProcess.spawn``."""

    def __call__(
        self,
        argv: list[str],
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        dimensions: tuple[int, int] = (24, 80),
    ) -> PtyProcessLike: ...


def _is_windows() -> bool:
    """Asked at run time (not a static platform check), so both paths are type-checked everywhere."""
    return sys.platform == "win32"


def _default_factory() -> PtyFactory:
    """pywinpty's ``PtyProcess.spawn`` with the ConPTY backend, imported only now (Windows only)."""
    if not _is_windows():
        raise SourceUnavailableError("ConPTY is available on Windows only")
    try:
        winpty = importlib.import_module("winpty")
    except ImportError as exc:
        raise SourceUnavailableError(
            f"pywinpty is not installed ({exc}); install it with: pip install 'pywinpty>=3.0.3'"
        ) from exc
    spawn: Callable[..., PtyProcessLike] = winpty.PtyProcess.spawn
    return functools.partial(spawn, backend=_BACKEND_CONPTY)


def kill_process_tree(pid: int, *, timeout: float | None = None) -> list[int]:
    """Kill ``pid`` and every descendant (children first, found before anything dies) with psutil.

    Windows has no process groups to signal, and a shell's children outlive it unless they are
    killed too; collecting the tree first means a child re-parented at its parent's death is
    still found.  Returns the pids that were signalled.  Processes already gone are skipped.
    ``timeout``: also wait up to that long for them to be gone (never on the event loop).
    """
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    try:
        tree = root.children(recursive=True)
    except psutil.Error:
        tree = []
    killed: list[int] = []
    for proc in [*reversed(tree), root]:
        try:
            proc.kill()
            killed.append(proc.pid)
        except psutil.NoSuchProcess:
            continue
        except psutil.AccessDenied:
            continue
    if timeout is not None:
        psutil.wait_procs([*tree, root], timeout=timeout)
    return killed


class ConPtySource(ThreadedSource):
    """A child on a Windows pseudo console, read through pywinpty.

    ``pty_factory`` replaces ``winpty.PtyProcess.spawn`` (tests inject a fake with the same
    semantics).  Without it, on anything but Windows, construction raises
    :class:`SourceUnavailableError` — importing this module works everywhere.
    """

    kind = "conpty"
    fidelity = CONPTY_FIDELITY

    #: Largest ``read(size)`` asked of pywinpty (characters; it returns at most about this many bytes).
    read_size = 65536
    #: After the child exited, a read that has waited this long with nothing arriving means ConPTY
    #: will send no more (its pipe may never report EOF); the reader is then given up.
    drain_idle = 1.0

    def __init__(self, spec: SpawnSpec, *, pty_factory: PtyFactory | None = None) -> None:
        super().__init__(spec)
        self._factory: PtyFactory = pty_factory if pty_factory is not None else _default_factory()
        self._proc: PtyProcessLike | None = None
        #: Which console host is behind the session (the Session panel shows it).
        self.console_host = console_host(self.kind)

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    # -- the native side (see ThreadedSource) --------------------------------------------------

    def _open(self, argv: list[str], env: dict[str, str] | None) -> None:
        """pywinpty's spawn sets up sockets and threads: it runs in a worker thread."""
        self._proc = self._factory(argv, cwd=self.spec.cwd, env=env, dimensions=(self.spec.rows, self.spec.cols))

    def _receive(self) -> bytes | None:
        proc = self._proc
        assert proc is not None
        try:
            text = proc.read(self.read_size)
        except EOFError:
            return None
        # "" is pywinpty's "nothing this time" sentinel, not the end
        return text.encode("utf-8", "surrogatepass")

    def _send(self, data: bytes) -> None:
        """ConPTY input is text: bytes that are not UTF-8 go as U+FFFD. ``PtyProcess.write`` checks
        ``isalive`` and may wait, hence the writer thread."""
        assert self._proc is not None
        self._proc.write(data.decode("utf-8", "replace"))

    def _watch_exit(self) -> int | None:
        """Poll ``isalive`` (it may itself wait up to ~0.1 s on a live child), then the status."""
        proc = self._proc
        assert proc is not None
        while not self._closing.is_set():
            try:
                alive = proc.isalive()
            except Exception:
                alive = False
            if not alive:
                break
            time.sleep(self.poll_interval)
        status = self._exit_status_now()
        deadline = time.monotonic() + 2.0
        while status is None and time.monotonic() < deadline:
            time.sleep(0.01)
            status = self._exit_status_now()
        return status

    def _after_exit(self) -> None:
        """Read on after exit; give up only on a read that has been waiting with nothing arriving."""
        self._drain_watch(self.drain_idle)

    def _native_resize(self, cols: int, rows: int) -> None:
        assert self._proc is not None
        try:
            self._proc.setwinsize(rows, cols)
        except Exception as exc:
            raise SourceError(f"ConPTY refused the size {cols}x{rows}: {exc}") from exc

    def _kill_tree(self, timeout: float | None) -> None:
        """psutil: Windows has no process groups (pywinpty runs only on real Windows, where psutil works)."""
        pid = self.pid
        if pid is not None:
            kill_process_tree(pid, timeout=timeout)

    def _release(self) -> None:
        """``PtyProcess.close()`` sleeps and may terminate; closing its socket also ends a blocked read."""
        if self._proc is not None:
            self._proc.close(force=True)

    def _exit_status_now(self) -> int | None:
        proc = self._proc
        if proc is None:
            return None
        try:
            status = proc.exitstatus
        except Exception:
            return None
        return None if status is None else int(status)
