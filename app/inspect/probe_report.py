"""The probe reports: what ``python -m app env`` / ``codepage`` print and the panels show, as data and text.

The command line only parses arguments and prints; the Code page and Environment panels (through
:mod:`app.inspect.probe_poller`) read the same reports.  The probes
themselves live in :mod:`app.pty.probes` and never raise for "not here"; the commands here are
stricter: a command line that names a process which cannot be read is a mistake the user must
hear about (:class:`~app.pty.probes.ProbeError`, turned into one line and exit status 2 by the CLI),
not a report that quietly says "unavailable".

Both commands answer the question an encoding bug starts with — "what does *that* process see
that this one does not?" — so the text output leads with the verdict (the variables that differ,
the codec to decode with) and the JSON output carries the same facts for scripts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass
from typing import Any

from app.pty.probes import (
    CodePageReport,
    EnvChange,
    EnvDiff,
    ProbeError,
    diff_env,
    env_snapshot,
    env_snapshot_note,
    parent_pid,
    probe_console_codepages,
    probe_locale,
)

__all__ = [
    "FLAGGED_LEGEND",
    "CodePageView",
    "EnvComparison",
    "codepage_json",
    "compare_env",
    "env_json",
    "format_codepage",
    "format_env",
    "our_start_env",
    "probe_here",
    "process_name",
]

#: The variables :func:`app.pty.probes.is_flagged` marks, as the legend of the ★ mark.
FLAGGED_LEGEND = "GO*, CGO_*, LANG, LANGUAGE, LC_*, PYTHON*ENCODING, PYTHONUTF8, TERM"


def _is_windows() -> bool:
    """Asked at run time so both branches are type-checked on every platform (as in the probes)."""
    return sys.platform == "win32"


def process_name(pid: int) -> str | None:
    """The name a user recognises a process by; ``None`` when it cannot be read (a label only)."""
    import psutil  # here, not at import: it costs start-up time
    try:
        return str(psutil.Process(pid).name())
    except (psutil.Error, OSError):
        return None


def _who(pid: int, name: str | None) -> str:
    return f"process {pid} ({name})" if name else f"process {pid}"


def our_start_env() -> dict[str, str]:
    """This process's environment *as it started*, not ``os.environ``.

    Python changes its own environment at startup: in the C locale it sets ``LC_CTYPE=C.UTF-8``
    (PEP 538 locale coercion), which would show up as a difference from the shell that no program
    started from that shell ever sees, and make ``codepage`` report a locale the user never set.
    The snapshot psutil reads (``/proc/self/environ`` on Linux) is what we were given.
    """
    try:
        return env_snapshot(os.getpid())
    except ProbeError:
        return dict(os.environ)


# -- env ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvComparison:
    """The environment of process ``pid`` (``other``) against this process's (``base``)."""

    pid: int
    name: str | None
    our_pid: int
    our_name: str | None
    diff: EnvDiff
    variables: int


def compare_env(pid: int | None) -> EnvComparison:
    """Diff ``pid``'s environment (default: our parent, the shell the user typed the command in)
    against ours.  Raises :class:`ProbeError` when that process cannot be read.

    Ours is the environment this process started with (see :func:`our_start_env`) — the same
    kind of snapshot psutil gives of the other process.
    """
    target = parent_pid() if pid is None else pid
    if target is None:
        raise ProbeError("the parent process (the shell) cannot be found; name a process with --pid")
    other = env_snapshot(target)
    base = our_start_env()
    diff = diff_env(base, other, windows=_is_windows(), note=env_snapshot_note())
    me = os.getpid()
    return EnvComparison(target, process_name(target), me, process_name(me), diff, len(other))


def _change_lines(change: EnvChange) -> list[str]:
    """One line per change; a PATH-like list adds its entries in order below it (= kept, + -)."""
    lines = [f"  {change.describe()}"]
    if change.path_diff is not None:
        lines.extend(f"      {op} {entry}" for op, entry in change.path_diff.entries)
    return lines


def format_env(cmp: EnvComparison) -> list[str]:
    """The text report: a header, the four kinds of difference, the flagged variables, the note."""
    diff = cmp.diff
    other = _who(cmp.pid, cmp.name)
    lines = [f"environment of {other} against this one's, {_who(cmp.our_pid, cmp.our_name)}"]
    sections: list[tuple[str, tuple[EnvChange, ...]]] = [
        (f"only in process {cmp.pid} (added)", diff.added),
        ("only here (removed)", diff.removed),
        ("changed", diff.changed),
    ]
    for title, changes in sections:
        lines.append(f"{title}: {len(changes) or 'none'}")
        for change in changes:
            lines.extend(_change_lines(change))
    if diff.windows:
        lines.append(f"differs only in key case: {len(diff.case_only) or 'none'}")
        for change in diff.case_only:
            lines.extend(_change_lines(change))
    else:
        # Keys are exact here (PATH and Path are two variables); say so rather than print a
        # category that can never fill, so nobody reads "none" as "checked and clean".
        lines.append("differs only in key case: not applicable here (keys are case-sensitive; Windows folds them)")
    lines.append(f"unchanged: {diff.unchanged} of {cmp.variables} variables in process {cmp.pid}")
    flagged = sorted({c.key for c in diff.flagged})
    lines.append(f"★ Go and encoding variables ({FLAGGED_LEGEND}) that differ: {', '.join(flagged) or 'none'}")
    if diff.note:
        lines.append(f"note: {diff.note}")
    return lines


