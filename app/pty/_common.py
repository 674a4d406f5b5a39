"""What the process-backed sources share: the chunk queue between OS reads and ``read()``, and ending a child
together with everything it started.

Kept apart so the pty, the pipes (and ConPTY) behave the same at the edges: the same flow control, the same
messages after exit, the same no-orphans rule.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.pty.base import Chunk, SourceClosedError

if TYPE_CHECKING:
    import psutil

    from app.pty._win32 import Job

__all__ = [
    "GRACE",
    "HIGH_WATER",
    "LOW_WATER",
    "READ_SIZE",
    "ChunkQueue",
    "Family",
    "FamilyEnding",
    "closed_error",
    "default_signals_for_children",
    "reap",
]

#: Bytes asked of the OS per read.
READ_SIZE = 64 * 1024
#: Unread bytes at which the source stops reading, so a child faster than its reader waits in the kernel
#: (as it would on a real terminal) instead of filling our memory.
HIGH_WATER = 4 * 1024 * 1024
#: ...and at which it reads again.
LOW_WATER = 1024 * 1024
#: Seconds a hung-up child gets to end on its own before SIGKILL.
GRACE = 0.5


#: Signals a child must get in their default state, as on any terminal: a program started in the background by a
#: script (``mojiscope &``) has SIGINT and SIGQUIT ignored, one started with ``nohup`` SIGHUP, and an ignored signal
#: stays ignored across fork and exec.  Its sessions' programs would inherit that: Ctrl-C (the pty sends SIGINT) would
#: not stop a ``go test``, and closing a tab would not hang its shell up (it would be killed after :data:`GRACE`).
CHILD_DEFAULT_SIGNALS = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGTSTP", "SIGTTIN", "SIGTTOU")


def _ignore(_signum: int, _frame: object) -> None:
    """What an ignored signal does to this process after :func:`default_signals_for_children`: still nothing."""


def default_signals_for_children() -> list[str]:
    """Make every signal of :data:`CHILD_DEFAULT_SIGNALS` that this process ignores reach children in its default
    state; returns their names.

    ``subprocess`` has no option for it without a ``preexec_fn`` (which turns the pty's ``vfork`` into a full fork,
    see ``posix_pty``), so this process takes a handler that does nothing instead of ignoring: for this process
    the same, but a handler, unlike an ignored disposition, is reset to the default by ``exec``.  Only the main
    thread may set handlers; from another thread (or on Windows) nothing changes.
    """
    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        return []
    changed: list[str] = []
    for name in CHILD_DEFAULT_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_IGN:
            signal.signal(number, _ignore)
            changed.append(name)
    return changed


def closed_error(returncode: int | None) -> SourceClosedError:
    """The one wording for input that can no longer go anywhere (DESIGN §7: a clear error, not a crash)."""
    if returncode is None:
        return SourceClosedError("the session is closed; start a new session to send input")
    return SourceClosedError(f"the child has exited (status {returncode}); start a new session to send input")


class ChunkQueue:
    """Chunks from one or more OS streams to one reader, in arrival order.

    ``read()`` ends (``None``) only when every stream has ended, so the tail of the output is never cut off;
    ``abort()`` (on close) ends it at once and drops what was not read.  Byte counts drive flow control: the
    producer asks :attr:`full` after each put and pauses; ``get(drained)`` calls back once the reader caught up.
    """

    def __init__(self, streams: int = 1) -> None:
        self._chunks: collections.deque[Chunk] = collections.deque()
        self._bytes = 0
        self._open = streams
        self._aborted = False
        self._changed = asyncio.Event()
        self.ended = asyncio.Event()

    @property
    def full(self) -> bool:
        return self._bytes >= HIGH_WATER

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    def put(self, chunk: Chunk) -> None:
        if self._aborted or self._open <= 0:
            return
        self._chunks.append(chunk)
        self._bytes += len(chunk.data)
        self._changed.set()

    def end_stream(self) -> None:
        """One stream reached its end of file."""
        if self._open > 0:
            self._open -= 1
            if self._open == 0:
                self.ended.set()
            self._changed.set()

    def abort(self) -> None:
        self._aborted = True
        self._open = 0
        self._chunks.clear()
        self._bytes = 0
        self.ended.set()
        self._changed.set()

    def get_nowait(self, drained: Callable[[], None] | None = None) -> Chunk | None:
        """The oldest chunk if one is queued, else ``None`` at once (the stream may go on: :meth:`get` waits)."""
        if self._aborted or not self._chunks:
            return None
        chunk = self._chunks.popleft()
        self._bytes -= len(chunk.data)
        if drained is not None and self._bytes <= LOW_WATER:
            drained()
        return chunk

    async def get(self, drained: Callable[[], None] | None = None) -> Chunk | None:
        while True:
            if self._aborted:
                return None
            if self._chunks:
                chunk = self._chunks.popleft()
                self._bytes -= len(chunk.data)
                if drained is not None and self._bytes <= LOW_WATER:
                    drained()
                return chunk
            if self._open <= 0:
                return None
            self._changed.clear()
            await self._changed.wait()


class Family:
    """A child and every process that should end with it.

    On POSIX the child leads its own session (``start_new_session``), so its sid is its pid, and the family is the
    session: it includes jobs in other process groups (an interactive shell's) and orphans already re-parented to
    init, which would otherwise keep the pty open and the output from ending. Processes that left the session on
    purpose (``setsid``, daemons) are spared, as a real terminal spares them. On Windows (no sessions) it is the
    child's kill-on-close job (:class:`app.pty._win32.Job`, which holds everything the child started), or, where
    no job could be made, the child and its descendants as psutil finds them.

    A session id is only ours while something pins it: the unreaped leader, or a member still running. Once the
    leader is reaped and everyone is gone the number may name a stranger's session, so :meth:`poll` lists the
    session just before it reaps the leader, and later scans happen only while a known member lives.
    """

    def __init__(self, popen: subprocess.Popen[bytes], job: Job | None = None) -> None:
        self.popen = popen
        self.job = job
        self.leader = popen.pid
        self.hung_up = False
        self._pinned = True
        self._doomed: dict[int, psutil.Process] = {}

    def poll(self) -> int | None:
        """The leader's exit status (``Popen.poll``), taking the last safe look at its session before reaping."""
        if self.popen.returncode is not None or sys.platform == "win32":
            return self.popen.poll()
        if not _exited_unreaped(self.leader):
            return None  # reaping only what we saw exit: no exit can slip in between the look and the reap
        if self._pinned:
            self._gather()
            self._pinned = False
        return self.popen.poll()

    def members(self) -> list[psutil.Process]:
        import psutil  # here, not at import: it costs start-up time
        if self.job is not None:
            found: list[psutil.Process] = []
            for pid in self.job.pids():
                try:
                    found.append(psutil.Process(pid))
                except psutil.Error:
                    continue
            return found
        if sys.platform == "win32":
            try:
                root = psutil.Process(self.leader)
                return [root, *root.children(recursive=True)]
            except psutil.Error:
                return []
        found = []
        for pid in psutil.pids():
            try:
                if os.getsid(pid) == self.leader:
                    found.append(psutil.Process(pid))
            except (OSError, psutil.Error):
                continue
        return found

    def _gather(self) -> None:
        if not self._pinned and not self.survivors():
            return  # the id may belong to someone else by now
        for proc in self.members():
            self._doomed.setdefault(proc.pid, proc)

    def hang_up(self) -> None:
        """SIGHUP, as a terminal that goes away sends, plus SIGCONT so stopped jobs can act on it.

        On Windows there is no gentler signal that reaches a console-less child: it is terminated.
        """
        import psutil  # here, not at import: it costs start-up time
        self.hung_up = True
        self._gather()
        if self.job is not None:
            self.job.terminate(1)
            return
        for proc in list(self._doomed.values()):
            try:
                if sys.platform == "win32":
                    proc.kill()
                else:
                    proc.send_signal(signal.SIGHUP)
                    proc.send_signal(signal.SIGCONT)
            except psutil.Error:
                continue

    def survivors(self) -> list[psutil.Process]:
        """Members still running (zombies count as ended: they only wait for their parent to reap them)."""
        import psutil  # here, not at import: it costs start-up time
        alive: list[psutil.Process] = []
        for proc in self._doomed.values():
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
            except psutil.Error:
                continue
        return alive

    def kill_survivors(self) -> None:
        """SIGKILL whatever outlived the grace period, including members that appeared since the hang-up."""
        import psutil  # here, not at import: it costs start-up time
        self._gather()
        for proc in self.survivors():
            try:
                proc.kill()
            except psutil.Error:
                continue
        if self.popen.returncode is None and not _exited_unreaped(self.leader):
            self.popen.kill()  # not found in its session (it cannot leave it; a scan can fail): end it anyway

    async def end(self, grace: float = GRACE) -> int:
        """Hang up (once), give the family ``grace`` seconds, SIGKILL the rest, and reap the leader."""
        if not self.hung_up:
            self.hang_up()
        await _until(lambda: not self.survivors(), grace)
        if self.survivors() or self.poll() is None:
            self.kill_survivors()
            await _until(lambda: not self.survivors(), 5.0)
        status = await reap(self.poll)
        if self.job is not None:
            self.job.close()
        return status

    def end_blocking(self, grace: float = GRACE) -> None:
        """:meth:`end` for callers without a running loop (e.g. interpreter shutdown); reaps the leader too."""
        if not self.hung_up:
            self.hang_up()
        deadline = time.monotonic() + grace
        while self.survivors() and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.survivors() or self.poll() is None:
            self.kill_survivors()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5.0)
        if self.job is not None:
            self.job.close()


