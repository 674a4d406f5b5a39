"""The kernel32 calls the Windows sources and probes make, declared once through ctypes.

Why ctypes and not a package: the in-box pseudo console (``CreatePseudoConsole``), job objects and
``AttachConsole`` are a few plain kernel32 functions; pywin32 covers none of the pseudo console calls and
would add a large dependency (and a frozen-build hook) for the rest. Every function gets its argument and
result types here, with ``use_last_error`` so an error code cannot be overwritten between the call and the
look at it.

Importing this module works everywhere (the structures are plain ctypes); :func:`kernel32` raises
:class:`~app.pty.base.SourceUnavailableError` off Windows. No Qt here.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import threading
from ctypes import wintypes
from typing import Any

from app.pty.base import SourceUnavailableError
from app.record.hostinfo import wine_version

__all__ = [
    "CONSOLE_LOCK",
    "COORD",
    "CREATE_SUSPENDED",
    "CREATE_UNICODE_ENVIRONMENT",
    "ERROR_BROKEN_PIPE",
    "EXTENDED_STARTUPINFO_PRESENT",
    "INFINITE",
    "PROCESS_INFORMATION",
    "STARTUPINFOEXW",
    "WAIT_OBJECT_0",
    "WAIT_TIMEOUT",
    "Job",
    "Win32Error",
    "check",
    "close_handle",
    "environment_block",
    "is_windows",
    "is_wine",
    "kernel32",
    "last_error",
    "open_process",
    "parent_pid",
    "restore_std_handles",
    "resume_process",
    "std_handles",
    "wine_version",
]

INFINITE = 0xFFFFFFFF
WAIT_OBJECT_0 = 0
WAIT_TIMEOUT = 0x102
STILL_ACTIVE = 259
ERROR_BROKEN_PIPE = 109
ERROR_NO_DATA = 232
ERROR_FILE_NOT_FOUND = 2
ERROR_PATH_NOT_FOUND = 3

CREATE_SUSPENDED = 0x00000004
CREATE_UNICODE_ENVIRONMENT = 0x00000400
EXTENDED_STARTUPINFO_PRESENT = 0x00080000
STARTF_USESTDHANDLES = 0x00000100
PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE = 0x00020016

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x00000800
JOBOBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
_PROCESS_TERMINATE = 0x0001
_PROCESS_SET_QUOTA = 0x0100
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_PROCESS_SUSPEND_RESUME = 0x0800
_SYNCHRONIZE = 0x00100000
_PROCESS_JOB_RIGHTS = _PROCESS_TERMINATE | _PROCESS_SET_QUOTA | _PROCESS_QUERY_LIMITED_INFORMATION | _SYNCHRONIZE


class COORD(ctypes.Structure):
    _fields_ = [("X", wintypes.SHORT), ("Y", wintypes.SHORT)]


class STARTUPINFOW(ctypes.Structure):
    _fields_ = [
        ("cb", wintypes.DWORD),
        ("lpReserved", wintypes.LPWSTR),
        ("lpDesktop", wintypes.LPWSTR),
        ("lpTitle", wintypes.LPWSTR),
        ("dwX", wintypes.DWORD),
        ("dwY", wintypes.DWORD),
        ("dwXSize", wintypes.DWORD),
        ("dwYSize", wintypes.DWORD),
        ("dwXCountChars", wintypes.DWORD),
        ("dwYCountChars", wintypes.DWORD),
        ("dwFillAttribute", wintypes.DWORD),
        ("dwFlags", wintypes.DWORD),
        ("wShowWindow", wintypes.WORD),
        ("cbReserved2", wintypes.WORD),
        ("lpReserved2", ctypes.c_void_p),
        ("hStdInput", wintypes.HANDLE),
        ("hStdOutput", wintypes.HANDLE),
        ("hStdError", wintypes.HANDLE),
    ]


class STARTUPINFOEXW(ctypes.Structure):
    _fields_ = [("StartupInfo", STARTUPINFOW), ("lpAttributeList", ctypes.c_void_p)]


class PROCESS_INFORMATION(ctypes.Structure):
    _fields_ = [
        ("hProcess", wintypes.HANDLE),
        ("hThread", wintypes.HANDLE),
        ("dwProcessId", wintypes.DWORD),
        ("dwThreadId", wintypes.DWORD),
    ]


class IO_COUNTERS(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in ("Read", "Write", "Other")] + [
        (name + "TransferCount", ctypes.c_ulonglong) for name in ("Read", "Write", "Other")
    ]


class JOBOBJECT_BASIC_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_longlong),
        ("PerJobUserTimeLimit", ctypes.c_longlong),
        ("LimitFlags", wintypes.DWORD),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", wintypes.DWORD),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", wintypes.DWORD),
        ("SchedulingClass", wintypes.DWORD),
    ]


class JOBOBJECT_EXTENDED_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [
        ("BasicLimitInformation", JOBOBJECT_BASIC_LIMIT_INFORMATION),
        ("IoInfo", IO_COUNTERS),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


class Win32Error(OSError):
    """A kernel32 call failed; ``winerror`` is its GetLastError (or HRESULT) code."""

    def __init__(self, what: str, code: int) -> None:
        self.winerror = code
        super().__init__(f"{what} failed: {_message(code)} (Windows error {code})")


def _message(code: int) -> str:
    """The system's text for a Win32 error or an HRESULT (``0x80004001``: "Not implemented")."""
    format_error = getattr(ctypes, "FormatError", None)
    if format_error is None:
        return "error"
    if code & 0xFFFF0000 == 0x80070000:  # HRESULT_FROM_WIN32
        code &= 0xFFFF
    elif code > 0x7FFFFFFF:
        code -= 1 << 32  # FormatError takes a signed DWORD
    return str(format_error(code)).strip() or f"{code & 0xFFFFFFFF:#010x}"


