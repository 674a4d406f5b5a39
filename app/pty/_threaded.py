"""What the ConPTY sources share: blocking OS calls in threads, handed to the asyncio loop in order.

A pseudo console's pipes (through pywinpty or kernel32 directly) cannot be watched by the loop, so each
session has a reader thread (blocking reads until the end of output), a writer thread (blocking writes, so
the terminal's DA1/DSR answers and the user's keys never wait on the child) and a waiter thread (the exit
status, then what the backend needs to do for the output to end). The loop side only takes chunks off a
queue. Subclasses supply the native calls (:meth:`_receive`, :meth:`_send`, …); the ordering rules live
here once: every chunk is queued before the end marker, the exit is reported only after the output ended,
a reader far ahead of the loop waits (memory bound), and close() works from any state.

No Qt here.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time

from app.pty._common import closed_error
from app.pty.base import Chunk, SourceError, SpawnSpec

__all__ = ["ThreadedSource"]

_EOF = object()


class ThreadedSource:
    """The thread and queue machinery of a source whose reads, writes and exit wait block.

    Subclasses set :attr:`kind` and :attr:`fidelity` and implement the native hooks. After :meth:`_open`
    returns, :attr:`_started` is true and the three threads run.
    """

    kind = "threaded"
    fidelity = ""

    #: Bytes read but not yet taken by :meth:`read` before the reader thread waits (memory bound).
    max_pending = 8 * 1024 * 1024
    #: Seconds between looks at a flag the threads wait on (exit polls, drain watch).
    poll_interval = 0.05

    def __init__(self, spec: SpawnSpec) -> None:
        self.spec = spec
        self._started = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Chunk | object] | None = None
        self._eof_delivered = False
        self._exit_event: asyncio.Event | None = None
        self._output_done: asyncio.Event | None = None
        self._returncode: int | None = None
        self._exited = threading.Event()
        self._closing = threading.Event()
        self._finished = threading.Event()  # the end marker has been queued
        self._lock = threading.Lock()
        self._pending = 0
        self._pending_cond = threading.Condition(self._lock)
        self._read_waiting_since: float | None = None
        self._last_data = time.monotonic()
        self._writes: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._write_bytes = 0  # queued for the writer thread (an int updated under the GIL: approximate)
        self._write_error: BaseException | None = None
        self._threads: list[threading.Thread] = []
        self._closed = False
        #: The last thing that went wrong in a thread, said for the user (None: nothing).
        self.error: str | None = None

    @property
    def input_pending(self) -> int:
        """Bytes written to the child that have not been handed on yet (it does not read its input)."""
        return self._write_bytes

    # -- native hooks (subclasses) ------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        raise NotImplementedError

    def _open(self, argv: list[str], env: dict[str, str] | None) -> None:
        """Start the child (blocking; runs in a worker thread). Raise FileNotFoundError for a missing program,
        :class:`SourceError` with a message for anything else."""
        raise NotImplementedError

    def _receive(self) -> bytes | None:
        """One blocking read: bytes, ``b""`` for "nothing this time", ``None`` at the end of output."""
        raise NotImplementedError

    def _send(self, data: bytes) -> None:
        """One blocking write of input to the child."""
        raise NotImplementedError

    def _watch_exit(self) -> int | None:
        """Block until the child exits (or :attr:`_closing` is set); its status, if known."""
        raise NotImplementedError

    def _after_exit(self) -> None:
        """In the waiter thread, once the exit is known: whatever makes the output end (default: the drain
        watch with the subclass's idle time)."""

    def _native_resize(self, cols: int, rows: int) -> None:
        raise NotImplementedError

    def _kill_tree(self, timeout: float | None) -> None:
        """End the child and everything it started; with ``timeout``, also wait up to that long."""
        raise NotImplementedError

    def _release(self) -> None:
        """Let go of the native side (blocking; runs in a worker thread); a blocked read must end."""
        raise NotImplementedError

    def _exit_status_now(self) -> int | None:
        """The status if it can be had without waiting (for close() when the waiter is late)."""
        return None

    # -- the Source protocol ------------------------------------------------------------------

    @property
    def returncode(self) -> int | None:
        return self._returncode

    async def start(self) -> None:
        """Start the child in a worker thread, then the reader, waiter and writer threads."""
        if self._started or self._closed:
            raise SourceError(f"this {self.kind} source was already started; make a new one per child")
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
            await loop.run_in_executor(None, self._open, argv, env)
        except FileNotFoundError as exc:
            raise SourceError(f"cannot start {argv[0]!r}: {exc} (check the name and PATH)") from exc
        except SourceError:
            raise
        except Exception as exc:  # native layers raise plain exceptions (pywinpty's WinptyError, OSError)
            raise SourceError(f"{self.kind} could not start {argv[0]!r}: {exc}") from exc
        self._started = True
        for target, name in ((self._reader, "reader"), (self._waiter, "waiter"), (self._writer, "writer")):
            thread = threading.Thread(target=target, name=f"{self.kind}-{name}-{self.pid}", daemon=True)
            self._threads.append(thread)
            thread.start()

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
        """Queue bytes for the writer thread; never waits (the terminal's handshake answers go at once)."""
        if not self._started:
            raise SourceError("write() before start()")
        if self._closed:
            raise closed_error(None)
        if self._exited.is_set() or self._write_error is not None:
            raise closed_error(self._returncode)
        if data:
            self._write_bytes += len(data)
            self._writes.put(bytes(data))

    def resize(self, cols: int, rows: int) -> None:
        if not self._started:
            raise SourceError("resize() before start()")
        if cols <= 0 or rows <= 0:
            raise SourceError(f"a terminal size must be positive, got {cols}x{rows}")
        if self._closed:
            raise closed_error(None)
        if self._exited.is_set():
            raise closed_error(self._returncode)
        try:
            self._native_resize(cols, rows)
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(f"{self.kind} refused the size {cols}x{rows}: {exc}") from exc

    async def wait(self) -> int:
        """The exit status, reported once the child has exited and all its output was queued for :meth:`read`
        (in order, before the end marker)."""
        if self._exit_event is None or self._output_done is None:
            raise SourceError("wait() before start()")
        await self._output_done.wait()
        await self._exit_event.wait()
        assert self._returncode is not None
        return self._returncode

    def kill(self) -> None:
        """End the child and its whole process tree now. Does not wait: the waiter thread sees the exit and
        :meth:`wait` reports it."""
        if not self._started or self._exited.is_set() or self._closed:
            return
        self._kill_tree(None)

    async def close(self) -> None:
        """Kill if running, stop the threads, release the native side; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        if not self._started:
            return
        loop = asyncio.get_running_loop()
        if not self._exited.is_set():
            await loop.run_in_executor(None, self._kill_tree, 3.0)
        self._writes.put(None)
        with self._pending_cond:
            self._pending_cond.notify_all()
        with contextlib.suppress(Exception):
            await loop.run_in_executor(None, self._release)
        self._finish()
        if self._exit_event is not None and not self._exit_event.is_set():
            # The child is dead (killed above); give the waiter a moment to collect the status.
            await loop.run_in_executor(None, self._exited.wait, 5.0)
            status = self._exit_status_now()
            self._set_exit(1 if status is None else status)
        for thread in self._threads:
            await loop.run_in_executor(None, thread.join, 2.0)
        self._eof_delivered = True  # what was not read is dropped, as a closed pty's queue drops it

    # -- threads ----------------------------------------------------------------------------------

    def _reader(self) -> None:
        """Blocking reads until the end; each read handed to the loop in order."""
        loop = self._loop
        assert loop is not None
        try:
            while not self._finished.is_set():
                with self._pending_cond:
                    while self._pending >= self.max_pending and not self._closing.is_set():
                        self._pending_cond.wait(0.1)
                self._read_waiting_since = time.monotonic()
                try:
                    data = self._receive()
                except OSError as exc:
                    if not self._closing.is_set():
                        self.error = f"reading from {self.kind} failed: {exc}"
                    break
                finally:
                    self._read_waiting_since = None
                if data is None:
                    break
                if not data:
                    continue
                self._last_data = time.monotonic()
                stamp = loop.time()
                with self._lock:
                    if self._finished.is_set():
                        break  # given up on by the drain watch or close: too late to deliver in order
                    self._pending += len(data)
                    self._post(Chunk(data, stamp, "pty"))
        except Exception as exc:  # a native error must end the stream, never hang the session
            self.error = f"reading from {self.kind} failed: {exc}"
        finally:
            self._finish()

    def _waiter(self) -> None:
        """The child's exit status, then what makes the output end."""
        try:
            status = self._watch_exit()
        except Exception as exc:
            self.error = f"waiting for the child failed: {exc}"
            status = None
        self._exited.set()
        self._set_exit(1 if status is None else status)
        if not self._closing.is_set():
            self._after_exit()

    def _writer(self) -> None:
        """Write queued input in order."""
        while True:
            data = self._writes.get()
            if data is None:
                return
            self._write_bytes -= len(data)
            try:
                self._send(data)
            except EOFError as exc:
                self._write_error = exc
            except Exception as exc:
                self._write_error = exc
                if not self._closing.is_set():
                    self.error = f"writing to {self.kind} failed: {exc}"

    # -- helpers for subclasses ------------------------------------------------------------------------

    def _drain_watch(self, idle: float) -> None:
        """After the exit: end the output once a read has waited ``idle`` seconds with nothing arriving (a pipe
        that never reports its end must not hold the session open).  The wait counts from the exit at the
        earliest: a reader blocked since long before it (a quiet child) has not been waiting for what the child
        wrote last, which a console host may still be rendering (ConPTY paints on its own thread) when the exit is
        seen."""
        exited = time.monotonic()
        while not self._finished.is_set() and not self._closing.is_set():
            since = self._read_waiting_since
            if since is not None and time.monotonic() - max(since, exited) >= idle:
                self._finish()
                return
            time.sleep(self.poll_interval)

    def _quiet_for(self, quiet: float, limit: float) -> None:
        """Wait until no output arrived for ``quiet`` seconds (at most ``limit`` seconds in all)."""
        deadline = time.monotonic() + limit
        while not self._finished.is_set() and not self._closing.is_set() and time.monotonic() < deadline:
            if time.monotonic() - self._last_data >= quiet:
                return
            time.sleep(min(self.poll_interval, quiet))

    def _post(self, item: Chunk | object) -> None:
        loop, q = self._loop, self._queue
        assert loop is not None and q is not None
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
            loop.call_soon_threadsafe(q.put_nowait, item)

    def _finish(self) -> None:
        """Queue the end marker exactly once (reader end, drain watch, or close), after every chunk."""
        with self._lock:
            if self._finished.is_set():
                return
            self._finished.set()
            if self._queue is None:
                return
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
        return f"<{type(self).__name__} pid={self.pid} returncode={self._returncode} argv={list(self.spec.argv)!r}>"
