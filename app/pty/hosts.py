"""Which console host stands between a program and Mojiscope, said for the Session panel (DESIGN §4).

On Windows the bytes a session shows are what a console host made of the program's output, so the host is part
of the answer: ``conpty`` runs pywinpty's bundled OpenConsole (the host Windows Terminal ships), ``conpty-inbox``
the system's own conhost (under Wine: Wine's, which is not Windows'). A recording says its backend and OS in
its header, so a replay can say the same. No Qt here.
"""

from __future__ import annotations

__all__ = ["console_host", "source_console_host"]

_HOSTS = {
    "conpty": "pywinpty's bundled OpenConsole (the console host Windows Terminal ships), read as text",
    "conpty-inbox": "the system's conhost (kernel32 CreatePseudoConsole), read as exact bytes",
    "pty": "none: a POSIX pty (the kernel's line discipline only)",
    "pipe": "none: plain pipes, the program's own bytes",
}


def console_host(backend: str, os_description: str | None = None) -> str | None:
    """The console host behind ``backend`` on the machine ``os_description`` names (None for a replay's own
    kind or an unknown backend)."""
    host = _HOSTS.get(backend)
    if host is not None and backend == "conpty-inbox" and os_description and "Wine" in os_description:
        wine = os_description.split("under ", 1)[-1]
        host = f"{wine}'s conhost (kernel32 CreatePseudoConsole under Wine, not Windows'), read as exact bytes"
    return host


def source_console_host(source: object) -> str | None:
    """The console host behind a session's source: a live source says it (``console_host``); a replay says what
    its recording's header recorded (backend and OS). None where nothing says."""
    host = getattr(source, "console_host", None)
    if isinstance(host, str):
        return host
    header = getattr(source, "header", None)  # a replay's header (a file is streamed: no Recording in memory)
    if header is None:
        header = getattr(getattr(source, "recording", None), "header", None)
    meta = getattr(header, "mojiscope", None)
    if isinstance(meta, dict) and isinstance(meta.get("backend"), str):
        recorded_on = meta.get("os")
        return console_host(meta["backend"], recorded_on if isinstance(recorded_on, str) else None)
    return None
