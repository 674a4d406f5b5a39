"""What encoding a session's child is really in: code pages, locales, and the environment.

DESIGN §4.  Every probe returns a result that says what it found *and* what it could not find
(never raises for "not here" or "not allowed"), because the side panel polls them while visible
and a panel must not crash because a process went away.

* Windows: the console input/output code pages of the session's console: ``AttachConsole`` →
  ``GetConsoleCP``/``GetConsoleOutputCP`` → ``FreeConsole``, serialized with a lock
  (:func:`query_console_codepages`, against any kernel32-like object; tests inject one).  A process
  can be attached to one console only: where this process has none (the window with the in-box
  ConPTY) the sequence runs right here, in-process; where it has one (the command line in cmd, a
  window whose pywinpty allocated a hidden console, Wine's placeholder console) it runs in a
  short-lived helper started without one: this program re-entered (:mod:`app.pty.reentry`), which
  also works in a frozen build.
* POSIX: the locale the foreground process started with (``LC_ALL`` > ``LC_CTYPE`` > ``LANG``),
  whether that locale exists here, its codeset, and the tty's IUTF8 flag.
* Env: snapshots with psutil and a diff that knows Windows keys are case-insensitive and PATH-like
  values are lists.

Only stdlib and psutil: no Qt.
"""

from __future__ import annotations

import codecs
import difflib
import fnmatch
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from app.pty.reentry import helper_argv, helper_env

__all__ = [
    "ENV_SNAPSHOT_NOTE",
    "CodePageReport",
    "EnvChange",
    "EnvDiff",
    "Kernel32Like",
    "ProbeError",
    "available_locales",
    "codec_for_codepage",
    "codec_for_codeset",
    "console_codepages_helper",
    "diff_env",
    "effective_locale",
    "env_snapshot",
    "env_snapshot_note",
    "foreground_pid",
    "get_iutf8",
    "is_flagged",
    "is_path_like",
    "locale_codeset",
    "locale_codeset_helper",
    "locale_exists",
    "newest_descendant",
    "oem_code_page",
    "parent_pid",
    "probe_code_pages",
    "probe_console_codepages",
    "probe_locale",
    "query_console_codepages",
    "set_iutf8",
]


def _is_windows() -> bool:
    """Asked at run time (not a static platform check), so both paths are type-checked everywhere."""
    return sys.platform == "win32"


class ProbeError(Exception):
    """A probe could not read what it was asked for; the message says why and what to do."""


# -- code pages and codecs ----------------------------------------------------------------------


def codec_for_codepage(cp: int | None) -> str | None:
    """The Python codec for a Windows code page number (65001 → ``utf-8``, 936 → ``gbk``…)."""
    if cp is None or cp <= 0:
        return None
    if cp == 65001:
        return "utf-8"
    for name in (f"cp{cp}", f"windows-{cp}"):
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def codec_for_codeset(codeset: str | None) -> str | None:
    """The Python codec for a C library codeset name (``UTF-8``, ``GB18030``, ``ANSI_X3.4-1968``)."""
    if not codeset:
        return None
    try:
        return codecs.lookup(codeset).name
    except LookupError:
        return None


@dataclass(frozen=True)
class CodePageReport:
    """One probe's answer, for the Code page panel, the status line and recording headers.

    ``codec`` is the Python codec the child's bytes are in (what "Decode as" should start from);
    ``summary`` says it in a sentence, including what is missing or suspicious.
    """

    platform: str  # "windows", "posix" or "unavailable"
    available: bool
    summary: str
    codec: str | None = None
    pid: int | None = None
    error: str | None = None
    # Windows
    console_input_cp: int | None = None
    console_output_cp: int | None = None
    ansi_cp: int | None = None
    oem_cp: int | None = None
    # POSIX
    locale: str | None = None
    locale_source: str | None = None  # "LC_ALL", "LC_CTYPE", "LANG", or None (nothing set: "C")
    locale_exists: bool | None = None
    codeset: str | None = None
    iutf8: bool | None = None
    time: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Kernel32Like(Protocol):
    """The kernel32 functions the console probe calls (``ctypes.WinDLL("kernel32")`` has them)."""

    def AttachConsole(self, pid: int) -> int: ...
    def FreeConsole(self) -> int: ...
    def GetConsoleCP(self) -> int: ...
    def GetConsoleOutputCP(self) -> int: ...
    def GetACP(self) -> int: ...
    def GetOEMCP(self) -> int: ...
    def GetLastError(self) -> int: ...


