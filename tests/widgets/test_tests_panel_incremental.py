"""The Tests panel's incremental refresh (only the rows the model says changed) builds exactly the tree the simple one
(every package and test walked, ``TestsPanel.incremental`` off) builds: the same rows, in the same order, with the same
texts, colours, icons and nodes, and the same counts line — after every refresh of a real ``go test`` run fed in random
pieces (``-v`` and ``-json``, subtests, failures first, parallel tests, a package that does not build, ``-count=2``,
packages replaced by a second run, the bench's flood of short tests), refreshed at random moments.  Offscreen Qt, no
wall-clock anything."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bench import generate
from app.gotest import GoTestRun, PackageNode, Status, TestNode
from app.gotest import run as run_module
from app.widgets.qt import Qt, QtWidgets
from app.widgets.tests_panel import TestsPanel
from tests.gotest.gorun import DEMO, MULTI_FILES, as_pty, coloured, go_env, run_go

#: The real runs the streams are made of (made once per module: each is a real ``go test``).
RUNS = ["demo-v-fail", "demo-v-pass", "demo-json-fail", "demo-v-count2", "multi-v", "multi-json", "json-build", "bench"]
_BROKEN = "example.com/multi/broken"
#: What go 1.21+ writes under ``-json`` for a package that does not build (build-output and build-fail events, then the
#: package's FAIL line as output; go 1.22+ for a setup failure), a cached package, and a test in a package that later
#: fails: go 1.19 here writes build errors as plain text, so these are written out as test2json documents them.
JSON_BUILD = "".join(
    json.dumps(event, ensure_ascii=False) + "\n"
    for event in [
        {"ImportPath": f"{_BROKEN} [{_BROKEN}.test]", "Action": "build-output", "Output": f"# {_BROKEN}\n"},
        {"ImportPath": f"{_BROKEN} [{_BROKEN}.test]", "Action": "build-output", "Output": "x_test.go:5:33: 未定义\n"},
        {"ImportPath": f"{_BROKEN} [{_BROKEN}.test]", "Action": "build-fail"},
        {"Action": "start", "Package": "example.com/c"},
        {"Action": "output", "Package": "example.com/c", "Output": "ok  \texample.com/c\t(cached)\n"},
        {"Action": "pass", "Package": "example.com/c", "Elapsed": 0},
        {"Action": "start", "Package": "example.com/s"},
        {"Action": "run", "Package": "example.com/s", "Test": "TestS"},
        {"Action": "output", "Package": "example.com/s", "Test": "TestS", "Output": "=== RUN   TestS\n"},
        {"Action": "output", "Package": "example.com/s", "Output": "FAIL\texample.com/s [setup failed]\n"},
        {"Action": "fail", "Package": "example.com/s", "Elapsed": 0.1},
        {"Action": "start", "Package": _BROKEN},
        {"Action": "output", "Package": _BROKEN, "Output": f"FAIL\t{_BROKEN} [build failed]\n"},
        {"Action": "fail", "Package": _BROKEN, "Elapsed": 0, "FailedBuild": f"{_BROKEN} [{_BROKEN}.test]"},
    ]
).encode()


class Outputs(dict[str, bytes]):
    """The runs' output by name (a short repr: hypothesis prints the arguments of a failing example)."""

    def __repr__(self) -> str:
        return f"Outputs({', '.join(self)})"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.getbasetemp() / "go"
    multi = tmp_path_factory.mktemp("multi")
    for name, text in MULTI_FILES.items():
        (multi / name).parent.mkdir(parents=True, exist_ok=True)
        (multi / name).write_text(text, encoding="utf-8")
    fail = go_env(base, MOJI_FAIL="1")
    return Outputs(
        {
            "demo-v-fail": run_go(["test", "-v", "-count=1", "./..."], DEMO, fail),
            "demo-v-pass": run_go(["test", "-v", "-count=1", "./..."], DEMO, go_env(base)),
            "demo-json-fail": run_go(["test", "-json", "-count=1", "./..."], DEMO, fail),
            "demo-v-count2": run_go(["test", "-v", "-count=2", "./..."], DEMO, fail),
            "multi-v": run_go(["test", "-v", "-count=1", "./..."], multi, go_env(base)),
            "multi-json": run_go(["test", "-json", "-count=1", "./..."], multi, go_env(base)),
            "json-build": JSON_BUILD,
            # short tests by the thousand, failures among them, seven packages each run again and again (replaced)
            "bench": generate("go-test-v", 40_000, seed=3),
        }
    )


def _icon_status(panel: TestsPanel, item: QtWidgets.QTreeWidgetItem) -> Status | None:
    key = item.icon(0).cacheKey()
    return next((status for status, icon in panel._icons.items() if icon.cacheKey() == key), None)


