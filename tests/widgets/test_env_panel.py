"""EnvPanel on real processes (offscreen): added GOFLAGS flagged, PATH entry by entry, the note, bases, filter."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping

import pytest
from pytestqt.qtbot import QtBot

from app.inspect.probe_report import our_start_env
from app.pty.probes import ENV_SNAPSHOT_NOTE, env_snapshot
from app.widgets.env_panel import AGAINST_APP, AGAINST_SESSION, KIND_ROLE, EnvPanel, EnvRow
from app.widgets.qt import QtWidgets

SLEEP = shutil.which("sleep") or "sleep"

#: The environment the session was started with.
SESSION_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/home/user",
    "LANG": "C.UTF-8",
    "TERM": "xterm-256color",
}
#: What the foreground process has: the user exported GOFLAGS, put Go first on PATH (and lost
#: /usr/local/bin), switched LANG, and started it without TERM.
CHILD_ENV = {
    "PATH": "/opt/go/bin:/usr/bin:/bin",
    "HOME": "/home/user",
    "LANG": "zh_CN.GBK",
    "GOFLAGS": "-mod=mod",
}

Spawn = Callable[[Mapping[str, str]], subprocess.Popen[bytes]]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    children: list[subprocess.Popen[bytes]] = []

    def start(env: Mapping[str, str]) -> subprocess.Popen[bytes]:
        child = subprocess.Popen([SLEEP, "60"], env=dict(env))
        children.append(child)
        return child

    yield start
    for child in children:
        child.kill()
        child.wait(10)


def make_panel(qtbot: QtBot, pid: int | None, **kw: object) -> EnvPanel:
    panel = EnvPanel(lambda: pid, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(520, 640)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def wait_for_diff(qtbot: QtBot, panel: EnvPanel, pid: int) -> None:
    qtbot.waitUntil(lambda: panel.diff is not None and panel.snapshot is not None and panel.snapshot.pid == pid)


def row(rows: list[EnvRow], key: str, depth: int = 1) -> EnvRow:
    found = [r for r in rows if r.key == key and r.depth == depth]
    assert len(found) == 1, (key, rows)
    return found[0]


def children_of(rows: list[EnvRow], key: str) -> list[tuple[str, str]]:
    """The (op, entry) rows under ``key``, in order."""
    out: list[tuple[str, str]] = []
    inside = False
    for r in rows:
        if r.depth == 1:
            inside = r.key == key
        elif inside and r.depth == 2:
            out.append((r.key, r.value))
    return out


def test_added_goflags_is_flagged_path_entry_diff_and_the_note(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn(CHILD_ENV)
    panel = make_panel(qtbot, child.pid, session_env=SESSION_ENV, windows=False)
    assert panel.against == AGAINST_SESSION
    wait_for_diff(qtbot, panel, child.pid)
    rows = panel.rows()

    goflags = row(rows, "★ GOFLAGS")
    assert (goflags.group, goflags.kind, goflags.value, goflags.flagged) == ("added", "added", "-mod=mod", True)

    lang = row(rows, "★ LANG")
    assert (lang.group, lang.value, lang.flagged) == ("changed", "C.UTF-8 → zh_CN.GBK", True)
    term = row(rows, "★ TERM")
    assert (term.group, term.value, term.flagged) == ("removed", "was xterm-256color", True)

    path = row(rows, "PATH")
    assert (path.group, path.kind, path.flagged) == ("changed", "changed", False)
    assert children_of(rows, "PATH") == [
        ("-", "/usr/local/bin"),
        ("+", "/opt/go/bin"),
        ("=", "/usr/bin"),
        ("=", "/bin"),
    ]
    assert not any(r.key == "HOME" for r in rows)  # unchanged
    assert ENV_SNAPSHOT_NOTE in panel.note_text()
    assert panel.note_text().startswith("Note: on Linux a process's environment as it started")
    assert "1 added, 1 removed, 2 changed; 1 unchanged" in panel.summary_text()
    assert "★ Go & encoding: GOFLAGS, LANG, TERM" in panel.summary_text()
    assert f"process {child.pid} (sleep)" in panel.title_text()

    # The flagged rows stand out: bold.
    top = panel.tree.topLevelItem(0)
    assert top is not None and top.data(0, KIND_ROLE) == "added"
    item = top.child(0)
    assert item is not None and item.font(0).bold()


def test_only_go_and_encoding_filter(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn(CHILD_ENV)
    panel = make_panel(qtbot, child.pid, session_env=SESSION_ENV, windows=False)
    wait_for_diff(qtbot, panel, child.pid)
    panel.set_only_flagged(True)
    keys = [r.key for r in panel.rows() if r.depth == 1]
    assert sorted(keys) == ["★ GOFLAGS", "★ LANG", "★ TERM"]
    panel.set_only_flagged(False)
    assert "PATH" in [r.key for r in panel.rows() if r.depth == 1]


def test_against_the_apps_own_environment(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn(CHILD_ENV)
    app_env = {"PATH": "/opt/go/bin:/usr/bin:/bin", "HOME": "/home/user", "LANG": "zh_CN.GBK", "GOPATH": "/go"}
    panel = make_panel(qtbot, child.pid, session_env=SESSION_ENV, app_env=app_env, windows=False)
    wait_for_diff(qtbot, panel, child.pid)
    panel.set_against(AGAINST_APP)
    rows = panel.rows()
    assert row(rows, "★ GOFLAGS").group == "added"
    assert row(rows, "★ GOPATH").group == "removed"
    assert not any(r.key in ("PATH", "★ LANG") for r in rows)
    with pytest.raises(ValueError, match="no base"):
        panel.set_against("elsewhere")


def test_without_a_session_env_the_app_is_the_base(qtbot: QtBot, spawn: Spawn) -> None:
    """The base is the app's own start environment, whatever that is (CI's has GOFLAGS, for one): a
    variable the app was not started with reads as added, one the child was started without as removed."""
    app_env = our_start_env()
    only_in_child = "MOJISCOPE_TEST_ONLY_IN_CHILD"
    assert only_in_child not in app_env and app_env
    dropped = "PATH" if "PATH" in app_env else min(app_env)
    child_env = {k: v for k, v in app_env.items() if k != dropped} | {only_in_child: "1"}
    child = spawn(child_env)
    panel = make_panel(qtbot, child.pid, windows=False)
    assert panel.against == AGAINST_APP
    wait_for_diff(qtbot, panel, child.pid)
    diff = panel.diff
    assert diff is not None
    assert [c.key for c in diff.added] == [only_in_child]
    assert [c.key for c in diff.removed] == [dropped]
    assert diff.changed == () and diff.unchanged == len(app_env) - 1


def test_windows_rules_show_key_case_only(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn({"Path": "/usr/bin:/bin", "goflags": "-v"})
    panel = make_panel(qtbot, child.pid, session_env={"PATH": "/usr/bin:/bin", "GOFLAGS": "-v"}, windows=True)
    wait_for_diff(qtbot, panel, child.pid)
    rows = panel.rows()
    case = [r for r in rows if r.group == "case" and r.depth == 1]
    assert sorted(r.key for r in case) == ["Path", "★ goflags"]
    assert all(r.value == "same value" for r in case)
    assert "Windows looks variables up without regard to case" in panel.note_text()


def test_linux_says_key_case_does_not_apply(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn(CHILD_ENV)
    panel = make_panel(qtbot, child.pid, session_env=SESSION_ENV, windows=False)
    wait_for_diff(qtbot, panel, child.pid)
    tops = [r.key for r in panel.rows() if r.depth == 0]
    assert tops[-1].startswith("Key case only: not applicable here")


def test_a_dead_process_reads_as_a_message(qtbot: QtBot) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(10)
    panel = make_panel(qtbot, child.pid, session_env=SESSION_ENV)
    qtbot.waitUntil(lambda: panel.snapshot is not None)
    assert panel.status_text() == f"process {child.pid} is gone; there is no environment to read"
    assert panel.diff is None
    assert panel.rows() == []
    assert ENV_SNAPSHOT_NOTE in panel.note_text()  # still says what the panel can show
    texts = [label.text() for label in panel.findChildren(QtWidgets.QLabel)]
    assert not any("Traceback" in t for t in texts)


def test_a_hidden_panel_does_not_poll_and_refresh_reads_again(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn(CHILD_ENV)
    calls: list[int] = []
    lock = threading.Lock()

    def counting(pid: int) -> Mapping[str, str]:
        with lock:
            calls.append(pid)
        return env_snapshot(pid)

    panel = EnvPanel(lambda: child.pid, session_env=SESSION_ENV, snapshot=counting, interval_ms=20)
    qtbot.addWidget(panel)
    qtbot.wait(150)
    assert calls == [] and not panel.polling
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: len(calls) >= 3)
    panel.hide()
    assert not panel.polling
    assert panel.driver.poller.wait_idle(15)
    settled = len(calls)
    qtbot.wait(150)
    assert len(calls) == settled
    panel.refresh()  # the button works even while hidden (one read, no timer)
    assert panel.driver.poller.wait_idle(15)
    assert len(calls) == settled + 1
    assert not panel.polling


def test_auto_refresh_keeps_a_collapsed_path(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn(CHILD_ENV)
    panel = make_panel(qtbot, child.pid, session_env=SESSION_ENV, windows=False, interval_ms=20)
    wait_for_diff(qtbot, panel, child.pid)
    tops = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
    changed = next(t for t in tops if t is not None and t.data(0, KIND_ROLE) == "changed")
    kids = [changed.child(i) for i in range(changed.childCount())]
    path_item = next(k for k in kids if k is not None and k.text(0) == "PATH")
    assert path_item.isExpanded()
    path_item.setExpanded(False)
    before = panel.driver.poller.started_count
    qtbot.waitUntil(lambda: panel.driver.poller.started_count >= before + 3)
    assert not path_item.isExpanded()  # same item: an unchanged diff is not rebuilt