def env_json(cmp: EnvComparison) -> dict[str, Any]:
    """The same facts as :func:`format_env`, for scripts (PATH entries as ``[op, entry]`` pairs)."""
    diff = cmp.diff
    return {
        "pid": cmp.pid,
        "name": cmp.name,
        "against": {"pid": cmp.our_pid, "name": cmp.our_name},
        "windows": diff.windows,
        "added": [asdict(c) for c in diff.added],
        "removed": [asdict(c) for c in diff.removed],
        "changed": [asdict(c) for c in diff.changed],
        "case_only": [asdict(c) for c in diff.case_only],
        "unchanged": diff.unchanged,
        "variables": cmp.variables,
        "flagged": sorted({c.key for c in diff.flagged}),
        "note": diff.note,
    }


# -- codepage -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodePageView:
    """What ``codepage`` found: the platform's probe, plus (on POSIX) whose stdin IUTF8 was read from."""

    pid: int
    name: str | None
    report: CodePageReport
    #: The Windows console probe: on Windows ``report`` itself, elsewhere the "not available here" answer.
    console: CodePageReport
    #: The terminal our stdin is (``/dev/pts/3``), or None when stdin is not a terminal.
    stdin_tty: str | None


def _stdin_tty() -> str | None:
    try:
        return os.ttyname(0) if os.isatty(0) else None
    except OSError:
        return None


def probe_here(pid: int | None) -> CodePageView:
    """Run this platform's code page probe on ``pid`` (default: this process).

    POSIX: the locale ``pid`` started with and the IUTF8 flag of *our* stdin (the terminal the
    user typed the command in — usually the one ``pid`` writes to as well).  Windows: the console
    code pages.  Raises :class:`ProbeError` when ``pid`` cannot be read, because a command line
    naming a process that is gone is a mistake to report, not a report to show.
    """
    import psutil  # here, not at import: it costs start-up time
    target = os.getpid() if pid is None else pid
    name = process_name(target)
    if _is_windows():
        if not psutil.pid_exists(target):
            raise ProbeError(f"process {target} is gone; there is no console to probe")
        report = probe_console_codepages(target)
        if report.error and "no such process" in report.error:
            raise ProbeError(f"process {target} is gone; there is no console to probe")
        return CodePageView(target, name, report, report, None)
    env = our_start_env() if pid is None else env_snapshot(target)
    tty = _stdin_tty()
    report = probe_locale(target, env=env, tty_fd=0 if tty else None)
    return CodePageView(target, name, report, probe_console_codepages(target), tty)


def _decode_line(report: CodePageReport) -> str:
    if report.codec:
        return f"decode this session's bytes as {report.codec}"
    return f"decode this session's bytes as: unknown ({report.error or 'the probe found no codec'})"


def format_codepage(view: CodePageView) -> list[str]:
    """The text report: whose, the codec to decode with, then the platform's details."""
    r = view.report
    lines = [f"code page probe of {_who(view.pid, view.name)}", _decode_line(r)]
    if r.platform == "windows":
        if r.available:
            lines.append(f"console output code page: {r.console_output_cp}")
            lines.append(f"console input code page: {r.console_input_cp}")
        else:
            lines.append(f"console code pages: unknown ({r.error})")
        lines.append(f"ANSI code page (GetACP): {r.ansi_cp}")
        lines.append(f"OEM code page (GetOEMCP): {r.oem_cp}")
    else:
        source = f"from {r.locale_source}" if r.locale_source else "LC_ALL, LC_CTYPE and LANG all unset"
        lines.append(f"locale: {r.locale} ({source}; LC_ALL > LC_CTYPE > LANG)")
        if r.locale_exists:
            lines.append("locale exists here: yes")
        else:
            lines.append("locale exists here: no (C programs fall back to the C locale, ASCII)")
        lines.append(f"codeset: {r.codeset or 'unknown'}")
        if view.stdin_tty is None:
            lines.append("IUTF8: stdin is not a terminal")
        else:
            state = "unknown" if r.iutf8 is None else ("on" if r.iutf8 else "off")
            lines.append(f"IUTF8 of stdin ({view.stdin_tty}): {state}")
        lines.append("Windows console code pages: not available here")
    lines.append(f"summary: {r.summary}")
    return lines


def codepage_json(view: CodePageView) -> dict[str, Any]:
    """The same facts for scripts; ``time`` is dropped so two runs compare equal."""
    report = view.report.to_json()
    report.pop("time", None)
    return {
        "pid": view.pid,
        "name": view.name,
        "decode_as": view.report.codec,
        "stdin_tty": view.stdin_tty,
        "report": report,
        "windows_console": {"available": view.console.available, "summary": view.console.summary},
    }
