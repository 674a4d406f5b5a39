"""What each place a Windows Go developer runs a program would show for the same bytes — predicted, not observed.

The rules (DESIGN §4, and PowerShell's documentation on character encoding):

- **cmd / conhost at code page N**: a program that writes bytes (``WriteFile``: C's printf, Python to a pipe, a
  test binary's raw bytes) has them decoded by the console with its output code page, ``GetConsoleOutputCP()``,
  which starts at the system's OEM code page (936 in Chinese Windows, 437 in US English, 932, 949, 950, 866…).
- **cmd after ``chcp 65001``**: the same, with UTF-8.
- **Windows PowerShell 5.1** and **PowerShell 7 (pwsh)**, a native command's output captured or piped
  (``go test | Select-String``, ``$out = go test``): PowerShell reads the pipe with ``[Console]::OutputEncoding``,
  which in both defaults to the console's code page (OEM). ``$OutputEncoding`` (ASCII in 5.1, UTF-8 in 7) is the
  encoding PowerShell *sends* to a native command and does not change what it reads. ``chcp 65001`` alone does not
  change PowerShell's own encodings; ``[Console]::OutputEncoding = [Text.UTF8Encoding]::new()`` does.
- **Windows Terminal / VS Code** (ConPTY): conhost decodes the program's bytes with the console code page as above,
  then sends UTF-8 to the terminal: the mojibake is made before the terminal sees anything, so the terminal's own
  UTF-8 does not help.
- **A Unicode console writer** (Go's ``os.Stdout`` on a console uses ``WriteConsoleW``; Python ≥ 3.6 too): the text
  goes to the console as UTF-16, so no code page is involved; bytes that are not UTF-8 become U+FFFD. (Through a
  pipe the same program writes bytes again, and the rules above apply.)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OEM_CODE_PAGES", "Prediction", "predict"]

#: System (OEM) code pages a console starts at, by the Windows display language that sets them.
OEM_CODE_PAGES: dict[int, str] = {
    936: "Chinese (Simplified)",
    950: "Chinese (Traditional)",
    932: "Japanese",
    949: "Korean",
    437: "English (US)",
    850: "Western European",
    866: "Russian",
}

_CODEC = {
    936: "gbk", 950: "cp950", 932: "cp932", 949: "cp949", 437: "cp437", 850: "cp850", 866: "cp866", 65001: "utf-8"
}  # fmt: skip


@dataclass(frozen=True)
class Prediction:
    """One place: what it would show, the rule it follows, and that it is a prediction."""

    place: str
    shown: str
    rule: str
    predicted: bool = True


def _decode(data: bytes, code_page: int) -> str:
    return data.decode(_CODEC[code_page], "replace")


def predict(data: bytes, system_code_page: int = 936) -> list[Prediction]:
    """The shell matrix for ``data`` (the bytes a program wrote) on a Windows whose OEM code page is
    ``system_code_page``."""
    if system_code_page not in OEM_CODE_PAGES:
        raise ValueError(f"unknown system code page {system_code_page}; use one of {sorted(OEM_CODE_PAGES)}")
    cp = system_code_page
    oem = f"{cp} ({OEM_CODE_PAGES[cp]})"
    return [
        Prediction(
            f"cmd, console at code page {cp}",
            _decode(data, cp),
            f"conhost decodes the program's bytes with the console output code page, which starts at the OEM code "
            f"page {oem}",
        ),
        Prediction(
            "cmd after chcp 65001",
            _decode(data, 65001),
            "chcp 65001 sets the console output code page to UTF-8; conhost decodes the bytes as UTF-8",
        ),
        Prediction(
            "Windows PowerShell 5.1, output piped or captured",
            _decode(data, cp),
            f"PowerShell reads a native command's output with [Console]::OutputEncoding, by default the console's "
            f"code page {cp}; $OutputEncoding (ASCII in 5.1) only applies to what PowerShell sends to it",
        ),
        Prediction(
            "PowerShell 7 (pwsh), output piped or captured",
            _decode(data, cp),
            f"as in 5.1: [Console]::OutputEncoding defaults to the console's code page {cp}; pwsh's UTF-8 "
            f"$OutputEncoding is for input to native commands",
        ),
        Prediction(
            f"Windows Terminal / VS Code (ConPTY), console at {cp}",
            _decode(data, cp),
            f"ConPTY's conhost decodes the bytes with the console code page {cp}, then sends UTF-8 to the terminal: "
            f"the terminal shows the mojibake already made",
        ),
        Prediction(
            "A Unicode console writer (Go's os.Stdout on a console)",
            _decode(data, 65001),
            "Go writes to a console with WriteConsoleW (UTF-16): no code page is involved; bytes that are not UTF-8 "
            "become U+FFFD",
        ),
    ]
