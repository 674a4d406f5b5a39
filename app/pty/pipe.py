"""A child whose stdout and stderr are plain pipes: the exact bytes it writes, no terminal or console between.

This is what a pipe consumer (PowerShell 5.1, ``| more``, test2json) receives and decodes; shown next to the
pty/ConPTY view of the same run it is the honest way to teach where mojibake comes from. stdin is a pipe too.
There is no terminal, so :meth:`PipeSource.resize` only records the size.

POSIX reads with ``loop.add_reader`` on non-blocking pipes. Windows loops (and qasync there) cannot watch pipe
handles that way, so there each pipe gets a thread doing blocking reads (and one thread writes stdin); the same
path can be chosen anywhere with ``threads=True``, which is how it is tested on Linux.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shlex
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from app.pty._common import (
    READ_SIZE,
    ChunkQueue,
    Family,
    FamilyEnding,
    closed_error,
    default_signals_for_children,
    reap,
)
from app.pty.base import Chunk, SourceClosedError, SourceError, SpawnSpec

if TYPE_CHECKING:  # Windows only: ctypes is not loaded elsewhere (start-up time)
    from app.pty._win32 import Job

__all__ = ["PipeSource"]

_STREAMS = ("stdout", "stderr")
_CREATE_SUSPENDED = 0x00000004


def _join_job(pid: int) -> Job | None:
    """Windows: put the (suspended) child in a kill-on-close job, so everything it starts can be ended with it
    without psutil's process lists (which fail under Wine), then let it run. None if no job could be made."""
    from app.pty import _win32

    job: Job | None = None
    try:
        job = _win32.Job()
        process = _win32.open_process(pid)
        try:
            job.assign(process)
        finally:
            _win32.close_handle(process)
    except OSError:
        if job is not None:
            job.close()
        job = None
    finally:
        _win32.resume_process(pid)
    return job
#: How many read chunks a reader thread may have handed to the loop before the loop queued them.
_IN_FLIGHT = 2


