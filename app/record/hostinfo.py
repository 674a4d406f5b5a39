"""What machine a recording (or a bench run) was made on, said without the calls that fail on Wine.

``platform.platform()`` on Windows asks WMI (Python 3.12+), which aborts the process under Wine 8
(``propsys.VariantToString`` is unimplemented) and is slow on Windows; ``sys.getwindowsversion()`` reads the
same version from the process's own data. Under Wine the version Wine reports is named too, since Wine's
"Windows" is not Windows (its console host above all).
"""

from __future__ import annotations

import functools
import sys

__all__ = ["os_description", "wine_version"]


def _is_windows() -> bool:
    """Asked at run time (not a static platform check), so both paths are type-checked everywhere."""
    return sys.platform == "win32"


@functools.lru_cache(maxsize=1)
def wine_version() -> str | None:
    """The Wine version when this Windows is Wine (ntdll's ``wine_get_version``), else None."""
    if not _is_windows():
        return None
    import ctypes  # Windows only: not loaded at the app's start elsewhere

    try:
        ntdll = getattr(ctypes, "WinDLL")("ntdll")  # noqa: B009 (absent off Windows)
        get = ntdll.wine_get_version
    except (OSError, AttributeError):
        return None
    get.restype = ctypes.c_char_p
    get.argtypes = []
    value = get()
    return value.decode("ascii", "replace") if value else "unknown"


@functools.lru_cache(maxsize=1)
def os_description() -> str:
    """e.g. ``Windows 10.0.19045`` (``… under Wine 8.0``), or ``platform.platform()`` elsewhere."""
    if not _is_windows():
        import platform  # asked when a recording or a bench run is written, not at the app's start

        return platform.platform()
    version = getattr(sys, "getwindowsversion")()  # noqa: B009 (absent off Windows)
    text = f"Windows {version.major}.{version.minor}.{version.build}"
    wine = wine_version()
    return f"{text} under Wine {wine}" if wine else text