def tree(panel: TestsPanel, parent: QtWidgets.QTreeWidgetItem | None = None) -> list[Any]:
    """Every row under ``parent`` (the root by default) as plain values: texts, colours, icon, node, alignment, rows."""
    parent = parent or panel.tree.invisibleRootItem()
    out = []
    for i in range(parent.childCount()):
        item = parent.child(i)
        assert item is not None
        out.append(
            (
                [item.text(c) for c in range(3)],
                [item.foreground(c).color().name() if item.foreground(c).style() else None for c in range(3)],
                _icon_status(panel, item),
                id(panel.node_of(item)),
                int(item.textAlignment(2)),
                tree(panel, item),
            )
        )
    return out


def expanded(panel: TestsPanel) -> set[int]:
    """The nodes whose rows are open."""
    out: set[int] = set()
    stack = [panel.tree.invisibleRootItem()]
    while stack:
        item = stack.pop()
        for i in range(item.childCount()):
            child = item.child(i)
            assert child is not None
            if child.isExpanded():
                out.add(id(panel.node_of(child)))
            stack.append(child)
    return out


def must_be_open(run: GoTestRun) -> set[int]:
    """What the panel opens by itself and nothing here closes: every package, every failed test."""
    return {id(p) for p in run.sorted_packages()} | {id(t) for t in run.tests() if t.status is Status.FAIL}


def check_same(fast: TestsPanel, simple: TestsPanel, run: GoTestRun) -> None:
    assert tree(fast) == tree(simple)
    assert fast.counts_text() == simple.counts_text()
    assert fast.counts_label.styleSheet() == simple.counts_label.styleSheet()
    assert fast.rerun_button.isEnabled() == simple.rerun_button.isEnabled()
    assert fast.shown_counts() == run.counts()
    assert expanded(simple) <= expanded(fast)  # the simple way loses the expansion of rows two levels under a move
    assert must_be_open(run) <= expanded(fast)
    # Nothing is kept for rows that are gone (a replaced package's): one entry per row shown.
    rows = sum(1 for _ in run.tests()) + len(run.sorted_packages())
    assert len(fast._items) == len(fast._nodes) == len(fast._shown) == rows
    for key, node in fast._nodes.items():
        assert fast._items[key].data(0, int(Qt.ItemDataRole.UserRole)) == key == id(node)
        assert isinstance(node, PackageNode | TestNode)


def panels(qapp: QtWidgets.QApplication, run: GoTestRun) -> tuple[TestsPanel, TestsPanel]:
    fast, simple = TestsPanel(), TestsPanel()
    simple.incremental = False
    fast.show_run(run)
    simple.show_run(run)
    return fast, simple


def feed_and_compare(
    qapp: QtWidgets.QApplication, data: bytes, cuts: list[int], refresh_at: list[int]
) -> tuple[TestsPanel, GoTestRun]:
    run = GoTestRun()
    fast, simple = panels(qapp, run)
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    refresh_after = {r % max(len(points) - 1, 1) for r in refresh_at}
    for i, (a, b) in enumerate(itertools.pairwise(points)):
        run.feed(data[a:b], a)
        if i in refresh_after:
            fast.refresh()
            simple.refresh()
            check_same(fast, simple, run)
    run.finish()
    fast.refresh()
    simple.refresh()
    check_same(fast, simple, run)
    # and the same tree as a panel that sees the finished run at once
    fresh, other = panels(qapp, run)
    assert tree(fresh) == tree(fast)
    assert fresh.counts_text() == fast.counts_text()
    let_go(simple, fresh, other)
    return fast, run


def let_go(*panels: TestsPanel) -> None:
    """Empty the panels before they go: their rows go with Qt's knowledge now, not with the widget at some later
    collection (hundreds of panels are made here, and a row's wrapper outliving its row is a wrapper a later Qt
    object at the same address could be handed)."""
    for panel in panels:
        panel.show_run(GoTestRun())


@st.composite
def stream(draw: st.DrawFn) -> tuple[list[str], bool, bool]:
    """Which runs, one after another in one terminal (a second run of a package replaces the first), CR LF or not,
    coloured or not."""
    return draw(st.lists(st.sampled_from(RUNS), min_size=1, max_size=4)), draw(st.booleans()), draw(st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stream(),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=60),
    st.lists(st.integers(0, 1000), max_size=25),
)
def test_incremental_refresh_builds_the_tree_a_full_refresh_builds(
    qapp: QtWidgets.QApplication,
    outputs: dict[str, bytes],
    parts: tuple[list[str], bool, bool],
    cuts: list[int],
    refresh_at: list[int],
) -> None:
    names, pty, colour = parts
    data = b"".join(outputs[name] for name in names)
    if colour:
        data = coloured(data)
    if pty:
        data = as_pty(data)
    fast, _ = feed_and_compare(qapp, data, cuts, refresh_at)
    let_go(fast)