class PipeSource(FamilyEnding):
    """A child on three pipes; chunks say which stream they came from (``"stdout"`` or ``"stderr"``)."""

    kind = "pipe"
    fidelity = "exact bytes as the program wrote them to its stdout/stderr pipes (no terminal in between)"

    def __init__(self, spec: SpawnSpec, *, threads: bool | None = None) -> None:
        if not spec.argv:
            raise SourceError("nothing to run: the command line is empty")
        self.spec = spec
        self.cols, self.rows = spec.cols, spec.rows
        self._threads = sys.platform == "win32" if threads is None else threads
        self._proc: subprocess.Popen[bytes] | None = None
        self._family: Family | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue = ChunkQueue(len(_STREAMS))
        # add_reader path
        self._watched: dict[str, IO[bytes]] = {}
        self._paused = False
        self._pending = bytearray()
        # thread path
        self._may_read = threading.Event()
        #: Chunks a reader thread may have handed to the loop that the loop has not queued yet.  Without
        #: this bound a thread keeps reading while the loop is slow to run its callbacks, and the backlog
        #: overshoots the high-water mark by megabytes (seen on a loaded machine).
        self._in_flight = threading.Semaphore(_IN_FLIGHT)
        self._inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._inbox_bytes = 0  # queued for the writer thread (an int updated under the GIL: approximate)
        self._workers: list[threading.Thread] = []
        self._escalation: asyncio.TimerHandle | None = None
        self._closed = False

    @property
    def input_pending(self) -> int:
        """Bytes written to the child that its stdin has not taken yet (it does not read its input)."""
        return len(self._pending) + self._inbox_bytes

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def returncode(self) -> int | None:
        return self._family.poll() if self._family is not None else None

    async def start(self) -> None:
        if self._proc is not None or self._closed:
            raise SourceError("this source was already started; make a new one for a new run")
        self._loop = asyncio.get_running_loop()
        spec = self.spec
        flags = 0
        windows = sys.platform == "win32"
        if sys.platform == "win32":
            # Its own group, and no console window popping up when the app itself has no console; suspended
            # until it is in its job (see _join_job).
            flags = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW | _CREATE_SUSPENDED
        default_signals_for_children()  # the child's signals in their default state, as on a terminal
        try:
            self._proc = subprocess.Popen(
                list(spec.argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
                env=dict(spec.env) if spec.env is not None else None,
                cwd=spec.cwd,
                start_new_session=sys.platform != "win32",
                close_fds=True,
                creationflags=flags,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SourceError(f"cannot start {shlex.join(spec.argv)}: {exc}") from exc
        self._family = Family(self._proc, _join_job(self._proc.pid) if windows else None)
        assert self._proc.stdin is not None and self._proc.stdout is not None and self._proc.stderr is not None
        if self._threads:
            self._may_read.set()
            for name, pipe in zip(_STREAMS, (self._proc.stdout, self._proc.stderr), strict=True):
                self._spawn_worker(self._pump, name, pipe)
            self._spawn_worker(self._feed, self._proc.stdin)
        else:
            os.set_blocking(self._proc.stdin.fileno(), False)
            for name, pipe in zip(_STREAMS, (self._proc.stdout, self._proc.stderr), strict=True):
                os.set_blocking(pipe.fileno(), False)
                self._watched[name] = pipe
                self._loop.add_reader(pipe.fileno(), self._on_readable, name)

    async def read(self) -> Chunk | None:
        return await self._queue.get(self._resume)

    def write(self, data: bytes) -> None:
        if self._proc is None:
            raise SourceError("the source is not started yet")
        status = self.returncode
        stdin = self._proc.stdin
        if self._closed or status is not None or stdin is None or stdin.closed:
            raise closed_error(status)
        if not data:
            return
        if self._threads:
            self._inbox_bytes += len(data)
            self._inbox.put(bytes(data))
            return
        if self._pending:
            self._pending += data
            return
        try:
            sent = os.write(stdin.fileno(), data)
        except BlockingIOError:
            sent = 0
        except OSError as exc:  # BrokenPipeError: it closed its stdin but runs on
            raise SourceClosedError("the child closed its input; it reads nothing more") from exc
        if sent < len(data):
            self._pending += data[sent:]
            assert self._loop is not None
            self._loop.add_writer(stdin.fileno(), self._flush)

    def resize(self, cols: int, rows: int) -> None:
        """No terminal, nothing to tell the child; the size is only remembered (e.g. for a recording)."""
        if self._proc is not None and (self._closed or (status := self.returncode) is not None):
            raise closed_error(None if self._closed else status)
        self.cols, self.rows = cols, rows

    async def wait(self) -> int:
        """The exit status, once both streams have ended (all output queued for :meth:`read`) and the child is
        reaped. As with any pipe, unread output beyond the flow-control mark holds the child: read concurrently."""
        if self._proc is None:
            raise SourceError("the source is not started yet")
        await self._queue.ended.wait()
        assert self._family is not None
        return await reap(self._family.poll)

    # -- add_reader path -------------------------------------------------------------------------------------

    def _on_readable(self, name: str) -> None:
        pipe = self._watched[name]
        try:
            data = os.read(pipe.fileno(), READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._unwatch(name)
            self._queue.end_stream()
            return
        assert self._loop is not None
        self._queue.put(Chunk(data, self._loop.time(), name))
        if self._queue.full and not self._paused:
            self._paused = True
            for fd in [p.fileno() for p in self._watched.values()]:
                self._loop.remove_reader(fd)

    def _resume(self) -> None:
        if self._threads:
            self._may_read.set()
        elif self._paused and self._loop is not None:
            self._paused = False
            for name, pipe in self._watched.items():
                self._loop.add_reader(pipe.fileno(), self._on_readable, name)

    def _unwatch(self, name: str) -> None:
        pipe = self._watched.pop(name, None)
        if pipe is not None:
            if self._loop is not None and not self._paused:
                self._loop.remove_reader(pipe.fileno())
            pipe.close()

    def _flush(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        fd = self._proc.stdin.fileno()
        try:
            sent = os.write(fd, self._pending)
        except BlockingIOError:
            return
        except OSError:
            sent = len(self._pending)  # the child stopped reading for good; its input goes with it
        del self._pending[:sent]
        if not self._pending and self._loop is not None:
            self._loop.remove_writer(fd)

    # -- thread path -----------------------------------------------------------------------------------------

    def _spawn_worker(self, target: Callable[..., None], *args: object) -> None:
        worker = threading.Thread(target=target, args=args, name=f"pipe-{self.pid}", daemon=True)
        self._workers.append(worker)
        worker.start()

    def _pump(self, name: str, pipe: IO[bytes]) -> None:
        """Blocking reads in a thread; each chunk is handed to the loop, which owns the queue."""
        loop = self._loop
        assert loop is not None
        while True:
            self._may_read.wait()
            try:
                data = os.read(pipe.fileno(), READ_SIZE)
            except (OSError, ValueError):
                data = b""
            try:
                if not data:
                    loop.call_soon_threadsafe(self._queue.end_stream)
                    return
                while not self._in_flight.acquire(timeout=0.1):
                    if loop.is_closed():
                        return
                loop.call_soon_threadsafe(self._put_from_thread, Chunk(data, loop.time(), name))
            except RuntimeError:  # the loop is closed: nobody to hand it to
                return

    def _put_from_thread(self, chunk: Chunk) -> None:
        self._in_flight.release()
        self._queue.put(chunk)
        if self._queue.full:
            self._may_read.clear()

    def _feed(self, stdin: IO[bytes]) -> None:
        """Blocking writes in a thread, so a child that does not read cannot block the loop."""
        while (data := self._inbox.get()) is not None:
            try:
                stdin.write(data)
            except (OSError, ValueError):
                return
            finally:
                self._inbox_bytes -= len(data)

    # -- end -------------------------------------------------------------------------------------------------

    def _release(self) -> None:
        proc = self._proc
        for name in list(self._watched):
            self._unwatch(name)
        self._paused = False
        if proc is not None:
            if self._pending and self._loop is not None and proc.stdin is not None:
                self._loop.remove_writer(proc.stdin.fileno())
            self._pending.clear()
            self._inbox.put(None)
            self._may_read.set()
            for worker in self._workers:
                worker.join(timeout=1.0)
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        self._queue.abort()