_ATTACH_ERRORS = {
    5: "access denied: this process is already attached to a console (probe from a helper process)",
    6: "that process has no console (it is not a console program, or its console is gone)",
    87: "no such process (it has exited)",
}



def query_console_codepages(pid: int, kernel32: Kernel32Like) -> CodePageReport:
    """``AttachConsole(pid)`` → ``GetConsoleCP``/``GetConsoleOutputCP`` → ``FreeConsole``, serialized.

    Must run in a process with no console of its own (see the module docstring).  Never raises:
    a failed attach comes back as a report with ``error`` set, ACP/OEMCP still filled in.
    """
    from app.pty import _win32  # ctypes: loaded on Windows, when a console is probed (not at start-up)

    # A process has one console; attaching is process-wide state.  One probe at a time (and no binding to a
    # pseudo console meanwhile: the in-box ConPTY's Wine path takes the same lock).
    with _win32.CONSOLE_LOCK:
        acp = int(kernel32.GetACP())
        oem = int(kernel32.GetOEMCP())
        if not kernel32.AttachConsole(pid):
            code = int(kernel32.GetLastError())
            why = _ATTACH_ERRORS.get(code, f"Windows error {code}")
            error = f"AttachConsole({pid}) failed: {why}"
            return CodePageReport(
                platform="windows",
                available=False,
                summary=f"console code pages unknown ({error}); ANSI code page {acp}, OEM code page {oem}",
                codec=None,
                pid=pid,
                error=error,
                ansi_cp=acp,
                oem_cp=oem,
            )
        try:
            cp_in = int(kernel32.GetConsoleCP())
            cp_out = int(kernel32.GetConsoleOutputCP())
        finally:
            kernel32.FreeConsole()
    codec = codec_for_codepage(cp_out)
    summary = (
        f"console output code page {cp_out} ({codec or 'no Python codec'}), input {cp_in}; "
        f"ANSI {acp}, OEM {oem}. Bytes a program writes are read by the console as code page {cp_out}; "
        "ConPTY then passes them on as UTF-8"
    )
    return CodePageReport(
        platform="windows",
        available=True,
        summary=summary,
        codec=codec,
        pid=pid,
        console_input_cp=cp_in,
        console_output_cp=cp_out,
        ansi_cp=acp,
        oem_cp=oem,
    )


class _RealKernel32:
    """kernel32 through ctypes (Windows only), with the last error captured by ctypes itself so nothing in
    between can overwrite it.  Attaching leaves this process's standard handles as they were (Wine replaces
    them with the console's on every attach): they are put back when the console is freed."""

    def __init__(self) -> None:
        from app.pty import _win32  # ctypes: loaded on Windows only

        self._w = _win32
        self._k: Any = _win32.kernel32()
        self._saved: tuple[int | None, ...] | None = None
        self._attach_error: int | None = None

    def has_console(self) -> bool:
        """Whether this process is attached to a console (GetConsoleCP answers 0 without one)."""
        return bool(self._k.GetConsoleCP())

    def AttachConsole(self, pid: int) -> int:
        self._saved = self._w.std_handles()
        self._attach_error = None
        ok = int(self._k.AttachConsole(pid))
        if not ok:
            self._attach_error = self._w.last_error()  # before anything else can overwrite it
            self._w.restore_std_handles(self._saved)
            self._saved = None
        return ok

    def FreeConsole(self) -> int:
        ok = int(self._k.FreeConsole())
        if self._saved is not None:
            self._w.restore_std_handles(self._saved)
            self._saved = None
        return ok

    def GetConsoleCP(self) -> int:
        return int(self._k.GetConsoleCP())

    def GetConsoleOutputCP(self) -> int:
        return int(self._k.GetConsoleOutputCP())

    def GetACP(self) -> int:
        return int(self._k.GetACP())

    def GetOEMCP(self) -> int:
        return int(self._k.GetOEMCP())

    def GetLastError(self) -> int:
        return self._attach_error if self._attach_error is not None else self._w.last_error()


def oem_code_page(kernel32: Kernel32Like | None = None) -> int | None:
    """The OEM code page consoles start with here (``GetOEMCP``); ``None`` off Windows.

    What a console returns to when UTF-8 is switched off in a running cmd or PowerShell session.
    """
    if kernel32 is None:
        if not _is_windows():
            return None
        kernel32 = _RealKernel32()
    return int(kernel32.GetOEMCP())