def last_error() -> int:
    return int(getattr(ctypes, "get_last_error")())  # noqa: B009 (absent off Windows)


def check(ok: object, what: str) -> None:
    """Raise :class:`Win32Error` when a BOOL-returning call failed."""
    if not ok:
        raise Win32Error(what, last_error())


_H = wintypes.HANDLE
_B = wintypes.BOOL
_D = wintypes.DWORD
_P = ctypes.c_void_p
_PROCESS_INFO_P = ctypes.POINTER(PROCESS_INFORMATION)
_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "CreatePipe": (_B, [ctypes.POINTER(_H), ctypes.POINTER(_H), _P, _D]),
    "CreatePseudoConsole": (ctypes.c_long, [COORD, _H, _H, _D, ctypes.POINTER(_H)]),
    "ResizePseudoConsole": (ctypes.c_long, [_H, COORD]),
    "ClosePseudoConsole": (None, [_H]),
    "InitializeProcThreadAttributeList": (_B, [_P, _D, _D, ctypes.POINTER(ctypes.c_size_t)]),
    "UpdateProcThreadAttribute": (_B, [_P, _D, ctypes.c_size_t, _P, ctypes.c_size_t, _P, _P]),
    "DeleteProcThreadAttributeList": (None, [_P]),
    "CreateProcessW": (
        _B,
        [wintypes.LPCWSTR, wintypes.LPWSTR, _P, _P, _B, _D, _P, wintypes.LPCWSTR, _P, _PROCESS_INFO_P],
    ),
    "ResumeThread": (_D, [_H]),
    "CloseHandle": (_B, [_H]),
    "ReadFile": (_B, [_H, _P, _D, ctypes.POINTER(_D), _P]),
    "WriteFile": (_B, [_H, _P, _D, ctypes.POINTER(_D), _P]),
    "WaitForSingleObject": (_D, [_H, _D]),
    "GetExitCodeProcess": (_B, [_H, ctypes.POINTER(_D)]),
    "TerminateProcess": (_B, [_H, ctypes.c_uint]),
    "CreateJobObjectW": (_H, [_P, wintypes.LPCWSTR]),
    "SetInformationJobObject": (_B, [_H, ctypes.c_int, _P, _D]),
    "AssignProcessToJobObject": (_B, [_H, _H]),
    "TerminateJobObject": (_B, [_H, ctypes.c_uint]),
    "AttachConsole": (_B, [_D]),
    "FreeConsole": (_B, []),
    "GetConsoleCP": (ctypes.c_uint, []),
    "GetConsoleOutputCP": (ctypes.c_uint, []),
    "GetACP": (ctypes.c_uint, []),
    "GetOEMCP": (ctypes.c_uint, []),
    "GetConsoleWindow": (_H, []),
    "GetStdHandle": (_H, [_D]),
    "SetStdHandle": (_B, [_D, _H]),
    "GetCurrentProcess": (_H, []),
    "OpenProcess": (_H, [_D, _B, _D]),
    "QueryInformationJobObject": (_B, [_H, ctypes.c_int, _P, _D, _P]),
}

