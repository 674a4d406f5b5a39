"""Start-up: only the panels in front are built with the window; the others when first shown, then up to date."""

from __future__ import annotations

from app.widgets.main_window import MainWindow
from tests.widgets.conftest import GO_TEST, play, run_until

LAZY = ("Tests", "Code page", "Environment")


def test_only_the_panels_in_front_are_built_with_the_window(window: MainWindow) -> None:
    tabs = [window.panels.tabText(i) for i in range(window.panels.count())]
    assert tabs == ["Bytes", "Tests", "Code page", "Environment", "Session"]  # every tab is there at once…
    assert window.panel_built("Bytes") and window.panel_built("Session")
    assert not any(window.panel_built(name) for name in LAZY)  # …the others' widgets are not made yet
    assert window.panels.widget(1).isVisible() is False


def test_a_panel_built_when_first_shown_shows_the_current_tab(window: MainWindow) -> None:
    tab = play(window, GO_TEST)  # a go test run, parsed while no Tests panel exists
    assert not window.panel_built("Tests")
    window.panels.setCurrentIndex(window.panels.indexOf(window.panels.widget(1)))  # the user clicks "Tests"
    assert window.panel_built("Tests")
    panel = window.tests_panel
    assert window.panel("Tests") is panel and panel.isVisible()
    run_until(window, lambda: panel.item_for("Test加法") is not None)
    assert tab.tests_live()  # the run is parsed as it comes, now that the panel shows it
    window.panels.setCurrentIndex(2)  # "Code page": a replay has no process to probe
    assert window.panel_built("Code page") and not window.panel_built("Environment")
    run_until(window, lambda: "no foreground process" in window.codepage_panel.status_text())


def test_asking_for_a_panel_builds_it_following_the_current_session(window: MainWindow) -> None:
    tab = window.new_session(["sh", "-c", "sleep 30"])
    env = window.env_panel  # asked for by code (not shown): built now, following the live session
    assert window.panel_built("Environment") and not env.isVisible()
    window.show_panel("Environment")
    run_until(window, lambda: tab.session.source.pid is not None)
    run_until(window, lambda: f"process {tab.session.source.pid} " in env.title_text())