def _exited_unreaped(pid: int) -> bool:
    """Whether our child ``pid`` has ended but is not reaped yet (so its number is still ours)."""
    if sys.platform == "win32":
        return False  # no zombies there, and no session ids: Popen's handle keeps the pid ours
    if hasattr(os, "waitid"):
        try:
            return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True
    import psutil  # here, not at import, and only where waitid is missing (macOS): it costs start-up time

    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return True


async def _until(done: Callable[[], bool], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = 0.002
    while not done() and loop.time() < deadline:
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)


async def reap(poll: Callable[[], int | None]) -> int:
    """Wait for a child's exit status without a thread or a child watcher (which qasync may not have):
    poll with a short, growing pause."""
    delay = 0.001
    while (status := poll()) is None:
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)
    return status


class FamilyEnding:
    """``kill`` and ``close`` for a source whose child runs as a :class:`Family` (pty and pipes alike).

    The source sets ``_family`` when it starts and provides ``_release`` for its own descriptors.
    """

    _family: Family | None
    _escalation: asyncio.TimerHandle | None
    _closed: bool

    def _release(self) -> None:
        raise NotImplementedError

    def kill(self) -> None:
        """Hang up the child's session now; SIGKILL what is left after a short grace (Windows: terminate
        the process tree)."""
        if self._family is None or self._closed:
            return
        self._family.hang_up()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._family.end_blocking(GRACE)
            return
        if self._escalation is None:
            self._escalation = loop.call_later(GRACE, self._family.kill_survivors)

    async def close(self) -> None:
        """End the child's session (hang-up, then SIGKILL after a grace), reap it, release what we hold."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._family is not None:
                await self._family.end(GRACE)
        finally:
            if self._escalation is not None:
                self._escalation.cancel()
            if self._family is not None and self._family.popen.returncode is None:
                self._family.end_blocking(0.0)  # cancelled half-way: finish without the loop
            self._release()
