"""The system's own pseudo console (kernel32 ``CreatePseudoConsole``) as a :class:`~app.pty.base.Source`.

Why a second ConPTY backend beside pywinpty's (``conpty``): pywinpty's ``read()`` returns ``str`` (a
character split across two pipe reads becomes U+FFFD, NULs are dropped) and it starts its bundled
OpenConsole. Here the pseudo console's output pipe is read with ``ReadFile`` as bytes, so what arrives is
exactly what the system's conhost sent — including the mojibake conhost itself made when it decoded a
program's ``WriteFile`` bytes with the console code page (DESIGN §4). It is also the one that runs under
Wine, whose conhost implements the same calls.

How a session runs:

* Two anonymous pipes; ``CreatePseudoConsole(size, in_read, out_write)``; the child is created suspended
  with the pseudo console as a process attribute (``STARTF_USESTDHANDLES`` with no handles, so a parent
  whose own output is redirected does not pass it on), put in a job object (kill-on-close: the whole tree
  ends with the session, without asking psutil for process lists) and resumed.
* Reads, writes and the exit wait block, so they run in threads (:class:`~app.pty._threaded.ThreadedSource`);
  the terminal's answers to a DA1/DSR request go through :meth:`write` to the writer thread at once.
* The output pipe ends only when the pseudo console closes. After the child exits, the source waits until
  the output has been quiet for :attr:`ConPtyInboxSource.settle` seconds (conhost paints in frames), then
  closes the pseudo console, which flushes what is left and ends the pipe: every byte before the exit is
  delivered before the end.

No Qt here. Off Windows, construction raises :class:`~app.pty.base.SourceUnavailableError`.
"""

from __future__ import annotations

import ctypes
import subprocess
import threading
from ctypes import wintypes
from typing import Any

from app.pty import _win32 as w
from app.pty._threaded import ThreadedSource
from app.pty._wine_console import console_std_handles
from app.pty.base import SourceError, SourceUnavailableError, SpawnSpec
from app.pty.hosts import console_host
from app.record.hostinfo import os_description

__all__ = ["INBOX_FIDELITY", "ConPtyInboxSource"]

#: What the bytes of an in-box ConPTY session are worth (shown in the UI and written into recordings).
INBOX_FIDELITY = (
    "exact bytes from the pseudo console's output pipe (kernel32 CreatePseudoConsole, read as bytes): "
    "what the system's conhost made of the program's output, NULs and split characters kept"
)

_READ_SIZE = 64 * 1024
_E_NOTIMPL = 0x80004001


