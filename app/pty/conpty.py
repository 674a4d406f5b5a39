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

import asyncio
import contextlib
import functools
import importlib
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol

import psutil

from app.pty._common import closed_error
from app.pty.base import Chunk, SourceError, SourceUnavailableError, SpawnSpec

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


_EOF = object()


class ConPtySource:
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
    #: Seconds between exit polls (``isalive`` may itself wait up to ~0.1 s on a live child).
    poll_interval = 0.05
    #: Bytes read but not yet taken by :meth:`read` before the reader thread waits (memory bound).
    max_pending = 8 * 1024 * 1024

    def __init__(self, spec: SpawnSpec, *, pty_factory: PtyFactory | None = None) -> None:
        self.spec = spec
        self._factory: PtyFactory = pty_factory if pty_factory is not None else _default_factory()
        self._proc: PtyProcessLike | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Chunk | object] | None = None
        self._eof_delivered = False
        self._exit_event: asyncio.Event | None = None
        self._output_done: asyncio.Event | None = None
        self._returncode: int | None = None
        self._exited = threading.Event()
        self._closing = threading.Event()
        self._finished = threading.Event()  # the EOF marker has been queued
        self._lock = threading.Lock()
        self._pending = 0
        self._pending_cond = threading.Condition(self._lock)
        self._read_waiting_since: float | None = None
        self._writes: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._write_bytes = 0  # queued for the writer thread (an int updated under the GIL: approximate)
        self._write_error: BaseException | None = None
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.error: str | None = None

    # -- the Source protocol -------------------------------------------------------------

    @property
    def input_pending(self) -> int:
        """Bytes written to the child that ConPTY has not taken yet (it does not read its input)."""
        return self._write_bytes

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def returncode(self) -> int | None:
        return self._returncode

    async def start(self) -> None:
        """Spawn the child (in a worker thread: pywinpty's spawn sets up sockets and threads)."""
        if self._proc is not None:
            raise SourceError("this ConPTY source was already started; make a new one per child")
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._queue = asyncio.Queue()
        self._exit_event = asyncio.Event()
        self._output_done = asyncio.Event()
        argv = [str(a) for a in self.spec.argv]
        if not argv:
            raise SourceError("nothing to run: the command line is empty")
        env = None if self.spec.env is None else dict(self.spec.env)
        try:
            self._proc = await loop.run_in_executor(None, self._spawn, argv, env)
        except FileNotFoundError as exc:
            raise SourceError(f"cannot start {argv[0]!r}: {exc} (check the name and PATH)") from exc
        except SourceError:
            raise
        except Exception as exc:  # pywinpty raises WinptyError (a plain Exception) from the native side
            raise SourceError(f"ConPTY could not start {argv[0]!r}: {exc}") from exc
        for target, name in ((self._reader, "reader"), (self._waiter, "waiter"), (self._writer, "writer")):
            thread = threading.Thread(target=target, name=f"conpty-{name}-{self.pid}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _spawn(self, argv: list[str], env: dict[str, str] | None) -> PtyProcessLike:
        return self._factory(argv, cwd=self.spec.cwd, env=env, dimensions=(self.spec.rows, self.spec.cols))

    async def read(self) -> Chunk | None:
        """The next chunk, or ``None`` once the output is over (then always ``None``)."""
        if self._queue is None:
            raise SourceError("read() before start()")
        if self._eof_delivered:
            return None
        item = await self._queue.get()
        if item is _EOF:
            self._eof_delivered = True
            return None
        assert isinstance(item, Chunk)
        with self._pending_cond:
            self._pending -= len(item.data)
            self._pending_cond.notify_all()
        return item

    def write(self, data: bytes) -> None:
        """Queue bytes for the child.  ConPTY input is text: bytes that are not UTF-8 go as U+FFFD."""
        if self._proc is None:
            raise SourceError("write() before start()")
        if self._closed:
            raise closed_error(None)
        if self._exited.is_set() or self._write_error is not None:
            raise closed_error(self._returncode)
        if data:
            self._write_bytes += len(data)
            self._writes.put(bytes(data))

    def resize(self, cols: int, rows: int) -> None:
        if self._proc is None:
            raise SourceError("resize() before start()")
        if cols <= 0 or rows <= 0:
            raise SourceError(f"a terminal size must be positive, got {cols}x{rows}")
        if self._closed:
            raise closed_error(None)
        if self._exited.is_set():
            raise closed_error(self._returncode)
        try:
            self._proc.setwinsize(rows, cols)
        except Exception as exc:
            raise SourceError(f"ConPTY refused the size {cols}x{rows}: {exc}") from exc

    async def wait(self) -> int:
        """The exit status, reported once the child has exited and all its output was read from
        ConPTY (queued for :meth:`read`, in order, before the end marker)."""
        if self._exit_event is None or self._output_done is None:
            raise SourceError("wait() before start()")
        await self._output_done.wait()
        await self._exit_event.wait()
        assert self._returncode is not None
        return self._returncode

    def kill(self) -> None:
        """Kill the child and its whole process tree now (psutil: Windows has no process groups).

        Does not wait: the exit is seen by the waiter thread and reported by :meth:`wait`."""
        pid = self.pid
        if pid is None or self._exited.is_set():
            return
        kill_process_tree(pid)

    async def close(self) -> None:
        """Kill if running, stop the threads, release pywinpty's handles; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        proc = self._proc
        if proc is None:
            return
        loop = asyncio.get_running_loop()
        pid = proc.pid
        if pid is not None and not self._exited.is_set():
            await loop.run_in_executor(None, functools.partial(kill_process_tree, pid, timeout=3.0))
        self._writes.put(None)
        with self._pending_cond:
            self._pending_cond.notify_all()
        # PtyProcess.close() sleeps and may terminate: keep it off the loop.  Closing its socket
        # also ends a reader blocked in read().
        with contextlib.suppress(Exception):
            await loop.run_in_executor(None, functools.partial(proc.close, force=True))
        self._finish()
        if self._exit_event is not None and not self._exit_event.is_set():
            # The child is dead (killed above); give the waiter a moment to collect the status.
            await loop.run_in_executor(None, self._exited.wait, 5.0)
            if self._returncode is None:
                status = self._status_or(None)
                self._set_exit(1 if status is None else status)
        for thread in self._threads:
            await loop.run_in_executor(None, thread.join, 2.0)

    # -- threads ----------------------------------------------------------------------------

    def _reader(self) -> None:
        """Blocking reads until EOF; each read re-encoded and handed to the loop in order."""
        proc = self._proc
        loop = self._loop
        assert proc is not None and loop is not None
        try:
            while not self._finished.is_set():
                with self._pending_cond:
                    while self._pending >= self.max_pending and not self._closing.is_set():
                        self._pending_cond.wait(0.1)
                self._read_waiting_since = time.monotonic()
                try:
                    text = proc.read(self.read_size)
                except EOFError:
                    break
                except OSError as exc:
                    if not self._closing.is_set():
                        self.error = f"reading from ConPTY failed: {exc}"
                    break
                finally:
                    self._read_waiting_since = None
                if not text:
                    continue  # pywinpty's "nothing this time" sentinel, not the end
                data = text.encode("utf-8", "surrogatepass")
                stamp = loop.time()
                with self._lock:
                    if self._finished.is_set():
                        break  # given up on by the drain watch or close: too late to deliver in order
                    self._pending += len(data)
                    self._post(Chunk(data, stamp, "pty"))
        except Exception as exc:  # a native error must end the stream, never hang the session
            self.error = f"reading from ConPTY failed: {exc}"
        finally:
            self._finish()

    def _waiter(self) -> None:
        """Poll for the child's exit, record its status, then watch the pipe drain."""
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
        status = self._status_or(None)
        deadline = time.monotonic() + 2.0
        while status is None and time.monotonic() < deadline:
            time.sleep(0.01)
            status = self._status_or(None)
        self._exited.set()
        self._set_exit(1 if status is None else status)
        # Read on after exit; give up only on a read that has been waiting with nothing arriving.
        while not self._finished.is_set() and not self._closing.is_set():
            since = self._read_waiting_since
            if since is not None and time.monotonic() - since >= self.drain_idle:
                self._finish()
                break
            time.sleep(self.poll_interval)

    def _writer(self) -> None:
        """Write queued input in order; ``PtyProcess.write`` checks ``isalive`` and may wait."""
        proc = self._proc
        assert proc is not None
        while True:
            data = self._writes.get()
            if data is None:
                return
            self._write_bytes -= len(data)
            try:
                proc.write(data.decode("utf-8", "replace"))
            except EOFError as exc:
                self._write_error = exc
            except Exception as exc:
                self._write_error = exc
                self.error = f"writing to ConPTY failed: {exc}"

    # -- helpers ----------------------------------------------------------------------------

    def _status_or(self, default: int | None) -> int | None:
        proc = self._proc
        if proc is None:
            return default
        try:
            status = proc.exitstatus
        except Exception:
            return default
        return default if status is None else int(status)

    def _post(self, item: Chunk | object) -> None:
        loop, q = self._loop, self._queue
        assert loop is not None and q is not None
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
            loop.call_soon_threadsafe(q.put_nowait, item)

    def _finish(self) -> None:
        """Queue the end marker exactly once (reader EOF, drain watch, or close), after every chunk."""
        with self._lock:
            if self._finished.is_set():
                return
            self._finished.set()
            self._post(_EOF)
        loop, event = self._loop, self._output_done
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    def _set_exit(self, status: int) -> None:
        with self._lock:
            if self._returncode is not None:
                return
            self._returncode = status
        loop, event = self._loop, self._exit_event
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    def __repr__(self) -> str:
        return f"<ConPtySource pid={self.pid} returncode={self._returncode} argv={list(self.spec.argv)!r}>"