def probe_console_codepages(pid: int, *, kernel32: Kernel32Like | None = None, timeout: float = 10.0) -> CodePageReport:
    """The console code pages of ``pid``'s console.

    With ``kernel32`` given, the sequence runs here (tests).  On Windows otherwise it runs here too when
    this process has no console of its own, else in a helper process with none (this program re-entered),
    so this process's console (and pywinpty's) is untouched.  Elsewhere: a report saying it is not
    available here.
    """
    if kernel32 is not None:
        return query_console_codepages(pid, kernel32)
    if not _is_windows():
        return CodePageReport(
            platform="unavailable",
            available=False,
            summary="console code pages exist on Windows only; not available here",
            pid=pid,
            error="not available here",
        )
    real = _RealKernel32()
    if not real.has_console():
        report = query_console_codepages(pid, real)
        # Refused although we have no console: under Wine a process started from a shell holds a placeholder
        # console. Freeing it would change how every console program we start later gets its console, so the
        # helper (started with none) asks instead.
        if report.error is None or "access denied" not in report.error:
            return report
    detached = 0x00000008  # DETACHED_PROCESS: the helper starts without a console
    try:
        out = subprocess.run(
            helper_argv("console-codepages", str(pid)),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=helper_env(),
            creationflags=detached,
        )
        data = json.loads(out.stdout)
        return CodePageReport(**data)
    except (OSError, subprocess.SubprocessError, ValueError, TypeError) as exc:
        return CodePageReport(
            platform="windows",
            available=False,
            summary=f"the console code page probe failed: {exc}",
            pid=pid,
            error=str(exc),
        )


# -- POSIX locales --------------------------------------------------------------------------------


def _norm_locale(name: str) -> str:
    """``en_US.UTF-8`` and ``en_US.utf8`` are the same locale to the C library."""
    base, dot, rest = name.partition(".")
    if not dot:
        return name
    codeset, at, modifier = rest.partition("@")
    codeset = re.sub(r"[^0-9a-z]", "", codeset.lower())
    return f"{base}.{codeset}{at}{modifier}"


@functools.lru_cache(maxsize=1)
def available_locales() -> frozenset[str] | None:
    """Locales installed here (``locale -a``), normalized; ``None`` if that cannot be asked."""
    exe = shutil.which("locale")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-a"], capture_output=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    names = out.stdout.decode("utf-8", "replace").split()
    return frozenset(_norm_locale(n) for n in names)