def test_every_run_refreshed_often_and_twice_in_a_row(qapp: QtWidgets.QApplication, outputs: dict[str, bytes]) -> None:
    """Each real run followed by a second run of the same packages (all replaced), in reads of 97 bytes with a
    refresh after every third read; the short ones also with a refresh after every read, and in reads of 31 bytes
    (shorter than any of their lines: the tree between any two lines, each line parsed on its own) as well as 97
    (several lines a read: the fast way's own handling of events): the cases the random test draws, each crossed."""
    for name in RUNS:
        data = outputs[name] + outputs["demo-v-pass" if name.startswith("demo") else name]
        plans = [(97, 3)] if len(data) >= 20_000 else [(97, 1), (31, 1)]
        for size, every in plans:
            cuts = list(range(0, len(data), size))
            fast, run = feed_and_compare(qapp, as_pty(data), cuts, list(range(0, len(cuts), every)))
            assert run.counts().total > 0 and fast.tree.topLevelItemCount() == len(run.sorted_packages())
            let_go(fast)


def test_a_block_named_and_replaced_between_two_refreshes(
    qapp: QtWidgets.QApplication, outputs: dict[str, bytes]
) -> None:
    """A package's block shown while its name is not known, then (before the next refresh) named and replaced by a
    second run of it, and no third block begun: the first block's row goes, the second takes its package's place."""
    first, second = outputs["demo-v-fail"], outputs["demo-v-pass"]
    run = GoTestRun()
    fast, simple = panels(qapp, run)
    for data in (first, second):
        cut = data.index(b"=== RUN   TestGBK")
        for a, b in ((0, cut), (cut, len(data))):
            run.feed(data[a:b])
            fast.refresh()
            simple.refresh()
            check_same(fast, simple, run)
    run.feed(first[: first.index(b"=== RUN   TestGBK")])  # a first run shown in part
    fast.refresh()
    simple.refresh()
    run.feed(first[first.index(b"=== RUN   TestGBK") :] + second)  # then named, and replaced by the second
    fast.refresh()
    simple.refresh()
    check_same(fast, simple, run)
    assert fast.tree.topLevelItemCount() == 1 and fast.counts_text() == "7 passed, 0 failed"
    let_go(fast, simple)


def test_a_row_moves_to_the_failures_and_keeps_its_open_rows(qapp: QtWidgets.QApplication) -> None:
    """A test that fails after its siblings passed moves first; an open subtest row under a sibling stays open (the
    simple way closes it), and the moved row's own open rows open again."""
    run = GoTestRun()
    fast, simple = panels(qapp, run)
    run.feed(
        b"=== RUN   TestA\n=== RUN   TestA/x\n    --- PASS: TestA/x (0.00s)\n--- PASS: TestA (0.00s)\n"
        b"=== RUN   TestB\n=== RUN   TestB/y\n=== RUN   TestB/y/z\n"
    )
    fast.refresh()
    simple.refresh()
    for panel in (fast, simple):
        for name in ("TestA", "TestA/x", "TestB", "TestB/y"):
            item = panel.item_for(name)
            assert item is not None
            item.setExpanded(True)
    run.feed(b"        --- PASS: TestB/y/z (0.00s)\n    --- PASS: TestB/y (0.00s)\n--- FAIL: TestB (0.01s)\n")
    fast.refresh()
    simple.refresh()
    check_same(fast, simple, run)
    pending = fast.tree.topLevelItem(0)
    assert pending is not None and [pending.child(i).text(0) for i in range(2)] == ["TestB", "TestA"]  # type: ignore[union-attr]
    for name in ("TestA", "TestA/x", "TestB", "TestB/y"):
        item = fast.item_for(name)
        assert item is not None and item.isExpanded(), name
    sub = simple.item_for("TestB/y")
    assert sub is not None and not sub.isExpanded()  # what the simple way does
    let_go(fast, simple)


def test_too_many_changes_to_list_make_the_panel_look_at_everything(
    qapp: QtWidgets.QApplication, outputs: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run nobody took changes from for long (another tab's) drops the list; the next refresh looks at every node."""
    monkeypatch.setattr(run_module, "MAX_CHANGED", 20)
    data = as_pty(outputs["bench"] + outputs["multi-v"])
    run = GoTestRun()
    fast, simple = panels(qapp, run)
    half = len(data) // 2
    run.feed(data[:half], 0)
    fast.refresh()
    simple.refresh()
    check_same(fast, simple, run)
    for offset in range(half, len(data), 4096):  # far more than 20 new nodes (the bound is looked at per read)
        run.feed(data[offset : offset + 4096], offset)
    assert run._changed_overflow
    fast.refresh()
    simple.refresh()
    check_same(fast, simple, run)
    let_go(fast, simple)

    other = GoTestRun()
    for i in range(30):  # the bound is looked at once per read
        other.feed(b"=== RUN   Test%d\n" % i)
    assert other.take_changed() is None and other.take_changed() == []  # said once, then listed again
    other.feed(b"=== RUN   TestLate\n")
    assert [node.name for node in other.take_changed() or []] == ["TestLate"]