class ConPtyInboxSource(ThreadedSource):
    """A child on the system's pseudo console, its output read as bytes."""

    kind = "conpty-inbox"
    fidelity = INBOX_FIDELITY

    #: After the child exited: seconds without output before the pseudo console is closed (it paints in frames,
    #: so the last frame may come a little after the exit).
    settle = 0.2
    #: ...and at most this long in all (a program that left something printing must not hold the end).
    settle_limit = 5.0
    #: After the pseudo console was closed, a read waiting this long with nothing arriving is the end.
    drain_idle = 2.0

    def __init__(self, spec: SpawnSpec) -> None:
        if not w.is_windows():
            raise SourceUnavailableError(
                "the in-box ConPTY (kernel32 CreatePseudoConsole) is available on Windows only; not available here"
            )
        super().__init__(spec)
        self._k: Any = None
        self._hpc: int | None = None
        self._in_write: int | None = None
        self._out_read: int | None = None
        self._process: int | None = None
        self._job: int | None = None
        self._pid: int | None = None
        self._hpc_lock: threading.Lock = threading.Lock()
        self._buffer: ctypes.Array[ctypes.c_char] = ctypes.create_string_buffer(_READ_SIZE)
        #: Which console host is behind the session (the Session panel shows it).
        self.console_host = console_host(self.kind, os_description())

    @property
    def pid(self) -> int | None:
        return self._pid

    # -- start -------------------------------------------------------------------------------------

    def _open(self, argv: list[str], env: dict[str, str] | None) -> None:
        k = w.kernel32()
        if not hasattr(k, "CreatePseudoConsole"):
            raise SourceUnavailableError("this Windows has no CreatePseudoConsole (it needs Windows 10 1809 or later)")
        self._k = k
        handles: list[int] = []
        try:
            in_read, in_write = self._pipe()
            out_read, out_write = self._pipe()
            handles += [in_read, out_write]
            self._in_write, self._out_read = in_write, out_read
            hpc = wintypes.HANDLE()
            size = w.COORD(self.spec.cols, self.spec.rows)
            hr = k.CreatePseudoConsole(size, in_read, out_write, 0, ctypes.byref(hpc))
            if hr != 0:
                raise w.Win32Error("CreatePseudoConsole", hr & 0xFFFFFFFF)
            self._hpc = hpc.value
            self._spawn(argv, env)
        except BaseException:
            self._release_handles()
            raise
        finally:
            for handle in handles:  # the pseudo console holds its own copies of its ends
                k.CloseHandle(handle)

    def _pipe(self) -> tuple[int, int]:
        read, write = wintypes.HANDLE(), wintypes.HANDLE()
        w.check(self._k.CreatePipe(ctypes.byref(read), ctypes.byref(write), None, 0), "CreatePipe")
        assert read.value is not None and write.value is not None
        return read.value, write.value

    def _spawn(self, argv: list[str], env: dict[str, str] | None) -> None:
        k = self._k
        size = ctypes.c_size_t(0)
        k.InitializeProcThreadAttributeList(None, 1, 0, ctypes.byref(size))  # asks the size; "fails" by design
        attrs = ctypes.create_string_buffer(size.value)
        stdio: list[int] = []
        w.check(k.InitializeProcThreadAttributeList(attrs, 1, 0, ctypes.byref(size)), "InitializeProcThreadAttributes")
        hpc = self._hpc
        assert hpc is not None
        try:
            pseudo_console = w.PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE
            handle_size = ctypes.sizeof(wintypes.HANDLE)
            w.check(
                k.UpdateProcThreadAttribute(attrs, 0, pseudo_console, hpc, handle_size, None, None),
                "UpdateProcThreadAttribute",
            )
            info = w.STARTUPINFOEXW()
            info.StartupInfo.cb = ctypes.sizeof(w.STARTUPINFOEXW)
            # No standard handles of ours for the child: it must use the pseudo console's, even when our own
            # output is redirected (microsoft/terminal#11276). Wine 8 does not fill them in: we do.
            info.StartupInfo.dwFlags = w.STARTF_USESTDHANDLES
            if w.is_wine():
                with w.CONSOLE_LOCK:  # binds this process to the pseudo console for a moment
                    std = console_std_handles(hpc)
            else:
                std = (0, 0, 0)
            stdio.extend(h for h in std if h)
            info.StartupInfo.hStdInput, info.StartupInfo.hStdOutput, info.StartupInfo.hStdError = std
            info.lpAttributeList = ctypes.addressof(attrs)
            command = ctypes.create_unicode_buffer(subprocess.list2cmdline(argv))
            block = None if env is None else w.environment_block(env)
            flags = w.EXTENDED_STARTUPINFO_PRESENT | w.CREATE_UNICODE_ENVIRONMENT | w.CREATE_SUSPENDED
            proc = w.PROCESS_INFORMATION()
            ok = k.CreateProcessW(
                None, command, None, None, False, flags, block, self.spec.cwd, ctypes.byref(info), ctypes.byref(proc)
            )
            if not ok:
                code = w.last_error()
                if code in (w.ERROR_FILE_NOT_FOUND, w.ERROR_PATH_NOT_FOUND):
                    raise FileNotFoundError(f"no such program (Windows error {code})")
                raise w.Win32Error("CreateProcessW", code)
        finally:
            k.DeleteProcThreadAttributeList(attrs)
            for handle in stdio:  # the child has its own copies
                k.CloseHandle(handle)
        self._process, self._pid = proc.hProcess, int(proc.dwProcessId)
        self._job = self._job_for(proc.hProcess)
        k.ResumeThread(proc.hThread)
        k.CloseHandle(proc.hThread)

    def _job_for(self, process: int) -> int | None:
        """A kill-on-close job holding the (still suspended) child, so everything it starts is in it too.
        None if this process may not make one (then kill ends the child alone)."""
        k = self._k
        job = k.CreateJobObjectW(None, None)
        if not job:
            return None
        limits = w.JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
        limits.BasicLimitInformation.LimitFlags = w.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        ok = k.SetInformationJobObject(
            job, w.JOBOBJECT_EXTENDED_LIMIT_INFORMATION_CLASS, ctypes.byref(limits), ctypes.sizeof(limits)
        )
        if not ok or not k.AssignProcessToJobObject(job, process):
            k.CloseHandle(job)
            return None
        return int(job)

    # -- the threads' native calls -------------------------------------------------------------------

    def _receive(self) -> bytes | None:
        got = wintypes.DWORD(0)
        ok = self._k.ReadFile(self._out_read, self._buffer, _READ_SIZE, ctypes.byref(got), None)
        if not ok:
            code = w.last_error()
            if code in (w.ERROR_BROKEN_PIPE, w.ERROR_NO_DATA, 995):  # 995: the read was cancelled (close)
                return None
            raise w.Win32Error("ReadFile", code)
        data: bytes = self._buffer.raw[: got.value]
        return data

    def _send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            sent = wintypes.DWORD(0)
            chunk = bytes(view[:_READ_SIZE])
            if not self._k.WriteFile(self._in_write, chunk, len(chunk), ctypes.byref(sent), None):
                code = w.last_error()
                if code in (w.ERROR_BROKEN_PIPE, w.ERROR_NO_DATA):
                    raise EOFError("the pseudo console is closed")
                raise w.Win32Error("WriteFile", code)
            view = view[sent.value :]

    def _watch_exit(self) -> int | None:
        while not self._closing.is_set():
            if self._k.WaitForSingleObject(self._process, 100) == w.WAIT_OBJECT_0:
                break
        return self._exit_status_now()

    def _after_exit(self) -> None:
        """Let the last frame arrive, then close the pseudo console: it flushes and the output pipe ends."""
        self._quiet_for(self.settle, self.settle_limit)
        self._close_console()
        self._drain_watch(self.drain_idle)

    def _native_resize(self, cols: int, rows: int) -> None:
        with self._hpc_lock:
            if self._hpc is None:
                raise SourceError("the pseudo console is closed")
            hr = self._k.ResizePseudoConsole(self._hpc, w.COORD(cols, rows))
        if hr & 0xFFFFFFFF == _E_NOTIMPL:
            raise SourceError("this console host cannot be resized: ResizePseudoConsole is not implemented (Wine 8)")
        if hr != 0:
            raise w.Win32Error("ResizePseudoConsole", hr & 0xFFFFFFFF)

    def _kill_tree(self, timeout: float | None) -> None:
        k, process = self._k, self._process
        if process is None:
            return
        if self._job is not None:
            k.TerminateJobObject(self._job, 1)
        else:
            k.TerminateProcess(process, 1)
        if timeout is not None:
            k.WaitForSingleObject(process, int(timeout * 1000))

    def _release(self) -> None:
        """Close the pseudo console (ends a blocked read), then let go of every handle once the reader is out."""
        self._close_console()
        reader = self._threads[0] if self._threads else None
        if reader is not None and reader is not threading.current_thread():
            reader.join(5.0)
        self._release_handles(keep_read=reader is not None and reader.is_alive())

    def _exit_status_now(self) -> int | None:
        if self._process is None:
            return None
        code = wintypes.DWORD(0)
        if not self._k.GetExitCodeProcess(self._process, ctypes.byref(code)) or code.value == w.STILL_ACTIVE:
            return None
        return int(code.value)

    # -- helpers ----------------------------------------------------------------------------------------------

    def _close_console(self) -> None:
        """``ClosePseudoConsole`` once. It may wait until its last output was read, so the reader must be
        running: it is never called from the reader thread."""
        with self._hpc_lock:
            hpc, self._hpc = self._hpc, None
        if hpc is not None:
            self._k.ClosePseudoConsole(hpc)

    def _release_handles(self, keep_read: bool = False) -> None:
        k = self._k
        if k is None:
            return
        self._close_console()
        names = ["_in_write", "_process", "_job"] + ([] if keep_read else ["_out_read"])
        for name in names:
            handle = getattr(self, name)
            if handle is not None:
                setattr(self, name, None)
                k.CloseHandle(handle)
