"""Remembered choices: typed, validated, and a bad settings file falls back instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pty.opener import EditorCommandError
from app.widgets.settings import AppSettings, open_settings


def test_the_editor_command_is_validated_and_a_bad_stored_one_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    settings = AppSettings(open_settings(str(path)))
    assert settings.editor_command is None
    settings.editor_command = "vim +{line} {file}"
    assert settings.editor_command == "vim +{line} {file}"
    with pytest.raises(EditorCommandError, match="must contain"):
        settings.editor_command = "vim"
    assert settings.editor_command == "vim +{line} {file}"  # the refused value was not stored
    settings.editor_command = ""
    assert settings.editor_command is None
    settings.sync()
    path.write_text(path.read_text() + "\n[locations]\neditor=\"vim '{file}\"\n")
    assert AppSettings(open_settings(str(path))).editor_command is None  # does not parse: the default
