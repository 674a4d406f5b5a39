"""sitecustomize for the Windows lane's CPython: fills a Wine 8 gap.

Python's platform module asks WMI for the Windows version (platform.system(), .release(), .uname(); hypothesis
calls one on import), and under Wine 8 a WMI query aborts the whole process (propsys.VariantToString is
unimplemented). Without the _wmi module, platform falls back to sys.getwindowsversion(), as it does on a
Windows without WMI. Installed into the lane's site folder by tests/windows/setup.sh, so the Windows build
still carries _wmi for real Windows. The app itself never asks platform on Windows (app/record/hostinfo.py).
"""

import sys

sys.modules["_wmi"] = None  # type: ignore[assignment]  # import _wmi now raises ImportError