#: Attaching to a console (the code page probe) and binding to one for a moment (Wine's pseudo console, see
#: app/pty/_wine_console.py) are process-wide: one at a time.
CONSOLE_LOCK = threading.Lock()
_STD_HANDLES = (-10 & 0xFFFFFFFF, -11 & 0xFFFFFFFF, -12 & 0xFFFFFFFF)


class PROCESS_BASIC_INFORMATION(ctypes.Structure):
    _fields_ = [
        ("ExitStatus", ctypes.c_long),
        ("PebBaseAddress", ctypes.c_void_p),
        ("AffinityMask", ctypes.c_size_t),
        ("BasePriority", ctypes.c_long),
        ("UniqueProcessId", ctypes.c_size_t),
        ("InheritedFromUniqueProcessId", ctypes.c_size_t),
    ]


def is_windows() -> bool:
    """Asked at run time (not a static platform check), so both paths are type-checked everywhere."""
    return sys.platform == "win32"


@functools.lru_cache(maxsize=1)
def kernel32() -> Any:
    """kernel32 with every function above typed; :class:`SourceUnavailableError` off Windows."""
    if not is_windows():
        raise SourceUnavailableError("kernel32 exists on Windows only; not available here")
    dll = getattr(ctypes, "WinDLL")("kernel32", use_last_error=True)  # noqa: B009 (absent off Windows)
    for name, (restype, argtypes) in _SIGNATURES.items():
        func = getattr(dll, name, None)
        if func is None:
            continue  # e.g. CreatePseudoConsole before Windows 10 1809: callers ask hasattr
        func.restype = restype
        func.argtypes = argtypes
    return dll


class Job:
    """A kill-on-close job object: a child put in it before it runs takes every process it starts along, so the
    whole tree can be listed and ended without asking for system-wide process lists (psutil's ``children()``
    needs NtQuerySystemInformation, which fails under Wine 8). Closing the job (or this process dying) ends
    them all."""

    def __init__(self) -> None:
        self._k = kernel32()
        handle = self._k.CreateJobObjectW(None, None)
        if not handle:
            raise Win32Error("CreateJobObjectW", last_error())
        self.handle: int | None = int(handle)
        limits = JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        ok = self._k.SetInformationJobObject(
            handle, JOBOBJECT_EXTENDED_LIMIT_INFORMATION_CLASS, ctypes.byref(limits), ctypes.sizeof(limits)
        )
        if not ok:
            code = last_error()
            self.close()
            raise Win32Error("SetInformationJobObject", code)

    def assign(self, process: int) -> None:
        """Put ``process`` (a handle) in the job; it should not have started anything yet (create it suspended)."""
        check(self._k.AssignProcessToJobObject(self.handle, process), "AssignProcessToJobObject")

    def pids(self) -> list[int]:
        """The processes in the job now (JobObjectBasicProcessIdList)."""
        if self.handle is None:
            return []
        capacity = 1024

        class _List(ctypes.Structure):
            _fields_ = [
                ("NumberOfAssignedProcesses", wintypes.DWORD),
                ("NumberOfProcessIdsInList", wintypes.DWORD),
                ("ProcessIdList", ctypes.c_size_t * capacity),
            ]

        found = _List()
        if not self._k.QueryInformationJobObject(self.handle, 3, ctypes.byref(found), ctypes.sizeof(found), None):
            return []
        return [int(found.ProcessIdList[i]) for i in range(found.NumberOfProcessIdsInList)]

    def terminate(self, code: int = 1) -> None:
        if self.handle is not None:
            self._k.TerminateJobObject(self.handle, code)

    def close(self) -> None:
        """Let go of the job (kill-on-close: whatever is still in it ends)."""
        handle, self.handle = self.handle, None
        if handle is not None:
            self._k.CloseHandle(handle)


