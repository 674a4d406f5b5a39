"""The one thing Wine 8's pseudo console lacks for the in-box ConPTY source, filled in (Wine only).

On Windows (and in Wine from version 9 on) a child started with ``PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE`` and no
standard handles gets console handles of its pseudo console. Wine 8's kernelbase attaches the child to the pseudo
console but leaves its standard handles empty (``init_console`` binds the connection and opens no handles), so
cmd.exe and every other program there write nowhere. Measured here: ``cmd /c echo hi`` gave an empty pipe.

What fills the gap: for a moment this process binds itself to the new pseudo console the way Wine's own child
does (an NT open of ``Connection`` relative to the console's reference handle, the second field of Wine's
``HPCON`` structure), opens ``\\Device\\ConDrv\\Input`` and ``Output`` there, and unbinds by closing the
connection. The child is then given those handles as its standard handles. kernelbase's idea of our own console
is not touched. This runs only under Wine (:func:`app.pty._win32.is_wine`); on Windows the pseudo console does
it itself.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from typing import Any

from app.pty.base import SourceError

__all__ = ["console_std_handles"]

_FILE_READ_DATA = 0x0001
_FILE_WRITE_DATA = 0x0002
_FILE_READ_ATTRIBUTES = 0x0080
_FILE_WRITE_ATTRIBUTES = 0x0100
_SYNCHRONIZE = 0x00100000
_OBJ_INHERIT = 0x00000002
_FILE_ATTRIBUTE_NORMAL = 0x80
_FILE_SHARE_ALL = 0x7
_FILE_OPEN = 1
_FILE_CREATE = 2
_FILE_NON_DIRECTORY_FILE = 0x40
_FILE_SYNCHRONOUS_IO_NONALERT = 0x20
_STATUS_ACCESS_DENIED = 0xC0000022


class _UnicodeString(ctypes.Structure):
    _fields_ = [("Length", ctypes.c_ushort), ("MaximumLength", ctypes.c_ushort), ("Buffer", ctypes.c_wchar_p)]


class _ObjectAttributes(ctypes.Structure):
    _fields_ = [
        ("Length", ctypes.c_ulong),
        ("RootDirectory", wintypes.HANDLE),
        ("ObjectName", ctypes.POINTER(_UnicodeString)),
        ("Attributes", ctypes.c_ulong),
        ("SecurityDescriptor", ctypes.c_void_p),
        ("SecurityQualityOfService", ctypes.c_void_p),
    ]


class _IoStatusBlock(ctypes.Structure):
    _fields_ = [("Status", ctypes.c_void_p), ("Information", ctypes.c_size_t)]


def _ntdll() -> Any:
    ntdll = getattr(ctypes, "WinDLL")("ntdll")  # noqa: B009 (absent off Windows)
    ntdll.NtCreateFile.restype = ctypes.c_long
    ntdll.NtCreateFile.argtypes = [
        ctypes.POINTER(wintypes.HANDLE),
        ctypes.c_ulong,
        ctypes.POINTER(_ObjectAttributes),
        ctypes.POINTER(_IoStatusBlock),
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_void_p,
        ctypes.c_ulong,
    ]
    ntdll.NtClose.restype = ctypes.c_long
    ntdll.NtClose.argtypes = [wintypes.HANDLE]
    return ntdll


def _open(ntdll: Any, name: str, root: int | None, access: int, attributes: int, disposition: int, options: int) -> int:
    text = _UnicodeString(len(name) * 2, len(name) * 2, name)
    attrs = _ObjectAttributes(ctypes.sizeof(_ObjectAttributes), root, ctypes.pointer(text), attributes, None, None)
    handle, status_block = wintypes.HANDLE(), _IoStatusBlock()
    share = _FILE_SHARE_ALL if disposition == _FILE_CREATE else 0
    status = ntdll.NtCreateFile(
        ctypes.byref(handle),
        access,
        ctypes.byref(attrs),
        ctypes.byref(status_block),
        None,
        _FILE_ATTRIBUTE_NORMAL,
        share,
        disposition,
        options,
        None,
        0,
    )
    status &= 0xFFFFFFFF
    if status == _STATUS_ACCESS_DENIED and name == "Connection":
        raise SourceError(
            "under Wine 8 the in-box ConPTY can only be started from a process without a console of its own "
            "(this one has one: run it with its output piped, or from the window)"
        )
    if status != 0 or not handle.value:
        raise SourceError(f"Wine's console driver refused {name} (NTSTATUS {status:#010x})")
    return int(handle.value)


def console_std_handles(hpc: int) -> tuple[int, int, int]:
    """Input, output and error handles of the pseudo console ``hpc`` (Wine's HPCON), inheritable; the caller
    closes them once the child has its copies."""
    ntdll = _ntdll()
    reference = ctypes.cast(hpc, ctypes.POINTER(wintypes.HANDLE * 3)).contents[1]
    rw = _FILE_READ_DATA | _FILE_WRITE_DATA | _SYNCHRONIZE | _FILE_READ_ATTRIBUTES | _FILE_WRITE_ATTRIBUTES
    options = _FILE_NON_DIRECTORY_FILE | _FILE_SYNCHRONOUS_IO_NONALERT
    connection = _open(
        ntdll,
        "Connection",
        reference,
        _FILE_WRITE_ATTRIBUTES | _FILE_READ_ATTRIBUTES | _SYNCHRONIZE,
        0,
        _FILE_OPEN,
        _FILE_NON_DIRECTORY_FILE,
    )
    opened: list[int] = []
    try:
        opened.append(_open(ntdll, "\\Device\\ConDrv\\Input", None, rw, _OBJ_INHERIT, _FILE_CREATE, options))
        opened.append(_open(ntdll, "\\Device\\ConDrv\\Output", None, rw, _OBJ_INHERIT, _FILE_CREATE, options))
        opened.append(_open(ntdll, "\\Device\\ConDrv\\Output", None, rw, _OBJ_INHERIT, _FILE_CREATE, options))
    except BaseException:
        for handle in opened:
            ntdll.NtClose(handle)
        raise
    finally:
        ntdll.NtClose(connection)  # unbinds this process again
    return opened[0], opened[1], opened[2]
