"""The app's remembered choices (font size, theme, profile, UTF-8 switch, window layout) in QSettings.

One small typed wrapper so the window never spells a key twice and never trusts a stored value's
type: an INI file edited by hand, or written by an older version, must not crash the app — a value
that does not parse falls back to its default. Tests inject their own QSettings (an INI file in a
temporary folder) so they never read or write the user's real settings.
"""

from __future__ import annotations

import json

from app.pty.opener import EditorCommandError, check_template
from app.widgets.qt import QtCore

__all__ = ["DEFAULT_FONT_SIZE", "ORGANISATION", "THEMES", "AppSettings", "open_settings"]

ORGANISATION = "Mojiscope"
APPLICATION = "Mojiscope"
DEFAULT_FONT_SIZE = 11.0
MIN_FONT_SIZE, MAX_FONT_SIZE = 6.0, 48.0
THEMES = ("dark", "light")


def open_settings(path: str | None = None) -> QtCore.QSettings:
    """The user's settings (organisation/app "Mojiscope"), or an INI file at ``path`` (tests, portable use)."""
    if path is not None:
        return QtCore.QSettings(path, QtCore.QSettings.Format.IniFormat)
    return QtCore.QSettings(ORGANISATION, APPLICATION)


class AppSettings:
    """Typed access to the keys the main window keeps."""

    def __init__(self, store: QtCore.QSettings) -> None:
        self.store = store

    def _str(self, key: str, default: str) -> str:
        value = self.store.value(key, default)
        return value if isinstance(value, str) else default

    @property
    def font_size(self) -> float:
        try:
            size = float(self._str("view/font_size", str(DEFAULT_FONT_SIZE)))
        except ValueError:
            return DEFAULT_FONT_SIZE
        return min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, size))

    @font_size.setter
    def font_size(self, value: float) -> None:
        self.store.setValue("view/font_size", str(min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, value))))

    @property
    def theme(self) -> str:
        theme = self._str("view/theme", "dark")
        return theme if theme in THEMES else "dark"

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"no theme {value!r}; choose one of {', '.join(THEMES)}")
        self.store.setValue("view/theme", value)

    @property
    def profile(self) -> str | None:
        """The shell profile new sessions use; ``None``: the platform's default."""
        name = self._str("session/profile", "")
        return name or None

    @profile.setter
    def profile(self, value: str | None) -> None:
        self.store.setValue("session/profile", value or "")

    @property
    def editor_command(self) -> str | None:
        """The command that opens a source location (``{file}``, ``{line}``, ``{col}``); ``None``: the default
        (VS Code's ``code -g`` when ``code`` is on PATH, else the system's opener). A stored command that does
        not parse counts as unset, so a bad settings file cannot stop locations from opening."""
        command = self._str("locations/editor", "").strip()
        if not command:
            return None
        try:
            check_template(command)
        except EditorCommandError:
            return None
        return command

    @editor_command.setter
    def editor_command(self, value: str | None) -> None:
        """Store ``value`` (``None`` or empty: back to the default); raises ``EditorCommandError`` if unusable."""
        if value and value.strip():
            check_template(value.strip())
        self.store.setValue("locations/editor", (value or "").strip())

    @property
    def tests_preset(self) -> dict[str, object] | None:
        """The Tests panel's fields as last run (a JSON object), or ``None`` when unset or unreadable."""
        text = self._str("tests/preset", "")
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    @tests_preset.setter
    def tests_preset(self, value: dict[str, object]) -> None:
        self.store.setValue("tests/preset", json.dumps(value, ensure_ascii=False))

    @property
    def reflow(self) -> bool:
        """Whether a change of width re-wraps the terminal's lines (on by default, as in Windows Terminal)."""
        return self._str("view/reflow", "true").lower() in ("true", "1", "yes", "on")

    @reflow.setter
    def reflow(self, value: bool) -> None:
        self.store.setValue("view/reflow", "true" if value else "false")

    @property
    def tests_reuse_tab(self) -> bool:
        """Whether the Tests panel's runs replace their previous tab instead of opening a new one each time."""
        return self._str("tests/reuse_tab", "true").lower() in ("true", "1", "yes", "on")

    @tests_reuse_tab.setter
    def tests_reuse_tab(self, value: bool) -> None:
        self.store.setValue("tests/reuse_tab", "true" if value else "false")

    @property
    def confirm_multiline_paste(self) -> bool:
        """Ask before pasting several lines into a program without bracketed paste (as Windows Terminal's
        ``warning.multiLinePaste``); on by default."""
        return self._str("confirm/multiline_paste", "true").lower() in ("true", "1", "yes", "on")

    @confirm_multiline_paste.setter
    def confirm_multiline_paste(self, value: bool) -> None:
        self.store.setValue("confirm/multiline_paste", "true" if value else "false")

    @property
    def confirm_close_running(self) -> bool:
        """Ask before closing a tab, or quitting, while programs run there (as Windows Terminal and VS Code);
        on by default."""
        return self._str("confirm/close_running", "true").lower() in ("true", "1", "yes", "on")

    @confirm_close_running.setter
    def confirm_close_running(self, value: bool) -> None:
        self.store.setValue("confirm/close_running", "true" if value else "false")

    @property
    def utf8(self) -> bool:
        """Whether new sessions enforce UTF-8 (on by default: the common wish)."""
        return self._str("session/utf8", "true").lower() in ("true", "1", "yes", "on")

    @utf8.setter
    def utf8(self, value: bool) -> None:
        self.store.setValue("session/utf8", "true" if value else "false")

    def _bytes(self, key: str) -> QtCore.QByteArray | None:
        value = self.store.value(key)
        if isinstance(value, QtCore.QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes) and value:
            return QtCore.QByteArray(value)
        return None

    @property
    def geometry(self) -> QtCore.QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QtCore.QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    @property
    def window_state(self) -> QtCore.QByteArray | None:
        """The dock layout (``QMainWindow.saveState``)."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QtCore.QByteArray) -> None:
        self.store.setValue("window/state", value)

    def sync(self) -> None:
        self.store.sync()