def resume_process(pid: int) -> None:
    """Resume every thread of a process created suspended (``NtResumeProcess``; subprocess keeps no thread
    handle for ResumeThread)."""
    k = kernel32()
    process = k.OpenProcess(_PROCESS_SUSPEND_RESUME, False, pid)
    if not process:
        raise Win32Error(f"OpenProcess({pid})", last_error())
    try:
        ntdll = getattr(ctypes, "WinDLL")("ntdll")  # noqa: B009 (absent off Windows)
        status = ntdll.NtResumeProcess(wintypes.HANDLE(process)) & 0xFFFFFFFF
        if status != 0:
            raise OSError(f"NtResumeProcess({pid}) failed (NTSTATUS {status:#010x})")
    finally:
        k.CloseHandle(process)


def open_process(pid: int) -> int:
    """A handle to process ``pid`` with the rights a job needs (assign, terminate, wait)."""
    process = kernel32().OpenProcess(_PROCESS_JOB_RIGHTS, False, pid)
    if not process:
        raise Win32Error(f"OpenProcess({pid})", last_error())
    return int(process)


def close_handle(handle: int) -> None:
    kernel32().CloseHandle(handle)


def std_handles() -> tuple[int | None, ...]:
    """This process's standard input, output and error handles (GetStdHandle)."""
    k = kernel32()
    return tuple(k.GetStdHandle(which) for which in _STD_HANDLES)


def restore_std_handles(saved: tuple[int | None, ...]) -> None:
    """Put back what :func:`std_handles` returned (attaching to a console replaces them, under Wine always)."""
    k = kernel32()
    for which, handle in zip(_STD_HANDLES, saved, strict=True):
        k.SetStdHandle(which, handle)


def parent_pid() -> int | None:
    """This process's parent (NtQueryInformationProcess): ``os.getppid()`` aborts under Wine 8
    (``PssCaptureSnapshot`` is unimplemented)."""
    ntdll = getattr(ctypes, "WinDLL")("ntdll")  # noqa: B009 (absent off Windows)
    query = ntdll.NtQueryInformationProcess
    query.restype = ctypes.c_long
    query.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
    info = PROCESS_BASIC_INFORMATION()
    if query(kernel32().GetCurrentProcess(), 0, ctypes.byref(info), ctypes.sizeof(info), None) != 0:
        return None
    return int(info.InheritedFromUniqueProcessId) or None


def is_wine() -> bool:
    return wine_version() is not None


def environment_block(env: dict[str, str]) -> ctypes.Array[ctypes.c_wchar]:
    """``env`` as CreateProcessW's UTF-16 block, sorted without regard to case as Windows expects."""
    for key in env:
        if not key or "=" in key[1:] or "\0" in key or "\0" in env[key]:
            raise ValueError(f"an environment variable cannot be named {key!r} or hold a NUL")
    text = "".join(f"{k}={env[k]}\0" for k in sorted(env, key=str.upper)) + "\0"
    return ctypes.create_unicode_buffer(text)  # sized by ctypes: a character beyond the BMP takes two units
