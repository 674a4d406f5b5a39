"""The editor command for locations: checked, filled in word by word, started without a shell."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from app.pty.opener import VSCODE_TEMPLATE, EditorCommandError, default_editor_template, editor_argv, start_detached


def test_the_template_is_filled_word_by_word() -> None:
    assert editor_argv(VSCODE_TEMPLATE, "/src/a b.go", 29, 3) == ["code", "-g", "/src/a b.go:29:3"]
    assert editor_argv("vim +{line} {file}", "/x/y.go", 7) == ["vim", "+7", "/x/y.go"]
    assert editor_argv("'my editor' --goto {file}:{line}:{col}", "f.go", 1) == ["my editor", "--goto", "f.go:1:1"]


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("", "the editor command is empty"),
        ("vim", "must contain {file}"),
        ("vim {file} {lien}", "unknown placeholder"),
        ("vim '{file}", "does not parse"),
    ],
)
def test_bad_templates_say_why(template: str, why: str) -> None:
    with pytest.raises(EditorCommandError, match=why):
        editor_argv(template, "/x.go", 1)


def test_a_windows_cmd_launcher_goes_through_cmd_and_refuses_metacharacters() -> None:
    argv = editor_argv("C:/Tools/code.cmd -g {file}:{line}", "C:\\src\\a_test.go", 4, platform="win32")
    assert argv == ["cmd.exe", "/d", "/c", "C:/Tools/code.cmd", "-g", "C:\\src\\a_test.go:4"]
    with pytest.raises(EditorCommandError, match=r"cmd\.exe"):
        editor_argv("C:/Tools/code.cmd -g {file}", "C:\\a&calc.go", 1, platform="win32")


def test_the_default_is_vscode_only_when_code_is_on_path(tmp_path: Path) -> None:
    assert default_editor_template({"PATH": str(tmp_path)}) is None
    code = tmp_path / "code"
    code.write_text("#!/bin/sh\n")
    code.chmod(0o755)
    assert default_editor_template({"PATH": str(tmp_path)}) == VSCODE_TEMPLATE


def test_start_detached_runs_the_editor_for_real(tmp_path: Path) -> None:
    out = tmp_path / "argv.txt"
    script = "import sys; open(sys.argv[1], 'w').write(repr(sys.argv[2:]))"
    template = f"{sys.executable} -c \"{script}\" {out} {{file}} {{line}}"
    process = start_detached(editor_argv(template, "/src/x_test.go", 29))
    assert process.wait(30) == 0
    deadline = time.monotonic() + 10
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert out.read_text() == "['/src/x_test.go', '29']"