@functools.lru_cache(maxsize=64)
def _setlocale_codeset(name: str) -> str | None:
    """The codeset the C library gives ``name`` — asked in a helper process (:func:`locale_codeset_helper`),
    since ``setlocale`` is process-wide and not thread-safe.  ``None``: the locale cannot be set here."""
    try:
        out = subprocess.run(
            helper_argv("locale-codeset", name),
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
            env=helper_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    answer = out.stdout.strip()
    return None if answer in ("!", "") else answer


def locale_exists(name: str) -> bool:
    """Whether the C library here can use the locale ``name`` (``C`` and ``POSIX`` always can)."""
    if name in ("C", "POSIX"):
        return True
    known = available_locales()
    if known is not None and _norm_locale(name) in known:
        return True
    return _setlocale_codeset(name) is not None


def _codeset_from_name(name: str) -> str | None:
    _, dot, rest = name.partition(".")
    return rest.partition("@")[0] or None if dot else None


def locale_codeset(name: str) -> str | None:
    """The codeset of locale ``name``: from the C library if it exists here, else from its name."""
    if locale_exists(name):
        return _setlocale_codeset(name) or _codeset_from_name(name)
    return _codeset_from_name(name)


def effective_locale(env: Mapping[str, str]) -> tuple[str, str | None]:
    """The LC_CTYPE a C program gets from ``env``: ``LC_ALL`` > ``LC_CTYPE`` > ``LANG`` (empty
    values count as unset, as POSIX says), else ``C``.  Returns (name, the variable it came from)."""
    for key in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(key, "")
        if value:
            return value, key
    return "C", None


def _iutf8_flag() -> int | None:
    """termios.IUTF8, which Python's termios only names from 3.13 on; Linux and macOS both use
    0o40000 (``<asm-generic/termbits.h>``, ``<sys/termios.h>``)."""
    try:
        import termios
    except ImportError:
        return None
    flag: int | None = getattr(termios, "IUTF8", None)
    if flag is None and sys.platform.startswith(("linux", "darwin")):
        flag = 0o40000
    return flag


def get_iutf8(fd: int) -> bool | None:
    """The tty's IUTF8 flag (the line discipline erases whole UTF-8 characters), ``None`` if ``fd``
    is not a terminal or the flag does not exist here."""
    try:
        import termios
    except ImportError:
        return None
    flag = _iutf8_flag()
    if flag is None:
        return None
    try:
        return bool(termios.tcgetattr(fd)[0] & flag)
    except (termios.error, OSError):
        return None


def set_iutf8(fd: int, enabled: bool = True) -> bool:
    """Set or clear IUTF8 on the tty ``fd``; returns whether the flag could be set."""
    try:
        import termios
    except ImportError:
        return False
    flag = _iutf8_flag()
    if flag is None:
        return False
    try:
        attrs = termios.tcgetattr(fd)
        attrs[0] = attrs[0] | flag if enabled else attrs[0] & ~flag
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    except (termios.error, OSError):
        return False
    return True


def foreground_pid(master_fd: int) -> int | None:
    """The foreground process group of the pty whose master is ``master_fd`` (POSIX)."""
    try:
        return os.tcgetpgrp(master_fd)
    except (OSError, AttributeError):
        return None


def newest_descendant(pid: int) -> int:
    """The newest descendant of ``pid`` (Windows' stand-in for "the foreground process"), or ``pid``."""
    import psutil  # here, not at import: it costs start-up time
    try:
        kids = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return pid
    best, best_time = pid, -1.0
    for kid in kids:
        try:
            created = kid.create_time()
        except psutil.Error:
            continue
        if created > best_time:
            best, best_time = kid.pid, created
    return best


def process_cwd(pid: int) -> str | None:
    """The working folder of process ``pid`` (a shell's after its ``cd``), or ``None`` when it cannot be read."""
    import psutil  # here, not at import: it costs start-up time
    try:
        return str(psutil.Process(pid).cwd())
    except (psutil.Error, OSError):
        return None


def probe_locale(
    pid: int | None = None, *, env: Mapping[str, str] | None = None, tty_fd: int | None = None
) -> CodePageReport:
    """The locale a POSIX process runs in, whether it exists here, its codeset, and IUTF8.

    ``env`` overrides reading ``pid``'s environment; with neither, this process's.  Never raises.
    """
    error = None
    if env is None:
        if pid is None:
            env = dict(os.environ)
        else:
            try:
                env = env_snapshot(pid)
            except ProbeError as exc:
                return CodePageReport(platform="posix", available=False, summary=str(exc), pid=pid, error=str(exc))
    name, source = effective_locale(env)
    exists = locale_exists(name)
    codeset = locale_codeset(name)
    codec = codec_for_codeset(codeset)
    iutf8 = None if tty_fd is None else get_iutf8(tty_fd)
    parts = [f"locale {name} ({'from ' + source if source else 'nothing set: the C locale'})"]
    if not exists:
        parts.append(
            "which does not exist here: C programs fall back to the C locale (ASCII); "
            "programs that ignore the locale (Go) still write what they write"
        )
    parts.append(f"codeset {codeset or 'unknown'}")
    if codec == "ascii":
        # The C locale: bytes pass through untouched; what comes is most often UTF-8 (Go, Rust, …).
        codec = "utf-8"
        parts.append("ASCII only; bytes above 0x7F are what the program chose, most often UTF-8")
    if codec is None and codeset:
        error = f"no Python codec for codeset {codeset}"
        parts.append(error)
    if iutf8 is not None:
        parts.append(f"IUTF8 {'on' if iutf8 else 'off'}")
    return CodePageReport(
        platform="posix",
        available=True,
        summary="; ".join(parts),
        codec=codec,
        pid=pid,
        error=error,
        locale=name,
        locale_source=source,
        locale_exists=exists,
        codeset=codeset,
        iutf8=iutf8,
    )


def probe_code_pages(pid: int | None, *, tty_fd: int | None = None) -> CodePageReport:
    """The probe for this platform: console code pages on Windows, the locale elsewhere."""
    if _is_windows():
        if pid is None:
            return CodePageReport(platform="windows", available=False, summary="no process to probe", error="no pid")
        return probe_console_codepages(pid)
    return probe_locale(pid, tty_fd=tty_fd)


# -- environment ---------------------------------------------------------------------------------

#: Shown by the Environment panel where psutil reads the environment a process *started* with.
ENV_SNAPSHOT_NOTE = "on Linux a process's environment as it started; changes made later inside it are not visible"


def env_snapshot_note(platform: str = sys.platform) -> str | None:
    """What the Environment panel must say about snapshots on ``platform`` (None: nothing to add)."""
    if platform.startswith("linux"):
        return ENV_SNAPSHOT_NOTE
    if platform == "darwin":
        return "on macOS a process's environment as it started; changes made later inside it are not visible"
    return None


def env_snapshot(pid: int) -> dict[str, str]:
    """The environment of process ``pid`` (psutil); :class:`ProbeError` says clearly why not.

    A process caught in the middle of ``exec`` shows an empty environment on Linux for an instant
    (``/proc/PID/environ`` is set up after the exec is already visible), so an empty answer is
    asked again briefly before it is believed."""
    import psutil  # here, not at import: it costs start-up time
    try:
        proc = psutil.Process(pid)
        env = dict(proc.environ())
        for _ in range(10):
            if env:
                break
            time.sleep(0.02)
            env = dict(proc.environ())
        return env
    except psutil.ZombieProcess as exc:
        raise ProbeError(f"process {pid} has exited (a zombie); its environment is gone") from exc
    except psutil.NoSuchProcess as exc:
        raise ProbeError(f"process {pid} is gone; there is no environment to read") from exc
    except psutil.AccessDenied as exc:
        raise ProbeError(
            f"access denied reading the environment of process {pid}: it belongs to another user or is "
            "protected; pick one of your own processes or run with the rights to read it"
        ) from exc
    except (psutil.Error, OSError) as exc:
        raise ProbeError(f"could not read the environment of process {pid}: {exc}") from exc


_FLAGGED = ("GO*", "CGO_ENABLED", "CGO_*", "LANG", "LANGUAGE", "LC_*", "PYTHON*ENCODING", "PYTHONUTF8", "TERM")
_PATH_LIKE = frozenset({"PATH", "PATHEXT", "GOPATH", "PYTHONPATH", "PSMODULEPATH", "CLASSPATH"})


def is_flagged(key: str) -> bool:
    """Go and encoding variables: the ones that decide what bytes a program writes."""
    upper = key.upper()
    return any(fnmatch.fnmatchcase(upper, pattern) for pattern in _FLAGGED)


def is_path_like(key: str) -> bool:
    """Variables whose value is a list of directories (diffed entry by entry)."""
    upper = key.upper()
    return upper in _PATH_LIKE or upper.endswith(("_PATH", "PATH", "_DIRS"))


@dataclass(frozen=True)
class PathListDiff:
    """A PATH-like value compared entry by entry, in order: ``("=", e)``, ``("+", e)``, ``("-", e)``."""

    entries: tuple[tuple[str, str], ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    reordered: bool


@dataclass(frozen=True)
class EnvChange:
    """One variable that differs.  ``kind``: added, removed, changed, or case (same variable to
    Windows, spelled ``old_key`` before and ``key`` now; its value may differ too)."""

    kind: str
    key: str
    old: str | None
    new: str | None
    flagged: bool
    old_key: str | None = None
    path_diff: PathListDiff | None = None

    def describe(self) -> str:
        mark = "★ " if self.flagged else ""
        if self.kind == "added":
            return f"{mark}+ {self.key}={self.new}"
        if self.kind == "removed":
            return f"{mark}- {self.key} (was {self.old})"
        if self.kind == "case":
            same = "same value" if self.old == self.new else f"{self.old!r} → {self.new!r}"
            return f"{mark}~ {self.old_key} is now spelled {self.key} ({same})"
        if self.path_diff is not None:
            pd = self.path_diff
            bits = [f"+{e}" for e in pd.added] + [f"-{e}" for e in pd.removed]
            if pd.reordered:
                bits.append("order changed")
            return f"{mark}~ {self.key}: " + ", ".join(bits)
        return f"{mark}~ {self.key}: {self.old!r} → {self.new!r}"


@dataclass(frozen=True)
class EnvDiff:
    """``other`` compared with ``base``, by kind; ``note`` is what the panel must say alongside."""

    added: tuple[EnvChange, ...]
    removed: tuple[EnvChange, ...]
    changed: tuple[EnvChange, ...]
    case_only: tuple[EnvChange, ...]
    unchanged: int
    windows: bool
    note: str | None = None

    @property
    def changes(self) -> tuple[EnvChange, ...]:
        return self.added + self.removed + self.changed + self.case_only

    @property
    def flagged(self) -> tuple[EnvChange, ...]:
        return tuple(c for c in self.changes if c.flagged)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def lines(self) -> list[str]:
        out = [c.describe() for c in self.changes]
        if self.note:
            out.append(f"({self.note})")
        return out


def diff_path_list(old: str, new: str, sep: str) -> PathListDiff:
    """Compare two PATH-like values entry by entry (empty entries kept: they mean "." to a shell)."""
    a, b = old.split(sep), new.split(sep)
    entries: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            entries.extend(("=", e) for e in a[i1:i2])
        else:
            entries.extend(("-", e) for e in a[i1:i2])
            entries.extend(("+", e) for e in b[j1:j2])
    added = tuple(e for e in b if e not in a)
    removed = tuple(e for e in a if e not in b)
    common_a = [e for e in a if e in b]
    common_b = [e for e in b if e in a]
    return PathListDiff(tuple(entries), added, removed, reordered=common_a != common_b)


CASE_NOTE = (
    "Windows looks variables up without regard to case, but the environment block keeps the spelling, "
    "and programs that read the block themselves (Go's os.Environ and exec.Cmd.Env, MSYS tools) see both"
)


def diff_env(base: Mapping[str, str], other: Mapping[str, str], *, windows: bool, note: str | None = None) -> EnvDiff:
    """What ``other`` has that ``base`` does not, and the other way round.

    ``windows``: keys match without regard to case (a key spelled differently is reported under
    ``case_only``), and PATH-like lists split on ``;`` — otherwise keys are exact and lists split
    on ``:``.  Go and encoding variables are flagged.
    """
    sep = ";" if windows else ":"

    def fold(key: str) -> str:
        return key.upper() if windows else key

    base_keys = {fold(k): k for k in base}
    other_keys = {fold(k): k for k in other}
    added: list[EnvChange] = []
    removed: list[EnvChange] = []
    changed: list[EnvChange] = []
    case_only: list[EnvChange] = []
    unchanged = 0
    for folded in sorted(set(base_keys) | set(other_keys)):
        bk, ok = base_keys.get(folded), other_keys.get(folded)
        if bk is None:
            assert ok is not None
            added.append(EnvChange("added", ok, None, other[ok], is_flagged(ok)))
            continue
        if ok is None:
            removed.append(EnvChange("removed", bk, base[bk], None, is_flagged(bk)))
            continue
        old, new = base[bk], other[ok]
        path_diff = diff_path_list(old, new, sep) if old != new and is_path_like(ok) else None
        if bk != ok:
            case_only.append(EnvChange("case", ok, old, new, is_flagged(ok), old_key=bk, path_diff=path_diff))
        elif old != new:
            changed.append(EnvChange("changed", ok, old, new, is_flagged(ok), path_diff=path_diff))
        else:
            unchanged += 1
    notes = [n for n in (note, CASE_NOTE if case_only else None) if n]
    return EnvDiff(
        tuple(added), tuple(removed), tuple(changed), tuple(case_only), unchanged, windows, "; ".join(notes) or None
    )


def parent_pid() -> int | None:
    """This process's parent; on Windows without ``os.getppid()``, which aborts under Wine 8."""
    if _is_windows():
        from app.pty import _win32  # ctypes: loaded on Windows only

        return _win32.parent_pid()
    return os.getppid()


# -- the helpers (run in a re-entered process of this program, see app.pty.reentry) -------------------


def console_codepages_helper(argv: Sequence[str]) -> int:
    """Helper ``console-codepages PID``: the console probe in a process with no console, as JSON."""
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: console-codepages PID", file=sys.stderr)
        return 2
    pid = int(argv[0])
    report = query_console_codepages(pid, _RealKernel32()) if _is_windows() else probe_console_codepages(pid)
    print(json.dumps(report.to_json()))
    return 0


def locale_codeset_helper(argv: Sequence[str]) -> int:
    """Helper ``locale-codeset NAME``: the codeset of locale NAME (``!`` when it cannot be set here)."""
    if len(argv) != 1:
        print("usage: locale-codeset NAME", file=sys.stderr)
        return 2
    import locale

    try:
        locale.setlocale(locale.LC_CTYPE, argv[0])
    except locale.Error:
        print("!")
        return 0
    print(locale.nl_langinfo(locale.CODESET) if hasattr(locale, "nl_langinfo") else "!")
    return 0
